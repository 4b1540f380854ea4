#!/usr/bin/env python3
"""Abuse check: importing a deep-folder Netscape bookmark file must not
blow up the server's memory.

Uploads two generated files to POST /api/v1/me/import: 200 nested folders
with 1 000-character names around 1 500 links (~280 KB), then the same
with 4 000-character names (~880 KB). Fails when the server's peak
resident memory (VmHWM of /proc/$SERVER_PID/status) grows by more than
MAX_GROWTH_MB over both, or when an import is not answered with 200.

Env: BASE_URL (a fresh server with open registration), SERVER_PID.
Prints one line of figures; exits non-zero on a regression.
"""

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

MAX_GROWTH_MB = 60
DEPTH = 200
LINKS = 1500
DEADLINE = time.monotonic() + 28


def fail(message):
    print(f"import_deep: FAIL: {message}")
    sys.exit(1)


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    fail("no VmHWM in /proc/$SERVER_PID/status")


def request(method, url, body=None, headers=None):
    timeout = max(1.0, DEADLINE - time.monotonic())
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        fail(f"{method} {url}: {e} (did the server die?)")


def register(base):
    name = "imp" + secrets.token_hex(6)
    body = json.dumps({"username": name, "password": "import-deep-" + secrets.token_hex(8)})
    status, data = request(
        "POST", f"{base}/api/v1/auth/register", body.encode(), {"content-type": "application/json"}
    )
    if status != 201:
        fail(f"register answered {status}: {data[:200]!r}")
    return json.loads(data)["access_token"]


def deep_file(name_chars):
    parts = ["<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n"]
    for depth in range(DEPTH):
        name = (f"Folder{depth}-" + "abcdefghij" * (name_chars // 10 + 1))[:name_chars]
        parts.append(f"<DT><H3>{name}</H3>\n<DL><p>\n")
    for i in range(LINKS):
        parts.append(f'<DT><A HREF="https://deep.example/{name_chars}/{i}">Link {i}</A>\n')
    parts.append("</DL><p>\n" * (DEPTH + 1))
    return "".join(parts).encode()


def upload(base, token, content):
    boundary = "----bukuma" + secrets.token_hex(8)
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="bookmarks.html"\r\n'
        "Content-Type: text/html\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = {
        "authorization": f"Bearer {token}",
        "content-type": f"multipart/form-data; boundary={boundary}",
    }
    return request("POST", f"{base}/api/v1/me/import", body, headers)


def main():
    base = os.environ.get("BASE_URL", "").rstrip("/")
    pid = os.environ.get("SERVER_PID", "")
    if not base or not pid:
        fail("set BASE_URL and SERVER_PID")
    token = register(base)
    before = peak_kb(pid)
    figures = []
    problems = []
    for name_chars in (1000, 4000):
        content = deep_file(name_chars)
        started = time.monotonic()
        status, data = upload(base, token, content)
        took = time.monotonic() - started
        if status != 200:
            fail(f"import of the {len(content) // 1024} KB file answered {status}: {data[:300]!r}")
        report = json.loads(data)
        stored = report["imported"] + report["updated"] + report["skipped"]
        figures.append(
            f"{name_chars}-char names: {len(content) // 1024} KB, {stored} of {LINKS} stored, "
            f"peak {peak_kb(pid) // 1024} MB after {took:.1f} s"
        )
        if stored != LINKS:
            problems.append(f"{stored} of {LINKS} links stored from the {name_chars}-character file")
    growth = (peak_kb(pid) - before) / 1024
    print(
        f"import_deep: peak memory {before // 1024} MB -> {peak_kb(pid) // 1024} MB "
        f"(+{growth:.0f} MB, bound {MAX_GROWTH_MB} MB); " + "; ".join(figures)
    )
    if growth > MAX_GROWTH_MB:
        problems.append(f"the server's peak memory grew by {growth:.0f} MB (bound {MAX_GROWTH_MB} MB)")
    if problems:
        fail("; ".join(problems))


if __name__ == "__main__":
    main()
