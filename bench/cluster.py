#!/usr/bin/env python3
"""Scale-out benchmark (README "Scaling out: figures"): batches of 50 events from wrk into
1 node on SQLite, 1 node on PostgreSQL and 2 nodes on one PostgreSQL, side by side, with the CPU
each bloop node and PostgreSQL spent per stored event, so the scaling on separate machines can be
computed (on this box everything shares its cores). Every run checks that what was acknowledged
is stored exactly once (no event lost, none counted twice).

`SOAK=600 bench/cluster.py soak` runs two nodes for that many seconds at a fixed rate instead and
prints flush percentiles, deadlocks retried and the nodes' RSS over time.

Needs: a release build (CARGO_TARGET_DIR/release/bloop), wrk, PostgreSQL's server programs
(Debian `postgresql`). The PostgreSQL server is a fresh one in a temporary directory with its
default durability settings (fsync on) and shared_buffers = 256MB.
"""
import glob, json, os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the shared wrk driver, bodies and server wrapper)

RUNS = int(os.environ.get("RUNS", "3"))
# STORM=1: every event is the same issue (one row every flush of every node updates).
if os.environ.get("STORM") == "1":
    bench.KINDS = 1
SECS = int(os.environ.get("SECS", "30"))
CONNS = int(os.environ.get("CONNS", "8"))
BATCH = 50


def pg_bin():
    real = shutil.which("initdb")
    if real:
        d = os.path.dirname(os.path.realpath(real))
        if os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL's server programs are missing: apt-get install postgresql")
    return os.path.dirname(found[-1])


class Postgres:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="bloop-bench-pg-")
        self.root = os.geteuid() == 0
        if self.root:
            subprocess.run(["chown", "postgres:postgres", self.dir], check=True)
        self.run("initdb", "-D", self.data(), "-U", "bloop", "--auth=trust", "-N")
        self.run("pg_ctl", "start", "-w", "-D", self.data(), "-l", os.path.join(self.dir, "log"), "-o",
                 "-k %s -c listen_addresses='' -c shared_buffers=256MB -c max_connections=200" % self.dir)
        self.n = 0

    def data(self):
        return os.path.join(self.dir, "data")

    def run(self, prog, *args):
        cmd = [os.path.join(self.bin, prog)] + list(args)
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def database(self):
        self.n += 1
        name = "bench%d" % self.n
        subprocess.run([os.path.join(self.bin, "createdb"), "-h", self.dir, "-U", "bloop", name], check=True)
        return "postgres://bloop@/%s?host=%s" % (name, self.dir)

    def sql(self, url, q):
        out = subprocess.run([os.path.join(self.bin, "psql"), "-d", url, "-Atc", q], check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()

    def cpu_ticks(self):
        """CPU ticks of this server's processes: the postmaster and its children (backends,
        WAL writer, checkpointer…), the ended ones included (counted into the parent's)."""
        with open(os.path.join(self.data(), "postmaster.pid")) as f:
            master = int(f.readline())
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % pid) as f:
                    parts = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(pid) == master:
                # utime + stime + the waited-for children's cutime + cstime.
                total += sum(int(x) for x in parts[11:15])
            elif int(parts[1]) == master:
                total += int(parts[11]) + int(parts[12])
        return total

    def stop(self):
        try:
            self.run("pg_ctl", "stop", "-m", "fast", "-D", self.data())
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def node(url=None):
    extra = {"BLOOP__DATABASE__URL": url} if url else None
    return bench.Server(extra_env=extra)


