#!/usr/bin/env python3
"""Insights benchmark (issue #18): the five /v1/analytics routes of a release `bloop serve` built
with `--features analytics`, cold and cached, on 1,000,000 raw events in 20,000 issues with 90
days of hourly counts; the server's peak RSS.

The database: bench/queries.py's seeded one (KEEP, default /var/tmp/errors-1m.db: 1,000,000
events over the last 7 days of its seeding, 20,000 issues, real-life skew), copied to DB (default
/var/tmp/analytics-1m.db) with 83 older days of hourly counts added: for each of the 12 weeks
before, a twelfth of the last week's (issue, hour) rows, each shifted back by whole weeks (rows
that retention left without raw events, as on a server that has run for three months).

Timings, on one keep-alive connection, client side from request to last byte, medians of RUNS
(default 3): "cold" = a question not asked before (each run asks with another `limit`, so the
answer is computed: the rollup's queries plus the issue rows, after a sync that finds nothing
new), "cached" = the same question again within analytics.cache_ttl_secs. First answer = from
the server's start on a database never seen by the analytics store (the rollup built from the
database) to the first answer. Peak RSS: VmHWM after everything. Then `bloop analytics compare`
on DB: the same queries on DuckDB and on SQLite side by side (query work alone, answers checked
equal).

    CARGO_TARGET_DIR=/var/tmp/bloop-rel-analytics cargo build --release --features analytics
    CARGO_TARGET_DIR=/var/tmp/bloop-rel-analytics python3 bench/analytics.py
"""
import http.client, json, os, shutil, sqlite3, statistics, subprocess, sys, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, BIN)
import queries  # noqa: E402  (token)

KEEP = os.environ.get("KEEP", "/var/tmp/errors-1m.db")
DB = os.environ.get("DB", "/var/tmp/analytics-1m.db")
RUNS = int(os.environ.get("RUNS", "3"))
HOUR, WEEK = 3_600_000, 7 * 24 * 3_600_000


def make_db():
    if os.path.exists(DB):
        return
    if not os.path.exists(KEEP):
        raise SystemExit("no %s: seed it first (KEEP=%s python3 bench/queries.py)" % (KEEP, KEEP))
    t0 = time.time()
    shutil.copy(KEEP, DB + ".tmp")
    c = sqlite3.connect(DB + ".tmp")
    newest = c.execute("SELECT max(hour) FROM hourly_counts").fetchone()[0]
    since = newest - WEEK + HOUR
    c.execute("BEGIN")
    for k in range(1, 13):
        c.execute("""INSERT INTO hourly_counts (hour, issue_id, count)
                     SELECT hour - ?1 * ?2, issue_id, count FROM hourly_counts
                     WHERE hour >= ?3 AND (issue_id + hour / ?4 + ?1) % 12 = 0""", (k, WEEK, since, HOUR))
    c.execute("COMMIT")
    rows, days = c.execute("SELECT count(*), (max(hour) - min(hour)) / 86400000.0 FROM hourly_counts").fetchone()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    os.rename(DB + ".tmp", DB)
    print("made %s: %d hourly rows over %.0f days, in %.0f s" % (DB, rows, days, time.time() - t0), file=sys.stderr)


def main():
    make_db()
    server = bench.Server(db=DB, extra_env={"BLOOP__ANALYTICS__CACHE_TTL_SECS": "600"})
    try:
        tok = queries.token(server.db, "errors:read")
        u = urllib.parse.urlsplit(server.url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        headers = {"Authorization": "Bearer " + tok}

        def get(path):
            t = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            ms = (time.perf_counter() - t) * 1000
            if r.status != 200:
                raise SystemExit("%s answered %d: %s" % (path, r.status, body[:300]))
            return ms, json.loads(body)

        first, _ = get("/v1/analytics/environments?hours=1")
        project = sqlite3.connect(server.db).execute(
            "SELECT project_id FROM issues GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        print("first answer (rollup built from the database): %.0f ms" % first)
        print()
        print("| insight | window | cold (ms) | cached (ms) | answer |")
        print("|---|---|---:|---:|---|")
        limit = 20
        for which in ["spikes", "movers", "correlations", "releases", "environments"]:
            for hours in (72, 720):
                cold, cached, body = [], [], None
                for _ in range(RUNS):
                    limit += 1
                    q = urllib.parse.urlencode({"project": project, "hours": hours, "limit": limit})
                    ms, body = get("/v1/analytics/%s?%s" % (which, q))
                    cold.append(ms)
                    cached.append(get("/v1/analytics/%s?%s" % (which, q))[0])
                rows = next((len(v) for v in body.values() if isinstance(v, list)), 0)
                print("| %s | %d h | %.1f | %.2f | %d rows |" % (which, hours, statistics.median(cold),
                                                              statistics.median(cached), rows))
        print()
        print("peak RSS of serve: %.0f MB" % (server.hwm_kb() / 1024))
        server.stop()
        # The same queries on DuckDB and on SQLite (the rollup's rows copied into an indexed
        # SQLite table), query work alone, medians of RUNS, answers checked equal.
        print()
        cmp = subprocess.run([bench.BIN, "analytics", "compare", "--runs", str(RUNS), "--wide"],
                             capture_output=True, text=True, env=dict(os.environ, BLOOP__DATABASE__PATH=DB))
        if cmp.returncode != 0:
            raise SystemExit("bloop analytics compare failed: " + cmp.stderr)
        print(cmp.stdout)
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        server.cleanup()


if __name__ == "__main__":
    main()
