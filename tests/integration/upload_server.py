"""A small HTTP server on loopback for the upload tests: it counts requests
and body bytes, remembers segment ids and deletion requests, and fails or
stalls on demand. Runs in a thread of the test."""

import http.server
import json
import threading
import time


class UploadServer:
    def __init__(self, port=0):
        self.lock = threading.Lock()
        self.requests = []  # (headers dict, body bytes, status answered)
        self.status = 200   # what to answer next
        self.stall = 0.0    # seconds to wait before answering
        self.body_seconds = []  # how long each body took to arrive
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                t0 = time.monotonic()
                body = self.rfile.read(n)
                with server.lock:
                    server.body_seconds.append(time.monotonic() - t0)
                with server.lock:
                    status, stall = server.status, server.stall
                if stall:
                    time.sleep(stall)
                with server.lock:
                    server.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, userinfo=""):
        return "http://%s127.0.0.1:%d/upload" % (userinfo + "@" if userinfo else "", self.port)

    def set(self, status=200, stall=0.0):
        with self.lock:
            self.status, self.stall = status, stall

    def body_bytes(self):
        with self.lock:
            return sum(len(b) for _, b, _ in self.requests)

    def segment_ids(self, accepted_only=True):
        """Ids of segments in requests (answered 2xx only, by default)."""
        out = []
        with self.lock:
            for headers, _, status in self.requests:
                ids = headers.get("X-Capctl-Segments")
                if ids and (not accepted_only or 200 <= status < 300):
                    out += [int(x) for x in ids.split(",")]
        return out

    def deletions(self):
        with self.lock:
            return [json.loads(b) for h, b, s in self.requests
                    if h.get("X-Capctl-Request") == "delete" and 200 <= s < 300]

    def count(self):
        with self.lock:
            return len(self.requests)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
