#!/usr/bin/env python3
"""Sentry protocol benchmark: gzip envelopes of ~3 KB error events (as sentry-sdk sends them) into
`bloop serve`, unpaced, and the same with JavaScript events whose frames resolve through a real
1.7 MB source map (the @sentry/node bundle, esbuild --minify, uploaded with
`bloop sourcemaps upload`). Prints the README's table: each row is the run with the median
persisted rate of RUNS. Needs the release build, wrk, and tests/sentry/js's node_modules (for
esbuild; installed here when missing).

    CARGO_TARGET_DIR=… RUNS=3 python3 bench/sentry.py
"""
import gzip, json, os, random, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, the binary, RUNS, formatting)

ROOT = bench.ROOT
JS = os.path.join(ROOT, "tests", "sentry", "js")
SECS = int(os.environ.get("DURATION", "0")) or 20
KINDS = 1000
N_BODIES = 2000


def python_event(i):
    """A Python exception event of about 3 KB, as sentry-sdk builds one."""
    k = i % KINDS
    frames = [{"filename": "django/core/handlers/%s.py" % m, "abs_path": "/usr/lib/python3/site-packages/django/core/handlers/%s.py" % m,
               "function": f, "module": "django.core.handlers.%s" % m, "lineno": 40 + j, "in_app": False,
               "context_line": "    response = %s(request)" % f, "pre_context": ["", "def inner(request):"], "post_context": ["    return response", ""]}
              for j, (m, f) in enumerate([("exception", "inner"), ("base", "_get_response"), ("base", "view"), ("exception", "wrapped")])]
    frames += [{"filename": "shop/views.py", "abs_path": "/srv/shop/views.py", "function": "checkout_%d" % k,
                "module": "shop.views", "lineno": 120 + k % 40, "in_app": True, "context_line": "    total = charge(order)",
                "vars": {"order": "<Order %d>" % i, "request": "<WSGIRequest: POST '/checkout'>"}},
               {"filename": "shop/payments.py", "abs_path": "/srv/shop/payments.py", "function": "charge",
                "module": "shop.payments", "lineno": 57, "in_app": True,
                "context_line": "    raise PaymentError('card declined for order %d' % order.id)",
                "vars": {"amount": str(i % 997), "currency": "EUR", "attempt": str(i % 3)}}]
    return {
        "event_id": "%032x" % random.getrandbits(128), "timestamp": time.time(), "platform": "python",
        "level": "error", "logger": "shop.payments", "server_name": "web-%d" % (i % 8),
        "release": "shop@2.%d.0" % (k % 5), "environment": "production",
        "exception": {"values": [{"type": "PaymentError%d" % (k % 50), "value": "card declined for order %d (kind %d)" % (i, k),
                                  "module": "shop.payments", "mechanism": {"type": "django", "handled": False},
                                  "stacktrace": {"frames": frames}}]},
        "tags": {"region": "eu-west-1", "shard": str(k % 16), "plan": ["free", "pro", "team"][i % 3]},
        "user": {"id": "user-%d" % (i % 5000), "ip_address": "10.1.%d.%d" % (i % 250, i % 200)},
        "request": {"url": "https://shop.example.com/checkout/%d" % k, "method": "POST",
                    "headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)", "Accept": "text/html", "Host": "shop.example.com"},
                    "query_string": "step=pay"},
        "contexts": {"runtime": {"name": "CPython", "version": "3.12.3"}, "os": {"name": "Linux"},
                     "trace": {"trace_id": "%032x" % random.getrandbits(128), "span_id": "%016x" % random.getrandbits(64)}},
        "breadcrumbs": {"values": [{"timestamp": time.time() - 5 + b, "category": "query", "level": "info",
                                    "message": "SELECT * FROM orders WHERE id = %d" % (i + b)} for b in range(6)]},
        "sdk": {"name": "sentry.python.django", "version": "2.75.0"},
    }


