#!/usr/bin/env python3
"""LLM proxy benchmark for `bloop serve`: what putting bloop's proxy (`/v1/proxy/openai/…`) between
a client and its provider costs, against a fake OpenAI answering on 127.0.0.1.

1. Added latency, non-streaming: the same chat completion sent directly to the mock and through
   the proxy, RATE calls/s each way (default 200) for DURATION s (default 10), open-loop (each
   call goes out on its schedule, on its own keep-alive connection taken from a pool, whatever
   the calls before it are doing), direct and proxied interleaved half a period apart and
   alternating which goes first, after 1 s of warm-up. p50 and p99 of each; added = proxied −
   direct. Every answer is checked to be the mock's exact body.
2. Time to first streamed byte: SAMPLES streamed chat completions each way (default 100), one at
   a time, direct and proxied alternating: from writing the request to the first body byte (and
   to the first whole SSE event). Both with `stream_options.include_usage` (the proxy passes the
   stream through untouched) and without (the proxy asks the provider for usage and removes
   what the client did not ask for, so it passes whole events: a half-written event waits for
   its second half).
3. STREAMS streamed chat completions (default 200) through the proxy all at once, on a fresh
   server, once with `include_usage` and once without: every body must be byte-identical to the
   same request's stream straight from the mock; then every call must be in `llm_spans` with the
   mock's usage (input 1200, output 300, cache read 200) and status ok (the writer flushes every
   2 s; the database is polled up to 20 s). The proxy's peak RSS (VmHWM) over this server's life.

Every proxied stream of parts 2 and 3 is compared byte for byte with the direct one. Each run has
its own servers and database; the table shows the median of RUNS runs (default 3) for each figure
(the added latency is the median of each run's difference).

The provider is a mock built in (`python3 bench/proxy.py --mock` runs it alone): one asyncio
process answering the bodies and SSE events of tests/proxy/mock_provider.py (its constants are
imported) without the per-request threads, so that the mock is not what is measured. A stream
writes every event in two halves SSE_PAUSE_MS apart (default 1; tests/proxy/mock_provider.py
uses 3) with no pause between events, after its headers. Streams are chunked and keep-alive, as
providers answer (SSE_FRAMING=close: `Connection: close` and no length, as the test mock does),
so the proxy's upstream connections are reused as the direct client's are. The client is raw
asyncio sockets in this process, building each request's bytes beforehand; the only difference
between the two paths is the address and the X-Bloop-Key header.

    cargo build --release && python3 bench/proxy.py
    RUNS=1 DURATION=3 python3 bench/proxy.py      # a quick smoke run
"""
import asyncio, gc, importlib.util, json, math, os, socket, sqlite3, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Server, RUNS, BIN)

RUNS = bench.RUNS
RATE = float(os.environ.get("RATE", "200"))
DURATION = float(os.environ.get("DURATION", "10"))
STREAMS = int(os.environ.get("STREAMS", "200"))
SAMPLES = int(os.environ.get("SAMPLES", "100"))
SSE_PAUSE = float(os.environ.get("SSE_PAUSE_MS", "1")) / 1000
SSE_FRAMING = os.environ.get("SSE_FRAMING", "chunked")
WARMUP_S = 1.0
# Idle keep-alive connections opened per path before the latency phase (more open if needed).
CONNS = 32
CALL_TIMEOUT_S = 30
RECORD_WAIT_S = 20
USAGE = (1200, 300, 200)  # input, output, cache read: what the mock reports for a chat completion

_spec = importlib.util.spec_from_file_location(
    "mock_provider", os.path.join(bench.ROOT, "tests", "proxy", "mock_provider.py"))
mock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mock)

# ------------------------------------------------------------------------------------ the mock

CHAT_BODY = mock._dump({
    "id": "chatcmpl-mock", "object": "chat.completion", "created": mock.CREATED, "model": mock.OPENAI_MODEL,
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from mock"}, "finish_reason": "stop"}],
    "usage": mock.CHAT_USAGE,
}).encode()


