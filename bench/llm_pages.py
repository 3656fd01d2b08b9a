#!/usr/bin/env python3
"""Server time of the dashboard's LLM pages on the 1,000,000-span database of bench/llm_queries.py.

The target: every LLM page under 100 ms p95 at 1,000,000 spans. Each page is fetched WARMUP + RUNS
times (default 3 + 20) on one keep-alive connection to a release `bloop serve` on 127.0.0.1 with a
dashboard session cookie; the time is the client's wall time from sending the request to the last
byte of the answer (on loopback, that is the server's time plus well under a millisecond). Every
answer must be a 200 that holds the page's own content (a trace's id, a table's id), so an error
page or a login redirect is never timed. The table shows the median and p95 in ms, the answer's
size, and the server's peak RSS.

    cargo build --release && KEEP=/var/tmp/llm-1m.db python3 bench/llm_pages.py

KEEP names the database of bench/llm_queries.py (the same data, the same variable): when it is
there, a copy of it is served; when it is not, it is seeded first (SPANS spans, ~3–4 minutes at
1,000,000) and saved there. Without KEEP the database is seeded into a temp directory and dropped.
The session is inserted straight into the served copy (a `users` row and a `sessions` row whose
`token_hash` is the SHA-256 of the cookie's token), so no passkey ceremony is needed.
"""
import hashlib, http.client, os, re, secrets, shutil, sqlite3, statistics, sys, tempfile, time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, SECRET, BIN)
import llm_queries  # noqa: E402  (seed, wait_spans, SPANS, PER_TRACE, DAYS)

RUNS = int(os.environ.get("RUNS", "20"))
WARMUP = int(os.environ.get("WARMUP", "3"))
KEEP = os.environ.get("KEEP", "")
TARGET_MS = 100.0


def seeded_db():
    """The database to serve a copy of: KEEP when it is there, else a freshly seeded one (saved
    to KEEP when that is set). Seeding runs in a server of its own, so the timed server's peak
    RSS is the pages' alone."""
    if KEEP and os.path.exists(KEEP):
        return KEEP, None
    server = bench.Server()
    try:
        print("seeding %s spans …" % format(llm_queries.SPANS, ","), file=sys.stderr)
        secs = llm_queries.seed(server.url)
        have = llm_queries.wait_spans(server.db, llm_queries.SPANS - llm_queries.SPANS % llm_queries.PER_TRACE)
        print("seeded %d spans in %.0f s (%.0f spans/s)" % (have, secs, have / secs), file=sys.stderr)
        server.stop()
        if KEEP:
            shutil.copy(server.db, KEEP)
            return KEEP, None
        keep_dir = tempfile.mkdtemp(prefix="bloop-pages-")
        path = os.path.join(keep_dir, "seeded.db")
        shutil.copy(server.db, path)
        return path, keep_dir
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.cleanup()


def add_session(db):
    """An admin user and a live session for it, written into the served database; returns the
    cookie header's value."""
    token = "bench-" + secrets.token_hex(24)
    now = int(time.time() * 1000)
    c = sqlite3.connect(db, timeout=30)
    with c:
        cur = c.execute("INSERT INTO users (name, handle, role, created_at) VALUES (?, ?, 'admin', ?)",
                        ("bench-%d" % time.time_ns(), "bench-handle-%s" % secrets.token_hex(8), now))
        c.execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                  (hashlib.sha256(token.encode()).hexdigest(), cur.lastrowid, now, now + 86_400_000))
    c.close()
    return "bloop_session=" + token


def pick_ids(db):
    """Real ids to open: the newest 5-span trace, the busiest session of the last 7 days, and
    the prompt with two versions to compare (the seeded data has five prompts, versions 1–4)."""
    c = sqlite3.connect(db, timeout=30)
    now = int(time.time() * 1000)
    trace = c.execute("SELECT id FROM llm_traces WHERE span_count = 5 ORDER BY started_at DESC LIMIT 1").fetchone()
    session = c.execute("SELECT session_id, traces FROM llm_sessions WHERE last_at >= ? "
                        "ORDER BY traces DESC LIMIT 1", (now - 7 * 86_400_000,)).fetchone()
    prompt = c.execute("SELECT prompt_name FROM llm_traces WHERE prompt_name IS NOT NULL "
                       "AND started_at >= ? GROUP BY prompt_name ORDER BY count(*) DESC LIMIT 1",
                       (now - 86_400_000,)).fetchone()
    versions = c.execute("SELECT DISTINCT prompt_version FROM llm_traces WHERE project_id = "
                         "(SELECT project_id FROM llm_traces LIMIT 1) AND prompt_name = ? "
                         "AND started_at >= ? ORDER BY prompt_version LIMIT 2",
                         (prompt[0], now - 86_400_000)).fetchall()
    c.close()
    if not trace or not session or not prompt or len(versions) < 2:
        raise SystemExit("the database has no trace, session or prompt with two versions to open")
    return trace[0], session, prompt[0], [v[0] for v in versions]


def quote(s):
    return urllib.parse.quote(s, safe="")


def share(model):
    """The seeded share of calls of `model` (llm_queries' Zipf-like weights)."""
    names = [m for m, _ in llm_queries.MODELS]
    return 100.0 * llm_queries.WEIGHTS[names.index(model)] / sum(llm_queries.WEIGHTS)


