#!/usr/bin/env python3
"""A small HTTP fault proxy for the sync tests: every request is forwarded
to the hub on its own connection ("Connection: close" both ways, so each
request meets its own fault), and one fault may strike it:

  reset     the client's connection is reset before anything is forwarded
  drop      forwarded and answered by the hub (committed), then the
            client's connection is reset: the answer is lost
  truncate  half the answer reaches the client, then the connection closes
  delay     the answer waits --delay-ms milliseconds

Probabilities per request; --seed makes a run replayable. With
--each-first the first requests meet each fault of non-zero probability
once, in the order above, so that a short run is sure to meet them all. The port it
listens on is written to --port-file once it listens. A line per request
goes to stderr: the fault, method and path (and, for a push, its number
since the proxy started: "push N").

--hold-push N (repeatable, with --hold-dir DIR) holds push number N in
flight at the hub: its head goes to the hub with "Expect: 100-continue";
once the hub answers "100 Continue" (its handler has taken the request,
which is now in flight there), the proxy creates DIR/push-N.held and sends
the body only when that file has been removed (after --hold-max seconds it
gives up and resets both connections). A test waits for the file to know
that the push is in flight, and removes it to let the push go on.
"""
import argparse
import os
import random
import socket
import socketserver
import struct
import sys
import threading
import time


def read_request(sock):
    """Returns the raw request (head + body) or None if the client left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head, body


def set_close(head):
    lines = [l for l in head.split(b"\r\n")
             if not l.lower().startswith(b"connection:")]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines)


def reset(sock):
    # SO_LINGER 0: close() sends RST instead of FIN
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        cfg = self.server.cfg
        client = self.request
        try:
            req = read_request(client)
        except OSError:
            return
        if req is None:
            return
        head, body = req
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        kinds = ("reset", "drop", "truncate", "delay")
        push = None
        with self.server.lock:
            r = self.server.rng.random()
            forced = self.server.forced.pop(0) if self.server.forced else None
            if first.startswith("POST /v1/push "):
                self.server.pushes += 1
                push = self.server.pushes
        fault = forced or "none"
        acc = 0.0
        for name in (kinds if not forced else ()):
            acc += getattr(cfg, name)
            if r < acc:
                fault = name
                break
        print(f"proxy: {fault} {first}" + (f" push {push}" if push else ""),
              file=sys.stderr, flush=True)
        if fault == "reset":
            reset(client)
            return
        try:
            up = socket.create_connection((cfg.host, cfg.port), timeout=60)
            if push in cfg.hold_push:
                resp = hold(up, head, body, push, cfg)
                if resp is None:
                    reset(client)
                    return
            else:
                up.sendall(set_close(head) + b"\r\n\r\n" + body)
                resp = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                resp += chunk
            up.close()
        except OSError as e:
            print(f"proxy: upstream failed: {e}", file=sys.stderr, flush=True)
            reset(client)
            return
        if fault == "drop":
            reset(client)
            return
        if fault == "truncate":
            client.sendall(resp[: max(1, len(resp) // 2)])
            client.close()
            return
        if fault == "delay":
            time.sleep(cfg.delay_ms / 1000.0)
        rh, _, rb = resp.partition(b"\r\n\r\n")
        try:
            client.sendall(set_close(rh) + b"\r\n\r\n" + rb)
        except OSError:
            pass


def hold(up, head, body, push, cfg):
    """Sends the head of push number PUSH with Expect: 100-continue, waits
    for the hub's 100 Continue, holds until DIR/push-N.held is removed,
    then sends the body. Returns what the hub has answered so far (its
    final answer's start, or b"" after a 100 Continue), None on a timeout."""
    lines = [l for l in set_close(head).split(b"\r\n")
             if not l.lower().startswith(b"expect:")]
    lines.append(b"Expect: 100-continue")
    up.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = up.recv(65536)
        if not chunk:
            break
        got += chunk
    status, _, rest = got.partition(b"\r\n\r\n")
    if not status.startswith(b"HTTP/1.1 100"):
        # the hub answered at once (an error): no hold, relay the answer
        line = status.split(b"\r\n", 1)[0].decode("latin-1")
        print(f"proxy: push {push} not held: the hub answered {line!r}", file=sys.stderr,
              flush=True)
        return got
    marker = os.path.join(cfg.hold_dir, f"push-{push}.held")
    with open(marker, "w") as f:
        f.write("held\n")
    print(f"proxy: holding push {push} in flight at the hub", file=sys.stderr, flush=True)
    deadline = time.monotonic() + cfg.hold_max
    while os.path.exists(marker):
        if time.monotonic() > deadline:
            print(f"proxy: push {push} not released in {cfg.hold_max} s", file=sys.stderr,
                  flush=True)
            reset(up)
            return None
        time.sleep(0.02)
    print(f"proxy: push {push} released", file=sys.stderr, flush=True)
    up.sendall(body)
    return rest


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the hub")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--reset", type=float, default=0.0)
    ap.add_argument("--drop", type=float, default=0.0)
    ap.add_argument("--truncate", type=float, default=0.0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--delay-ms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--each-first", action="store_true")
    ap.add_argument("--hold-push", type=int, action="append", default=[])
    ap.add_argument("--hold-dir", default=".")
    ap.add_argument("--hold-max", type=float, default=60.0)
    cfg = ap.parse_args()
    cfg.host, _, port = cfg.upstream.rpartition(":")
    cfg.port = int(port)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.cfg = cfg
    srv.rng = random.Random(cfg.seed)
    srv.lock = threading.Lock()
    srv.pushes = 0
    srv.forced = [k for k in ("reset", "drop", "truncate", "delay")
                  if cfg.each_first and getattr(cfg, k) > 0]
    with open(cfg.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(cfg.port_file + ".tmp", cfg.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
