"""Security headers on every response, as plain ASGI (no per-request overhead beyond a list)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load only this site's own scripts and styles (Leaflet sets inline styles);
# the API's docs page (Swagger UI) starts with one inline script.
STRICT = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS = STRICT.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds CSP, nosniff, frame and referrer headers; HSTS when served over HTTPS only."""

    def __init__(self, app: ASGIApp, docs_path: str, hsts: bool = False) -> None:
        self.app = app
        self.docs_path = docs_path
        self.extra = [(b"strict-transport-security", HSTS)] if hsts else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = (DOCS if scope["path"].startswith(self.docs_path) else STRICT).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"content-security-policy", policy),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    *self.extra,
                ]
            await send(message)

        await self.app(scope, receive, with_headers)
