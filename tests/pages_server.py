"""A static web server for tests that behaves like GitHub Pages for a project site:
the output is served under PREFIX only, and a missing path gets 404.html with status 404."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "/okrs/"


class _PagesLike(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(PREFIX) and path + "/" != PREFIX:
            return self._not_found()
        self.path = "/" + self.path[len(PREFIX):] if path.startswith(PREFIX) else "/"
        target = Path(self.translate_path(urlsplit(self.path).path))
        if not target.exists() or (target.is_dir() and not (target / "index.html").exists()):
            return self._not_found()
        return super().send_head()

    def _not_found(self):
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[int]:
    """Serve ``folder`` on 127.0.0.1 under PREFIX while the block runs; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_PagesLike, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
