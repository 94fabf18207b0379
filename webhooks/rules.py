"""Pure webhook rules: which receiver URLs are allowed, the signing secret's form, and the retry schedule."""

from __future__ import annotations

import base64
import ipaddress
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
SECRET_BYTES = 24  # 192 bits; the Standard Webhooks spec asks for 24 to 64 bytes
SECRET_PREFIX = "whsec_"

# Retries: the delay doubles from RETRY_BASE_S up to RETRY_CAP_S, and a delivery is retried until a failure
# comes RETRY_FOR after its first attempt, so a receiver gets at least a day to come back.
RETRY_BASE_S = 30
RETRY_CAP_S = 4 * 3600
RETRY_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class UrlProblem:
    """Why a receiver URL is refused: a code the app words in the reader's language."""

    code: str  # scheme | host | port | own_host | loopback | link_local
    host: str = ""


def url_problem(url: str, *, own_hosts: frozenset[tuple[str, int]], allow_loopback: bool) -> UrlProblem | None:
    """None if `url` may receive webhooks; else why not.

    Only http(s). Never the app itself (`own_hosts` as (host, port)), whatever `allow_loopback` says: the
    app would post to its own API. Other loopback addresses only with `allow_loopback` (local test
    receivers). Link-local addresses (169.254.x: cloud metadata services) never.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return UrlProblem("host")
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return UrlProblem("scheme")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return UrlProblem("host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        return UrlProblem("port", host)
    loopback = _is_loopback(host)
    for own_host, own_port in own_hosts:
        own_host = own_host.lower()
        if port == own_port and (host == own_host or (loopback and _is_loopback(own_host))):
            return UrlProblem("own_host", host)
    address = _ip(host)
    if address is not None and address.is_link_local:
        return UrlProblem("link_local", host)
    if loopback and not allow_loopback:
        return UrlProblem("loopback", host)
    return None


def host_and_port(netloc: str, *, scheme: str = "http") -> tuple[str, int]:
    """("example.com", 8080) from "example.com:8080" (a request's Host header), the scheme's port if none."""
    parts = urlsplit(f"{scheme}://{netloc}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme, 80)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = _ip(host)
    return address is not None and (address.is_loopback or address.is_unspecified)


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: "whsec_" and base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def retry_delay(
    attempts: int, *, rng: random.Random | None = None, base_s: float = RETRY_BASE_S, cap_s: float = RETRY_CAP_S
) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: exponential, capped, with jitter.

    Half the delay is fixed and half random ("equal jitter"), so receivers coming back after an outage
    are not hit by every sender in the same second, yet no retry comes sooner than half the schedule.
    """
    if attempts < 1:
        raise ValueError("attempts counts the failed attempts so far, from 1")
    delay = min(cap_s, base_s * 2 ** min(attempts - 1, 30))
    return timedelta(seconds=delay / 2 + (rng or random).uniform(0, delay / 2))


def gives_up(first_attempt_at: datetime, now: datetime, *, retry_for: timedelta = RETRY_FOR) -> bool:
    """True when a failure at `now` ends the retries: the retry period since the first attempt is over."""
    return now - first_attempt_at >= retry_for