def chat_events(include_usage):
    """The raw SSE events of a chat stream, as tests/proxy/mock_provider.py's _chat_stream sends them."""
    def chunk(choices, usage=None, final=False):
        c = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": mock.CREATED,
             "model": mock.OPENAI_MODEL, "choices": choices}
        if include_usage:
            c["usage"] = usage if final else None
        return c

    def choice(delta, finish=None):
        return [{"index": 0, "delta": delta, "finish_reason": finish}]

    def data(obj):
        return ("data: %s\n\n" % mock._dump(obj)).encode()

    comment = b": keep-alive\n\n"
    out = [data(chunk(choice({"role": "assistant", "content": ""}))), comment]
    for i, piece in enumerate(["Hel", "lo", " from", " mock"]):
        out.append(data(chunk(choice({"content": piece}))))
        if i == 1:
            out.append(comment)
    out.append(data(chunk(choice({}, "stop"))))
    if include_usage:
        out.append(data(chunk([], mock.CHAT_USAGE, final=True)))
    out.append(b"data: [DONE]\n\n")
    return out


STREAM_BODY = {iu: b"".join(chat_events(iu)) for iu in (True, False)}
JSON_ANSWER = (b"HTTP/1.1 200 OK\r\nServer: mock-provider/1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(CHAT_BODY)) + CHAT_BODY


def not_found(path):
    body = mock._dump({"error": {"message": "mock: no route for %s" % path, "type": "invalid_request_error",
                                 "param": None, "code": "unknown_url"}}).encode()
    return (b"HTTP/1.1 404 Not Found\r\nServer: mock-provider/1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


class MockConn(asyncio.Protocol):
    """One connection to the mock: keep-alive, requests answered in order."""

    def connection_made(self, transport):
        self.t = transport
        self.buf = b""
        self.busy = False

    def data_received(self, data):
        self.buf += data
        self.serve()

    def connection_lost(self, exc):
        self.t = None

    def serve(self):
        while not self.busy and self.t:
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                return
            lines = self.buf[:i].decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            if "chunked" in headers.get("transfer-encoding", "").lower():
                got = dechunk(self.buf, i + 4)
                if got is None:
                    return
                body, end = got
            else:
                end = i + 4 + int(headers.get("content-length") or 0)
                if len(self.buf) < end:
                    return
                body = self.buf[i + 4:end]
            self.buf = self.buf[end:]
            if method != "POST" or path.split("?")[0] != "/v1/chat/completions":
                self.t.write(not_found(path))
                continue
            try:
                req = json.loads(body)
            except ValueError:
                req = {}
            if not req.get("stream"):
                self.t.write(JSON_ANSWER)
                continue
            opts = req.get("stream_options")
            include_usage = isinstance(opts, dict) and opts.get("include_usage") is True
            self.busy = True
            asyncio.ensure_future(self.stream(chat_events(include_usage)))

    async def stream(self, events):
        close = SSE_FRAMING == "close"
        self.t.write(b"HTTP/1.1 200 OK\r\nServer: mock-provider/1\r\nContent-Type: text/event-stream\r\n"
                     b"Cache-Control: no-cache\r\n" + (b"Connection: close\r\n\r\n" if close else
                                                        b"Transfer-Encoding: chunked\r\n\r\n"))
        for raw in events:
            half = len(raw) // 2
            for k, piece in enumerate((raw[:half], raw[half:])):
                if not self.t or self.t.is_closing():
                    return
                self.t.write(piece if close else b"%x\r\n%s\r\n" % (len(piece), piece))
                if k == 0 and SSE_PAUSE:
                    await asyncio.sleep(SSE_PAUSE)
        if not self.t:
            return
        if close:
            self.t.close()
            return
        self.t.write(b"0\r\n\r\n")
        self.busy = False
        self.serve()


def dechunk(buf, at):
    """A chunked body starting at `at`: (body, end) once whole, else None."""
    body = b""
    while True:
        j = buf.find(b"\r\n", at)
        if j < 0:
            return None
        size = int(buf[at:j].split(b";")[0] or b"0", 16)
        at = j + 2
        if size == 0:
            k = buf.find(b"\r\n\r\n", at - 2)
            return (body, k + 4) if k >= 0 else None
        if len(buf) < at + size + 2:
            return None
        body += buf[at:at + size]
        at += size + 2


def run_mock():
    gc.disable()

    async def main():
        server = await asyncio.get_running_loop().create_server(MockConn, "127.0.0.1", 0, backlog=4096)
        print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------------------------- the client


class Resp:
    """One HTTP/1.1 answer read as it arrives (Content-Length, chunked or to the close), with
    the times of its first body byte, the end of its first SSE event and its end."""

    def __init__(self, fut, t_send):
        self.fut, self.t_send = fut, t_send
        self.buf = bytearray()
        self.state = "head"
        self.body = bytearray()
        self.status, self.headers, self.keep = 0, {}, False
        self.t_first = self.t_event = self.t_done = None
        self.left = 0

    def feed(self, data, now):
        if self.state == "done":
            return
        self.buf += data
        buf = self.buf
        while True:
            if self.state == "head":
                i = buf.find(b"\r\n\r\n")
                if i < 0:
                    return
                lines = bytes(buf[:i]).decode("latin-1").split("\r\n")
                del buf[:i + 4]
                self.status = int(lines[0].split(" ")[1])
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    self.headers[k.strip().lower()] = v.strip()
                if "chunked" in self.headers.get("transfer-encoding", "").lower():
                    self.state = "size"
                elif "content-length" in self.headers:
                    self.state, self.left = "length", int(self.headers["content-length"])
                else:
                    self.state = "close"
                self.keep = self.state != "close" and self.headers.get("connection", "").lower() != "close"
                if self.state == "length" and self.left == 0:
                    return self.finish(now)
            elif self.state == "length":
                take = bytes(buf[:self.left])
                del buf[:len(take)]
                self.add(take, now)
                self.left -= len(take)
                if self.left == 0:
                    return self.finish(now)
                return
            elif self.state == "close":
                self.add(bytes(buf), now)
                del buf[:]
                return
            elif self.state == "size":
                j = buf.find(b"\r\n")
                if j < 0:
                    return
                self.left = int(bytes(buf[:j]).split(b";")[0] or b"0", 16)
                del buf[:j + 2]
                self.state = "data" if self.left else "trailer"
            elif self.state == "data":
                take = bytes(buf[:self.left])
                del buf[:len(take)]
                self.add(take, now)
                self.left -= len(take)
                if self.left:
                    return
                self.state = "crlf"
            elif self.state == "crlf":
                if len(buf) < 2:
                    return
                del buf[:2]
                self.state = "size"
            elif self.state == "trailer":
                j = buf.find(b"\r\n")
                if j < 0:
                    return
                del buf[:j + 2]
                if j == 0:
                    return self.finish(now)

    def add(self, b, now):
        if not b:
            return
        if self.t_first is None:
            self.t_first = now
        start = max(0, len(self.body) - 1)
        self.body += b
        if self.t_event is None and self.body.find(b"\n\n", start) >= 0:
            self.t_event = now

    def finish(self, now):
        self.state, self.t_done = "done", now
        if not self.fut.done():
            self.fut.set_result(self)

    def eof(self, now):
        if self.state == "close":
            self.keep = False
            self.finish(now)
        elif self.state != "done" and not self.fut.done():
            self.fut.set_exception(ConnectionError("connection closed mid-answer (%s)" % self.state))


class Conn(asyncio.Protocol):
    """One client connection, one request at a time."""

    def __init__(self):
        self.t, self.resp, self.dead = None, None, False

    def connection_made(self, transport):
        self.t = transport

    def send(self, data):
        self.resp = Resp(asyncio.get_running_loop().create_future(), time.perf_counter())
        self.t.write(data)
        return self.resp

    def data_received(self, data):
        if self.resp:
            self.resp.feed(data, time.perf_counter())

    def connection_lost(self, exc):
        self.dead = True
        if self.resp:
            self.resp.eof(time.perf_counter())


async def connect(addr):
    _, c = await asyncio.get_running_loop().create_connection(Conn, addr[0], addr[1])
    return c


class Pool:
    def __init__(self, addr):
        self.addr, self.idle, self.opened = addr, [], 0

    async def fill(self, n):
        self.idle += await asyncio.gather(*[connect(self.addr) for _ in range(n)])

    async def get(self):
        while self.idle:
            c = self.idle.pop()
            if not c.dead:
                return c
        self.opened += 1
        return await connect(self.addr)

    def close(self):
        for c in self.idle:
            c.t.close()
        self.idle = []


async def call(pool, req):
    """Sends `req` on a pooled connection; the whole answer (raises on a broken one)."""
    c = await pool.get()
    r = c.send(req)
    try:
        await asyncio.wait_for(r.fut, CALL_TIMEOUT_S)
    except BaseException:
        c.t.abort()
        raise
    if r.keep and not c.dead:
        pool.idle.append(c)
    else:
        c.t.close()
    return r


def request(addr, path, body, key=None):
    head = ("POST %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer sk-bench\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n" % (path, addr[0], addr[1], len(body)))
    if key:
        head += "X-Bloop-Key: %s\r\n" % key
    return (head + "\r\n").encode() + body


MESSAGES = [{"role": "user", "content": "Say hello"}]


def chat_body(stream, include_usage=False):
    b = {"model": "gpt-4o-mini", "messages": MESSAGES}
    if stream:
        b["stream"] = True
        if include_usage:
            b["stream_options"] = {"include_usage": True}
    return json.dumps(b, separators=(",", ":")).encode()


class Paths:
    """The same request to the mock and through the proxy."""

    def __init__(self, mock_addr, bloop_addr, key):
        self.direct, self.proxied, self.key = mock_addr, bloop_addr, key

    def req(self, which, body):
        if which == "direct":
            return request(self.direct, "/v1/chat/completions", body)
        return request(self.proxied, "/v1/proxy/openai/v1/chat/completions", body, self.key)

    def addr(self, which):
        return self.direct if which == "direct" else self.proxied


def pct(xs, q):
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)] if s else float("nan")