def run_once(kind, pg, bodies):
    url = pg.database() if kind != "sqlite" else None
    nodes = [node(url)] if kind != "pg2" else [node(url), node(url)]
    tck = os.sysconf("SC_CLK_TCK")
    try:
        n0 = [s.cpu_ticks() for s in nodes]
        p0 = pg.cpu_ticks() if url else 0
        t0 = time.time()
        # One wrk per node, the connections split between them.
        results = {}
        def load(i, s):
            results[i] = bench.wrk(s.url, bodies, max(1, CONNS // len(nodes)), SECS)
        import threading
        threads = [threading.Thread(target=load, args=(i, s)) for i, s in enumerate(nodes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        dropped = sum(s.settle() for s in nodes)
        wall = time.time() - t0
        node_cpu = [(s.cpu_ticks() - c) / tck for s, c in zip(nodes, n0)]
        pg_cpu = (pg.cpu_ticks() - p0) / tck if url else 0.0
        health = [s.health() for s in nodes]
        hwm = [s.hwm_kb() / 1024 for s in nodes]
        for s in nodes:
            s.stop()
        acked = sum((r["requests"] - r["non2xx"]) * BATCH for r in results.values())
        secs = max(r["duration_us"] for r in results.values()) / 1e6
        if url:
            stored = int(pg.sql(url, "SELECT count(*) FROM events"))
            counted = int(pg.sql(url, "SELECT coalesce(sum(total_count), 0) FROM issues"))
        else:
            stored = nodes[0].persisted()
            import sqlite3
            c = sqlite3.connect(nodes[0].db)
            counted = c.execute("select coalesce(sum(total_count), 0) from issues").fetchone()[0]
            c.close()
        return {
            "acked_per_s": acked / secs,
            "stored": stored, "acked": acked, "dropped": dropped, "counted": counted,
            # wrk leaves requests in flight at its end: stored may exceed acked by those.
            "lost": max(0, acked - dropped - stored),
            "double_counted": counted - stored,
            "node_cpu_us": [c / max(stored, 1) * 1e6 for c in node_cpu],
            "pg_cpu_us": pg_cpu / max(stored, 1) * 1e6,
            "node_cores": [c / wall for c in node_cpu],
            "pg_cores": pg_cpu / wall,
            "conflicts": sum(h["flushes"]["conflicts_retried"] for h in health),
            "p99_flush_ms": max(h["flushes"]["p99_ms_under"] or 0 for h in health),
            "peak_rss_mb": hwm,
        }
    finally:
        for s in nodes:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()


def compare():
    pg = Postgres()
    bodies = bench.bodies_file(BATCH)
    rows = []
    try:
        only = os.environ.get("ONLY", "")
        for kind, label in [("sqlite", "1 node, SQLite"), ("pg1", "1 node, PostgreSQL"),
                            ("pg2", "2 nodes, one PostgreSQL")]:
            if only and only != kind:
                continue
            runs = []
            for i in range(RUNS):
                r = run_once(kind, pg, bodies)
                print("  %s, run %d of %d: %.0f ev/s acked, lost %d, double-counted %d, conflicts %d"
                      % (label, i + 1, RUNS, r["acked_per_s"], r["lost"], r["double_counted"], r["conflicts"]),
                      file=sys.stderr, flush=True)
                runs.append(r)
            runs.sort(key=lambda r: r["acked_per_s"])
            med = runs[(len(runs) - 1) // 2]
            med["label"] = label
            med["range"] = (runs[0]["acked_per_s"], runs[-1]["acked_per_s"])
            rows.append(med)
    finally:
        pg.stop()
    commit = subprocess.run(["git", "-C", bench.ROOT, "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    print("\n<!-- printed by bench/cluster.py: paste as is -->")
    print("| setup | events/s (median of %d; range) | lost | double-counted | CPU µs/event: bloop nodes | "
          "CPU µs/event: PostgreSQL | cores used: nodes / PostgreSQL | flush p99 ≤ ms | deadlocks retried | peak RSS MB |"
          % RUNS)
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s (%s–%s) | %d | %d | %s | %s | %s / %s | %s | %d | %s |" % (
            r["label"], bench.thousands(r["acked_per_s"]), bench.thousands(r["range"][0]),
            bench.thousands(r["range"][1]), r["lost"], r["double_counted"],
            " + ".join("%.1f" % c for c in r["node_cpu_us"]),
            "%.1f" % r["pg_cpu_us"] if r["pg_cpu_us"] else "–",
            " + ".join("%.2f" % c for c in r["node_cores"]), "%.2f" % r["pg_cores"] if r["pg_cores"] else "–",
            r["p99_flush_ms"], r["conflicts"], " + ".join("%.0f" % m for m in r["peak_rss_mb"])))
    print("\nBatches of %d events%s, %d connections in all, %d s per run. Build %s. Machine: %d cores (bloop, "
          "PostgreSQL and wrk share them)." % (BATCH, " all of one issue" if bench.KINDS == 1 else
                                               " over %d issues" % bench.KINDS, CONNS, SECS, commit or "?",
                                               os.cpu_count()))


def soak():
    secs = int(os.environ.get("SOAK", "600"))
    rate = int(os.environ.get("RATE", "2000"))  # events/s per node
    pg = Postgres()
    url = pg.database()
    nodes = [node(url), node(url)]
    bodies = bench.bodies_file(BATCH)
    # wrk paced: each connection waits PACE_MS between batches.
    conns = 4
    pace_ms = int(1000 * conns * BATCH / rate)
    samples = []
    import threading
    results = {}
    def load(i, s):
        results[i] = bench.wrk(s.url, bodies, conns, secs, pace_ms=pace_ms)
    try:
        threads = [threading.Thread(target=load, args=(i, s)) for i, s in enumerate(nodes)]
        for t in threads:
            t.start()
        t0 = time.time()
        while any(t.is_alive() for t in threads):
            time.sleep(min(30, max(1, secs // 20)))
            samples.append((time.time() - t0, [s.rss_kb() / 1024 for s in nodes],
                            [s.health()["flushes"] for s in nodes]))
        for s in nodes:
            s.settle()
        health = [s.health() for s in nodes]
        for s in nodes:
            s.stop()
        acked = sum((r["requests"] - r["non2xx"]) * BATCH for r in results.values())
        stored = int(pg.sql(url, "SELECT count(*) FROM events"))
        counted = int(pg.sql(url, "SELECT coalesce(sum(total_count), 0) FROM issues"))
        print("\n<!-- printed by bench/cluster.py soak: paste as is -->")
        print("Two nodes, one PostgreSQL, %d s at %s events/s per node (batches of %d):" % (
            secs, bench.thousands(rate), BATCH))
        print("acknowledged %s, stored %s, counted %s; deadlocks retried %d; flush p50 ≤ %s ms, p99 ≤ %s ms "
              "(node a), p99 ≤ %s ms (node b)." % (
                  bench.thousands(acked), bench.thousands(stored), bench.thousands(counted),
                  sum(h["flushes"]["conflicts_retried"] for h in health), health[0]["flushes"]["p50_ms_under"],
                  health[0]["flushes"]["p99_ms_under"], health[1]["flushes"]["p99_ms_under"]))
        print("\n| minute | RSS node a MB | RSS node b MB |\n|---|---|---|")
        last = -1
        for t, rss, _ in samples:
            m = int(t // 60)
            if m != last:
                print("| %d | %.1f | %.1f |" % (m, rss[0], rss[1]))
                last = m
    finally:
        for s in nodes:
            if s.proc.poll() is None:
                s.proc.kill()
            s.cleanup()
        pg.stop()


if __name__ == "__main__":
    if sys.argv[1:] == ["soak"]:
        soak()
    else:
        compare()
