"""Browser-facing hardening: cookie flags, the reverse proxy's headers and security headers on every answer."""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts and styles come from our own static files only; pictures may also be the phone's own
# previews (blob:) and signatures (data:). Inline styles stay allowed: chart and map libraries set them.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# flask-smorest's Swagger UI page starts itself with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
DOCS_PATH_PREFIX = "/api/docs"
HSTS_MAX_AGE_S = 365 * 24 * 3600


def init_security(app: Flask) -> None:
    """Secure cookies behind HTTPS, trust the configured proxies, and add security headers to every answer."""
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Only as many hops as really stand in front of us: a client could forge any further ones.
        # Flask's documented way to wrap the WSGI app; mypy sees it as replacing a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # Also keeps a browser from running an uploaded "photo" as a page or script.
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        headers.setdefault(
            "Content-Security-Policy", DOCS_CSP if request.path.startswith(DOCS_PATH_PREFIX) else PAGE_CSP
        )
        if https:
            headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE_S}")
        return response
