#!/usr/bin/env python3
"""A fake OpenAI + Anthropic provider for bloop's LLM proxy tests (stdlib only).

    python3 tests/proxy/mock_provider.py --log FILE

Listens on 127.0.0.1, port 0, prints `PORT <n>` once listening and serves until killed. Every
request is appended to FILE as one JSON line {"method","path","headers","body"} before it is
answered. Answers are fixed (no clocks, no random ids) so that the SDK driver prints the same
thing whether it talks to this server directly or through the proxy. Routes and special models
are described in tests/proxy/README.md and in the handlers below.

SSE answers are HTTP/1.1 with `Content-Type: text/event-stream`, no Content-Length and
`Connection: close`; every event is written in two halves with a short pause between them, and
`: keep-alive` comment lines are mixed in, so a proxy that assumes one event per read breaks.
"""

import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OPENAI_MODEL = "gpt-4o-mini-2024-07-18"
ANTHROPIC_MODEL = "claude-3-5-sonnet-20241022"
CREATED = 1700000000

CHAT_USAGE = {
    "prompt_tokens": 1200,
    "completion_tokens": 300,
    "total_tokens": 1500,
    "prompt_tokens_details": {"cached_tokens": 200, "audio_tokens": 0},
    "completion_tokens_details": {
        "reasoning_tokens": 50,
        "audio_tokens": 0,
        "accepted_prediction_tokens": 0,
        "rejected_prediction_tokens": 0,
    },
}

# `cache_write_tokens` is a required field of InputTokensDetails in the installed openai SDK
# (types/responses/response_usage.py), so it is sent (as 0) to keep strict validation happy.
RESPONSES_USAGE = {
    "input_tokens": 900,
    "input_tokens_details": {"cached_tokens": 100, "cache_write_tokens": 0},
    "output_tokens": 120,
    "output_tokens_details": {"reasoning_tokens": 30},
    "total_tokens": 1020,
}

ANTHROPIC_USAGE = {
    "input_tokens": 1000,
    "cache_creation_input_tokens": 500,
    "cache_read_input_tokens": 2000,
    "output_tokens": 250,
}

OPENAI_ERRORS = {
    "error-429": (
        429,
        {"retry-after": "7"},
        {
            "error": {
                "message": "Rate limit reached for mock",
                "type": "rate_limit_error",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        },
    ),
    "error-500": (
        500,
        {},
        {"error": {"message": "The server had an error", "type": "server_error", "param": None, "code": None}},
    ),
}

ANTHROPIC_ERRORS = {
    "error-429": (
        429,
        {"retry-after": "7"},
        {
            "type": "error",
            "error": {
                "type": "rate_limit_error",
                "message": "Number of request tokens has exceeded your per-minute rate limit",
            },
            "request_id": "req_mock",
        },
    ),
    "error-500": (
        500,
        {},
        {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}},
    ),
}

STALL_SECONDS = 30
SPLIT_PAUSE = 0.003
SLOW_CHUNKS = 200
SLOW_INTERVAL = 0.05


class _Log:
    def __init__(self, path):
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8")

    def write(self, record):
        line = json.dumps(record, separators=(",", ":")) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()


def _dump(obj):
    return json.dumps(obj, separators=(",", ":"))


