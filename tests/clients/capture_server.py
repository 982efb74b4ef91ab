#!/usr/bin/env python3
"""Tiny fake Mastodon server that LOGS every request (one JSON line each) and
answers with minimal Mastodon-shaped JSON. Used to see exactly what
Mastodon.py / toot / masto put on the wire. Not a real implementation.

usage: python3 capture_server.py PORT LOGFILE
Streaming: GET /api/v1/streaming/user -> SSE (one heartbeat + one update, then close)
           GET /api/v1/streaming (Upgrade: websocket) -> 101, reads one frame,
           sends one "update" event, then a close frame.
"""
import base64, hashlib, json, socketserver, struct, sys, time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit, parse_qs

PORT, LOG = int(sys.argv[1]), sys.argv[2]
BASE = f"http://127.0.0.1:{PORT}"
WELLKNOWN = bool(__import__("os").environ.get("CAPTURE_WELLKNOWN"))
NO_ECHO = bool(__import__("os").environ.get("CAPTURE_NO_PROTO_ECHO"))
NOW = "2025-01-02T03:04:05.000Z"

ACCOUNT = {
    "id": "1", "username": "alice", "acct": "alice", "display_name": "Alice",
    "locked": False, "bot": False, "group": False, "discoverable": True,
    "created_at": NOW, "note": "<p>hi</p>", "url": f"{BASE}/@alice",
    "uri": f"{BASE}/users/alice",
    "avatar": f"{BASE}/a.png", "avatar_static": f"{BASE}/a.png",
    "header": f"{BASE}/h.png", "header_static": f"{BASE}/h.png",
    "followers_count": 0, "following_count": 0, "statuses_count": 1,
    "last_status_at": "2025-01-02", "emojis": [], "fields": [],
}
STATUS = {
    "id": "100", "uri": f"{BASE}/users/alice/statuses/100", "url": f"{BASE}/@alice/100",
    "created_at": NOW, "account": ACCOUNT, "content": "<p>hello</p>",
    "visibility": "public", "sensitive": False, "spoiler_text": "",
    "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
    "reblogs_count": 0, "favourites_count": 0, "replies_count": 0,
    "in_reply_to_id": None, "in_reply_to_account_id": None, "reblog": None,
    "poll": None, "card": None, "language": "en", "edited_at": None,
    "favourited": False, "reblogged": False, "muted": False, "bookmarked": False,
    "application": {"name": "test", "website": None},
}
INSTANCE_V1 = {
    "uri": f"127.0.0.1:{PORT}", "title": "t", "short_description": "", "description": "",
    "email": "a@b.c", "version": "4.3.0", "urls": {"streaming_api": f"ws://127.0.0.1:{PORT}"},
    "stats": {"user_count": 1, "status_count": 1, "domain_count": 0}, "thumbnail": None,
    "languages": ["en"], "registrations": False, "approval_required": False,
    "invites_enabled": False, "rules": [], "contact_account": None,
    "configuration": {"statuses": {"max_characters": 500, "max_media_attachments": 4,
                                   "characters_reserved_per_url": 23}},
}
INSTANCE_V2 = {
    "domain": f"127.0.0.1:{PORT}", "title": "t", "version": "4.3.0", "source_url": "",
    "description": "", "api_versions": {"mastodon": 2},
    "configuration": {"urls": {"streaming": f"ws://127.0.0.1:{PORT}"}},
    "registrations": {"enabled": False, "approval_required": False, "message": None},
    "contact": {"email": "a@b.c", "account": None}, "rules": [], "languages": ["en"],
    "usage": {"users": {"active_month": 1}}, "thumbnail": {"url": f"{BASE}/t.png"},
}
REL = {"id": "2", "following": True, "followed_by": False, "showing_reblogs": True,
       "notifying": False, "blocking": False, "blocked_by": False, "muting": False,
       "muting_notifications": False, "requested": False, "domain_blocking": False,
       "endorsed": False, "note": "", "languages": None}


