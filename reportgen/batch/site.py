"""``--site-url``: the address the output folder is served at, for absolute links in feed.xml."""

from __future__ import annotations

import urllib.parse


def site_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as a site address, or None: http or https, a host, no user name or
    password, no query or fragment, printable ASCII without spaces or quotes."""
    if not isinstance(url, str) or not url or any(ord(c) <= 0x20 or ord(c) >= 0x7F or c in "\"'<>\\`" for c in url):
        return f"takes an http:// or https:// address without spaces, quotes or angle brackets (got {url!r})"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        return f"is not a valid address (got {url!r})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"takes an http:// or https:// address with a host (got {url!r})"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    if parts.query or parts.fragment:
        return "must not carry a query or a fragment"
    return None


def site_link(site_url: str | None, relative: str) -> str:
    """``relative`` (a path under the output folder) as the feed links to it."""
    if site_url is None:
        return relative
    return site_url.rstrip("/") + "/" + relative
