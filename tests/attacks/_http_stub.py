"""Real HTTP servers on 127.0.0.1 for ``civicred bundle fetch``: one that serves fixed files, one
that dribbles its answer a byte at a time (bounded: it stops by itself)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(routes: dict[str, bytes]) -> Iterator[str]:
    """``GET /path`` answers ``routes[path]`` (edit the dict to change answers); yields the URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def dribbling(
    head: bytes, body: bytes = b"", *, interval: float = 0.1, max_seconds: float = 30
) -> Iterator[str]:
    """Answer every connection with ``head`` at once, then ``body`` one byte per ``interval``
    (``head`` empty: the status line and headers are dribbled too). Stops after ``max_seconds``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(1)
            try:
                connection.recv(65536)  # the request
                connection.sendall(head)
                start = time.monotonic()
                for byte in body:
                    if stop.is_set() or time.monotonic() - start > max_seconds:
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(interval)
            except OSError:  # the client gave up: that is the point
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
