#!/usr/bin/env python3
"""Error query benchmark (issue #21): every error query of the API and the dashboard on a database
of EVENTS error events (default 1,000,000) in ISSUES issues (default EVENTS / 50) with real-life
skew, through a release `bloop serve`.

The data goes in through signed `POST /v1/ingest/batch` requests of 50 events (the default
`ingest.max_batch_size`) on CLIENTS connections (default 4) to a seeding server of its own, with
the rate limit off, the payload cap at 256 KiB and 10 s back-pressure waits instead of drops; a
single dropped event stops the script. The mix, from a seeded RNG: issue sizes follow a broken
power law (rank^-0.76 for the top tenth, then rank^-2.0), so the busiest issue holds ~3.6 % of
the events and over half the issues have 1–5; 10 releases weighted towards the recent ones; 80 %
production, 15 % staging, 5 % development; api / ios / android issues with their own stack
formats; 40 routes, Zipf-weighted. Each issue has a home release and environment (production for
the busiest 1 %) that 60 % and 70 % of its events carry; the rest are drawn from the global mix,
so busy issues span every release and environment. ~1 % of the issues say "deadlock" (the search word).

Counts follow the events' own `timestamp`s (7 days back from now, with a daily cycle), but the
server stamps arrival with its own clock (a seed sent in a minute would all have arrived in one),
so events go out in timestamp order and, the seeding server stopped, its server-time columns are
rebuilt from them (received_at, first and last seen of issues, releases and slices, hourly
counts, samples): as if the events had arrived over the week. No ANALYZE, no VACUUM. Then every 100th issue is resolved through the API
(status=resolved), and each query runs WARMUP + RUNS times (default 3 + 20) on one keep-alive
connection, timed by the client from request to last byte; every answer must be a 200 holding the
expected content, else the script stops (an error is never timed). API calls use an
`errors:read` token, pages a dashboard session inserted into the served copy (bench/llm_pages.py).
Targets: 20 ms p95 for the API, 50 ms for pages; "bimodal" marks a p95 over twice the median.
Concurrent requests first open every pooled reader connection: the pool hands them out in turn,
each with its own page cache, so a server that has opened only one is faster on the filtered
lists (13 against 50 ms for `release=`), and one that opens the next mid-run is bimodal.

    cargo build --release && KEEP=/var/tmp/errors-1m.db python3 bench/queries.py

KEEP: the seeded (backdated) database is saved there, and served (a copy) when it is there. Its
time windows age from the day it was seeded: delete it to seed afresh. EVENTS=20000 for a quick
try. The timed server keeps raw events 10 years, so no prune runs in the middle of the timings.
"""
import array, bisect, http.client, json, math, os, random, shutil, sqlite3, statistics
import subprocess, sys, tempfile, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, sign, BIN)
import llm_pages  # noqa: E402  (add_session, quote)

