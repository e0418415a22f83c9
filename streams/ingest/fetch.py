"""HTTP GET with a deadline, a size cap and our user agent; the main text of article pages via trafilatura."""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchError",
    "Limits",
    "Response",
    "extract_main_text",
    "get",
    "new_client",
    "page_text",
]

DEFAULT_USER_AGENT = "newsevents/0.1 (political event coder; feed reader)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Limits:
    """Per request: seconds until it is abandoned (headers and body) and the largest body accepted."""

    timeout: float = 10.0
    max_bytes: int = 2_000_000


@dataclass(frozen=True)
class Response:
    """A successful (2xx or 304) response, its body read in full."""

    status: int
    url: str
    headers: httpx.Headers
    body: bytes
    charset: str | None = None


class FetchError(Exception):
    """A request that gave nothing usable; the message is the reason, e.g. 'HTTP 404'."""


def new_client(user_agent: str = DEFAULT_USER_AGENT) -> httpx.AsyncClient:
    """The shared client: our user agent, redirects followed."""
    return httpx.AsyncClient(headers={"User-Agent": user_agent}, follow_redirects=True)


async def get(
    client: httpx.AsyncClient, url: str, limits: Limits, headers: Mapping[str, str] | None = None
) -> Response:
    """GET ``url`` within ``limits``; raise :class:`FetchError` on errors, HTTP status >= 400 or limits hit."""
    try:
        async with asyncio.timeout(limits.timeout):
            async with client.stream("GET", url, headers=headers, timeout=limits.timeout) as response:
                if response.status_code >= 400:
                    message = f"HTTP {response.status_code}"
                    raise FetchError(message)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limits.max_bytes:
                    raise FetchError(_too_large(limits))
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limits.max_bytes:
                        raise FetchError(_too_large(limits))
                return Response(
                    response.status_code, str(response.url), response.headers, bytes(body), _charset(response)
                )
    except (TimeoutError, httpx.TimeoutException) as exc:
        message = f"timed out after {limits.timeout:g} s"
        raise FetchError(message) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        message = f"{type(exc).__name__}: {exc}".rstrip(": ")
        raise FetchError(message) from exc


async def page_text(client: httpx.AsyncClient, url: str, limits: Limits) -> str:
    """The main text of the article page at ``url``; raise :class:`FetchError` saying why there is none."""
    response = await get(client, url, limits, {"Accept": "text/html,application/xhtml+xml"})
    content_type = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if content_type not in _HTML_TYPES:
        message = f"not an HTML page: {content_type}"
        raise FetchError(message)
    # Without a declared charset trafilatura detects it (meta tags, then content).
    html = response.body.decode(response.charset, "replace") if response.charset else response.body
    try:
        text = await asyncio.to_thread(extract_main_text, html, response.url)
    except Exception as exc:  # a parser crash on one odd page must not fail the whole feed
        message = f"text extraction failed: {type(exc).__name__}: {exc}"
        raise FetchError(message) from exc
    if not text:
        message = "no main text found on the page"
        raise FetchError(message)
    return text


def _too_large(limits: Limits) -> str:
    return f"larger than {limits.max_bytes} bytes"


def _charset(response: httpx.Response) -> str | None:
    charset = response.charset_encoding
    try:
        return codecs.lookup(charset).name if charset else None
    except LookupError:
        return None


def extract_main_text(html: str | bytes, url: str | None = None) -> str | None:
    """Main text of an article page (boilerplate, comments and tables left out), or None."""
    import trafilatura  # lxml and its company: only once a page is fetched

    return trafilatura.extract(html, url=url, include_comments=False, include_tables=False, deduplicate=False)