def js_event(i, bundle_url, lines):
    """A browser error whose frames are positions in the minified bundle."""
    k = i % KINDS
    rnd = random.Random(k)
    frames = []
    for _ in range(8):
        # Positions in the code, not in license comments: lines weighted by their length.
        line = rnd.choices(range(len(lines)), weights=lines)[0]
        col = rnd.randrange(max(1, lines[line]))
        frames.append({"abs_path": bundle_url, "filename": bundle_url, "function": rnd.choice("abcdefgh"),
                       "lineno": line + 1, "colno": col + 1, "in_app": True})
    return {
        "event_id": "%032x" % random.getrandbits(128), "timestamp": time.time(), "platform": "javascript",
        "level": "error", "release": "web@1.0.0", "environment": "production",
        "exception": {"values": [{"type": "TypeError", "value": "Cannot read properties of undefined (reading 'x%d')" % k,
                                  "stacktrace": {"frames": frames}}]},
        "tags": {"browser": "Chrome 131", "os": "Windows 11"},
        "request": {"url": "https://app.example.com/page/%d" % (k % 40), "headers": {"User-Agent": "Mozilla/5.0"}},
        "breadcrumbs": {"values": [{"timestamp": time.time() - 3, "category": "ui.click", "message": "button#save"}]},
        "sdk": {"name": "sentry.javascript.browser", "version": "10.0.0"},
    }


def envelope(ev):
    header = json.dumps({"event_id": ev["event_id"], "sent_at": "2026-12-01T00:00:00Z"})
    payload = json.dumps(ev, separators=(",", ":"))
    item = json.dumps({"type": "event", "length": len(payload.encode())})
    return ("%s\n%s\n%s\n" % (header, item, payload)).encode(), len(payload.encode())


def write_bodies(events, work, name):
    raw_sizes, sizes = [], []
    with open(os.path.join(work, name + ".bin"), "wb") as f, open(os.path.join(work, name + ".len"), "w") as lf:
        for ev in events:
            body, event_bytes = envelope(ev)
            z = gzip.compress(body, 6)
            f.write(z)
            lf.write("%d\n" % len(z))
            raw_sizes.append(event_bytes)
            sizes.append(len(z))
    return os.path.join(work, name + ".bin"), os.path.join(work, name + ".len"), sum(raw_sizes) / len(raw_sizes), sum(sizes) / len(sizes)


def source_map(work):
    """The @sentry/node bundle built with esbuild: (bundle dir, line lengths, map bytes)."""
    if not os.path.exists(os.path.join(JS, "node_modules", "esbuild")):
        subprocess.run(["npm", "ci", "--prefix", JS, "--no-audit", "--no-fund"], check=True)
    out = os.path.join(work, "static", "js")
    os.makedirs(out, exist_ok=True)
    subprocess.run([os.path.join(JS, "node_modules", ".bin", "esbuild"),
                    os.path.join(JS, "node_modules", "@sentry", "node", "build", "cjs", "index.js"),
                    "--bundle", "--minify", "--sourcemap", "--sources-content=false", "--platform=node",
                    "--outfile=" + os.path.join(out, "bundle.min.js"), "--log-level=error"], check=True)
    with open(os.path.join(out, "bundle.min.js")) as f:
        lines = [len(l) for l in f.read().split("\n")]
    return out, lines, os.path.getsize(os.path.join(out, "bundle.min.js.map"))


