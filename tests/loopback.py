"""A police.uk-shaped file server on 127.0.0.1 for the fetch client's tests (no outside network).

It serves a folder laid out as police.uk's archive (``YYYY-MM/YYYY-MM-<force>-street.csv``), and can
be told to misbehave for one path: ``cut`` (send a Content-Length, then half the body and close),
``drop`` (close the connection after the headers), ``status`` (answer with that HTTP status) or
``body`` (serve these bytes instead, e.g. a changed file or an error page).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class Misbehaviour:
    def __init__(self) -> None:
        self.rules: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []

    def set(self, path: str, **rule: Any) -> None:
        self.rules["/" + path.lstrip("/")] = rule

    def clear(self) -> None:
        self.rules.clear()


@contextmanager
def serve_folder(folder: Path) -> Iterator[tuple[str, Misbehaviour]]:
    misbehaviour = Misbehaviour()

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            misbehaviour.requests.append(self.path)
            rule = misbehaviour.rules.get(self.path)
            if not rule:
                return super().do_GET()
            if "status" in rule:
                self.send_error(rule["status"])
                return None
            if "body" in rule:
                body = rule["body"]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None
            data = (folder / self.path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if "cut" in rule:
                self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", misbehaviour
    finally:
        server.shutdown()
        server.server_close()
