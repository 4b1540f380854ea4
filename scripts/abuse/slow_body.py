#!/usr/bin/env python3
"""Abuse check: request bodies that stop arriving are cut off.

Opens connections that announce a body, send a few bytes of it and then
nothing: a JSON login, and a multipart import upload by a signed-in user.
The server must answer 408 or close each connection within its body
timeout plus a margin. Env: BASE_URL (a fresh server started with
BUKUMA_BODY_TIMEOUT_SECS, default 3 here), SERVER_PID (unused).
Prints one line of figures; exits non-zero on a regression.
"""

import json
import os
import secrets
import socket
import sys
import time
import urllib.parse
import urllib.request

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8080").rstrip("/")
TIMEOUT = float(os.environ.get("BUKUMA_BODY_TIMEOUT_SECS", "3"))
MARGIN = 4.0


def fail(message):
    print(f"slow_body: FAIL: {message}")
    sys.exit(1)


def register():
    name = "slow" + secrets.token_hex(5)
    req = urllib.request.Request(
        f"{BASE_URL}/api/v1/auth/register",
        data=json.dumps({"username": name, "password": "slow-body-password"}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["access_token"]


def stall(path, headers, first_bytes, length):
    """Sends the head and `first_bytes` of a `length`-byte body, then waits.
    Returns (seconds until the server answered or closed, status or None)."""
    url = urllib.parse.urlsplit(BASE_URL)
    sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
    head = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {length}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + first_bytes)
    started = time.monotonic()
    sock.settimeout(TIMEOUT + MARGIN)
    received = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received:
                break
    except socket.timeout:
        fail(f"{path}: a stalled body held the connection for {TIMEOUT + MARGIN:.0f} s "
             f"(body timeout {TIMEOUT:.0f} s)")
    finally:
        sock.close()
    took = time.monotonic() - started
    status = None
    if received.startswith(b"HTTP/1.1 "):
        status = int(received[9:12])
    if status not in (None, 408):
        fail(f"{path}: a stalled body got {status}, expected 408 or a closed connection")
    return took, status


def main():
    token = register()
    login_took, login_status = stall(
        "/api/v1/auth/login",
        {"Content-Type": "application/json"},
        b'{"username": "x',
        1000,
    )
    boundary = "slowbody" + secrets.token_hex(4)
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"b.html\"\r\nContent-Type: text/html\r\n\r\n<DL><p>").encode()
    import_took, import_status = stall(
        "/api/v1/me/import",
        {"Content-Type": f"multipart/form-data; boundary={boundary}",
         "Authorization": f"Bearer {token}"},
        part,
        1_000_000,
    )
    print(f"slow_body: ok: login body cut after {login_took:.1f} s ({login_status or 'closed'}), "
          f"import upload after {import_took:.1f} s ({import_status or 'closed'}); "
          f"timeout {TIMEOUT:.0f} s")


if __name__ == "__main__":
    main()