def first_diff(a, b):
    n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return "at byte %d (lengths %d direct, %d proxied): direct %r, proxied %r" % (
        n, len(a), len(b), bytes(a[max(0, n - 20):n + 40]), bytes(b[max(0, n - 20):n + 40]))


class Checks:
    """Streams compared with the direct one, failures, proxied calls made: over all runs."""

    def __init__(self):
        self.compared = self.identical = 0
        self.diffs, self.errors = [], []

    def compare(self, what, ref, body):
        self.compared += 1
        if bytes(body) == ref:
            self.identical += 1
        elif len(self.diffs) < 5:
            self.diffs.append("%s: %s" % (what, first_diff(ref, body)))

    def error(self, what):
        if len(self.errors) < 10:
            self.errors.append(what)


# ------------------------------------------------------------------------------ the three parts


async def latency(paths, checks, secs):
    """Part 1: (direct latencies, proxied latencies) in ms, the client's worst lag behind its
    schedule in ms, calls that failed and proxied calls sent."""
    pools = {w: Pool(paths.addr(w)) for w in ("direct", "proxied")}
    for p in pools.values():
        await p.fill(CONNS)
    reqs = {w: paths.req(w, chat_body(False)) for w in pools}
    lat = {"direct": [], "proxied": []}
    state = {"failed": 0, "lag": 0.0, "sent": 0}

    async def one(which, keep):
        try:
            r = await call(pools[which], reqs[which])
        except (OSError, asyncio.TimeoutError) as e:
            state["failed"] += 1
            checks.error("%s non-streaming call: %r" % (which, e))
            return
        if r.status != 200 or bytes(r.body) != CHAT_BODY:
            state["failed"] += 1
            checks.error("%s non-streaming call: HTTP %d, body %r" % (which, r.status, bytes(r.body[:200])))
        elif keep:
            lat[which].append((r.t_done - r.t_send) * 1000)

    async def schedule(seconds, keep):
        tasks = []
        t0 = time.perf_counter() + 0.05
        for i in range(int(seconds * RATE)):
            order = ("direct", "proxied") if i % 2 == 0 else ("proxied", "direct")
            for j, which in enumerate(order):
                target = t0 + (i + j / 2) / RATE
                delay = target - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif keep:
                    state["lag"] = max(state["lag"], -delay * 1000)
                tasks.append(asyncio.ensure_future(one(which, keep)))
                if which == "proxied":
                    state["sent"] += 1
        await asyncio.gather(*tasks)

    await schedule(WARMUP_S, False)
    gc.collect()
    await schedule(secs, True)
    for p in pools.values():
        p.close()
    return lat["direct"], lat["proxied"], state["lag"], state["failed"], state["sent"], \
        pools["direct"].opened + pools["proxied"].opened