def log(entry):
    with open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, code, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        u = urlsplit(self.path)
        body = self._body()
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() in ("authorization", "content-type", "idempotency-key", "user-agent",
                                 "upgrade", "sec-websocket-protocol", "accept")}
        log({"method": self.command, "path": u.path, "query": parse_qs(u.query, keep_blank_values=True),
             "headers": hdrs, "body": body.decode("utf-8", "replace")})
        p, m = u.path, self.command
        if p == "/api/v1/streaming" and self.headers.get("Upgrade", "").lower() == "websocket":
            return self.websocket()
        if p.startswith("/api/v1/streaming/") and p != "/api/v1/streaming/health":
            return self.sse()
        page = {"Link": f'<{BASE}{p}?max_id=90>; rel="next", <{BASE}{p}?min_id=100>; rel="prev"'}
        routes = {
            ("POST", "/api/v1/apps"): (200, {"id": "7", "name": "x", "client_id": "CID", "client_secret": "CSECRET",
                                             "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "vapid_key": ""}),
            ("POST", "/oauth/token"): (200, {"access_token": "TOKEN123", "token_type": "Bearer",
                                             "scope": "read write follow push", "created_at": 1735787045}),
            ("GET", "/api/v1/instance"): (200, INSTANCE_V1),
            ("GET", "/api/v1/instance/"): (200, INSTANCE_V1),
            ("GET", "/api/v2/instance"): (200, INSTANCE_V2),
            ("GET", "/api/v2/instance/"): (200, INSTANCE_V2),
            ("GET", "/api/v1/accounts/verify_credentials"): (200, dict(ACCOUNT, source={"privacy": "public", "note": "hi"})),
            ("GET", "/api/v1/accounts/lookup"): (200, ACCOUNT),
            ("GET", "/api/v1/accounts/search"): (200, [ACCOUNT]),
            ("GET", "/api/v1/accounts/relationships"): (200, [REL]),
            ("POST", "/api/v1/statuses"): (200, STATUS),
        }
        if WELLKNOWN:
            routes[("GET", "/.well-known/oauth-authorization-server")] = (200, {
                "issuer": BASE + "/", "authorization_endpoint": BASE + "/oauth/authorize",
                "token_endpoint": BASE + "/oauth/token", "revocation_endpoint": BASE + "/oauth/revoke",
                "grant_types_supported": ["authorization_code", "client_credentials"],
                "code_challenge_methods_supported": ["S256"]})
        if (m, p) in routes:
            code, obj = routes[(m, p)]
            return self._send(code, obj)
        if p.startswith("/api/v1/timelines/"):
            return self._send(200, [STATUS], page)
        if p == "/api/v1/notifications":
            return self._send(200, [{"id": "5", "type": "favourite", "created_at": NOW,
                                     "account": ACCOUNT, "status": STATUS, "group_key": "x"}], page)
        if p.startswith("/api/v1/statuses/"):
            if p.endswith("/context"):
                return self._send(200, {"ancestors": [], "descendants": []})
            if m == "DELETE":
                return self._send(200, dict(STATUS, text="hello"))
            return self._send(200, STATUS)
        if p.startswith("/api/v1/accounts/") and p.endswith("/follow"):
            return self._send(200, REL)
        return self._send(404, {"error": "Record not found"})

    def sse(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b":thump\n\n")
        self.wfile.write(b"event: update\ndata: " + json.dumps(STATUS).encode() + b"\n\n")
        self.wfile.write(b"event: delete\ndata: 100\n\n")
        self.wfile.flush()
        time.sleep(0.5)
        self.close_connection = True

    def websocket(self):
        key = self.headers["Sec-WebSocket-Key"]
        acc = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", acc)
        proto = self.headers.get("Sec-WebSocket-Protocol")
        if proto and not NO_ECHO:  # Mastodon echoes the (token) subprotocol back
            self.send_header("Sec-WebSocket-Protocol", proto.split(",")[0].strip())
        self.end_headers()
        self.wfile.flush()
        b1, b2 = self.rfile.read(2)
        n = b2 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self.rfile.read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self.rfile.read(8))[0]
        mask = self.rfile.read(4) if b2 & 0x80 else b"\0\0\0\0"
        payload = bytes(c ^ mask[i % 4] for i, c in enumerate(self.rfile.read(n)))
        log({"ws_client_frame": payload.decode("utf-8", "replace"), "opcode": b1 & 0x0F})
        msg = json.dumps({"stream": ["user"], "event": "update", "payload": json.dumps(STATUS)}).encode()
        hdr = bytes([0x81]) + (bytes([len(msg)]) if len(msg) < 126 else bytes([126]) + struct.pack(">H", len(msg)))
        self.wfile.write(hdr + msg)
        self.wfile.flush()
        time.sleep(1.0)
        self.wfile.write(b"\x88\x02\x03\xe8")  # close 1000
        self.wfile.flush()
        time.sleep(0.3)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


class S(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    S(("127.0.0.1", PORT), H).serve_forever()
