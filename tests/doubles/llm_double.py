#!/usr/bin/env python3
"""llm_double.py: test double of an OpenAI-compatible chat-completions endpoint
(DeepSeek's API, vLLM or SGLang serving DeepSeek-Prover-V2), Python 3 stdlib only.

Serves on 127.0.0.1 (HTTP/1.1 keep-alive, one thread per connection):
  POST /v1/chat/completions  n choices; content derived from the prompt and the
                             sample index, or from tests/doubles/oracle.py (--oracle)
  GET  /v1/models            the names of --models
  GET  /stats                {"requests", "concurrent", "max_concurrent", "faults"}
  POST /control              {"faults": "429,ok", "retry_after": "1", "stall": 10,
                             "latency": 0.2, "fault_rate": 0.2, "fault_kinds": "500,close",
                             "seed": 3, "reset": true}: change the behaviour of a
                             running double (tests save a restart); reset zeroes the stats
Prints "PORT n" as its first line of standard output (and writes n to --port-file).

Faults, chosen per request either from the --faults sequence (consumed in order,
then "ok") or at random with probability --fault-rate (--seed, kinds --fault-kinds):
  ok          a normal answer
  429         HTTP 429 with Retry-After: --retry-after (seconds)
  429date     HTTP 429 with Retry-After as an HTTP-date --retry-after seconds ahead
  500, 503    HTTP 5xx with an OpenAI-shaped error body
  402         HTTP 402 "Insufficient Balance" (DeepSeek)
  400         HTTP 400 with an OpenAI-shaped error body
  400flat     HTTP 400 with vLLM's flat {"object":"error","message":...} body
  401echo     HTTP 401 whose message quotes the bearer token, as OpenAI's API does
  truncated   Content-Length larger than what is sent, then the connection closes
  nonjson     HTTP 200 with an HTML body
  close       the connection closes without an answer
  stall       no answer for --stall seconds (longer than the client's deadline)
  keepalive   blank lines (DeepSeek's keep-alive) before a normal body
  length      a normal answer with finish_reason "length"
  reasoning   a normal answer with message.reasoning_content
--strict-models: a request for a model not in --models is answered as vLLM does
(HTTP 404, {"object": "error", "message": "The model `X` does not exist.", ...}).
--reply-file FILE: every choice's content is the bytes of FILE (decoded as UTF-8 with
invalid bytes kept as surrogate escapes, so that they go out as they are in FILE).
--log FILE appends one JSON line per request: time, method, path, body summary
(model, n, sampling fields, keys present), whether an Authorization header came
(never its value), the fault and the number of requests in progress.
The double exits after --max-seconds, when its parent dies, and (with
--stdin-eof) when its standard input closes.
"""
import argparse
import email.utils
import hashlib
import json
import os
import random
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ["ok", "429", "429date", "500", "503", "402", "400", "400flat", "401echo", "truncated", "nonjson",
          "close", "stall", "keepalive", "length", "reasoning"]


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.faults = [f for f in args.faults.split(",") if f] if args.faults else []
        for f in self.faults + args.fault_kinds.split(","):
            if f not in FAULTS:
                sys.exit("llm_double: unknown fault %r (known: %s)" % (f, ", ".join(FAULTS)))
        self.kinds = args.fault_kinds.split(",")
        self.rng = random.Random(args.seed)
        self.requests = 0
        self.current = 0
        self.max_current = 0
        self.counts = {}
        self.oracle = None
        if args.oracle:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from oracle import Oracle
            self.oracle = Oracle(args.oracle, cheat=args.cheat)
        self.reply = None
        if args.reply_file:
            with open(args.reply_file, "rb") as f:
                self.reply = f.read().decode("utf-8", "surrogateescape")
        self.logfd = os.open(args.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) if args.log else None

    def next_fault(self):
        with self.lock:
            self.requests += 1
            if self.faults:
                f = self.faults.pop(0)
            elif self.args.fault_rate > 0 and self.rng.random() < self.args.fault_rate:
                f = self.rng.choice(self.kinds)
            else:
                f = "ok"
            self.counts[f] = self.counts.get(f, 0) + 1
            return f

    def enter(self):
        with self.lock:
            self.current += 1
            self.max_current = max(self.max_current, self.current)
            return self.current

    def leave(self):
        with self.lock:
            self.current -= 1

    def log(self, obj):
        if self.logfd is None:
            return
        data = (json.dumps(obj, ensure_ascii=False) + "\n").encode()
        with self.lock:
            os.write(self.logfd, data)

    def stats(self):
        with self.lock:
            return {"requests": self.requests, "concurrent": self.current,
                    "max_concurrent": self.max_current, "faults": dict(self.counts)}


