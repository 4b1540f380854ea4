"""What the flood checks share: the server's address, loopback source
addresses of their own (so one check's flood never throttles another), a
JSON request over a fresh connection, and the server's resident memory.
Not a check itself: the runner skips files starting with `_`."""

import http.client
import json
import os
import random
import urllib.parse

BASE = urllib.parse.urlsplit(os.environ.get("BASE_URL", "http://127.0.0.1:8080"))
HOST, PORT = BASE.hostname or "127.0.0.1", BASE.port or 80
LOOPBACK = HOST.startswith("127.")


def new_source():
    """A loopback address of this run's own, or None for the default."""
    if not LOOPBACK:
        return None
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


def request(source, method, path, body=None, headers=None):
    """(status, Retry-After, body) of one request from `source`."""
    conn = http.client.HTTPConnection(
        HOST, PORT, timeout=10, source_address=(source, 0) if source else None
    )
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = {"content-type": "application/json"} if data else {}
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        res = conn.getresponse()
        return res.status, res.getheader("retry-after"), res.read()
    finally:
        conn.close()


def rss_mb():
    """The server's resident memory (SERVER_PID), or NaN when unknown."""
    pid = os.environ.get("SERVER_PID")
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, TypeError, ValueError):
        pass
    return float("nan")
