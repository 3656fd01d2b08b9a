#!/usr/bin/env python3
"""Load benchmark for `bloop serve` (see bench/run.sh). Prints a markdown table of medians."""
import hashlib, hmac, json, os, shutil, signal, sqlite3, statistics, subprocess, sys, tempfile, time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "bloop")
RUNS = int(os.environ.get("RUNS", "3"))
SHORT = os.environ.get("SHORT") == "1"
# ONLY=batches runs just the scenarios whose name contains that text (and skips the rest).
ONLY = os.environ.get("ONLY", "")
SECRET = "bench-secret"
KINDS = 1000


def event(i):
    k = i % KINDS
    return {
        "timestamp": int(time.time() * 1000),
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


def write_bodies(path, batch, n=2000):
    with open(path, "w") as f:
        f.write("bodies = {\n")
        for i in range(n):
            if batch:
                body = json.dumps({"events": [event(i * batch + j) for j in range(batch)]}, separators=(",", ":"))
            else:
                body = json.dumps(event(i), separators=(",", ":"))
            f.write("{%s, %s},\n" % (json.dumps(body), json.dumps(sign(body))))
        f.write("}\npath = \"%s\"\n" % ("/v1/ingest/batch" if batch else "/v1/ingest"))
    size = len(json.dumps(event(1), separators=(",", ":")))
    return size


class Server:
    def __init__(self, cpus=None, extra_env=None):
        self.dir = tempfile.mkdtemp(prefix="bloop-bench-")
        self.db = os.path.join(self.dir, "bench.db")
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

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)

    def persisted(self):
        c = sqlite3.connect(self.db)
        n = c.execute("select count(*) from events").fetchone()[0]
        c.close()
        return n

    def db_bytes(self):
        return sum(os.path.getsize(self.db + s) for s in ("", "-wal") if os.path.exists(self.db + s))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, bodies, conns, secs, pace_ms=0, threads=2):
    env = dict(os.environ, BODIES=bodies, PACE_MS=str(pace_ms))
    out = subprocess.run(["wrk", "-t%d" % min(threads, conns), "-c%d" % conns, "-d%ds" % secs, "--latency",
                          "-s", os.path.join(ROOT, "bench", "ingest.lua"), url],
                         env=env, capture_output=True, text=True, cwd=os.path.join(ROOT, "bench"))
    for line in out.stdout.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise SystemExit("wrk failed: " + out.stdout + out.stderr)


def scenario(name, batch, conns, secs, pace_ms=0, cpus=None, extra_env=None):
    bodies = os.path.join(tempfile.gettempdir(), "bloop-bodies-%d.lua" % batch)
    if not os.path.exists(bodies):
        write_bodies(bodies, batch)
    runs = []
    for _ in range(RUNS):
        s = Server(cpus, extra_env)
        try:
            ticks0, t0 = s.cpu_ticks(), time.time()
            r = wrk(s.url, bodies, conns, secs, pace_ms)
            wall = time.time() - t0
            cpu = (s.cpu_ticks() - ticks0) / os.sysconf("SC_CLK_TCK") / wall
            per_req = batch or 1
            acked = (r["requests"] - r["non2xx"]) * per_req
            # Let the writer finish what it acknowledged, then count what is in the file.
            for _ in range(200):
                h = s.health()
                if h["queue_depth"] == 0:
                    break
                time.sleep(0.05)
            time.sleep(0.3)
            h = s.health()
            dropped = h["dropped"]["queue_full"] + h["dropped"]["rate_limited"]
            hwm = s.hwm_kb()
            s.stop()
            persisted = s.persisted()
            size = s.db_bytes()
            runs.append({
                "acked_per_s": acked / (r["duration_us"] / 1e6),
                "persisted_per_s": persisted / (r["duration_us"] / 1e6),
                "drop_rate": dropped / acked if acked else 0.0,
                "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
                "cpu": cpu, "peak_rss_mb": hwm / 1024,
                "bytes_per_event": size / persisted if persisted else 0,
                # Requests still in flight when wrk stopped are persisted but not counted as
                # acknowledged, so this can only be an overestimate of nothing lost.
                "lost": max(0, acked - dropped - persisted),
            })
        finally:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()
    med = {k: statistics.median(run[k] for run in runs) for k in runs[0]}
    med["name"] = name
    return med


