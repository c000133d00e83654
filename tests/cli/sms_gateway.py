#!/usr/bin/env python3
"""A county SMS platform for the tests: POST /send with a JSON body
{"mobile", "content", "id"} and "Authorization: Bearer SECRET".

It keeps each id once: the first time it "delivers" the message (a line of
JSON in DIR/delivered.jsonl) and answers 200, again 409. While DIR/down
exists it answers 503; a wrong secret gets 401. Every request is logged in
DIR/requests.jsonl. The port it listens on (free, picked by the system) is
written to DIR/port once it is listening.

    sms_gateway.py DIR SECRET_FILE
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR, SECRET_FILE = sys.argv[1], sys.argv[2]
seen = set()


def log(name, obj):
    with open(os.path.join(DIR, name), "a", encoding="utf-8") as f:
        f.write(json.dumps(obj, ensure_ascii=False) + "\n")


class Gateway(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(SECRET_FILE, encoding="utf-8") as f:
            secret = f.read().strip()
        try:
            msg = json.loads(raw.decode("utf-8"))
        except ValueError:
            msg = None
        log("requests.jsonl", {"path": self.path, "auth": self.headers.get("Authorization"),
                               "body": raw.decode("utf-8", "replace")})
        if os.path.exists(os.path.join(DIR, "down")):
            return self.answer(503, {"error": "maintenance"})
        if self.headers.get("Authorization") != "Bearer " + secret:
            return self.answer(401, {"error": "bad secret"})
        if self.path != "/send" or not isinstance(msg, dict) or not msg.get("id"):
            return self.answer(400, {"error": "bad request"})
        if msg["id"] in seen:
            return self.answer(409, {"error": "duplicate id"})
        seen.add(msg["id"])
        log("delivered.jsonl", {"mobile": msg.get("mobile"), "content": msg.get("content"),
                                "id": msg["id"]})
        return self.answer(200, {"ok": True})


server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
