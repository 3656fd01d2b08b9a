#!/usr/bin/env python3
"""LLM query benchmark: the `/v1/llm/*` queries on a database of SPANS spans (default 1,000,000)
with real-life skew, through a release `bloop serve`.

The data goes in through the JSON trace API (signed batches of 20 traces), so rollups,
histograms and the search index are exactly what ingest builds: traces of 5 spans (two
generations, a tool call, a retrieval, an agent step) spread over DAYS days (default 7) back from
now; 10 models with Zipf-like weights (the top one carries ~35 % of calls), 20,000 sessions,
5,000 users, 5 prompts × 4 versions, log-normal latencies, ~2 % errors. Every query then runs
WARMUP + RUNS times (default 3 + 20) on one keep-alive connection; the table shows the median
and p95 in ms, and the server's peak RSS.

    cargo build --release && python3 bench/llm_queries.py
    KEEP=/var/tmp/llm-1m.db python3 bench/llm_queries.py   # seed once, reuse the database
"""
import hashlib, hmac, http.client, json, math, os, random, shutil, sqlite3, statistics, subprocess
import sys, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, SECRET, BIN)

SPANS = int(os.environ.get("SPANS", "1000000"))
DAYS = int(os.environ.get("DAYS", "7"))
RUNS = int(os.environ.get("RUNS", "20"))
WARMUP = int(os.environ.get("WARMUP", "3"))
CLIENTS = int(os.environ.get("CLIENTS", "6"))
KEEP = os.environ.get("KEEP", "")
PER_TRACE, PER_BATCH = 5, 20
NOW_MS = int(time.time() * 1000)
MODELS = [("gpt-4o-mini", "openai"), ("gpt-4o", "openai"), ("claude-3-5-sonnet-20241022", "anthropic"),
          ("claude-3-5-haiku-20241022", "anthropic"), ("gpt-4.1", "openai"), ("o3-mini", "openai"),
          ("gemini-1.5-pro", "google"), ("gemini-1.5-flash", "google"), ("gpt-4-turbo", "openai"),
          ("house-finetune-v2", "openai")]
WEIGHTS = [1.0 / (i + 1) ** 1.1 for i in range(len(MODELS))]
PROMPTS = ["support", "summarise", "classify", "extract", "translate"]
WORDS = ["refund", "parcel", "invoice", "password", "delivery", "timeout", "upgrade", "cancel"]


