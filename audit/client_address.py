"""The address a request came from, for the audit trail and sign-in lockout.

Behind TRUSTED_PROXY_COUNT reverse proxies (set it to the number in front of the
app, e.g. 1 for one TLS proxy), the client is the address that many hops from the
right of X-Forwarded-For: entries further left are whatever the client chose to
send and are never trusted. With no trusted proxy (the default) it is REMOTE_ADDR,
so a forged header cannot move a person's failed sign-ins to another address."""

from ipaddress import ip_address

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
