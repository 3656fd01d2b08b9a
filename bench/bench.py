#!/usr/bin/env python3
"""Load benchmark for `bloop serve` (see bench/run.sh).

Prints the README's "Performance" tables in markdown, ready to paste: the README's figures are
this script's output, not edited by hand. Each scenario runs RUNS times on a fresh server and
database; its row is the whole row of one run, the one whose persisted rate is the median (a
column-wise median would mix runs, and could show more events persisted than acknowledged).
"""
import atexit, collections, datetime, hashlib, hmac, json, os, shutil, signal, sqlite3, statistics, subprocess
import sys, tempfile, threading, time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "bloop")
RUNS = int(os.environ.get("RUNS", "3"))
SHORT = os.environ.get("SHORT") == "1"
# ONLY=batches runs just the scenarios whose name contains that text (and skips the rest).
ONLY = os.environ.get("ONLY", "")
# DURATION=3 runs every scenario for that many seconds instead (a smoke test of the script).
DURATION = int(os.environ.get("DURATION", "0"))
# Ingest → queryable probes per measurement.
PROBES = int(os.environ.get("PROBES", "15"))
# A probe not queryable after this long has failed: it is counted as a failure, not timed.
PROBE_TIMEOUT_S = 10
SECRET = "bench-secret"
KINDS = 1000
# Events carry one client timestamp per invocation, so scenarios with the same body shape share
# one bodies file (see bodies_file).
STARTED_MS = int(time.time() * 1000)
# Request bodies for wrk, written once per content for this invocation and removed at exit.
WORK = tempfile.mkdtemp(prefix="bloop-bench-")
atexit.register(shutil.rmtree, WORK, True)


def event(i):
    k = i % KINDS
    return {
        "timestamp": STARTED_MS,
        "source": "api", "environment": "production", "release": "1.4.%d" % (k % 5),
        "app_version": "1.4.2", "route_or_procedure": "GET /api/items/%d" % (k % 50),
        "error_type": "Err%d" % k,
        "message": "Connection refused at 10.0.%d.%d:5432 after %d ms" % (i % 250, i % 200, i % 5000),
        "stack": "at Pool.connect (/app/node_modules/pg-pool/index.js:45:11)\n"
                 "at Repo.find%d (/app/src/repo.js:88:17)\nat handler (/app/src/routes.js:23:9)" % k,
        "http_status": 500, "request_id": "req-%08d" % i, "user_id_hash": "u%06d" % (i % 5000),
        "metadata": {"region": "eu-west-1", "attempt": i % 3, "pool": "primary", "shard": k % 16},
    }


def sign(body):
    return hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()


def bodies_file(batch, n=2000):
    """A Lua file of `n` pre-signed request bodies (single events, or batches of `batch`), for
    ingest.lua. Named by the SHA-256 of its content: a file is reused only when it holds exactly
    what would be written now (a name like "bodies-50" went stale when the events, the secret
    or the signing changed, and wrk then sent the old bodies)."""
    parts = ["bodies = {\n"]
    for i in range(n):
        if batch:
            body = json.dumps({"events": [event(i * batch + j) for j in range(batch)]}, separators=(",", ":"))
        else:
            body = json.dumps(event(i), separators=(",", ":"))
        parts.append("{%s, %s},\n" % (json.dumps(body), json.dumps(sign(body))))
    parts.append("}\npath = \"%s\"\n" % ("/v1/ingest/batch" if batch else "/v1/ingest"))
    content = "".join(parts).encode()
    path = os.path.join(WORK, "bodies-%s.lua" % hashlib.sha256(content).hexdigest()[:32])
    if not os.path.exists(path):
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    return path


