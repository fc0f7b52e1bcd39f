"""okrsite serve: a real server on loopback, real file edits, live reload and the error overlay.

Every server here listens on 127.0.0.1 on a free port and is stopped at the end of
its test; every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import COMPANY, EXAMPLE_DATE, REPO, interruptible, write_site
from okrsite.live import Live
from okrsite.serve import SCRIPT_TAG, Hub, PreviewServer
from okrsite.options import BuildOptions

TIMEOUT = 10.0
TOML = 'title = "Test Co OKRs"\nbase_url = "https://example.test/okrs/"\n'
COMPANY_FILE = "content/2026-Q4/test-co.md"


def get(server, path: str) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class EventStream:
    """Reads the server-sent events of /__okrsite/events on a thread."""

    def __init__(self, server):
        self.events: queue.Queue = queue.Queue()
        self.sock = socket.create_connection((server.host, server.port), timeout=TIMEOUT)
        self.sock.sendall(b"GET /__okrsite/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.reader = self.sock.makefile("rb")
        threading.Thread(target=self._read, daemon=True).start()
        self.next("connected")  # the stream is open before the test edits anything

    def _read(self) -> None:
        event = None
        try:
            for raw in self.reader:
                line = raw.decode().rstrip("\r\n")
                if line == ": connected":
                    self.events.put(("connected", ""))
                elif line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: ") and event:
                    self.events.put((event, line[len("data: "):]))
                    event = None
        except OSError:
            pass

    def next(self, wanted: str, timeout: float = TIMEOUT) -> str:
        """The data of the next event called ``wanted`` (others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no {wanted!r} event within {timeout} s"
            try:
                event, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event == wanted:
                return data

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def live(tmp_path):
    """A test site served by okrsite's live preview on a free port, stopped afterwards."""
    root = write_site(tmp_path / "site", {COMPANY_FILE: COMPANY}, TOML)
    session = Live(root, tmp_path / "out", BuildOptions(EXAMPLE_DATE))
    session.__enter__()
    thread = threading.Thread(target=session.serve, args=("127.0.0.1", 0), daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while session.server is None or not session.watching.is_set():
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield session
    finally:
        session.stop.set()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the server did not stop"


def company_page(live) -> str:
    return get(live.server, "/2026-q4/test-co/index.html")[2]


def edit(live, text_from: str, text_to: str) -> None:
    path = live.builder.root / COMPANY_FILE
    path.write_text(path.read_text().replace(text_from, text_to))


def test_serves_pages_with_the_reload_script_but_writes_none(live):
    status, headers, body = get(live.server, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.count(SCRIPT_TAG) == 1 and body.index(SCRIPT_TAG) < body.index("</body>")
    assert "Test Co" in body
    for page in live.builder.out.rglob("*.html"):
        assert "__okrsite" not in page.read_text(), page
    status, headers, script = get(live.server, "/__okrsite/livereload.js")
    assert status == 200 and "EventSource" in script


def test_serves_under_the_base_url_path_too(live):
    at_root = get(live.server, "/2026-q4/index.html")
    under_base = get(live.server, "/okrs/2026-q4/index.html")
    assert under_base[0] == 200 and under_base[2] == at_root[2]
    assert get(live.server, "/okrs/static/style.css")[0] == 200
    connection = http.client.HTTPConnection(live.server.host, live.server.port, timeout=TIMEOUT)
    connection.request("GET", "/okrs")
    response = connection.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "/okrs/")
    connection.close()


def test_missing_pages_get_the_404_page(live):
    status, _, body = get(live.server, "/2026-q4/nobody/index.html")
    assert status == 404 and "Page not found" in body and SCRIPT_TAG in body


def test_an_edit_rebuilds_and_reloads_open_pages(live):
    stream = EventStream(live.server)
    try:
        assert "50 %" in company_page(live)
        edit(live, "current: 50", "current: 90")
        stream.next("reload")
        assert "90 %" in company_page(live)
    finally:
        stream.close()


def test_a_bad_edit_keeps_the_last_good_site_and_shows_the_errors(live):
    stream = EventStream(live.server)
    try:
        before = company_page(live)
        edit(live, "kind: company", "kind: compnay")
        errors = json.loads(stream.next("errors"))
        assert any(re.search(r"test-co\.md:3: error: unknown kind 'compnay'", e) for e in errors), errors
        assert company_page(live) == before  # the last good site is still served
        late = EventStream(live.server)  # a page opened now shows the errors at once
        try:
            assert json.loads(late.next("errors")) == errors
        finally:
            late.close()
        edit(live, "kind: compnay", "kind: company")
        stream.next("reload")
        assert live.hub.errors == []
    finally:
        stream.close()


def test_a_theme_error_is_reported_like_a_content_error(live):
    stream = EventStream(live.server)
    try:
        templates = live.builder.root / "themes/default/templates"
        templates.mkdir(parents=True)
        (templates / "owner.html").write_text('{% extends "base.html" %}{% block main %}{{ owner.nope() }}{% endblock %}')
        errors = json.loads(stream.next("errors"))
        assert any("owner.html:1: error: template error" in e for e in errors), errors
        (templates / "owner.html").unlink()
        stream.next("reload")
    finally:
        stream.close()


def test_a_taken_port_moves_to_the_next_free_one(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with PreviewServer(tmp_path, Hub(), "127.0.0.1", port) as server:
            assert server.port != port and port < server.port < port + 20


class Serving:
    """``okrsite serve`` run as a command on a free port, its temporary folders in ``tmp``; killed if a test fails."""

    def __init__(self, tmp_path):
        root = write_site(tmp_path / "site", {COMPANY_FILE: COMPANY}, TOML)
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(self.tmp)}
        self.process = subprocess.Popen([sys.executable, "-m", "okrsite", "serve", str(root), "--port", "0",
                                         "--date", "2026-11-20"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                        preexec_fn=interruptible)
        self.lines: list[str] = []

    def __enter__(self) -> Serving:
        deadline = time.monotonic() + TIMEOUT
        while not any("serving the site at" in line for line in self.lines):
            assert time.monotonic() < deadline and self.process.poll() is None, self.lines
            self.lines.append(self.process.stdout.readline())
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", self.lines[-1]).group(1))
        return self

    def request(self, method: str, path: str) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self, signum: int) -> str:
        """Send ``signum``; what the command printed in all."""
        self.process.send_signal(signum)
        output, _ = self.process.communicate(timeout=TIMEOUT)
        return "".join(self.lines) + output

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_okrsite_serve_stops_on_ctrl_c_or_sigterm_and_removes_its_temporary_folder(tmp_path, stop):
    """SIGTERM (a service manager's stop) does what Ctrl-C does: every clean-up, exit code 0."""
    with Serving(tmp_path) as serving:
        assert [p.name.startswith("okrsite-serve-") for p in serving.tmp.iterdir()] == [True]
        assert serving.request("GET", "/okrs/")[0] == 200
        assert "/okrs/" in serving.lines[-1]
        output = serving.stop(stop)
    assert serving.process.returncode == 0
    assert "stopped" in output and "Traceback" not in output
    assert list(serving.tmp.iterdir()) == []


def test_head_reports_the_length_of_what_get_sends(tmp_path):
    with Serving(tmp_path) as serving:
        for path in ("/", "/okrs/2026-q4/test-co/", "/okrs/no-such-page", "/static/style.css", "/okrs.json",
                     "/okrs/static/favicon.svg", "/__okrsite/livereload.js", "/2026-q4"):
            status, headers, body = serving.request("GET", path)
            head_status, head_headers, head_body = serving.request("HEAD", path)
            assert head_body == b"" and head_status == status, path
            assert int(head_headers["Content-Length"]) == int(headers["Content-Length"]) == len(body), path
            assert head_headers.get("Content-Type") == headers.get("Content-Type"), path
        assert SCRIPT_TAG.encode() in serving.request("GET", "/")[2]  # the page that was 48 bytes short
        status, headers, _ = serving.request("HEAD", "/__okrsite/events")
        assert (status, headers["Content-Type"]) == (200, "text/event-stream")
        serving.stop(signal.SIGINT)