EVENTS = int(os.environ.get("EVENTS", "1000000"))
ISSUES = int(os.environ.get("ISSUES", "0")) or max(1, EVENTS // 50)
RUNS = int(os.environ.get("RUNS", "20"))
WARMUP = int(os.environ.get("WARMUP", "3"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
KEEP = os.environ.get("KEEP", "")
DAYS, PER_BATCH, HOUR = 7, 50, 3_600_000
API_MS, PAGE_MS = 20.0, 50.0
NOW_MS = int(time.time() * 1000)
RELEASES = ["1.9.0", "2.0.0", "2.1.0", "2.1.1", "2.2.0", "2.3.0", "2.4.0", "2.4.1", "2.5.0", "2.6.0"]
REL_CUM = list(__import__("itertools").accumulate(1.25 ** i for i in range(len(RELEASES))))
ENVS, ENV_CUM = ["production", "staging", "development"], [80, 95, 100]
NOUNS = ("order invoice cart payment user session product review coupon refund shipment address token report "
         "export webhook plan team avatar search").split()
ROUTES = [m % (n + ("es" if n[-1] in "sh" else "s")) for n in NOUNS for m in ("GET /v1/%s/:id", "POST /v1/%s")]
ROUTE_W = [1 / (i + 1) ** 0.8 for i in range(len(ROUTES))]
VERBS = "load save parse render sync fetch update delete validate apply build send merge resolve decode encode " \
        "cache retry open close".split()
PARTS = ("Line Item Total State Batch Page Row View Task Entry Field Cell Node Chunk Slot Step Rule Link Tag Note "
         "Diff Hook Lock Mark Map Key Set Log Job Ack Bag Cue Dot Fix Gap Hub Ink Jar Kit Lid Pin Rim Sum Tab Urn "
         "Van Web Box Cap Den Eye Fan Gem Hat Ion Jet Keg Leg Mug Net").split()
TYPES = {"api": "TypeError ValueError KeyError TimeoutError ConnectionError IntegrityError NotFoundError".split(),
         "ios": "NSURLErrorDomain NSInvalidArgumentException DecodingError NSRangeException".split(),
         "android": "NullPointerException IllegalStateException SocketTimeoutException JsonSyntaxException".split()}
MESSAGES = ["Cannot read properties of undefined (reading '{noun}')", "{noun} {n} not found",
            "Connection refused at 10.0.{a}.{b}:5432 after {n} ms", "Timeout after {n} ms waiting for the {noun} service",
            "Unexpected token < in JSON at position {n} while parsing {noun}",
            "duplicate key value violates unique constraint \"{noun}s_pkey\" (id={n})",
            "Request failed with status code 5{a} for {noun} {n}", "Index {a} out of range for {noun} list of size {b}"]
SEARCH_WORD = "deadlock"


def sizes():
    """Events per issue, busiest first: rank^-0.76 to the top tenth, rank^-2.0 after; at least 1."""
    brk = max(1, ISSUES // 10)
    w = [k ** -0.76 if k <= brk else brk ** -0.76 * (k / brk) ** -2.0 for k in range(1, ISSUES + 1)]
    lo, hi = 0.0, float(EVENTS)
    for _ in range(50):
        s = (lo + hi) / 2
        lo, hi = (s, hi) if sum(max(1, round(x * s)) for x in w) <= EVENTS else (lo, s)
    c = [max(1, round(x * lo)) for x in w]
    for i in range(EVENTS - sum(c)):
        c[i % ISSUES] += 1
    return c


def issues():
    """Per issue: source, route, type, the stack's top frame (unique: one code site per issue),
    message template, home release and environment (production for the busiest 1 %)."""
    if ISSUES > len(VERBS) * len(NOUNS) * len(PARTS):
        raise SystemExit("ISSUES is at most %d" % (len(VERBS) * len(NOUNS) * len(PARTS)))
    rng, out = random.Random(21), []
    for k in range(ISSUES):
        src = rng.choices(["api", "ios", "android"], [50, 30, 20])[0]
        noun = NOUNS[(k // len(VERBS)) % len(NOUNS)]
        fn = VERBS[k % len(VERBS)] + noun.title() + PARTS[k // (len(VERBS) * len(NOUNS))]
        if src == "api":
            top = "    at %s (/app/src/%s/%s.js:{n}:{a})" % (fn, noun, fn)
            stack = "Error\n    at Pool.query (/app/node_modules/pg/lib/pool.js:45:11)\n" + top
        elif src == "ios":
            stack = "0   Shop  0x000000010{n}  -[%sController %s:] + {a}" % (noun.title(), fn)
        else:
            stack = "at com.shop.%s.%sRepo.%s(%sRepo.kt:{n})" % (noun, noun.title(), fn, noun.title())
        stack += {"api": "\n    at main (/app/src/main.js:10:2)", "ios": "\n1   Shop  0x0000000100001000  main + 12",
                  "android": "\nat android.os.Handler.dispatchMessage(Handler.java:106)"}[src]
        msg = ("%s detected while updating {noun} {n}" % SEARCH_WORD if k % 100 == 42
               else MESSAGES[rng.randrange(len(MESSAGES))])
        out.append((src, rng.choices(ROUTES, ROUTE_W)[0], rng.choice(TYPES[src]), stack, noun, msg,
                    RELEASES[bisect.bisect(REL_CUM, rng.random() * REL_CUM[-1])],
                    ENVS[bisect.bisect(ENV_CUM, rng.random() * 100)] if k >= ISSUES // 100 else "production"))
    return out


def timestamp(j):
    """Event j's client time: 7 days back from now, in order, denser in the daytime."""
    u = (j + 0.5) / EVENTS
    u -= 0.5 * math.sin(2 * math.pi * DAYS * u) / (2 * math.pi * DAYS)
    return NOW_MS - DAYS * 86_400_000 + HOUR + int(u * (DAYS * 86_400_000 - HOUR - 60_000))


def seed(url):
    info, counts = issues(), sizes()
    order = [k for k, c in enumerate(counts) for _ in range(c)]
    random.Random(7).shuffle(order)
    order = array.array("i", order)
    print("seeding %s events in %s issues (busiest %s, %s with 1–5 events) …" % (
        format(EVENTS, ","), format(ISSUES, ","), format(counts[0], ","),
        format(sum(c <= 5 for c in counts), ",")), file=sys.stderr)
    batches, u = (EVENTS + PER_BATCH - 1) // PER_BATCH, urllib.parse.urlparse(url)
    next_batch, lock, failed = iter(range(batches)), threading.Lock(), []

    def event(rng, j):
        src, route, etype, stack, noun, msg, rel, env = info[order[j]]
        if rng.random() >= 0.6:
            rel = RELEASES[bisect.bisect(REL_CUM, rng.random() * REL_CUM[-1])]
        if rng.random() >= 0.7:
            env = ENVS[bisect.bisect(ENV_CUM, rng.random() * 100)]
        v = {"noun": noun, "n": rng.randrange(1, 99999), "a": rng.randrange(10), "b": rng.randrange(256)}
        return {"timestamp": timestamp(j), "source": src, "environment": env, "release": rel,
                "app_version": rel, "route_or_procedure": route, "error_type": etype,
                "message": msg.format(**v), "stack": stack.format(**v), "http_status": 500,
                "request_id": "req-%08d" % j, "user_id_hash": "u%05d" % rng.randrange(30_000),
                "metadata": {"region": rng.choice(["eu-west-1", "us-east-1"]), "attempt": v["a"] % 3}}

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        while True:
            with lock:
                b = next(next_batch, None)
            if b is None:
                return
            rng = random.Random(b)
            body = json.dumps({"events": [event(rng, j) for j in range(b * PER_BATCH, min(EVENTS, (b + 1) * PER_BATCH))]},
                              separators=(",", ":"))
            sig, body = bench.sign(body), body.encode()
            while True:
                conn.request("POST", "/v1/ingest/batch", body, {"content-type": "application/json", "x-signature": sig})
                r = conn.getresponse()
                r.read()
                if r.status in (429, 503):  # back-pressure: try again shortly
                    time.sleep(0.05)
                    continue
                if r.status != 200:
                    failed.append(r.status)
                break

    t0, threads = time.time(), [threading.Thread(target=worker) for _ in range(CLIENTS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    if failed:
        raise SystemExit("seeding failed: %d batches refused (%s)" % (len(failed), failed[:5]))
    return time.time() - t0


BACKDATE = """
UPDATE events SET received_at = timestamp;
CREATE TEMP TABLE t AS SELECT issue_id, release, environment, min(timestamp) f, max(timestamp) l
    FROM events GROUP BY issue_id, release, environment;
UPDATE issue_slices SET first_seen = t.f, last_seen = t.l FROM t
    WHERE t.issue_id = issue_slices.issue_id AND t.release = issue_slices.release AND t.environment = issue_slices.environment;
UPDATE issue_releases SET first_seen = x.f, last_seen = x.l
    FROM (SELECT issue_id, release, min(f) f, max(l) l FROM t GROUP BY issue_id, release) x
    WHERE x.issue_id = issue_releases.issue_id AND x.release = issue_releases.release;
UPDATE issues SET first_seen = x.f, last_seen = x.l, last_seen_minute = x.l / 60000
    FROM (SELECT issue_id, min(f) f, max(l) l FROM t GROUP BY issue_id) x WHERE x.issue_id = issues.id;
DELETE FROM hourly_counts;
INSERT INTO hourly_counts (hour, issue_id, count) SELECT timestamp - timestamp % 3600000 h, issue_id, count(*)
    FROM events GROUP BY h, issue_id ORDER BY h, issue_id;
DELETE FROM project_hourly;
INSERT INTO project_hourly (project_id, hour, count) SELECT i.project_id, h.hour, sum(h.count)
    FROM hourly_counts h JOIN issues i ON i.id = h.issue_id GROUP BY i.project_id, h.hour;
UPDATE samples SET received_at = coalesce(json_extract(event, '$.timestamp'), received_at);
"""


def seeded_db():
    """KEEP when it is there; else a fresh seed, backdated (saved to KEEP when set). Seeding runs
    in a server of its own, so the timed server's peak RSS is the queries' alone."""
    if KEEP and os.path.exists(KEEP):
        return KEEP, None
    server = bench.Server(extra_env={"BLOOP__INGEST__ENQUEUE_WAIT_MS": "10000",
                                     "BLOOP__INGEST__MAX_PAYLOAD_BYTES": "262144"})
    try:
        secs = seed(server.url)
        end = time.time() + 600
        while server.persisted() < EVENTS and time.time() < end:
            time.sleep(0.5)
        h, have = server.health(), server.persisted()
        dropped = sum(h["dropped"].values())
        if dropped or have != EVENTS:
            raise SystemExit("seeding lost events: %d dropped (%s), %d of %d stored" % (dropped, h["dropped"], have, EVENTS))
        print("seeded %d events in %.1f s (%.0f events/s), none dropped" % (have, secs, have / secs), file=sys.stderr)
        server.stop()
        t0, c = time.time(), sqlite3.connect(server.db)
        grouped = c.execute("SELECT count(*) FROM issues").fetchone()[0]
        if grouped != ISSUES:
            raise SystemExit("the events were grouped into %d issues, not %d" % (grouped, ISSUES))
        c.executescript("BEGIN;" + BACKDATE + "COMMIT;")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        c.close()
        print("backdated server times to the events' timestamps in %.1f s" % (time.time() - t0), file=sys.stderr)
        keep_dir = None if KEEP else tempfile.mkdtemp(prefix="bloop-queries-")
        path = KEEP or os.path.join(keep_dir, "seeded.db")
        shutil.copy(server.db, path)
        return path, keep_dir
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.cleanup()


def token(db, scopes):
    out = subprocess.run([bench.BIN, "tokens", "create", "--name", "bench-%d" % time.time_ns(), "--scopes", scopes,
                          "--json"], env=dict(os.environ, BLOOP__DATABASE__PATH=db), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("bloop tokens create failed: " + out.stderr)
    return json.loads(out.stdout)["token"]


def resolve_some(url, db, tok):
    """Resolves every 100th issue by fingerprint order (a spread over all sizes) through the API."""
    fps = [r[0] for r in sqlite3.connect(db).execute("SELECT fingerprint FROM issues ORDER BY fingerprint")][50::100]
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    for fp in fps:
        conn.request("POST", "/v1/errors/%s/resolve" % fp, b"{}",
                     {"authorization": "Bearer " + tok, "content-type": "application/json"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit("resolve %s answered %d: %s" % (fp, r.status, body[:300]))
    return len(fps)


def fill_pool(url, headers, n=8):
    """Rounds of n concurrent requests, so the server opens every pooled reader connection first
    (as on a server in use) and the timings do not shift when the pool grows in their middle."""
    def get():
        u = urllib.parse.urlparse(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        conn.request("GET", "/v1/errors?release=2.3.0&environment=staging", headers=headers)
        conn.getresponse().read()
    for _ in range(3):
        threads = [threading.Thread(target=get) for _ in range(n)]
        [t.start() for t in threads]
        [t.join() for t in threads]


def timed(url, path, headers, expect):
    """Median and p95 ms of WARMUP + RUNS requests on one keep-alive connection, and the answer's
    X-Total-Count. `expect`: texts the answer must hold, or tests of it."""
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    times = []
    for i in range(WARMUP + RUNS):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit("%s answered %d: %s" % (path, r.status, body[:300]))
        text = body.decode("utf-8", "replace")
        for want in expect:
            if not (want(text) if callable(want) else want in text):
                raise SystemExit("%s: the answer fails the check %r:\n%s" % (path, want, text[:1500]))
        if i >= WARMUP:
            times.append(dt)
    conn.close()
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], r.getheader("x-total-count")


def queries(busy, tail, events, n_issues):
    """(label, path, dashboard page?, expected content)."""
    rows, rel, route, off = '"fingerprint":"', "2.3.0", ROUTES[3], min(1000, n_issues // 2)
    q, nonzero = llm_pages.quote, lambda text: any(h["count"] for h in json.loads(text))
    api = [
        ("list, default (last seen, 50)", "/v1/errors", rows),
        ("list, sort=first_seen", "/v1/errors?sort=first_seen", rows),
        ("list, sort=total_count", "/v1/errors?sort=total_count", busy),
        ("list, release=%s" % rel, "/v1/errors?release=" + rel, rows),
        ("list, environment=production", "/v1/errors?environment=production", rows),
        ("list, environment=staging", "/v1/errors?environment=staging", rows),
        ("list, release=%s&environment=production" % rel, "/v1/errors?release=%s&environment=production" % rel, rows),
        ("list, source=ios", "/v1/errors?source=ios", '"source":"ios"'),
        ("list, route=`%s`" % route, "/v1/errors?route=" + q(route), route),
        ("list, status=resolved", "/v1/errors?status=resolved", '"status":"resolved"'),
        ("list, q=%s" % SEARCH_WORD, "/v1/errors?q=" + SEARCH_WORD, SEARCH_WORD),
        ("list, release=%s&source=android" % rel, "/v1/errors?release=%s&source=android" % rel, '"source":"android"'),
        ("list, environment=staging&q=%s" % SEARCH_WORD, "/v1/errors?environment=staging&q=" + SEARCH_WORD, SEARCH_WORD),
        ("list, offset=%d" % off, "/v1/errors?offset=%d" % off, rows),
        ("releases", "/v1/releases", '"release":"%s"' % rel),
        ("release %s errors" % rel, "/v1/releases/%s/errors" % rel, rows),
        ("release %s errors, environment=production" % rel, "/v1/releases/%s/errors?environment=production" % rel, rows),
        ("detail, busiest issue", "/v1/errors/" + busy, busy),
        ("detail, a tail issue (%d event%s)" % (tail[1], "s"[:tail[1] > 1]), "/v1/errors/" + tail[0], tail[0]),
        ("occurrences, busiest issue", "/v1/errors/%s/occurrences" % busy, '"received_at":'),
        ("trend, busiest issue, 24 h", "/v1/errors/%s/trend?hours=24" % busy, nonzero),
        ("trend, busiest issue, 7 d", "/v1/errors/%s/trend?hours=168" % busy, nonzero),
        ("trends, 24 h", "/v1/trends?hours=24", nonzero),
        ("trends, 7 d", "/v1/trends?hours=168", nonzero),
        ("trends, 24 h, release=%s" % rel, "/v1/trends?hours=24&release=" + rel, nonzero),
        ("stats", "/v1/stats", '"total_events":%d' % events),
    ]
    pages = [
        ("page /issues", "/issues", ("Issues</h1>", "data-fingerprint=")),
        ("page /issues, release + environment", "/issues?release=%s&environment=production" % rel,
         ("Issues</h1>", "data-fingerprint=")),
        ("page /issues, q=%s" % SEARCH_WORD, "/issues?q=" + SEARCH_WORD, ("data-fingerprint=", SEARCH_WORD)),
        ("page, busiest issue", "/issues/default/" + busy, (busy,)),
        ("page /releases", "/releases", (rel,)),
    ]
    return [(l, p, False, (e,)) for l, p, e in api] + [(l, p, True, e) for l, p, e in pages]


def main():
    src, tmp_dir = seeded_db()
    print("serving a copy of %s …" % src, file=sys.stderr)
    server = bench.Server(db=src, extra_env={"BLOOP__RETENTION__RAW_EVENTS_DAYS": "3650"})
    try:
        db = server.db
        c = sqlite3.connect(db)
        events = c.execute("SELECT count(*) FROM events").fetchone()[0]
        n_issues, small = c.execute("SELECT count(*), sum(total_count <= 5) FROM issues").fetchone()
        busy, top = c.execute("SELECT fingerprint, total_count FROM issues ORDER BY total_count DESC LIMIT 1").fetchone()
        tail = c.execute("SELECT fingerprint, total_count FROM issues WHERE total_count <= 5 ORDER BY fingerprint LIMIT 1").fetchone()
        newest = c.execute("SELECT max(received_at) FROM events").fetchone()[0]
        c.close()
        if time.time() * 1000 - newest > 86_400_000:
            print("warning: the newest event is %.1f days old: the 24 h figures see less data (delete KEEP to reseed)"
                  % ((time.time() * 1000 - newest) / 86_400_000), file=sys.stderr)
        resolved = resolve_some(server.url, db, token(db, "errors:write"))
        print("resolved %d issues through the API" % resolved, file=sys.stderr)
        bearer = {"authorization": "Bearer " + token(db, "errors:read")}
        cookie = {"cookie": llm_pages.add_session(db)}
        fill_pool(server.url, bearer)
        rows = []
        for label, path, page, expect in queries(busy, tail, events, n_issues):
            med, p95, total = timed(server.url, path, cookie if page else bearer, expect)
            if total is not None:
                label += " → %s issues" % format(int(total), ",")
            rows.append((label, path, med, p95, PAGE_MS if page else API_MS))
            print("%-60s %7.1f ms  p95 %7.1f ms" % (label, med, p95), file=sys.stderr)
        hwm, size_mb, load = server.hwm_kb(), server.db_bytes() / 1e6, os.getloadavg()[0]
        server.stop()
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.cleanup()
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    print("\n<!-- printed by bench/queries.py: paste as is -->")
    print("%s events in %s issues (busiest %s = %.1f %%, %s with 1–5 events, %d resolved), %d releases, 3 environments, "
          "3 sources, %d routes, over %d days; database %.0f MB; %d runs per query after %d warm-up, one keep-alive "
          "connection, wall time on 127.0.0.1 from request to last byte; peak RSS %.1f MB\n" % (
              format(events, ","), format(n_issues, ","), format(top, ","), 100.0 * top / events, format(small, ","),
              resolved, len(RELEASES), len(ROUTES), DAYS, size_mb, RUNS, WARMUP, hwm / 1024))
    print("| query | median ms | p95 ms | target | ok |")
    print("|---|---|---|---|---|")
    for label, path, med, p95, target in rows:
        mark = "✓" if p95 <= target else "✗"
        if p95 > 2 * med:
            mark += " bimodal"
        print("| %s (`%s`) | %.1f | %.1f | %d ms p95 | %s |" % (label, path, med, p95, target, mark))
    slow = [r for r in rows if r[3] > r[4]]
    print("\n**%d of %d queries over their p95 target:** %s." % (len(slow), len(rows), "; ".join(
        "%s %.0f ms" % (r[0], r[3]) for r in slow)) if slow else "Every query under its p95 target.")
    print("\nBinary %s, built %s. Machine: %d cores, %s; load average %.1f at the end of the timings." % (
        bench.BIN, time.strftime("%Y-%m-%d", time.localtime(os.path.getmtime(bench.BIN))), os.cpu_count(),
        open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip(), load))


if __name__ == "__main__":
    main()