def cli(server, *args):
    r = subprocess.run([bench.BIN] + list(args), capture_output=True, text=True,
                       env=dict(os.environ, BLOOP__DATABASE__PATH=server.db))
    if r.returncode != 0:
        raise SystemExit("bloop %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


def run(name, bodies, lengths, conns, upload_dir=None):
    runs = []
    for n in range(bench.RUNS):
        s = bench.Server(extra_env={"BLOOP__RATE_LIMIT__DSN_PER_SECOND": "0"})
        try:
            key = json.loads(cli(s, "keys", "create", "--project", "default", "--dsn", "--json"))
            if upload_dir:
                cli(s, "sourcemaps", "upload", "--project", "default", "--release", "web@1.0.0",
                    "--url-prefix", "~/static/js", upload_dir)
            env = {"LENGTHS": lengths, "TARGET": "/api/%s/envelope/" % key["dsn"].rsplit("/", 1)[1],
                   "AUTH": "Sentry sentry_version=7, sentry_client=bench/1.0, sentry_key=%s" % key["key"]}
            ticks0, t0 = s.cpu_ticks(), time.time()
            r = bench.wrk(s.url, bodies, conns, SECS, script="sentry.lua", env=env)
            wall = time.time() - t0
            cpu = (s.cpu_ticks() - ticks0) / os.sysconf("SC_CLK_TCK") / wall
            acked = r["requests"] - r["non2xx"]
            dropped = s.settle()
            hwm = s.hwm_kb()
            s.stop()
            stored = s.persisted()
            secs = r["duration_us"] / 1e6
            resolved = None
            if upload_dir:
                c = sqlite3.connect(s.db)
                resolved = c.execute("SELECT count(*) FROM events WHERE frames LIKE '%\"minified\"%'").fetchone()[0]
                c.close()
            row = {"acked_per_s": acked / secs, "persisted_per_s": min(stored, acked) / secs,
                   "lost": max(0, acked - dropped - stored), "refused_429": r["non2xx"], "errors": r["errors"],
                   "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000, "cpu": cpu, "peak_rss_mb": hwm / 1024,
                   "resolved": resolved, "stored": stored}
            runs.append(row)
            print("  %s, run %d of %d: acked %.0f/s, persisted %.0f/s, lost %d, 429 %d%s" % (
                name, n + 1, bench.RUNS, row["acked_per_s"], row["persisted_per_s"], row["lost"], row["refused_429"],
                "" if resolved is None else ", events with resolved frames %d of %d" % (resolved, stored)),
                file=sys.stderr, flush=True)
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()
    runs.sort(key=lambda x: x["persisted_per_s"])
    row = dict(runs[(len(runs) - 1) // 2])
    row["name"] = name
    row["range"] = (runs[0]["persisted_per_s"], runs[-1]["persisted_per_s"])
    return row


def main():
    work = tempfile.mkdtemp(prefix="bloop-sentry-bench-")
    py = [python_event(i) for i in range(N_BODIES)]
    pb, pl, py_raw, py_gz = write_bodies(py, work, "python")
    rows = [run("Python events, gzip envelopes, c=64", pb, pl, 64)]
    upload_dir, lines, map_bytes = source_map(work)
    js = [js_event(i, "https://app.example.com/static/js/bundle.min.js", lines) for i in range(N_BODIES)]
    jb, jl, js_raw, js_gz = write_bodies(js, work, "js")
    rows.append(run("JS events resolved through a %.1f MB source map, c=64" % (map_bytes / 1e6), jb, jl, 64, upload_dir))
    print("\n<!-- printed by bench/sentry.py: paste as is -->")
    print("| scenario | acked ev/s | persisted ev/s | lost | 429 answers | p50 ms | p99 ms | server CPU | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %d | %d | %s | %s | %.0f%% | %.1f |" % (
            r["name"], bench.thousands(r["acked_per_s"]), bench.thousands(r["persisted_per_s"]), r["lost"],
            r["refused_429"], bench.ms(r["p50_ms"]), bench.ms(r["p99_ms"]), r["cpu"] * 100, r["peak_rss_mb"]))
    print()
    print("Python events %.1f KB as JSON (%.1f KB gzipped), 9 frames, tags, request, contexts, 6 breadcrumbs, "
          "%d issues; JS events %.1f KB (%.1f KB gzipped), 8 minified frames each. Each row is the run with the "
          "median persisted rate of %d (%d s each); persisted ev/s across runs: %s." % (
              py_raw / 1024, py_gz / 1024, KINDS, js_raw / 1024, js_gz / 1024, bench.RUNS, SECS,
              "; ".join("%s–%s" % (bench.thousands(r["range"][0]), bench.thousands(r["range"][1])) for r in rows)))
    js_row = rows[1]
    if js_row["resolved"] is not None:
        print("Events of the source-map run stored with resolved frames: %d of %d." % (js_row["resolved"], js_row["stored"]))


if __name__ == "__main__":
    main()
