"""The SSRF guard's rules: which URLs and addresses a webhook may go to (pure; resolving
names is the sender adapter's job, and it checks every address it would connect to)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ALWAYS_REFUSED: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network", 0.0.0.0 reaches the local host
        "169.254.0.0/16",  # link-local, the cloud metadata service (169.254.169.254)
        "100.100.100.200/32",  # Alibaba Cloud's metadata service
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",
        "fe80::/10",  # link-local
        "fd00:ec2::254/128",  # AWS metadata over IPv6
        "ff00::/8",  # multicast
    )
)
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
MAX_HOST_LENGTH = 253
LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)


class UrlNotAllowed(ValueError):
    """The endpoint URL or an address it resolves to is refused; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Endpoint:
    scheme: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    allowed: tuple[Network, ...]
    allow_loopback: bool

    @classmethod
    def of(cls, cidrs: Iterable[str], *, allow_loopback: bool) -> NetworkPolicy:
        return cls(tuple(ipaddress.ip_network(c, strict=False) for c in cidrs), allow_loopback)

    def refusal(self, address: Address) -> str | None:
        """Why ``address`` is refused, or None when a webhook may go there."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:169.254.169.254 is 169.254.169.254
        if any(address in n for n in ALWAYS_REFUSED):
            return "address_refused"
        if any(address in n for n in LOOPBACK):
            return None if self.allow_loopback else "loopback_refused"
        if not any(address.version == n.version and address in n for n in self.allowed):
            return "network_not_allowed"
        return None


def parse_endpoint(url: str) -> Endpoint:
    """An http(s) URL with a host and no credentials, or :class:`UrlNotAllowed`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlNotAllowed("url_invalid") from exc
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowed("scheme_not_allowed")
    if parts.username is not None or parts.password is not None:
        raise UrlNotAllowed("credentials_in_url")
    host = parts.hostname
    if not host or (literal_address(host) is None and not is_host_name(host)):
        raise UrlNotAllowed("url_invalid")
    return Endpoint(parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def is_host_name(host: str) -> bool:
    """A DNS name that can be looked up (RFC 1123 labels, internationalised names as their
    ASCII form, at most 253 characters); anything else is refused before any resolution."""
    try:
        ascii_host = host.encode("idna").decode("ascii").rstrip(".").lower()
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return (
        0 < len(ascii_host) <= MAX_HOST_LENGTH
        and len(labels) >= 1
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()  # 1.2.3 or 999.1.1.1: not a name, not an address
    )


def literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