async def stream_once(paths, which, include_usage):
    c = await connect(paths.addr(which))
    r = c.send(paths.req(which, chat_body(True, include_usage)))
    try:
        await asyncio.wait_for(r.fut, CALL_TIMEOUT_S)
    finally:
        c.t.close()
    return r


async def first_byte(paths, checks):
    """Part 2: {include_usage: {which: ([ms to first byte], [ms to first whole event])}} and
    proxied calls sent."""
    out = {iu: {"direct": ([], []), "proxied": ([], [])} for iu in (True, False)}
    sent = 0
    for iu in (True, False):
        for k in range(SAMPLES):
            for which in (("direct", "proxied") if k % 2 == 0 else ("proxied", "direct")):
                sent += which == "proxied"
                try:
                    r = await stream_once(paths, which, iu)
                except (OSError, asyncio.TimeoutError) as e:
                    checks.error("%s stream (include_usage %s): %r" % (which, iu, e))
                    continue
                if r.status != 200 or r.t_first is None:
                    checks.error("%s stream (include_usage %s): HTTP %d" % (which, iu, r.status))
                    continue
                if which == "proxied":
                    checks.compare("timed stream, include_usage %s" % iu, STREAM_BODY[iu], r.body)
                elif bytes(r.body) != STREAM_BODY[iu]:
                    checks.error("direct stream differs from the mock's events: " + first_diff(STREAM_BODY[iu], r.body))
                out[iu][which][0].append((r.t_first - r.t_send) * 1000)
                out[iu][which][1].append((r.t_event - r.t_send) * 1000)
    return out, sent


