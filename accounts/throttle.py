"""Throttling: log-in failures per account and per client address, and rate limits.

Counts live in the cache with a time-to-live, so every lock lifts by itself: an
attacker cannot lock a learner out for good by failing on purpose before an exam.

The log-in lock is keyed on the account the typed identifier resolves to, so the
username, the e-mail address and any NFKC-equal spelling (fullwidth letters) all
count against the same lock. The client address is the socket's, unless the
request came through a proxy named in MOGI_TRUSTED_PROXIES.
"""

from __future__ import annotations

import hashlib
import ipaddress
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest

IP_FACTOR = 4  # an address may fail for several users (a shared office) before it is held


# ---------------------------------------------------------------- who is asking


def client_ip(request: HttpRequest) -> str:
    """The client's address: the socket's, or the last untrusted hop of X-Forwarded-For.

    The header is read only when the socket address is a trusted proxy; then it is
    read from the right, skipping trusted proxies, because everything to the left of
    the first untrusted hop could have been written by the client itself.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _valid_ip(hop):
            break
        if not _trusted(hop):
            return hop
    return remote


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def normalise_identifier(identifier: str) -> str:
    """How authentication reads a typed username or e-mail address (NFKC, case-folded)."""
    return unicodedata.normalize("NFKC", identifier or "").strip().casefold()[:254]


def account_key(identifier: str) -> str:
    """The account a typed identifier names, or the normalised identifier if none."""
    typed = unicodedata.normalize("NFKC", identifier or "").strip()[:254]
    users = get_user_model().objects
    if "@" in typed:
        pk = users.filter(email__iexact=typed).values_list("pk", flat=True).first()
    else:
        pk = users.filter(username=typed).values_list("pk", flat=True).first()
    if pk is not None:
        return f"user:{pk}"
    # Hashed: cache keys stay short whatever was typed.
    return "name:" + hashlib.sha256(normalise_identifier(typed).encode()).hexdigest()[:32]


# ---------------------------------------------------------------- counters


def _count(key: str) -> int:
    value = cache.get(key, 0)
    return value if isinstance(value, int) else 0


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


# ---------------------------------------------------------------- log-in


def _login_keys(identifier: str, ip: str) -> tuple[str, str]:
    return f"login-fail:{account_key(identifier)}", f"login-fail:ip:{ip}"


def login_locked(*, identifier: str, ip: str) -> bool:
    account, address = _login_keys(identifier, ip)
    limit = settings.LOGIN_MAX_FAILURES
    return _count(account) >= limit or _count(address) >= limit * IP_FACTOR


def login_failed(*, identifier: str, ip: str) -> None:
    for key in _login_keys(identifier, ip):
        _increment(key, settings.LOGIN_LOCK_SECONDS)


def login_succeeded(*, identifier: str, ip: str) -> None:
    cache.delete(_login_keys(identifier, ip)[0])


# ---------------------------------------------------------------- rate limits


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` actions per ``seconds``, per address and per account."""

    scope: str
    limit: int
    seconds: int


SIGNUP = Rate("signup", limit=10, seconds=3600)
PASSWORD_RESET = Rate("password-reset", limit=5, seconds=3600)
PROBLEM_REPORT = Rate("problem-report", limit=20, seconds=3600)


def rate_exceeded(rate: Rate, *, ip: str, account: str = "") -> bool:
    """Count one action; True when it goes over the limit for the address or the account.

    The address may act for a few accounts (a school behind one NAT), so it gets
    IP_FACTOR times the account's allowance.
    """
    over = _increment(f"rate:{rate.scope}:ip:{ip}", rate.seconds) > rate.limit * IP_FACTOR
    if account:
        over |= _increment(f"rate:{rate.scope}:{account}", rate.seconds) > rate.limit
    return over
