"""``preview``: serve the output folder on 127.0.0.1 and reload the open page when a rebuild finishes.

The server is the standard library's, in a thread. Pages are served as written, with one difference: an HTML
page gets a small script that listens for rebuilds (Server-Sent Events on RELOAD_PATH) and reloads, and its
Content-Security-Policy is widened in that copy alone to let that one script (by nonce) and that one
connection in. The files in the output folder are never changed: they keep their policy of no script at all.
Nothing but 127.0.0.1 is listened on, and a request must name this server in its Host header (a web page
whose name was rebound to 127.0.0.1 must not read the briefs); hidden files (the state folder .reportgen/) and
anything outside the folder are not served.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
RELOAD_PATH = "/__reportgen__/events"
KEEPALIVE_SECONDS = 15.0
_CSP = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


class Reloads:
    """A counter of finished rebuilds that the event streams wait on."""

    def __init__(self) -> None:
        self.generation = 0
        self.closed = False
        self._changed = threading.Condition()

    def bump(self) -> None:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return self.generation

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def served_html(page: bytes, nonce: str) -> bytes:
    """The served copy of a page: the reload script before </body>, and the policy that lets it (and only
    it: by nonce) run and connect back to this server."""

    def widen(match: re.Match[bytes]) -> bytes:
        policy = match.group(2).decode("ascii", "replace")
        policy = re.sub(r"script-src [^;]*", f"script-src 'nonce-{nonce}'", policy)
        if "script-src" not in policy:
            policy += f"; script-src 'nonce-{nonce}'"
        policy += "; connect-src 'self'"
        return match.group(1) + policy.encode("ascii") + match.group(3)

    page = _CSP.sub(widen, page, count=1)
    script = (f'<script nonce="{nonce}">(function () {{ var seen = null; '
              f'var events = new EventSource("{RELOAD_PATH}"); '
              'events.onopen = function () { document.documentElement.dataset.reportgenPreview = "listening"; }; '
              'events.onmessage = function (event) { if (seen === null) { seen = event.data; } '
              'else if (event.data !== seen) { events.close(); location.reload(); } }; })();</script>').encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script


class _Handler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows the builds, not every request

    def _foreign_host(self) -> bool:
        port = self.server.server_address[1]
        if self.headers.get("Host", "") in (f"{HOST}:{port}", f"localhost:{port}"):
            return False
        self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this preview answers to 127.0.0.1 only")
        return True

    def do_GET(self) -> None:
        if self._foreign_host():
            return
        if urlsplit(self.path).path == RELOAD_PATH:
            self._events()
            return
        path = self._file()
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if not path.endswith((".html", ".htm")):
            super().do_GET()
            return
        try:
            with open(path, "rb") as handle:
                page = served_html(handle.read(), secrets.token_urlsafe(16))
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(page)

    def do_HEAD(self) -> None:
        if self._foreign_host():
            return
        if self._file() is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_HEAD()

    def _file(self) -> str | None:
        """The file a request names, inside the output folder (an index.html for a folder); None for a hidden
        name, a path that leaves the folder (.., a link out) or nothing at all."""
        parts = [p for p in unquote(urlsplit(self.path).path).split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            return None
        root = os.path.realpath(self.server.root)
        path = os.path.realpath(os.path.join(root, *parts))
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
            return None
        return path

    def translate_path(self, path: str) -> str:
        return self._file() or os.path.join(self.server.root, ".missing")

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        reloads = self.server.reloads
        seen = reloads.generation
        try:
            self.wfile.write(f"data: {seen}\n\n".encode())
            self.wfile.flush()
            while not reloads.closed:
                now = reloads.wait(seen, KEEPALIVE_SECONDS)
                self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": keep-alive\n\n")
                self.wfile.flush()
                seen = now
        except OSError:  # the page went away
            return


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: str, port: int = DEFAULT_PORT):
        self.root = root
        self.reloads = Reloads()
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or port != DEFAULT_PORT:
                raise
            super().__init__((HOST, 0), _Handler)  # the default port is taken: any free one
        self._thread = threading.Thread(target=self.serve_forever, name="reportgen-preview", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def __enter__(self) -> PreviewServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.reloads.close()
        self.shutdown()
        self.server_close()