async def many_streams(paths, checks, include_usage):
    """Part 3, one variant: STREAMS proxied streams at once, each compared with the direct
    stream of the same request. Returns (identical, answered) and the slowest stream in ms."""
    ref = await stream_once(paths, "direct", include_usage)
    if ref.status != 200 or bytes(ref.body) != STREAM_BODY[include_usage]:
        checks.error("direct reference stream (include_usage %s): HTTP %d, %s" % (
            include_usage, ref.status, first_diff(STREAM_BODY[include_usage], ref.body)))
    ref = bytes(ref.body)
    conns = await asyncio.gather(*[connect(paths.proxied) for _ in range(STREAMS)])
    req = paths.req("proxied", chat_body(True, include_usage))
    t0 = time.perf_counter()
    resps = [c.send(req) for c in conns]
    done = await asyncio.gather(*[asyncio.wait_for(r.fut, CALL_TIMEOUT_S) for r in resps], return_exceptions=True)
    slowest = (time.perf_counter() - t0) * 1000
    for c in conns:
        c.t.close()
    identical = answered = 0
    for r in done:
        if isinstance(r, BaseException):
            checks.error("concurrent stream (include_usage %s): %r" % (include_usage, r))
            continue
        if r.status != 200:
            checks.error("concurrent stream (include_usage %s): HTTP %d %r" % (include_usage, r.status, bytes(r.body[:200])))
            continue
        answered += 1
        before = checks.identical
        checks.compare("%d concurrent streams, include_usage %s" % (STREAMS, include_usage), ref, r.body)
        identical += checks.identical - before
    return identical, answered, slowest


def recorded(db, expected):
    """Polls `llm_spans` until `expected` rows are there (or RECORD_WAIT_S passed): rows, rows
    with the mock's exact usage and status ok, and a few rows that are not."""
    deadline = time.time() + RECORD_WAIT_S
    while True:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
        try:
            rows, good = c.execute(
                "SELECT count(*), coalesce(sum(input_tokens = ? AND output_tokens = ? AND cache_read_tokens = ? "
                "AND status = 'ok'), 0) FROM llm_spans", USAGE).fetchone()
            bad = c.execute(
                "SELECT input_tokens, output_tokens, cache_read_tokens, status, error_message, metadata, count(*) "
                "FROM llm_spans WHERE NOT (input_tokens = ? AND output_tokens = ? AND cache_read_tokens = ? "
                "AND status = 'ok') GROUP BY 1, 2, 3, 4, 5, 6 LIMIT 5", USAGE).fetchall()
        except sqlite3.OperationalError:
            rows, good, bad = 0, 0, []
        finally:
            c.close()
        if rows >= expected or time.time() > deadline:
            return rows, good, bad
        time.sleep(0.25)


