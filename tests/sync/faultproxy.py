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
goes to stderr: the fault, method and path.
"""
import argparse
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
        with self.server.lock:
            r = self.server.rng.random()
            forced = self.server.forced.pop(0) if self.server.forced else None
        fault = forced or "none"
        acc = 0.0
        for name in (kinds if not forced else ()):
            acc += getattr(cfg, name)
            if r < acc:
                fault = name
                break
        print(f"proxy: {fault} {first}", file=sys.stderr, flush=True)
        if fault == "reset":
            reset(client)
            return
        try:
            up = socket.create_connection((cfg.host, cfg.port), timeout=60)
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
    cfg = ap.parse_args()
    cfg.host, _, port = cfg.upstream.rpartition(":")
    cfg.port = int(port)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.cfg = cfg
    srv.rng = random.Random(cfg.seed)
    srv.lock = threading.Lock()
    srv.forced = [k for k in ("reset", "drop", "truncate", "delay")
                  if cfg.each_first and getattr(cfg, k) > 0]
    with open(cfg.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(cfg.port_file + ".tmp", cfg.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
