"""The client's address when the application runs behind a reverse proxy (nginx, a load balancer).

Behind nginx every request arrives from the proxy's address, so the per-client allowances (the public forms,
the anonymous API limit, the sign-in lockouts) would be shared by every client of the province. The proxy
appends the address it saw to `X-Forwarded-For`; the application takes that hop, and only from a proxy named
in `PENDAMPING_TRUSTED_PROXIES`. Whatever a client writes into the header itself sits to the left of the hops
the trusted proxies appended, so reading from the right, past the trusted proxies, can never land on a forged
address (quality row D6): a client cannot reset its allowance by sending a new header with each request."""

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """ "127.0.0.1, 10.0.0.0/8" -> networks; a malformed entry stops the start-up with its name."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"PENDAMPING_TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:5123
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, proxies: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(remote: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The first hop from the right that is not a trusted proxy; `remote` itself unless it is one.

    A hop that is not an address can only have been written by someone the trusted proxies did not vouch for,
    so the search stops there and keeps the nearest proxy's address: a forged header never wins."""
    if not proxies or not _trusted(_address(remote), proxies):
        return remote
    nearest = remote
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            return nearest
        if not _trusted(address, proxies):
            return str(address)
        nearest = str(address)
    return nearest


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the client's address before anything reads it (axes, throttles, the public forms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = settings.TRUSTED_PROXIES
        if proxies:
            meta = request.META
            meta["REMOTE_ADDR"] = client_address(
                str(meta.get("REMOTE_ADDR", "")), str(meta.get("HTTP_X_FORWARDED_FOR", "")), proxies
            )
        return self.get_response(request)