def queryable_latency(load_rate=0, samples=15):
    """Time from the ingest 200 to the event being visible through the query API."""
    s = Server()
    try:
        tok = subprocess.run([BIN, "tokens", "create", "--scopes", "errors:read"], capture_output=True, text=True,
                             env=dict(os.environ, BLOOP__DATABASE__PATH=s.db)).stdout.strip()
        bg = None
        if load_rate:
            bodies = os.path.join(tempfile.gettempdir(), "bloop-bodies-0.lua")
            if not os.path.exists(bodies):
                write_bodies(bodies, 0)
            conns = 128
            pace = max(1, int(conns * 1000 / load_rate) - 1)
            bg = subprocess.Popen(["wrk", "-t2", "-c%d" % conns, "-d%ds" % (samples + 10), "-s",
                                   os.path.join(ROOT, "bench", "ingest.lua"), s.url],
                                  env=dict(os.environ, BODIES=bodies, PACE_MS=str(pace)),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.join(ROOT, "bench"))
            time.sleep(2)
        lat = []
        for i in range(samples):
            e = event(0)
            e["fingerprint"] = "probe-%d-%d" % (i, time.time_ns())
            body = json.dumps(e)
            req = urllib.request.Request(s.url + "/v1/ingest", data=body.encode(),
                                         headers={"X-Signature": sign(body), "Content-Type": "application/json"})
            urllib.request.urlopen(req).read()
            t0 = time.perf_counter()
            while True:
                q = urllib.request.Request(s.url + "/v1/errors/" + e["fingerprint"],
                                           headers={"Authorization": "Bearer " + tok})
                try:
                    urllib.request.urlopen(q).read()
                    break
                except urllib.error.HTTPError as err:
                    if err.code != 404:
                        raise
                if time.perf_counter() - t0 > 10:
                    break
                time.sleep(0.002)
            lat.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.2)
        if bg:
            bg.terminate()
            bg.wait()
        idle_rss = s.rss_kb() / 1024
        s.stop()
        return statistics.median(lat), max(lat), idle_rss
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


def print_rows(rows):
    print("\n| scenario | acked ev/s | persisted ev/s | drop rate | lost | p50 ms | p99 ms | server CPU | peak RSS MB | bytes/event |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %.0f | %.0f | %.2f%% | %d | %.2f | %.2f | %.0f%% | %.1f | %.0f |" % (
            r["name"], r["acked_per_s"], r["persisted_per_s"], r["drop_rate"] * 100, r["lost"],
            r["p50_ms"], r["p99_ms"], r["cpu"] * 100, r["peak_rss_mb"], r["bytes_per_event"]))


def main():
    single_secs = 10 if SHORT else 20
    batch_secs = 15 if SHORT else 60
    plan = [
        ("single events, c=64, unpaced", 0, 64, single_secs, 0, None, None),
        ("batches of 50, c=8, unpaced", 50, 8, batch_secs, 0, None, None),
        ("single events paced 5,000/s", 0, 50, single_secs, 10, None, None),
        ("single events paced ~20,000/s", 0, 128, single_secs, 5, None, None),
        ("single events, c=64, server on 1 core", 0, 64, single_secs, 0, "0", None),
        ("batches of 50, c=8, flush_batch_size = 2000", 50, 8, batch_secs, 0, None,
         {"BLOOP__PIPELINE__FLUSH_BATCH_SIZE": "2000"}),
    ]
    rows = [scenario(n, b, c, t, pace_ms=p, cpus=cpu, extra_env=env)
            for (n, b, c, t, p, cpu, env) in plan if ONLY in n]
    if ONLY:
        print_rows(rows)
        return
    idle_p50, idle_max, _ = queryable_latency(0)
    load_p50, load_max, _ = queryable_latency(20000)
    rss = idle_rss()
    print_rows(rows)
    print("\n| ingest → queryable | p50 ms | max ms |\n|---|---|---|")
    print("| idle | %.1f | %.1f |" % (idle_p50, idle_max))
    print("| under 20,000 ev/s | %.1f | %.1f |" % (load_p50, load_max))
    print("\nidle RSS: %.1f MB; medians of %d runs; machine: %d cores, %s" % (
        rss, RUNS, os.cpu_count(), open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()))


if __name__ == "__main__":
    main()
