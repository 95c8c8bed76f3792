"""Security headers on every HTTP response of the app: pages, API, feeds and static files alike.

The Content-Security-Policy is the tightest the compiled Reflex app runs under: scripts only from our
origin plus, by SHA-256 hash, exactly the inline bootstrap scripts that React Router writes into the
compiled pages, and `eval`, which Reflex uses to run `rx.call_script`; styles from our origin and
inline (Emotion and Radix style at run time). Requests go only to our own origin and its WebSocket.
Nothing may frame the app. See decision 0009.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scheduler_app.settings import get_settings

HSTS_MAX_AGE = 365 * 24 * 3600
# FastAPI's interactive docs load Swagger UI from this CDN (and run one inline script).
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_PATH_SUFFIX = "/docs"
_SCRIPT_ELEMENT = re.compile(
    r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE
)
_SOURCE_ATTRIBUTE = re.compile(r"\bsrc\s*=", re.IGNORECASE)


def inline_script_hashes(pages: Path) -> tuple[str, ...]:
    """CSP hash sources of every inline script in the compiled pages under `pages`."""
    hashes: set[str] = set()
    for page in sorted(pages.rglob("*.html")):
        for script in _SCRIPT_ELEMENT.finditer(page.read_text(encoding="utf-8")):
            if _SOURCE_ATTRIBUTE.search(script["attributes"]) or not script["body"]:
                continue
            digest = base64.b64encode(hashlib.sha256(script["body"].encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return tuple(sorted(hashes))


@functools.lru_cache(maxsize=4)
def _hashes_of_build(pages: Path, built_at: float) -> tuple[str, ...]:
    return inline_script_hashes(pages)


def compiled_pages_dir() -> Path | None:
    """Where Reflex keeps the compiled pages it serves in production, once built."""
    from reflex import constants
    from reflex.config import get_config
    from reflex.utils import prerequisites

    pages = prerequisites.get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")
    return pages if (pages / "index.html").is_file() else None


def page_script_hashes(pages: Path | None) -> tuple[str, ...] | None:
    """The hashes for the current build (rescanned when it is rebuilt); None when there is no build."""
    if pages is None:
        return None
    try:
        built_at = (pages / "index.html").stat().st_mtime
    except OSError:
        return None
    return _hashes_of_build(pages, built_at)


def _origin(url: str) -> tuple[str, str] | None:
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.scheme, parts.netloc.lower()


def _socket_origins(urls: Iterable[str]) -> list[str]:
    """HTTP(S) and WebSocket origins of these URLs (the Reflex socket lives on the API's origin)."""
    origins: list[str] = []
    for url in urls:
        parsed = _origin(url)
        if parsed is None:
            continue
        scheme, host = parsed
        for candidate in (f"{scheme}://{host}", f"{'wss' if scheme == 'https' else 'ws'}://{host}"):
            if candidate not in origins:
                origins.append(candidate)
    return origins


@functools.lru_cache(maxsize=8)
def content_security_policy(
    app_url: str,
    api_url: str | None = None,
    docs: bool = False,
    script_hashes: tuple[str, ...] | None = None,
) -> str:
    """The CSP for the app served at `app_url` whose backend (API and socket) is at `api_url`.

    `script_hashes` are the compiled pages' inline scripts; without a build to read them from
    (API-only deployments, tests) inline scripts are allowed wholesale instead.
    """
    connect = ["'self'", *_socket_origins([app_url, api_url or app_url])]
    inline = list(script_hashes) if script_hashes is not None else ["'unsafe-inline'"]
    scripts = ["'self'", *inline, "'unsafe-eval'"]
    styles = ["'self'", "'unsafe-inline'"]
    images = ["'self'", "data:", "blob:"]
    if docs:
        scripts.append(DOCS_CDN)
        styles.append(DOCS_CDN)
        images.append("https://fastapi.tiangolo.com")
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    policy = "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
    if (_origin(app_url) or ("",))[0] == "https":
        policy += "; upgrade-insecure-requests"
    return policy


def security_headers(
    app_url: str, api_url: str | None, path: str, script_hashes: tuple[str, ...] | None = None
) -> dict[str, str]:
    """Every header we add, for a response to `path`."""
    docs = path.endswith(DOCS_PATH_SUFFIX)
    headers = {
        "Content-Security-Policy": content_security_policy(
            app_url, api_url, docs=docs, script_hashes=None if docs else script_hashes
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    }
    if (_origin(app_url) or ("",))[0] == "https":
        # Only behind TLS: over plain HTTP the header is ignored, and a wrong one locks users out.
        headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE}; includeSubDomains"
    return headers


def _reflex_api_url() -> str | None:
    """Where Reflex tells the browser its backend is (differs from APP_URL in dev mode and tests)."""
    from reflex.config import get_config

    return get_config().api_url or None


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response that does not set its own (pure ASGI)."""

    def __init__(
        self,
        app: ASGIApp,
        api_url: Callable[[], str | None] = _reflex_api_url,
        pages_dir: Callable[[], Path | None] = compiled_pages_dir,
    ):
        self.app = app
        self.api_url = api_url
        self.pages_dir = pages_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(
            get_settings().app_url,
            self.api_url(),
            scope.get("path", ""),
            page_script_hashes(self.pages_dir()),
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """The `api_transformer` step that wraps the whole app (pages, API, static files)."""
    return SecurityHeadersMiddleware(app)
