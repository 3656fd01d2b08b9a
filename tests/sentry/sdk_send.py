"""Drives the real sentry-sdk (tests/requirements.txt) against a bloop DSN, as an app would.

    python3 tests/sentry/sdk_send.py DSN MODE [--no-brotli]

MODE: `exceptions` (two ValueErrors raised at the same line with different numbers, captured),
`message` (capture_message), `unhandled` (an uncaught ZeroDivisionError: the SDK's excepthook
sends it as the process dies), `transaction` (traces_sample_rate=1.0, one transaction, no error).
--no-brotli hides the brotli module so the SDK compresses with gzip instead of br.
With SENTRY_EVENT_FILE set, the last error event the SDK sends is also written there as JSON
(what `bloop fingerprint` reads offline).
"""
import json
import os
import sys

if "--no-brotli" in sys.argv:
    sys.modules["brotli"] = None  # the SDK then falls back to gzip

import sentry_sdk  # noqa: E402

dsn, mode = sys.argv[1], sys.argv[2]
event_file = os.environ.get("SENTRY_EVENT_FILE")


def keep_copy(event, hint):
    if event_file:
        with open(event_file, "w") as f:
            json.dump(event, f, default=str)
    return event


sentry_sdk.init(
    before_send=keep_copy,
    dsn=dsn,
    release="shop@2.0.1",
    environment="staging",
    traces_sample_rate=1.0 if mode == "transaction" else 0.0,
    shutdown_timeout=5,
)
sentry_sdk.set_tag("region", "eu-west")
sentry_sdk.set_user({"id": "user-42"})


def charge(amount):
    raise ValueError("bad amount %d for order" % amount)


if mode == "exceptions":
    for amount in (17, 99):
        try:
            charge(amount)
        except ValueError as e:
            sentry_sdk.capture_exception(e)
elif mode == "message":
    sentry_sdk.capture_message("disk almost full on volume 3")
elif mode == "unhandled":
    print(1 / 0)
elif mode == "transaction":
    with sentry_sdk.start_transaction(op="task", name="nightly-report"):
        with sentry_sdk.start_span(op="db", description="select"):
            pass
else:
    raise SystemExit("unknown mode " + mode)
sentry_sdk.flush(timeout=5)