def start_server(mock_port):
    s = bench.Server(extra_env={
        "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL": "http://127.0.0.1:%d/v1" % mock_port,
        "BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL": "http://127.0.0.1:%d/v1" % mock_port,
        "BLOOP__LLM_TRACING__PROXY__RATE_LIMIT_PER_SECOND": "0",
    })
    out = subprocess.run([bench.BIN, "projects", "create", "--json", "bench"], capture_output=True, text=True,
                         env=dict(os.environ, BLOOP__DATABASE__PATH=s.db))
    if out.returncode != 0:
        s.proc.kill()
        raise SystemExit("bloop projects create failed: " + out.stderr)
    host, port = s.url.split("//")[1].rstrip("/").rsplit(":", 1)
    return s, json.loads(out.stdout)["key"]["key"], (host, int(port))


def one_run(n, mock_port, checks, totals):
    run = {}
    mock_addr = ("127.0.0.1", mock_port)
    s, key, addr = start_server(mock_port)
    try:
        paths = Paths(mock_addr, addr, key)
        gc.disable()
        d, p, lag, failed, sent1, opened = asyncio.run(latency(paths, checks, DURATION))
        ttfb, sent2 = asyncio.run(first_byte(paths, checks))
        gc.enable()
        run["lat"] = {q: (pct(d, q), pct(p, q)) for q in (0.5, 0.99)}
        run["ttfb"] = {iu: {w: (statistics.median(v[w][0]) if v[w][0] else float("nan"),
                                statistics.median(v[w][1]) if v[w][1] else float("nan"))
                            for w in v} for iu, v in ttfb.items()}
        run["lag"], run["failed"], run["opened"] = lag, failed, opened
        sent = sent1 + sent2
        rows, good, bad = recorded(s.db, sent)
        totals["other_sent"] += sent
        totals["other_rows"] += rows
        totals["other_good"] += good
        totals["bad"] += bad
        print("  run %d of %d: non-streaming p50 %.3f → %.3f ms, p99 %.3f → %.3f ms (%d + %d calls, %d failed, "
              "client lag ≤ %.1f ms); first byte p50 %.3f → %.3f ms; recorded %d of %d" % (
                  n + 1, RUNS, run["lat"][0.5][0], run["lat"][0.5][1], run["lat"][0.99][0], run["lat"][0.99][1],
                  len(d), len(p), failed, lag, run["ttfb"][True]["direct"][0], run["ttfb"][True]["proxied"][0],
                  rows, sent), file=sys.stderr, flush=True)
        s.stop()
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
        s.cleanup()

    s, key, addr = start_server(mock_port)
    try:
        paths = Paths(mock_addr, addr, key)
        run["streams"] = {}
        for iu in (True, False):
            identical, answered, slowest = asyncio.run(many_streams(paths, checks, iu))
            run["streams"][iu] = (identical, answered, slowest)
            totals["streams_sent"] += STREAMS
            totals["streams_identical"] += identical
        rows, good, bad = recorded(s.db, 2 * STREAMS)
        run["hwm_mb"] = s.hwm_kb() / 1024
        totals["streams_rows"] += rows
        totals["streams_good"] += good
        totals["bad"] += bad
        print("  run %d of %d: %d concurrent streams: identical %d/%d (include_usage), %d/%d (without); "
              "recorded %d of %d, %d with exact usage; peak RSS %.1f MB" % (
                  n + 1, RUNS, STREAMS, run["streams"][True][0], STREAMS, run["streams"][False][0], STREAMS,
                  rows, 2 * STREAMS, good, run["hwm_mb"]), file=sys.stderr, flush=True)
        s.stop()
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
        s.cleanup()
    return run


def ms(x):
    return "%.3f ms" % x if abs(x) < 10 else "%.1f ms" % x


