"""Headers that keep browsers from running, framing, sniffing or caching what they must not.

- `Content-Security-Policy`: scripts only from this origin or with this response's
  nonce (no blanket 'unsafe-inline' for scripts: an injected `<script>` does not run);
  the citizen form's small inline script carries the nonce, which a template reads as
  `request.state.csp_nonce`. Styles may be inline (the pages' one `<style>` block and a
  few `style=` attributes). `frame-ancestors 'none'`: no page can be framed (clickjacking
  a responder's console). The API documentation pages (`/docs`, `/redoc`) load their
  scripts from a CDN and keep only `frame-ancestors`.
- `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (older browsers),
  `Referrer-Policy: no-referrer`: a status link is a capability, it must not leak to
  another site in a Referer.
- `Cache-Control: no-store` on the citizen form (its one-time nonce must not be served to
  two people from a cache: their messages would share an id, and then a status link),
  on status pages, on the console and on the APIs: none of them may sit in a shared or
  browser cache.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_NONCE_STATE_KEY = "csp_nonce"
DOCS_PATHS = ("/docs", "/redoc")
NO_STORE_PREFIXES = ("/console", "/status/", "/api/")


def content_security_policy(nonce: str, image_origins: tuple[str, ...] = ()) -> str:
    """`image_origins`: where else images may come from (the console map's tile server)."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            " ".join(["img-src 'self' data:", *image_origins]),
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# The console's own scripts and styles and the libraries it serves hold nothing private:
# a browser may keep them (a weak connection loads them once).
CACHEABLE_PREFIXES = ("/console/static/", "/console/vendor/")


def must_not_be_stored(path: str) -> bool:
    if path.startswith(CACHEABLE_PREFIXES):
        return False
    return path == "/" or path.startswith(NO_STORE_PREFIXES)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, image_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.image_origins = image_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        nonce = secrets.token_urlsafe(16)
        # A new state dict: the server's copy of the lifespan state is not shared.
        scope = {**scope, "state": {**scope.get("state", {}), CSP_NONCE_STATE_KEY: nonce}}
        if path.startswith(DOCS_PATHS):
            policy = "frame-ancestors 'none'"
        else:
            policy = content_security_policy(nonce, self.image_origins)
        no_store = must_not_be_stored(path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if no_store:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
