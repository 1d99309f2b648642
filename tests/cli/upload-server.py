#!/usr/bin/python3
"""The integration tests' upload server (tests/integration/upload_server.py)
as a process of its own, for the shell tests:

  upload-server.py DIR

listens on loopback, writes its URL to DIR/url, and keeps DIR/bytes (the
request-body bytes received) and DIR/requests (how many) up to date. The
HTTP status to answer is read from DIR/status before each request (200
when the file is missing). Runs until killed."""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from upload_server import UploadServer  # noqa: E402


def write(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    d = sys.argv[1]
    srv = UploadServer()
    write(os.path.join(d, "url"), srv.url())
    last = None
    while True:
        try:
            with open(os.path.join(d, "status")) as f:
                srv.set(int(f.read().strip() or "200"))
        except (OSError, ValueError):
            srv.set(200)
        now = (srv.body_bytes(), srv.count())
        if now != last:
            write(os.path.join(d, "bytes"), "%d\n" % now[0])
            write(os.path.join(d, "requests"), "%d\n" % now[1])
            last = now
        time.sleep(0.05)


if __name__ == "__main__":
    main()