class Server:
    def __init__(self, cpus=None, extra_env=None, db=None):
        self.dir = tempfile.mkdtemp(prefix="bloop-bench-")
        self.db = os.path.join(self.dir, "bench.db")
        if db:
            # Serve a copy of an existing database.
            shutil.copy(db, self.db)
        env = dict(os.environ, BLOOP__DATABASE__PATH=self.db, BLOOP__AUTH__HMAC_SECRET=SECRET,
                   BLOOP__SERVER__HOST="127.0.0.1", BLOOP__SERVER__PORT="0",
                   BLOOP__RATE_LIMIT__PER_SECOND="0", **(extra_env or {}))
        cmd = [BIN, "serve"]
        if cpus:
            cmd = ["taskset", "-c", cpus] + cmd
        self.proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        while True:
            line = self.proc.stderr.readline()
            if not line:
                raise SystemExit("bloop serve exited: is the release build there?")
            if "listening on http://" in line:
                self.url = line.split("listening on ")[1].split()[0]
                break
        self.pid = self.proc.pid
        # Keep reading the server's log: a full pipe would stall the server on its next line
        # (drop warnings come once a second under overload) and the figures with it.
        self.log = collections.deque(maxlen=20)
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()

    def health(self):
        # /health answers 503 (with the same JSON) when the database cannot be written.
        try:
            with urllib.request.urlopen(self.url + "/health") as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            body = json.load(e)
            print("warning: /health answered %d: %s" % (e.code, body.get("db_error")), file=sys.stderr)
            return body

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])

    def hwm_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1])
        return 0

    def rss_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS"):
                    return int(line.split()[1])
        return 0

    def settle(self):
        """Waits for the writer to finish what it acknowledged; answers the events dropped (queue
        full or rate limited) by then."""
        for _ in range(200):
            if self.health()["queue_depth"] == 0:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        h = self.health()
        return h["dropped"]["queue_full"] + h["dropped"]["rate_limited"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        # A server that did not stop cleanly may not have written what it acknowledged: its
        # figures would be wrong, so the benchmark stops here.
        if self.proc.wait(timeout=60) != 0:
            raise SystemExit("bloop serve exited with status %d:\n%s" % (self.proc.returncode, "".join(self.log)))

    def persisted(self):
        c = sqlite3.connect(self.db)
        n = c.execute("select count(*) from events").fetchone()[0]
        c.close()
        return n

    def db_bytes(self):
        return sum(os.path.getsize(self.db + s) for s in ("", "-wal") if os.path.exists(self.db + s))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, bodies, conns, secs, pace_ms=0, threads=2, script="ingest.lua", env=None):
    env = dict(os.environ, BODIES=bodies, PACE_MS=str(pace_ms), **(env or {}))
    out = subprocess.run(["wrk", "-t%d" % min(threads, conns), "-c%d" % conns, "-d%ds" % secs, "--latency",
                          "-s", os.path.join(ROOT, "bench", script), url],
                         env=env, capture_output=True, text=True, cwd=os.path.join(ROOT, "bench"))
    for line in out.stdout.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise SystemExit("wrk failed: " + out.stdout + out.stderr)


