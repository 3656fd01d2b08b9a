#!/usr/bin/env python3
"""Trace ingest benchmark for `bloop serve`: spans persisted per second through bloop's JSON trace
API (batches of 20 traces of 5 spans, signed) and through OTLP/HTTP protobuf (the same shape, as
OpenTelemetry's Python exporter encodes it), with 0 loss checked and the server's peak RSS.

Every trace id is new (a re-sent id replaces its trace, which would be a different benchmark).
The bodies are built and signed before the timed window (a pool big enough for DURATION at
40,000 spans/s; each run gets a fresh server, so the pool is reused), so the generator's Python
does not compete with the server for the 2 cores while it is measured; CLIENTS threads then send
them. The time counted runs until the server has written everything it acknowledged (its trace
queue is empty), so queued spans are not counted as persisted early. Prints a markdown table; RUNS runs per scenario (default 3), the median run
by persisted rate is the row. Needs the release build and, for OTLP, opentelemetry-proto (pulled
in by tests/requirements.txt).

    cargo build --release && python3 bench/traces.py
"""
import hashlib, hmac, http.client, json, os, sqlite3, subprocess, sys, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, SECRET, RUNS)

DURATION = int(os.environ.get("DURATION", "20"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
TRACES, SPANS = 20, 5
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "claude-3-5-haiku-20241022"]
STARTED_MS = int(time.time() * 1000)


def json_body(n):
    traces = []
    for t in range(TRACES):
        tid = "bench-%d-%d" % (n, t)
        spans = [{"id": "s%d" % k, "parent_span_id": "s0" if k else None,
                  "span_type": "generation" if k < 3 else "tool",
                  "name": "chat" if k < 3 else "lookup", "model": MODELS[(n + k) % 4] if k < 3 else None,
                  "provider": "openai" if (n + k) % 4 < 2 else "anthropic",
                  "input_tokens": 800 + k, "output_tokens": 150, "cache_read_tokens": 100,
                  "latency_ms": 300 + (n * 7 + k * 13) % 900, "time_to_first_token_ms": 80,
                  "started_at": STARTED_MS + k} for k in range(SPANS)]
        traces.append({"id": tid, "session_id": "sess-%d" % (n % 500), "user_id": "u%d" % (n % 900),
                       "name": "support answer", "prompt_name": "support", "prompt_version": str(n % 3),
                       "started_at": STARTED_MS, "spans": spans})
    return json.dumps({"traces": traces}, separators=(",", ":")).encode()


def otlp_body(n):
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    req = ExportTraceServiceRequest()
    rs = req.resource_spans.add()
    rs.resource.attributes.append(KeyValue(key="service.name", value=AnyValue(string_value="bench")))
    ss = rs.scope_spans.add()
    ss.scope.name = "bench"
    start_ns = STARTED_MS * 1_000_000
    for t in range(TRACES):
        trace_id = hashlib.md5(b"%d-%d" % (n, t)).digest()
        for k in range(SPANS):
            sp = ss.spans.add()
            sp.trace_id = trace_id
            sp.span_id = (k + 1).to_bytes(8, "big")
            if k:
                sp.parent_span_id = (1).to_bytes(8, "big")
            sp.name = "chat" if k < 3 else "lookup"
            sp.kind = 3
            sp.start_time_unix_nano = start_ns + k * 1_000_000
            sp.end_time_unix_nano = start_ns + (300 + (n * 7 + k * 13) % 900) * 1_000_000
            attrs = [("gen_ai.conversation.id", "sess-%d" % (n % 500))]
            if k < 3:
                attrs += [("gen_ai.operation.name", "chat"), ("gen_ai.request.model", MODELS[(n + k) % 4]),
                          ("gen_ai.provider.name", "openai" if (n + k) % 4 < 2 else "anthropic")]
            else:
                attrs += [("gen_ai.operation.name", "execute_tool")]
            for key, v in attrs:
                sp.attributes.append(KeyValue(key=key, value=AnyValue(string_value=v)))
            if k < 3:
                for key, v in [("gen_ai.usage.input_tokens", 800 + k), ("gen_ai.usage.output_tokens", 150)]:
                    sp.attributes.append(KeyValue(key=key, value=AnyValue(int_value=v)))
    return req.SerializeToString()


def pool(kind):
    """Pre-built (path, body, headers-without-key) for the timed window."""
    n = max(50, DURATION * 40_000 // (TRACES * SPANS))
    out = []
    for i in range(n):
        if kind == "json":
            body = json_body(i)
            sig = hmac.new(bench.SECRET.encode(), body, hashlib.sha256).hexdigest()
            out.append(("/v1/traces/batch", body, {"Content-Type": "application/json", "X-Signature": sig}))
        else:
            out.append(("/otlp/v1/traces", otlp_body(i), {"Content-Type": "application/x-protobuf"}))
    return out


def load(url, kind, key, secs, bodies):
    """Runs CLIENTS threads for `secs` (or until the pool is used up); returns (spans
    acknowledged, failed requests)."""
    u = urllib.parse.urlparse(url)
    counter = iter(range(len(bodies)))
    lock = threading.Lock()
    acked, failed = [0], [0]
    deadline = time.time() + secs

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        while time.time() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            path, body, headers = bodies[n]
            if key:
                headers = dict(headers, Authorization="Bearer " + key)
            try:
                conn.request("POST", path, body, headers)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            with lock:
                if ok:
                    acked[0] += TRACES * SPANS
                else:
                    failed[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acked[0], failed[0]


def run(kind):
    print("building %s bodies …" % kind, file=sys.stderr, flush=True)
    bodies = pool(kind)
    runs = []
    for i in range(bench.RUNS):
        s = bench.Server()
        try:
            key = ""
            if kind == "otlp":
                out = subprocess.run([bench.BIN, "projects", "create", "Bench", "--json"], capture_output=True,
                                     text=True, env=dict(os.environ, BLOOP__DATABASE__PATH=s.db), check=True)
                key = json.loads(out.stdout)["key"]["key"]
            t0 = time.time()
            acked, failed = load(s.url, kind, key, DURATION, bodies)
            for _ in range(4000):
                if s.health().get("llm", {}).get("queue_depth", 0) == 0:
                    break
                time.sleep(0.005)
            secs = time.time() - t0
            hwm = s.hwm_kb()
            s.stop()
            c = sqlite3.connect(s.db)
            stored = c.execute("select count(*) from llm_spans").fetchone()[0]
            c.close()
            row = {"persisted_per_s": min(stored, acked) / secs, "acked": acked, "stored": stored,
                   "lost": max(0, acked - stored), "failed": failed, "rss_mb": hwm / 1024}
            print("  %s run %d: %s" % (kind, i + 1, row), file=sys.stderr, flush=True)
            runs.append(row)
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()
    runs.sort(key=lambda r: r["persisted_per_s"])
    row = dict(runs[(len(runs) - 1) // 2])
    row["range"] = (runs[0]["persisted_per_s"], runs[-1]["persisted_per_s"])
    return row


def main():
    only = os.environ.get("ONLY", "")
    rows = [(k, run(k)) for k in ("json", "otlp") if only in k]
    print("\n| traces of %d spans, batches of %d, %d clients, %d s | spans persisted/s (median of %d; range) | lost | failed requests | peak RSS MB |"
          % (SPANS, TRACES, CLIENTS, DURATION, bench.RUNS))
    print("|---|---|---|---|---|")
    names = {"json": "bloop JSON (`POST /v1/traces/batch`, signed)", "otlp": "OTLP/HTTP protobuf (`/otlp/v1/traces`)"}
    for k, r in rows:
        print("| %s | %s (%s–%s) | %d | %d | %.1f |" % (names[k], bench.thousands(r["persisted_per_s"]),
              bench.thousands(r["range"][0]), bench.thousands(r["range"][1]), r["lost"], r["failed"], r["rss_mb"]))


if __name__ == "__main__":
    main()