def pages(trace_id, session, prompt, versions):
    """(label, path, text the answer must contain, or a tuple of texts)."""
    sid, n = session
    a, b = versions
    return [
        ("overview, 24 h", "/llm", 'id="llm-stats"'),
        ("overview, 7 d", "/llm?window=7d", 'id="llm-stats"'),
        ("overview, 30 d", "/llm?window=30d", 'id="llm-stats"'),
        ("traces, newest 50", "/llm/traces", 'data-trace-id="'),
        ("traces, model gpt-4o (%.0f %% of calls)" % share("gpt-4o"), "/llm/traces?model=gpt-4o", ('data-trace-id="', "gpt-4o")),
        ("traces, model gpt-4o-mini (%.0f %% of calls)" % share("gpt-4o-mini"), "/llm/traces?model=gpt-4o-mini", ('data-trace-id="', "gpt-4o-mini")),
        ("traces, search `q=timeout`", "/llm/traces?q=timeout", 'data-trace-id="'),
        ("traces, sorted by cost", "/llm/traces?sort=cost", 'data-trace-id="'),
        ("traces, sorted by cost, 24 h", "/llm/traces?sort=cost&since=24h", 'data-trace-id="'),
        ("traces, filter form as submitted (30 d, newest)", "/llm/traces?q=&since=30d&sort=newest&model=gpt-4o",
         'data-trace-id="'),
        ("one trace (5 spans)", "/llm/traces/" + quote(trace_id), trace_id),
        ("sessions, 7 d", "/llm/sessions", 'id="llm-sessions"'),
        ("one session (%d traces)" % n, "/llm/sessions/" + quote(sid), sid),
        ("prompts, 30 d", "/llm/prompts", 'data-prompt="%s"' % prompt),
        ("prompts, 7 d", "/llm/prompts?window=7d", 'data-prompt="%s"' % prompt),
        ("compare %s v%s vs v%s, 30 d" % (prompt, a, b),
         "/llm/prompts?name=%s&a=%s&b=%s" % (quote(prompt), quote(a), quote(b)), 'id="compare"'),
        ("models, 30 d", "/llm/models", 'id="llm-models"'),
        ("settings", "/llm/settings", 'id="policies"'),
        ("issues (reference)", "/issues", "Issues</h1>"),
    ]


def time_page(url, cookie, path, expect):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    times = []
    for i in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"cookie": cookie})
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit("%s answered %d: %s" % (path, r.status, body[:300]))
        text = body.decode("utf-8", "replace")
        for want in (expect if isinstance(expect, tuple) else (expect,)):
            if want not in text:
                raise SystemExit("%s: the answer does not contain %r:\n%s" % (path, want, text[:1500]))
        if 'class="notice' in text and "llm-problem" in text:
            raise SystemExit("%s: the page shows a problem notice: %s" % (
                path, re.sub(r"<[^>]+>", " ", text.split('id="llm-problem"')[1][:300])))
        if i >= WARMUP:
            times.append(dt)
    conn.close()
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(body)


def main():
    src, tmp_dir = seeded_db()
    print("serving a copy of %s …" % src, file=sys.stderr)
    server = bench.Server(db=src)
    try:
        db = server.db
        cookie = add_session(db)
        trace_id, session, prompt, versions = pick_ids(db)
        rows = []
        for label, path, expect in pages(trace_id, session, prompt, versions):
            med, p95, size = time_page(server.url, cookie, path, expect)
            rows.append((label, path, med, p95, size))
            print("%-48s %7.1f ms  p95 %7.1f ms  %s" % (label, med, p95, path), file=sys.stderr)
        hwm = server.hwm_kb()
        c = sqlite3.connect(db, timeout=30)
        spans = c.execute("SELECT count(*) FROM llm_spans").fetchone()[0]
        traces = c.execute("SELECT count(*) FROM llm_traces").fetchone()[0]
        c.close()
        size_mb = server.db_bytes() / 1e6
        server.stop()
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.cleanup()
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    print("\n<!-- printed by bench/llm_pages.py: paste as is -->")
    print("%s spans in %s traces over %d days, database %.0f MB; %d runs per page after %d warm-up, "
          "one keep-alive connection, wall time on 127.0.0.1 from request to last byte; "
          "peak RSS %.1f MB\n" % (format(spans, ","), format(traces, ","), llm_queries.DAYS, size_mb,
                                   RUNS, WARMUP, hwm / 1024))
    print("| page | median | p95 | answer |")
    print("|---|---|---|---|")
    for label, path, med, p95, size in rows:
        flag = " **over %d ms**" % TARGET_MS if p95 >= TARGET_MS else ""
        print("| %s (`%s`) | %.1f ms | %.1f ms%s | %s B |" % (label, path, med, p95, flag, format(size, ",")))
    slow = [r for r in rows if r[3] >= TARGET_MS]
    print()
    if slow:
        print("**%d of %d pages over the %d ms p95 target:** %s." % (
            len(slow), len(rows), TARGET_MS, "; ".join("%s %.0f ms" % (r[0], r[3]) for r in slow)))
    else:
        print("Every page under the %d ms p95 target." % TARGET_MS)


if __name__ == "__main__":
    main()
