"""``reportgen preview``: the output folder served on 127.0.0.1, and the open page reloaded in the real Chromium
when a saved input has been rebuilt. The reload script is in the served copy only, never in the written files."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from buildkit import EXAMPLES, background, counts, poll

from reportgen.batch.preview import served_html


def test_the_served_copy_lets_only_its_own_script_run():
    page = (b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            b'script-src \'none\'; img-src data:"></head><body><p>x</p></body></html>')
    served = served_html(page, "N0NCE")
    policy = re.search(rb'content="([^"]*)"', served)[1].decode()  # type: ignore[index]
    assert "script-src 'nonce-N0NCE'" in policy and "'none'; img-src data:" not in policy.split("script-src")[1]
    assert policy.endswith("connect-src 'self'") and "default-src 'none'" in policy
    assert served.index(b'<script nonce="N0NCE">') < served.index(b"</body>")
    assert served.count(b"<script") == 1


@pytest.mark.chromium
def test_preview_reloads_the_open_page_when_a_saved_input_is_rebuilt(browser, tmp_path: Path):
    (tmp_path / "inputs").mkdir()
    source = tmp_path / "inputs" / "anthropic-2026.yaml"
    shutil.copy(EXAMPLES / "anthropic-2026.yaml", source)
    server = background("preview", "inputs", "--format", "html", "--port", "0", "--jobs", "1", cwd=tmp_path,
                        logs=tmp_path / "logs")
    context = None
    try:
        poll(lambda: counts(server.stderr) or not server.running(), 240, "the first build",
             describe=lambda: server.stderr)
        assert counts(server.stderr) == (1, 0, 0), server.stderr
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", server.stderr)[1]  # type: ignore[index]
        with pytest.raises(urllib.error.HTTPError):  # the state folder is not served
            urllib.request.urlopen(url + ".reportgen/manifest.json", timeout=10)

        context = browser.new_context(java_script_enabled=True, service_workers="block")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "anthropic-2026/brief.html", wait_until="load")
        assert page.inner_text("h1") == "Anthropic"
        # the served copy's script ran (its policy let it) and listens for rebuilds
        page.locator("html[data-reportgen-preview='listening']").wait_for(state="attached", timeout=30_000)

        with page.expect_navigation(wait_until="load", timeout=180_000):  # the reload, after the rebuild
            source.write_text(source.read_text(encoding="utf-8").replace("name: Anthropic", "name: Anthropic Prime"),
                              encoding="utf-8")

        def heading() -> str:
            try:
                return page.inner_text("h1", timeout=2_000)
            except Exception:  # between two documents
                return ""

        poll(lambda: heading() == "Anthropic Prime", 60, "the reloaded page to show the saved name",
             describe=lambda: server.stderr)
        assert errors == [], errors  # the policy of the served copy let the script and its connection in
        written = (tmp_path / "outputs" / "anthropic-2026" / "brief.html").read_text(encoding="utf-8")
        assert "Anthropic Prime" in written and "<script" not in written and "script-src 'none'" in written
    finally:
        if context is not None:
            context.close()
        server.kill()


def test_the_server_answers_its_own_name_only_and_hides_the_state_folder(tmp_path: Path):
    """A page of another site whose name was rebound to 127.0.0.1 sends its own Host: refused. Hidden files
    and paths out of the folder are not served; a page is served with the reload script, the file unchanged."""
    import http.client

    from reportgen.batch.preview import PreviewServer

    (tmp_path / ".reportgen").mkdir()
    (tmp_path / ".reportgen" / "manifest.json").write_text("{}")
    page = b'<html><head></head><body><p>brief</p></body></html>'
    (tmp_path / "index.html").write_bytes(page)
    (tmp_path.parent / "outside.txt").write_text("secret")

    def get(path: str, host: str | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()

    with PreviewServer(str(tmp_path), port=0) as server:
        status, body = get("/")
        assert status == 200 and b"EventSource" in body and b"<p>brief</p>" in body
        assert get("/", host="evil.example:80")[0] == 421
        assert get("/.reportgen/manifest.json")[0] == 404
        assert get("/../outside.txt")[0] == 404 and get("/%2e%2e/outside.txt")[0] == 404
    assert (tmp_path / "index.html").read_bytes() == page