def prompt_of(messages):
    for m in reversed(messages if isinstance(messages, list) else []):
        if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str):
            return m["content"]
    return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llm-double/1"

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, code, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            st.log({"time": time.time(), "method": "GET", "path": self.path,
                    "auth": "yes" if self.headers.get("Authorization") else "no"})
            self.send_json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "owned_by": "llm-double"} for m in st.args.models.split(",")]})
        elif self.path == "/stats":
            self.send_json(200, st.stats())
        else:
            self.send_json(404, {"error": {"message": "no such path %s" % self.path, "type": "not_found"}})

    def do_POST(self):
        st = self.server.state
        if self.path == "/control":
            length = int(self.headers.get("Content-Length") or 0)
            ctl = json.loads(self.rfile.read(length) or b"{}")
            with st.lock:
                if "faults" in ctl:
                    st.faults = [f for f in ctl["faults"].split(",") if f]
                for k in ("retry_after", "stall", "latency"):
                    if k in ctl:
                        setattr(st.args, k, ctl[k])
                if "fault_rate" in ctl:
                    st.args.fault_rate = float(ctl["fault_rate"])
                if "fault_kinds" in ctl:
                    st.kinds = ctl["fault_kinds"].split(",")
                if "seed" in ctl:
                    st.rng = random.Random(ctl["seed"])
                if ctl.get("reset"):
                    st.requests, st.max_current, st.counts = 0, st.current, {}
            bad = [f for f in st.faults + st.kinds if f not in FAULTS]
            self.send_json(400 if bad else 200, {"unknown faults": bad} if bad else st.stats())
            return
        n_now = st.enter()
        try:
            self.chat(st, n_now)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        finally:
            st.leave()

    def chat(self, st, n_now):
        t0 = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self.send_json(404, {"error": {"message": "no such path", "type": "not_found"}})
            return
        try:
            req = json.loads(raw)
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError as e:
            self.send_json(400, {"error": {"message": "bad JSON: %s" % e, "type": "invalid_request_error"}})
            return
        fault = st.next_fault()
        messages = req.get("messages")
        prompt = prompt_of(messages)
        n = req.get("n", 1)
        st.log({"time": t0, "method": "POST", "path": self.path, "model": req.get("model"),
                "n": n, "temperature": req.get("temperature"), "top_p": req.get("top_p"),
                "max_tokens": req.get("max_tokens"), "seed": req.get("seed"), "stop": req.get("stop"),
                "keys": sorted(req.keys()), "messages": len(messages) if isinstance(messages, list) else None,
                "prompt_chars": len(prompt),
                "auth": "yes" if self.headers.get("Authorization") else "no",
                "fault": fault, "concurrent": n_now})
        if st.args.latency > 0 and fault not in ("stall",):
            time.sleep(st.args.latency)
        err = lambda msg, typ: {"error": {"message": msg, "type": typ, "param": None, "code": None}}
        if fault == "429":
            self.send_json(429, err("Rate limit reached, slow down", "rate_limit_error"),
                           [("Retry-After", st.args.retry_after)])
            return
        if fault == "429date":
            when = time.time() + float(st.args.retry_after)
            self.send_json(429, err("Rate limit reached, slow down", "rate_limit_error"),
                           [("Retry-After", email.utils.formatdate(when, usegmt=True))])
            return
        if fault in ("500", "503"):
            self.send_json(int(fault), err("The server had an error while processing your request",
                                           "server_error"))
            return
        if fault == "402":
            self.send_json(402, err("Insufficient Balance", "unknown_error"))
            return
        if fault == "400":
            self.send_json(400, err("Invalid request: the double refuses this one", "invalid_request_error"))
            return
        if fault == "401echo":
            tok = (self.headers.get("Authorization") or "").replace("Bearer ", "")
            self.send_json(401, err("Incorrect API key provided: %s" % tok, "invalid_request_error"))
            return
        if fault == "400flat":
            self.send_json(400, {"object": "error", "message": "This model's maximum context length is 4096 tokens.",
                                 "type": "BadRequestError", "param": None, "code": 400})
            return
        if fault == "stall":
            end = time.time() + st.args.stall
            while time.time() < end:
                time.sleep(0.1)
            self.close_connection = True
            return
        if fault == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "nonjson":
            body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if st.args.strict_models and req.get("model") not in st.args.models.split(","):
            self.send_json(404, {"object": "error", "message": "The model `%s` does not exist." % req.get("model"),
                                 "type": "NotFoundError", "param": None, "code": 404})
            return
        if not isinstance(n, int) or n < 1 or n > 1024:
            self.send_json(400, err("n must be an integer in [1, 1024]", "invalid_request_error"))
            return
        choices = []
        completion = 0
        for i in range(n):
            if st.reply is not None:
                content = st.reply
            elif st.oracle is not None:
                with st.lock:
                    content = st.oracle.answer(prompt, i)
            else:
                h = hashlib.sha256(prompt.encode()).hexdigest()[:12]
                content = "sample %d of prompt %s: %s" % (i, h, prompt[:40])
            msg = {"role": "assistant", "content": content}
            if fault == "reasoning":
                msg["reasoning_content"] = "thinking about sample %d" % i
            completion += len(content) // 4 + 1
            choices.append({"index": i, "message": msg, "logprobs": None,
                            "finish_reason": "length" if fault == "length" else "stop"})
        ptok = len(prompt) // 4 + 1
        hit = (ptok // 64) * 64
        answer = {"id": "chatcmpl-double-%d" % st.requests, "object": "chat.completion",
                  "created": int(t0), "model": req.get("model") or "test-model", "choices": choices,
                  "usage": {"prompt_tokens": ptok, "completion_tokens": completion,
                            "total_tokens": ptok + completion,
                            "prompt_cache_hit_tokens": hit, "prompt_cache_miss_tokens": ptok - hit}}
        if st.reply is not None:  # the file's bytes as they are, invalid UTF-8 included
            body = json.dumps(answer, ensure_ascii=False).encode("utf-8", "surrogateescape")
        else:
            body = json.dumps(answer).encode()
        pad = b"\n\n\n" if fault == "keepalive" else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if fault == "truncated":
            self.send_header("Content-Length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_header("Content-Length", str(len(pad) + len(body)))
        self.end_headers()
        if pad:
            for b in pad:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.02)
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that went away (deadline) is not the double's problem


def watchdog(args, ppid):
    end = time.time() + args.max_seconds
    while time.time() < end:
        if os.getppid() != ppid:
            os._exit(0)
        time.sleep(0.2)
    os._exit(0)


def stdin_watch():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description="OpenAI-compatible chat-completions test double")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    ap.add_argument("--faults", default="", help="comma-separated faults, one per request, then ok")
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--fault-kinds", default="429,500,503,truncated,nonjson,close,keepalive")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--retry-after", default="1")
    ap.add_argument("--stall", type=float, default=30.0)
    ap.add_argument("--log")
    ap.add_argument("--models", default="deepseek-chat,deepseek-ai/DeepSeek-Prover-V2-7B,test-model")
    ap.add_argument("--strict-models", action="store_true", help="404 for a model not in --models")
    ap.add_argument("--reply-file", help="every answer's content is this file")
    ap.add_argument("--oracle", help="fixture dir of .lean proofs: answer via oracle.py")
    ap.add_argument("--cheat", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=600.0)
    ap.add_argument("--stdin-eof", action="store_true", help="exit when standard input closes")
    ap.add_argument("--tag", help="ignored: lets tests find this process")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = State(args)
    port = srv.server_address[1]
    threading.Thread(target=watchdog, args=(args, os.getppid()), daemon=True).start()
    if args.stdin_eof:
        threading.Thread(target=stdin_watch, daemon=True).start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
