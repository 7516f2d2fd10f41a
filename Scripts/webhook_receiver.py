#!/usr/bin/env python3
"""A webhook receiver for rein-serve's effects, strict about what it accepts.

    REIN_WEBHOOK_SECRET=… python3 Scripts/webhook_receiver.py [--port 9000] [--secret-env NAME]

Accepts `POST` of `{"effect":{…},"incident":"…"}` with `Content-Type: application/json`, a
`Rein-Signature: sha256=<hex>` that is the HMAC-SHA256 of the exact body with the shared secret,
and an `Idempotency-Key` equal to the effect's id. It prints one line per effect (a repeated key
is marked as a redelivery) and answers 200; anything else is refused with 400 or 401 and printed
as refused. It only receives: an executor built on it carries the effect out and acknowledges
it (`POST /v1/effects/{id}/ack`). The crash test (Scripts/crash-test.py) uses it as a module.
Python 3 standard library only.
"""
import argparse
import hashlib
import hmac
import json
import os
import random
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EFFECT_TYPES = {"send_approval_card", "activate_role", "execute", "deactivate_role", "page"}


class Receiver:
    """Receives effects on a loopback port. `fail_rate`: the share of valid attempts answered
    503, as a receiver that is down would; `on_effect(effect, incident)` is called once per new
    effect id (not for redeliveries)."""

    def __init__(self, secret, fail_rate=0.0, on_effect=None, log=None):
        self.secret = secret.encode()
        self.fail_rate = fail_rate
        self.on_effect = on_effect
        self.log = log
        self.lock = threading.Lock()
        self.received = {}  # effect id -> (type, times received)
        self.order = []  # effect ids in the order first received
        self.violations = []
        self.server = None

    def check(self, headers, body):
        """The effect and incident, or raises ValueError with why the request is refused."""
        if headers.get("Content-Type") != "application/json":
            raise ValueError(f"content type {headers.get('Content-Type')!r}")
        signature = headers.get("Rein-Signature", "")
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            raise PermissionError("the signature does not match the body")
        document = json.loads(body)
        if not isinstance(document, dict) or sorted(document) != ["effect", "incident"]:
            raise ValueError("the body is not {effect, incident}")
        effect, incident = document["effect"], document["incident"]
        if not isinstance(effect, dict) or not isinstance(incident, str):
            raise ValueError("effect or incident has the wrong type")
        effect_id = effect.get("id")
        if headers.get("Idempotency-Key") != effect_id:
            raise ValueError(f"Idempotency-Key {headers.get('Idempotency-Key')!r} is not the effect id {effect_id!r}")
        if not isinstance(effect_id, str) or not effect_id.startswith(incident + "/"):
            raise ValueError(f"effect id {effect_id!r} is not of incident {incident!r}")
        if effect.get("type") not in EFFECT_TYPES or "delivery" in effect:
            raise ValueError(f"effect {effect_id}: type {effect.get('type')!r} or a delivery state")
        return effect, incident

    def handle(self, path, headers, body):
        if path != "/rein-effects":
            return 404
        try:
            effect, incident = self.check(headers, body)
        except PermissionError as error:
            self.refuse(str(error))
            return 401
        except ValueError as error:
            self.refuse(str(error))
            return 400
        if random.random() < self.fail_rate:
            return 503
        with self.lock:
            kind, times = self.received.get(effect["id"], (effect["type"], 0))
            self.received[effect["id"]] = (kind, times + 1)
            first = times == 0
            if first:
                self.order.append(effect["id"])
        if self.log:
            self.log(f"{'received' if first else 'received again'} {effect['id']} {effect['type']}")
        if first and self.on_effect:
            self.on_effect(effect, incident)
        return 200

    def refuse(self, why):
        with self.lock:
            self.violations.append(why)
        if self.log:
            self.log(f"refused: {why}")

    def start(self, port=0):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if 0 <= length <= 1 << 20 else b""
                status = receiver.handle(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description="Receive rein-serve's effects and print them.")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret-env", default="REIN_WEBHOOK_SECRET", help="the variable that holds the shared secret")
    args = parser.parse_args()
    secret = os.environ.get(args.secret_env, "")
    if not secret:
        print(f"webhook_receiver: error: {args.secret_env} is not set", file=sys.stderr)
        return 2
    receiver = Receiver(secret, log=lambda line: print(f"webhook_receiver: {line}", flush=True))
    port = receiver.start(args.port)
    print(f"webhook_receiver: listening on http://127.0.0.1:{port}/rein-effects", flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
