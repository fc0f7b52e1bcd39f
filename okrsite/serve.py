"""``okrsite serve``: the built site on a local web server that follows every save.

The server injects a small script into every HTML page it sends (never into the
files: ``okrsite build`` output has no trace of it). The script listens to
server-sent events: ``reload`` reloads the page, ``errors`` shows the build's
errors over the last good site, which keeps being served.
"""

from __future__ import annotations

import errno
import json
import queue
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "/__okrsite/"
SCRIPT_TAG = f'<script src="{PREFIX}livereload.js"></script>'
KEEPALIVE = 10.0  # seconds between comments on an idle event stream

LIVERELOAD_JS = """\
(function () {
  "use strict";
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "okrsite-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0b0b;color:#ffe9e7;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
      "padding:16px 20px;border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = "okrsite: the content has errors. This page shows the last good build; fix the files and it reloads.";
    title.style.cssText = "display:block;margin-bottom:8px;font-family:system-ui,sans-serif";
    var list = document.createElement("pre");
    list.style.cssText = "margin:0;white-space:pre-wrap";
    list.textContent = errors.join("\\n");
    overlay.appendChild(title);
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("PREFIXevents");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("errors", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("ok", hide);
})();
""".replace("PREFIX", PREFIX)

NO_SITE_YET = f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>okrsite</title>
<body style="font-family:system-ui,sans-serif;padding:2rem"><h1>No site yet</h1>
<p>The first build has errors; they are listed below and in the terminal. Fix them and this page reloads.</p>
{SCRIPT_TAG}</body></html>"""


class Hub:
    """The build's state for every open page: connected event streams and the latest errors."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.Queue] = set()
        self.errors: list[str] = []
        self.closed = threading.Event()

    def connect(self) -> queue.Queue:
        client: queue.Queue = queue.Queue()
        with self._lock:
            self._clients.add(client)
            if self.errors:
                client.put(("errors", json.dumps(self.errors)))
        return client

    def disconnect(self, client: queue.Queue) -> None:
        with self._lock:
            self._clients.discard(client)

    def publish(self, event: str, data: str = "") -> None:
        with self._lock:
            for client in self._clients:
                client.put((event, data))

    def built(self, errors: list[str], changed: bool) -> None:
        """Tell every page how the latest build went."""
        had_errors, self.errors = bool(self.errors), errors
        if errors:
            self.publish("errors", json.dumps(errors))
        elif changed or had_errors:
            self.publish("reload")

    def close(self) -> None:
        self.closed.set()
        self.publish("close")


class _Handler(SimpleHTTPRequestHandler):
    """Serves the output folder at ``/`` and under the base_url's path, plus live reload."""

    def __init__(self, *args, hub: Hub, base_path: str, directory: str, **kwargs):
        self.hub, self.base_path = hub, base_path
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
        pass

    def do_HEAD(self) -> None:
        """What GET sends, without the body: the same status and headers, Content-Length included."""
        self.do_GET()

    def do_GET(self) -> None:
        requested = urlsplit(self.path).path
        if requested == PREFIX + "livereload.js":
            return self._send(LIVERELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if requested == PREFIX + "events":
            return self._events()
        path = requested
        if self.base_path != "/" and (requested + "/").startswith(self.base_path):
            path = "/" + requested[len(self.base_path):]
        target = Path(self.translate_path(unquote(path)))
        if target.is_dir():
            if not requested.endswith("/"):
                return self._redirect(requested + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        if target.suffix == ".html":
            return self._send(_inject(target.read_bytes()), "text/html; charset=utf-8")
        self.path = path
        if self.command == "HEAD":
            return super().do_HEAD()
        super().do_GET()

    def _not_found(self) -> None:
        page = Path(self.directory) / "404.html"
        home = Path(self.directory) / "index.html"
        if not home.is_file():
            return self._send(NO_SITE_YET.encode(), "text/html; charset=utf-8", HTTPStatus.SERVICE_UNAVAILABLE)
        body = _inject(page.read_bytes()) if page.is_file() else b"<h1>Not found</h1>"
        self._send(body, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command == "HEAD":
            return
        client = self.hub.connect()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.hub.closed.is_set():
                try:
                    event, data = client.get(timeout=KEEPALIVE)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    if event == "close":
                        break
                    self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.hub.disconnect(client)
            self.close_connection = True


def _inject(html: bytes) -> bytes:
    """The page with the live-reload script just before ``</body>``."""
    tag = SCRIPT_TAG.encode()
    index = html.rfind(b"</body>")
    return html[:index] + tag + html[index:] if index >= 0 else html + tag


class PreviewServer:
    """An HTTP server for an output folder on a background thread; use as a context manager."""

    def __init__(self, directory: Path, hub: Hub, host: str = "127.0.0.1", port: int = 8000,
                 base_path: str = "/", tries: int = 20):
        handler = partial(_Handler, hub=hub, base_path=base_path, directory=str(directory))
        self.hub = hub
        self.server = _bind(handler, host, port, tries)
        self.server.daemon_threads = True
        self.host, self.port = host, self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="okrsite-serve", daemon=True)

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> PreviewServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.hub.close()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True


def _bind(handler, host: str, port: int, tries: int) -> ThreadingHTTPServer:
    """A server on ``port``, or on the next free port when it is taken (port 0: any free port)."""
    for candidate in range(port, port + tries) if port else [0]:
        try:
            return _Server((host, candidate), handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + tries - 1} are all in use")