def main():
    if "--mock" in sys.argv:
        return run_mock()
    if not os.path.exists(bench.BIN):
        raise SystemExit("no release binary at %s (cargo build --release, or set CARGO_TARGET_DIR)" % bench.BIN)
    m = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--mock"], stdout=subprocess.PIPE, text=True)
    try:
        line = m.stdout.readline()
        if not line.startswith("PORT "):
            raise SystemExit("the mock provider did not start")
        mock_port = int(line.split()[1])
        checks = Checks()
        totals = dict.fromkeys(("other_sent", "other_rows", "other_good", "streams_sent", "streams_identical",
                                "streams_rows", "streams_good"), 0)
        totals["bad"] = []
        runs = [one_run(n, mock_port, checks, totals) for n in range(RUNS)]
    finally:
        m.terminate()
        m.wait()

    med = statistics.median
    rows = []
    for q, name, target in ((0.5, "p50", 1), (0.99, "p99", 5)):
        d = med(r["lat"][q][0] for r in runs)
        p = med(r["lat"][q][1] for r in runs)
        added = med(r["lat"][q][1] - r["lat"][q][0] for r in runs)
        rows.append(("Non-streaming chat completion, %s latency (%g calls/s each way)" % (name, RATE),
                     ms(d), ms(p), ms(added), "added < %d ms" % target, added < target))
    for iu, k, label in ((True, 0, "with `include_usage` (passed through): time to first byte"),
                         (False, 0, "without `include_usage` (the proxy edits it): time to first byte"),
                         (False, 1, "without `include_usage`: time to first whole event")):
        d = med(r["ttfb"][iu]["direct"][k] for r in runs)
        p = med(r["ttfb"][iu]["proxied"][k] for r in runs)
        added = med(r["ttfb"][iu]["proxied"][k] - r["ttfb"][iu]["direct"][k] for r in runs)
        rows.append(("Stream %s, p50" % label, ms(d), ms(p), ms(added), "within 1 ms", abs(added) < 1))
    hwm = med(r["hwm_mb"] for r in runs)
    rows.append(("%d streams at once, twice: proxy peak RSS" % STREAMS, "–", "%.1f MB" % hwm, "–", "< 80 MB",
                 hwm < 80))

    commit = subprocess.run(["git", "-C", bench.ROOT, "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    print("\n<!-- printed by bench/proxy.py: paste as is -->")
    print("| measure | direct | through bloop | added | target | met |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s |" % (r[:5] + ("yes" if r[5] else "**no**",)))
    print()
    same = totals["streams_identical"] == totals["streams_sent"] and checks.identical == checks.compared
    print("Streams byte-identical to the direct stream: %s (%d of %d at once, %d with `include_usage` and %d "
          "without per run; %d of %d in all, with the timed ones)." % (
              "all" if same else "**not all**", totals["streams_identical"], totals["streams_sent"], STREAMS,
              STREAMS, checks.identical, checks.compared))
    print("Recorded in `llm_spans`: %d of %d concurrent streamed calls, %d with the mock's exact usage (%d/%d/%d "
          "input/output/cache-read tokens) and status ok; of the other proxied calls, %d of %d recorded, %d exact." % (
              totals["streams_rows"], totals["streams_sent"], totals["streams_good"], *USAGE,
              totals["other_rows"], totals["other_sent"], totals["other_good"]))
    failed = sum(r["failed"] for r in runs)
    print("%d runs, median of each figure (added: the median of each run's difference). %g s at %g calls/s each "
          "way after %g s of warm-up, %d timed streams each way and variant per run; failed calls: %d; client lag "
          "behind schedule at most %.1f ms. The mock writes every SSE event in two halves %g ms apart (%s framing): "
          "a stream the proxy edits is passed on in whole events, so its first byte leaves when the first event is "
          "whole. Build %s, %d cores." % (
              RUNS, DURATION, RATE, WARMUP_S, SAMPLES, failed, max(r["lag"] for r in runs), SSE_PAUSE * 1000,
              SSE_FRAMING, commit or "?", os.cpu_count()))
    problems = checks.diffs + checks.errors + ["span not as expected (input, output, cache read, status, error, "
                                               "metadata, rows): %r" % (b,) for b in totals["bad"][:5]]
    if problems:
        print("\nProblems:")
        for p in problems:
            print("- " + p)


if __name__ == "__main__":
    main()