class ClientGone(Exception):
    """The client (the proxy) closed the connection mid-answer."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "mock-provider/1"
    log_sink = None  # set in main()

    def setup(self):
        super().setup()
        # Small SSE writes must leave at once (no Nagle coalescing of the two halves).
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # keep stderr quiet
        pass

    # ---------------------------------------------------------------- request plumbing

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = bytearray()
            while True:
                size_line = self.rfile.readline()
                if not size_line:
                    break
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # trailers up to the blank line
                    while True:
                        line = self.rfile.readline()
                        if not line or line in (b"\r\n", b"\n"):
                            break
                    break
                data += self.rfile.read(size)
                self.rfile.readline()  # CRLF after the chunk
            return bytes(data)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        raw = self._read_body()
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.log_sink.write({"method": self.command, "path": self.path, "headers": headers, "body": body})

        path = self.path.split("?", 1)[0]
        req = body if isinstance(body, dict) else {}
        try:
            if self.command == "GET" and path == "/v1/models":
                return self._json(
                    200,
                    {
                        "object": "list",
                        "data": [{"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "mock"}],
                    },
                )
            if self.command == "POST" and path == "/v1/chat/completions":
                return self._chat(req)
            if self.command == "POST" and path == "/v1/responses":
                return self._responses(req)
            if self.command == "POST" and path == "/v1/messages":
                return self._messages(req)
            return self._json(
                404,
                {
                    "error": {
                        "message": f"mock: no route for {self.command} {path}",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "unknown_url",
                    }
                },
            )
        except ClientGone:
            self.close_connection = True

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle
    do_PATCH = _handle

    # ---------------------------------------------------------------- answer helpers

    def _json(self, status, obj, extra_headers=None):
        data = _dump(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self._write(data)

    def _write(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:
            raise ClientGone() from e

    def _sse_begin(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self._write(b"")

    def _sse_raw(self, data):
        """Write one SSE event in two halves, with a flush and a short pause in between."""
        half = len(data) // 2
        self._write(data[:half])
        time.sleep(SPLIT_PAUSE)
        self._write(data[half:])

    def _sse_data(self, obj):
        self._sse_raw(f"data: {_dump(obj)}\n\n".encode())

    def _sse_event(self, name, obj):
        self._sse_raw(f"event: {name}\ndata: {_dump(obj)}\n\n".encode())

    def _sse_comment(self):
        self._sse_raw(b": keep-alive\n\n")

    def _error(self, table, model):
        status, headers, body = table[model]
        self._json(status, body, headers)

    def _stall(self):
        time.sleep(STALL_SECONDS)

    # ---------------------------------------------------------------- OpenAI chat

    def _chat(self, req):
        model = req.get("model")
        if model in OPENAI_ERRORS:
            return self._error(OPENAI_ERRORS, model)
        if model == "stall":
            self._stall()
        if req.get("stream"):
            return self._chat_stream(req, slow=(model == "slow-stream"))
        if req.get("tools"):
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            }
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": "Hello from mock"}
            finish = "stop"
        return self._json(
            200,
            {
                "id": "chatcmpl-mock",
                "object": "chat.completion",
                "created": CREATED,
                "model": OPENAI_MODEL,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": CHAT_USAGE,
            },
        )

    def _chat_stream(self, req, slow):
        opts = req.get("stream_options")
        include_usage = isinstance(opts, dict) and opts.get("include_usage") is True

        def chunk(choices, usage=None, final=False):
            c = {
                "id": "chatcmpl-mock",
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": OPENAI_MODEL,
                "choices": choices,
            }
            if include_usage:
                c["usage"] = usage if final else None
            return c

        def choice(delta, finish=None):
            return [{"index": 0, "delta": delta, "finish_reason": finish}]

        self._sse_begin()
        self._sse_data(chunk(choice({"role": "assistant", "content": ""})))
        self._sse_comment()
        if slow:
            for _ in range(SLOW_CHUNKS):
                time.sleep(SLOW_INTERVAL)
                self._sse_data(chunk(choice({"content": "x"})))
        else:
            for i, piece in enumerate(["Hel", "lo", " from", " mock"]):
                self._sse_data(chunk(choice({"content": piece})))
                if i == 1:
                    self._sse_comment()
        self._sse_data(chunk(choice({}, "stop")))
        if include_usage:
            self._sse_data(chunk([], CHAT_USAGE, final=True))
        self._sse_raw(b"data: [DONE]\n\n")

    # ---------------------------------------------------------------- OpenAI responses

    @staticmethod
    def _resp_object(status, output, usage):
        return {
            "id": "resp_mock",
            "object": "response",
            "created_at": CREATED,
            "status": status,
            "background": False,
            "error": None,
            "incomplete_details": None,
            "instructions": None,
            "max_output_tokens": None,
            "model": OPENAI_MODEL,
            "output": output,
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None},
            "store": True,
            "temperature": 1.0,
            "text": {"format": {"type": "text"}},
            "tool_choice": "auto",
            "tools": [],
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": usage,
            "user": None,
            "metadata": {},
        }

    def _responses(self, req):
        model = req.get("model")
        if model in OPENAI_ERRORS:
            return self._error(OPENAI_ERRORS, model)
        if model == "stall":
            self._stall()
        text = "Hello from responses"
        part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
        item = {"id": "msg_mock", "type": "message", "role": "assistant", "status": "completed", "content": [part]}
        if not req.get("stream"):
            return self._json(200, self._resp_object("completed", [item], RESPONSES_USAGE))

        seq = [0]

        def ev(obj):
            obj["sequence_number"] = seq[0]
            seq[0] += 1
            self._sse_event(obj["type"], obj)

        pending = self._resp_object("in_progress", [], None)
        empty_part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        open_item = {"id": "msg_mock", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        where = {"item_id": "msg_mock", "output_index": 0, "content_index": 0}

        self._sse_begin()
        ev({"type": "response.created", "response": pending})
        self._sse_comment()
        ev({"type": "response.in_progress", "response": pending})
        ev({"type": "response.output_item.added", "output_index": 0, "item": open_item})
        ev({"type": "response.content_part.added", **where, "part": empty_part})
        for piece in ["Hello", " from", " responses"]:
            ev({"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []})
        ev({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
        ev({"type": "response.content_part.done", **where, "part": part})
        ev({"type": "response.output_item.done", "output_index": 0, "item": item})
        ev({"type": "response.completed", "response": self._resp_object("completed", [item], RESPONSES_USAGE)})

    # ---------------------------------------------------------------- Anthropic messages

    def _messages(self, req):
        model = req.get("model")
        if model in ANTHROPIC_ERRORS:
            return self._error(ANTHROPIC_ERRORS, model)
        if model == "stall":
            self._stall()
        if req.get("stream"):
            return self._messages_stream(slow=(model == "slow-stream"))
        if req.get("tools"):
            content = [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]
            stop = "tool_use"
        else:
            content = [{"type": "text", "text": "Hello from claude"}]
            stop = "end_turn"
        return self._json(
            200,
            {
                "id": "msg_mock",
                "type": "message",
                "role": "assistant",
                "model": ANTHROPIC_MODEL,
                "content": content,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": ANTHROPIC_USAGE,
            },
        )

    def _messages_stream(self, slow):
        start_usage = dict(ANTHROPIC_USAGE, output_tokens=1)
        self._sse_begin()
        self._sse_event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_mock",
                    "type": "message",
                    "role": "assistant",
                    "model": ANTHROPIC_MODEL,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": start_usage,
                },
            },
        )
        self._sse_comment()
        self._sse_event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
        self._sse_event("ping", {"type": "ping"})
        pieces = ["x"] * SLOW_CHUNKS if slow else ["Hello", " from", " claude"]
        for piece in pieces:
            if slow:
                time.sleep(SLOW_INTERVAL)
            self._sse_event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}},
            )
        self._sse_event("content_block_stop", {"type": "content_block_stop", "index": 0})
        self._sse_event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 250},
            },
        )
        self._sse_event("message_stop", {"type": "message_stop"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A peer that hangs up mid-request is normal in the disconnect/timeout tests.
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ClientGone)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True, help="append one JSON line per request to this file")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    args = ap.parse_args()

    Handler.log_sink = _Log(args.log)
    server = Server(("127.0.0.1", args.port), Handler)
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