def scenario(name, batch, conns, secs, pace_ms=0, cpus=None, extra_env=None):
    bodies = bodies_file(batch)
    runs = []
    for n in range(RUNS):
        s = Server(cpus, extra_env)
        try:
            ticks0, t0 = s.cpu_ticks(), time.time()
            r = wrk(s.url, bodies, conns, secs, pace_ms)
            wall = time.time() - t0
            cpu = (s.cpu_ticks() - ticks0) / os.sysconf("SC_CLK_TCK") / wall
            per_req = batch or 1
            acked = (r["requests"] - r["non2xx"]) * per_req
            # Let the writer finish what it acknowledged, then count what is in the file.
            dropped = s.settle()
            hwm = s.hwm_kb()
            s.stop()
            stored = s.persisted()
            size = s.db_bytes()
            secs_run = r["duration_us"] / 1e6
            # wrk stops without reading the answers to requests still in flight; the server
            # stores their events all the same. They were not acknowledged (to wrk), so they
            # count neither as acked nor as persisted: persisted is the acknowledged events found
            # in the database, which cannot exceed acked. Events are not told apart (the bodies
            # repeat), so an acknowledged event lost and an unacknowledged one stored would
            # cancel out; "lost" and the footnote show both sides.
            persisted = min(stored, acked - dropped)
            run = {
                "acked_per_s": acked / secs_run,
                "persisted_per_s": persisted / secs_run,
                "drop_rate": dropped / acked if acked else 0.0,
                "lost": max(0, acked - dropped - stored),
                "unacked_stored": max(0, stored - (acked - dropped)),
                "failed_requests": r["non2xx"] + r["errors"],
                "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
                "cpu": cpu, "peak_rss_mb": hwm / 1024,
                "bytes_per_event": size / stored if stored else 0,
            }
            runs.append(run)
            print("  %s, run %d of %d: acked %.0f/s, persisted %.0f/s, lost %d, failed requests %d, "
                  "stored unacknowledged %d" % (name, n + 1, RUNS, run["acked_per_s"], run["persisted_per_s"],
                                                run["lost"], run["failed_requests"], run["unacked_stored"]),
                  file=sys.stderr, flush=True)
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()
    # The median run by persisted rate (the lower middle one for an even count), whole.
    runs.sort(key=lambda run: run["persisted_per_s"])
    row = dict(runs[(len(runs) - 1) // 2])
    row["name"] = name
    row["secs"] = secs
    row["persisted_range"] = (runs[0]["persisted_per_s"], runs[-1]["persisted_per_s"])
    return row


def queryable_latency(load_rate=0, samples=PROBES):
    """Time from the ingest 200 to the event being visible through the query API. Returns the
    latencies of the probes that became visible and how many did not (an ingest that was not
    answered 200, or an event not queryable within PROBE_TIMEOUT_S): a failure is never a sample."""
    s = Server()
    try:
        created = subprocess.run([BIN, "tokens", "create", "--scopes", "errors:read"], capture_output=True,
                                 text=True, env=dict(os.environ, BLOOP__DATABASE__PATH=s.db))
        if created.returncode != 0:
            raise SystemExit("bloop tokens create failed: " + created.stderr)
        tok = created.stdout.strip()
        bg = None
        if load_rate:
            bodies = bodies_file(0)
            conns = 128
            pace = max(1, int(conns * 1000 / load_rate) - 1)
            bg = subprocess.Popen(["wrk", "-t2", "-c%d" % conns, "-d%ds" % (samples + 10), "-s",
                                   os.path.join(ROOT, "bench", "ingest.lua"), s.url],
                                  env=dict(os.environ, BODIES=bodies, PACE_MS=str(pace)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.join(ROOT, "bench"))
            time.sleep(2)
        lat, failed = [], 0
        for i in range(samples):
            e = event(0)
            e["fingerprint"] = "probe-%d-%d" % (i, time.time_ns())
            body = json.dumps(e)
            req = urllib.request.Request(s.url + "/v1/ingest", data=body.encode(),
                                         headers={"X-Signature": sign(body), "Content-Type": "application/json"})
            try:
                urllib.request.urlopen(req).read()
            except urllib.error.HTTPError as err:
                print("  probe %d: ingest answered %d" % (i, err.code), file=sys.stderr)
                failed += 1
                continue
            t0 = time.perf_counter()
            visible = False
            while time.perf_counter() - t0 <= PROBE_TIMEOUT_S:
                q = urllib.request.Request(s.url + "/v1/errors/" + e["fingerprint"],
                                           headers={"Authorization": "Bearer " + tok})
                try:
                    urllib.request.urlopen(q).read()
                    visible = True
                    break
                except urllib.error.HTTPError as err:
                    if err.code != 404:
                        raise
                time.sleep(0.002)
            if visible:
                lat.append((time.perf_counter() - t0) * 1000)
            else:
                print("  probe %d: not queryable after %d s" % (i, PROBE_TIMEOUT_S), file=sys.stderr)
                failed += 1
            time.sleep(0.2)
        if bg:
            bg.terminate()
            bg.wait()
        s.stop()
        return lat, failed
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
        s.cleanup()


def idle_rss():
    s = Server()
    try:
        time.sleep(2)
        return s.rss_kb() / 1024
    finally:
        s.stop()
        s.cleanup()


def thousands(x):
    return "{:,.0f}".format(x)


def ms(x):
    """Three significant figures: 0.493, 7.31, 113."""
    return "%.3g" % x if x < 999.5 else "%.0f" % x


def print_rows(rows):
    print("| scenario | acked ev/s | persisted ev/s | drop rate | lost | failed requests | p50 ms | p99 ms "
          "| server CPU | peak RSS MB | bytes/event |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %.2f%% | %d | %d | %s | %s | %.0f%% | %.1f | %.0f |" % (
            r["name"], thousands(r["acked_per_s"]), thousands(r["persisted_per_s"]), r["drop_rate"] * 100,
            r["lost"], r["failed_requests"], ms(r["p50_ms"]), ms(r["p99_ms"]), r["cpu"] * 100, r["peak_rss_mb"],
            r["bytes_per_event"]))
    print()
    secs = sorted({r["secs"] for r in rows})
    print("Each row is one whole run: of %d per scenario, the one with the median persisted rate "
          "(%s s each). Persisted counts acknowledged events found in the database afterwards; "
          "failed requests are non-2xx answers and socket errors." % (RUNS, " or ".join(str(x) for x in secs)))
    spread = ["%s %s–%s" % (r["name"], thousands(r["persisted_range"][0]), thousands(r["persisted_range"][1]))
              for r in rows if RUNS > 1]
    if spread:
        print("Persisted ev/s across the runs: %s." % "; ".join(spread))
    extra = [(r["name"], r["unacked_stored"]) for r in rows if r["unacked_stored"]]
    if extra:
        print("Also stored, from requests still in flight when wrk stopped (not counted above): %s." % "; ".join(
            "%s %s" % (n, thousands(k)) for n, k in extra))


def latency_row(label, lat, failed):
    total = len(lat) + failed
    if lat:
        return "| %s | %s | %s | %d of %d |" % (label, ms(statistics.median(lat)), ms(max(lat)), failed, total)
    return "| %s | – | – | %d of %d |" % (label, failed, total)


def main():
    single_secs = DURATION or (10 if SHORT else 20)
    batch_secs = DURATION or (15 if SHORT else 60)
    plan = [
        ("single events, c=64, unpaced", 0, 64, single_secs, 0, None, None),
        ("batches of 50, c=8, unpaced", 50, 8, batch_secs, 0, None, None),
        ("single events paced 5,000/s", 0, 50, single_secs, 10, None, None),
        ("single events paced ~20,000/s", 0, 128, single_secs, 5, None, None),
        ("single events, c=64, server pinned to 1 core", 0, 64, single_secs, 0, "0", None),
        ("batches of 50, c=8, `flush_batch_size = 2000`", 50, 8, batch_secs, 0, None,
         {"BLOOP__PIPELINE__FLUSH_BATCH_SIZE": "2000"}),
    ]
    rows = [scenario(n, b, c, t, pace_ms=p, cpus=cpu, extra_env=env)
            for (n, b, c, t, p, cpu, env) in plan if ONLY in n]
    if ONLY:
        print()
        print_rows(rows)
        return
    idle_lat, idle_failed = queryable_latency(0)
    load_lat, load_failed = queryable_latency(20000)
    rss = idle_rss()
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    print("\n<!-- printed by bench/run.sh (bench/bench.py): paste as is -->")
    print_rows(rows)
    print("\nIngest → queryable (from the 200 to the issue being visible through `GET /v1/errors/{fp}`; a probe "
          "not visible within %d s is a failure, not a sample):\n" % PROBE_TIMEOUT_S)
    print("| load | p50 ms | max ms | failed probes |\n|---|---|---|---|")
    print(latency_row("idle", idle_lat, idle_failed))
    print(latency_row("under 20,000 ev/s", load_lat, load_failed))
    print("\nIdle RSS: %.1f MB. Build %s, %s. Machine: %d cores, %s." % (
        rss, commit or "?", datetime.date.today().isoformat(), os.cpu_count(),
        open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()))


if __name__ == "__main__":
    main()
