#!/usr/bin/env python3
"""Run one scenario with the real `openai` / `anthropic` Python SDKs and print what they returned.

    python3 tests/proxy/sdk_calls.py --openai-base URL --anthropic-base URL [--bloop-key KEY]
        [--header NAME=VALUE ...] SCENARIO

Prints ONE JSON object on stdout. It holds no timestamps or random values, so running it against
tests/proxy/mock_provider.py directly and through bloop's proxy must print identical JSON.
Exit code 0 when the scenario ran as described (an expected exception counts as success),
non-zero with a message on stderr otherwise.

The clients are built with `_strict_response_validation=True`, so every response and every
stream event is validated against the SDK's pydantic types: a proxy that drops or mangles a
required field makes the SDK raise (APIResponseValidationError) instead of passing silently.
"""

import argparse
import json
import sys
import traceback

import anthropic
import openai

OPENAI_KEY = "sk-test-provider-secret-123"
ANTHROPIC_KEY = "sk-ant-test-provider-secret-456"
TIMEOUT = 10.0

CHAT_MESSAGES = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Say hello"},
]
CHAT_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]
ANTHROPIC_TOOLS = [
    {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
]


class ScenarioFailed(Exception):
    """The SDK did something the scenario does not allow."""


def check(cond, msg):
    if not cond:
        raise ScenarioFailed(msg)


def dump(model):
    return None if model is None else model.model_dump(mode="json")


# ---------------------------------------------------------------- clients


def extra_headers(args):
    """X-Bloop-Key and the --header pairs, sent on every request (None: the SDK's own only)."""
    h = dict(args.header)
    if args.bloop_key:
        h["X-Bloop-Key"] = args.bloop_key
    return h or None



def openai_client(args):
    return openai.OpenAI(
        base_url=args.openai_base,
        api_key=OPENAI_KEY,
        max_retries=0,
        timeout=TIMEOUT,
        default_headers=extra_headers(args),
        _strict_response_validation=True,
    )


def anthropic_client(args):
    return anthropic.Anthropic(
        base_url=args.anthropic_base,
        api_key=ANTHROPIC_KEY,
        max_retries=0,
        timeout=TIMEOUT,
        default_headers=extra_headers(args),
        _strict_response_validation=True,
    )


# ---------------------------------------------------------------- OpenAI chat


def chat(args):
    r = openai_client(args).chat.completions.create(model="gpt-4o-mini", messages=CHAT_MESSAGES)
    c = r.choices[0]
    return {"content": c.message.content, "model": r.model, "finish_reason": c.finish_reason, "usage": dump(r.usage)}


def chat_tools(args):
    r = openai_client(args).chat.completions.create(model="gpt-4o-mini", messages=CHAT_MESSAGES, tools=CHAT_TOOLS)
    c = r.choices[0]
    calls = c.message.tool_calls or []
    check(len(calls) == 1, f"expected one tool call, got {len(calls)}")
    return {
        "content": c.message.content,
        "tool_calls": [{"id": t.id, "name": t.function.name, "arguments": t.function.arguments} for t in calls],
        "finish_reason": c.finish_reason,
        "model": r.model,
        "usage": dump(r.usage),
    }


def chat_stream(args):
    stream = openai_client(args).chat.completions.create(model="gpt-4o-mini", messages=CHAT_MESSAGES, stream=True)
    chunks, text = [], []
    for chunk in stream:
        # Typical client code: index choices[0] on every chunk. An unexpected usage-only chunk
        # (empty choices, e.g. injected by a proxy and not removed) makes this raise IndexError.
        choice = chunk.choices[0]
        content = choice.delta.content
        check(chunk.usage is None, f"chunk carries usage although none was asked for: {dump(chunk.usage)}")
        chunks.append(
            {
                "choices": len(chunk.choices),
                "content": content,
                "finish_reason": choice.finish_reason,
                "usage": dump(chunk.usage),
                "model": chunk.model,
            }
        )
        if content:
            text.append(content)
    check(chunks, "the stream produced no chunks")
    return {"chunks": chunks, "text": "".join(text)}


def chat_stream_usage(args):
    stream = openai_client(args).chat.completions.create(
        model="gpt-4o-mini", messages=CHAT_MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks, text = [], []
    for chunk in stream:
        choice = chunk.choices[0] if chunk.choices else None
        content = choice.delta.content if choice else None
        chunks.append(
            {
                "choices": len(chunk.choices),
                "content": content,
                "finish_reason": choice.finish_reason if choice else None,
                "usage": dump(chunk.usage),
                "model": chunk.model,
            }
        )
        if content:
            text.append(content)
    check(chunks, "the stream produced no chunks")
    last = chunks[-1]
    check(last["usage"] is not None and last["choices"] == 0, "the last chunk is not a usage-only chunk")
    check(all(c["usage"] is None for c in chunks[:-1]), "a chunk before the last one carries usage")
    return {"chunks": chunks, "text": "".join(text), "usage": last["usage"]}


# ---------------------------------------------------------------- OpenAI responses


def responses(args):
    r = openai_client(args).responses.create(model="gpt-4o-mini", input="Say hello")
    return {"id": r.id, "status": r.status, "model": r.model, "output_text": r.output_text, "usage": dump(r.usage)}


def responses_stream(args):
    stream = openai_client(args).responses.create(model="gpt-4o-mini", input="Say hello", stream=True)
    types, deltas, seqs, final = [], [], [], None
    for event in stream:
        types.append(event.type)
        seqs.append(event.sequence_number)
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.completed":
            final = event.response
    check(final is not None, "no response.completed event")
    check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), f"sequence numbers not increasing: {seqs}")
    return {
        "events": types,
        "text": "".join(deltas),
        "output_text": final.output_text,
        "model": final.model,
        "usage": dump(final.usage),
    }


