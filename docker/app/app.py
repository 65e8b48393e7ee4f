"""Sample WSGI application served by uwsgi behind nginx: GET / and GET /health.

Every response echoes the request id nginx generated (X-Request-Id), so a client, the nginx access log and the
uwsgi request log can be joined on it. Standard library only.
"""

import json
import re

# nginx's $request_id is 32 hex digits; anything else is not echoed into a response header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

_ROUTES = {
    "/": (b"200 OK", {"message": "hello from the app container"}),
    "/health": (b"200 OK", {"status": "ok"}),
}


def application(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    method = environ.get("REQUEST_METHOD", "GET")
    if path not in _ROUTES:
        status, payload = b"404 Not Found", {"error": "not found"}
    elif method not in ("GET", "HEAD"):
        status, payload = b"405 Method Not Allowed", {"error": "method not allowed"}
    else:
        status, payload = _ROUTES[path]

    body = json.dumps(payload).encode() + b"\n"
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    request_id = environ.get("HTTP_X_REQUEST_ID", "")
    if _REQUEST_ID.fullmatch(request_id):
        headers.append(("X-Request-Id", request_id))
    if status.startswith(b"405"):
        headers.append(("Allow", "GET, HEAD"))
    start_response(status.decode(), headers)
    return [b""] if method == "HEAD" else [body]