def trace(rng, n):
    start = NOW_MS - rng.randrange(DAYS * 86_400_000) - 60_000
    model = rng.choices(MODELS, WEIGHTS)[0]
    err = rng.random() < 0.02
    lat = lambda mu: int(math.exp(rng.gauss(mu, 0.6)))  # noqa: E731
    gen1, gen2 = lat(6.5), lat(6.8)
    spans = [
        {"id": "plan", "name": "plan", "model": model[0], "provider": model[1],
         "input_tokens": rng.randrange(200, 4000), "output_tokens": rng.randrange(20, 600),
         "cache_read_tokens": rng.choice([0, 0, 128, 1024]), "latency_ms": gen1,
         "time_to_first_token_ms": max(1, gen1 // 5), "started_at": start},
        {"id": "tool", "parent_span_id": "plan", "span_type": "tool",
         "name": rng.choice(["lookup_order", "get_weather", "search_kb", "create_ticket"]),
         "latency_ms": lat(4.0), "started_at": start + gen1,
         "status": "error" if err else "ok",
         "error_message": "upstream timeout after 30s" if err else None},
        {"id": "ret", "parent_span_id": "plan", "span_type": "retrieval", "name": "vector_search",
         "latency_ms": lat(3.5), "started_at": start + gen1 + 5},
        {"id": "answer", "parent_span_id": "plan", "name": "answer %s" % rng.choice(WORDS),
         "model": model[0], "provider": model[1],
         "input_tokens": rng.randrange(500, 6000), "output_tokens": rng.randrange(50, 900),
         "latency_ms": gen2, "time_to_first_token_ms": max(1, gen2 // 6), "started_at": start + gen1 + 40},
        {"id": "agent", "span_type": "agent", "name": "agent loop", "latency_ms": gen1 + gen2 + 60,
         "started_at": start},
    ]
    for s in spans:
        if s.get("error_message") is None:
            s.pop("error_message", None)
    prompt = rng.choice(PROMPTS)
    return {"id": "t%d" % n, "name": "%s request" % prompt, "session_id": "s%d" % rng.randrange(20_000),
            "user_id": "u%d" % rng.randrange(5_000), "prompt_name": prompt,
            "prompt_version": str(rng.randrange(1, 5)), "status": "error" if err else "completed",
            "started_at": start, "ended_at": start + gen1 + gen2 + 60, "spans": spans}


def seed(url):
    traces = SPANS // PER_TRACE
    batches = (traces + PER_BATCH - 1) // PER_BATCH
    u = urllib.parse.urlparse(url)
    next_batch = iter(range(batches))
    lock = threading.Lock()
    failed = []

    def worker(i):
        rng = random.Random(i)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        while True:
            with lock:
                b = next(next_batch, None)
            if b is None:
                return
            body = json.dumps({"traces": [trace(rng, b * PER_BATCH + k)
                                          for k in range(PER_BATCH) if b * PER_BATCH + k < traces]},
                              separators=(",", ":")).encode()
            sig = hmac.new(bench.SECRET.encode(), body, hashlib.sha256).hexdigest()
            while True:
                conn.request("POST", "/v1/traces/batch", body,
                             {"content-type": "application/json", "x-signature": sig})
                r = conn.getresponse()
                r.read()
                if r.status == 503:  # back-pressure: the queue is full, try again shortly
                    time.sleep(0.05)
                    continue
                if r.status != 200:
                    failed.append(r.status)
                break

    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit("seeding failed: %d requests refused (%s)" % (len(failed), failed[:5]))
    return time.time() - t0


def wait_spans(db, n, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        c = sqlite3.connect(db)
        have = c.execute("select count(*) from llm_spans").fetchone()[0]
        c.close()
        if have >= n:
            return have
        time.sleep(0.5)
    raise SystemExit("only %d of %d spans written" % (have, n))


def token(db):
    env = dict(os.environ, BLOOP__DATABASE__PATH=db)
    out = subprocess.run([bench.BIN, "tokens", "create", "--name", "bench-%d" % time.time_ns(),
                          "--scopes", "llm:read", "--json"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["token"]


def time_query(url, tok, path):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    times = []
    for i in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"authorization": "Bearer " + tok})
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit("%s answered %d: %s" % (path, r.status, body[:300]))
        if i >= WARMUP:
            times.append(dt)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(body)


QUERIES = [
    ("overview, 24 h", "/v1/llm/overview"),
    ("overview, 7 d", "/v1/llm/overview?since=7d"),
    ("usage, 24 h hourly by model", "/v1/llm/usage?since=24h&bucket=hour"),
    ("usage, 7 d daily by model", "/v1/llm/usage?since=7d&bucket=day"),
    ("usage, 7 d daily by prompt", "/v1/llm/usage?since=7d&bucket=day&by=prompt"),
    ("latency + TTFT per model, 24 h", "/v1/llm/latency"),
    ("latency + TTFT per model, 7 d", "/v1/llm/latency?since=7d"),
    ("models with prices, 7 d", "/v1/llm/models?since=7d"),
    ("tools + retrieval, 24 h", "/v1/llm/tools"),
    ("prompts, 7 d", "/v1/llm/prompts?since=7d"),
    ("compare support v1 vs v2, 7 d", "/v1/llm/prompts/support/compare?a=1&b=2&since=7d"),
    ("traces, newest 50", "/v1/llm/traces?limit=50"),
    ("traces by cost, 24 h", "/v1/llm/traces?sort=cost&since=24h&limit=50"),
    ("traces of one model, newest 50", "/v1/llm/traces?model=gpt-4o&limit=50"),
    ("traces with errors, newest 50", "/v1/llm/traces?has_error=true&limit=50"),
    ("search a word in errors", "/v1/llm/search?q=timeout&limit=50"),
    ("sessions, 7 d", "/v1/llm/sessions"),
    ("one session", "/v1/llm/sessions/s42"),
    ("one trace with its tree", "/v1/llm/traces/t4242"),
    ("budget", "/v1/llm/budget"),
]


def main():
    if KEEP and os.path.exists(KEEP):
        print("serving a copy of %s …" % KEEP, file=sys.stderr)
        server = bench.Server(db=KEEP)
        db = server.db
        seeded = None
    else:
        server = bench.Server()
        db = server.db
        print("seeding %d spans …" % SPANS, file=sys.stderr)
        secs = seed(server.url)
        have = wait_spans(db, SPANS - SPANS % PER_TRACE)
        seeded = (have, secs)
        print("seeded %d spans in %.0f s (%.0f spans/s)" % (have, secs, have / secs), file=sys.stderr)
    tok = token(db)
    rows = []
    for label, path in QUERIES:
        med, p95, size = time_query(server.url, tok, path)
        rows.append((label, med, p95, size))
        print("%-34s %7.1f ms  p95 %7.1f ms" % (label, med, p95), file=sys.stderr)
    hwm = server.hwm_kb()
    c = sqlite3.connect(db)
    spans = c.execute("select count(*) from llm_spans").fetchone()[0]
    traces = c.execute("select count(*) from llm_traces").fetchone()[0]
    c.close()
    server.stop()
    if KEEP and not os.path.exists(KEEP):
        shutil.copy(db, KEEP)
    size_mb = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s)) / 1e6
    server.cleanup()
    print("\n%s spans in %s traces over %d days, database %.0f MB; %d runs per query after %d warm-up; "
          "peak RSS %.1f MB\n" % (format(spans, ","), format(traces, ","), DAYS, size_mb, RUNS, WARMUP,
                                   hwm / 1024))
    if seeded:
        print("Seeded through the JSON trace API at %s spans/s.\n" % format(int(seeded[0] / seeded[1]), ","))
    print("| query | median | p95 | answer |")
    print("|---|---|---|---|")
    for label, med, p95, size in rows:
        print("| %s | %.1f ms | %.1f ms | %s B |" % (label, med, p95, format(size, ",")))


if __name__ == "__main__":
    main()