# ---------------------------------------------------------------- Anthropic messages


def _messages_kwargs(**extra):
    return dict(
        model="claude-3-5-sonnet-latest",
        max_tokens=100,
        system="You are terse.",
        messages=[{"role": "user", "content": "Say hello"}],
        metadata={"user_id": "user-42"},
        **extra,
    )


def messages(args):
    m = anthropic_client(args).messages.create(**_messages_kwargs())
    return {
        "id": m.id,
        "content": [dump(b) for b in m.content],
        "model": m.model,
        "stop_reason": m.stop_reason,
        "usage": dump(m.usage),
    }


def messages_tools(args):
    m = anthropic_client(args).messages.create(**_messages_kwargs(tools=ANTHROPIC_TOOLS))
    uses = [b for b in m.content if b.type == "tool_use"]
    check(len(uses) == 1, f"expected one tool_use block, got {len(uses)}")
    return {
        "tool_uses": [{"id": b.id, "name": b.name, "input": b.input} for b in uses],
        "model": m.model,
        "stop_reason": m.stop_reason,
        "usage": dump(m.usage),
    }


def messages_stream(args):
    types, text = [], []
    with anthropic_client(args).messages.stream(**_messages_kwargs()) as stream:
        for event in stream:
            types.append(event.type)
            if event.type == "content_block_delta" and event.delta.type == "text_delta":
                text.append(event.delta.text)
        final = stream.get_final_message()
    return {
        "events": types,
        "text": "".join(text),
        "content": [dump(b) for b in final.content],
        "model": final.model,
        "stop_reason": final.stop_reason,
        "usage": dump(final.usage),
    }


# ---------------------------------------------------------------- errors, timeouts, disconnects


def _expect_status_error(call, expected_cls):
    try:
        call()
    except expected_cls as e:
        body = e.body
        if isinstance(body, dict) and isinstance(body.get("error"), dict):  # anthropic keeps the envelope
            body = body["error"]
        message = body.get("message") if isinstance(body, dict) else None
        return {
            "exception": type(e).__name__,
            "status": e.status_code,
            "message": message,
            "retry_after": e.response.headers.get("retry-after"),
        }
    raise ScenarioFailed(f"expected {expected_cls.__name__}, but the call succeeded")


def _openai_error(args, model, cls):
    c = openai_client(args)
    return _expect_status_error(lambda: c.chat.completions.create(model=model, messages=CHAT_MESSAGES), cls)


def _anthropic_error(args, model, cls):
    c = anthropic_client(args)
    kwargs = _messages_kwargs()
    kwargs["model"] = model
    return _expect_status_error(lambda: c.messages.create(**kwargs), cls)


def error_429_openai(args):
    return _openai_error(args, "error-429", openai.RateLimitError)


def error_500_openai(args):
    return _openai_error(args, "error-500", openai.InternalServerError)


def error_429_anthropic(args):
    return _anthropic_error(args, "error-429", anthropic.RateLimitError)


def error_500_anthropic(args):
    return _anthropic_error(args, "error-500", anthropic.InternalServerError)


def stall(args):
    # Directly against the mock this is the SDK's own timeout (APITimeoutError, no status);
    # through the proxy it may instead be the proxy's gateway error (e.g. 504).
    try:
        openai_client(args).chat.completions.create(model="stall", messages=CHAT_MESSAGES)
    except (openai.APITimeoutError, openai.APIStatusError) as e:
        return {"exception": type(e).__name__, "status": getattr(e, "status_code", None)}
    raise ScenarioFailed("expected a timeout or an error status, but the call succeeded")


def disconnect(args):
    stream = openai_client(args).chat.completions.create(model="slow-stream", messages=CHAT_MESSAGES, stream=True)
    read = 0
    for _chunk in stream:
        read += 1
        if read == 3:
            break
    stream.close()  # closes the HTTP response: the connection goes away mid-stream
    check(read == 3, f"the stream ended after {read} chunks")
    return {"read": read}


def models(args):
    page = openai_client(args).models.list()
    return {"ids": [m.id for m in page.data]}


SCENARIOS = {
    f.__name__: f
    for f in [
        chat,
        chat_tools,
        chat_stream,
        chat_stream_usage,
        responses,
        responses_stream,
        messages,
        messages_tools,
        messages_stream,
        error_429_openai,
        error_500_openai,
        error_429_anthropic,
        error_500_anthropic,
        stall,
        disconnect,
        models,
    ]
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--openai-base", required=True, help="e.g. http://127.0.0.1:PORT/v1")
    ap.add_argument("--anthropic-base", required=True, help="e.g. http://127.0.0.1:PORT (the SDK adds /v1/messages)")
    ap.add_argument("--bloop-key", default=None, help="sent as X-Bloop-Key on every request")
    ap.add_argument(
        "--header",
        action="append",
        default=[],
        type=lambda kv: tuple(kv.split("=", 1)),
        metavar="NAME=VALUE",
        help="one more header on every request (e.g. X-Bloop-Trace-Name=chat); repeatable",
    )
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    args = ap.parse_args()
    try:
        result = SCENARIOS[args.scenario](args)
    except ScenarioFailed as e:
        print(f"sdk_calls.py {args.scenario}: FAILED: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # an SDK error, a validation error, an IndexError on choices[0]...
        traceback.print_exc()
        print(f"sdk_calls.py {args.scenario}: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
