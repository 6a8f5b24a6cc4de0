#!/usr/bin/python3
"""fake_sms_gateway.py - a local HTTP server playing an SMS gateway for the notices tests.

usage: fake_sms_gateway.py PORT_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE once listening). Every request to any
path but /_control is recorded; the answer depends on the mode:
  200   answer 200 {"id": "gw-N"} and count the message as delivered (once per "ref": a second
        request with a ref already delivered is answered 200 with the same id and not counted
        again, as gateways with a duplicate guard such as Mitake's clientid do)
  500   answer 500
  400   answer 400 (a permanent refusal)
  hang  read the request and never answer (until the client gives up)
Control (JSON answers):
  POST /_control/mode   body "200", "500" or "hang"
  GET  /_control/log    {"requests": [{"path", "content_type", "body", "mode", "ref"}],
                         "delivered": {"ref": count}}
"""
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"mode": "200", "requests": [], "delivered": {}, "ids": {}}
lock = threading.Lock()


def ref_of(content_type, body):
    try:
        if content_type.startswith("application/json"):
            return json.loads(body).get("ref", "")
        fields = urllib.parse.parse_qs(body)
        return (fields.get("clientid") or fields.get("ref") or [""])[0]
    except ValueError:
        return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_control/log":
            with lock:
                self.answer(200, {"requests": state["requests"], "delivered": state["delivered"]})
        else:
            self.answer(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        if self.path == "/_control/mode":
            with lock:
                state["mode"] = body.strip()
            self.answer(200, {"mode": body.strip()})
            return
        content_type = self.headers.get("Content-Type", "")
        ref = ref_of(content_type, body)
        with lock:
            mode = state["mode"]
            state["requests"].append({"path": self.path, "content_type": content_type,
                                      "body": body, "mode": mode, "ref": ref,
                                      "auth": self.headers.get("Authorization", "")})
            if mode == "200":
                if ref not in state["ids"]:
                    state["ids"][ref] = "gw-%d" % (len(state["ids"]) + 1)
                    state["delivered"][ref] = state["delivered"].get(ref, 0) + 1
                gateway_id = state["ids"][ref]
        if mode == "200":
            self.answer(200, {"id": gateway_id})
        elif mode == "500":
            self.answer(500, {"error": "gateway trouble"})
        elif mode == "400":
            self.answer(400, {"error": "no such number"})
        else:
            time.sleep(600)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
