"""ECS health check for the app container: one request over the uwsgi protocol to the unix socket.

Usage: python3 healthcheck.py SOCKET PATH. Exits 0 when uwsgi answers 200 within 3 seconds. Standard library
only, so the image needs nothing beyond Python.
"""

import socket
import struct
import sys


def uwsgi_packet(variables):
    """A uwsgi request: header (modifier1 0, size, modifier2 0), then length-prefixed key/value pairs."""
    body = b""
    for key, value in variables.items():
        for part in (key.encode(), value.encode()):
            body += struct.pack("<H", len(part)) + part
    return struct.pack("<BHB", 0, len(body), 0) + body


def main(socket_path, path):
    packet = uwsgi_packet(
        {
            "REQUEST_METHOD": "GET",
            "REQUEST_URI": path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.0",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "0",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost",
            "HTTP_USER_AGENT": "ecs-healthcheck",
            "HTTP_X_REQUEST_ID": "ecs-healthcheck",
        }
    )
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(3)
        conn.connect(socket_path)
        conn.sendall(packet)
        status_line = conn.recv(64).split(b"\r\n", 1)[0]
    return 0 if status_line.split(b" ")[1:2] == [b"200"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except (IndexError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        sys.exit(1)
