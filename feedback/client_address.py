"""Who is sending: the peer address, or X-Forwarded-For's client when the peer is a trusted proxy; and its keyed hash.

The raw address is never stored; the hash (keyed with the secret) is what the rate limit, the login throttle and
the stored items use.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Iterable, Sequence

from search_service.settings import SettingsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(entries: Iterable[str]) -> tuple[Network, ...]:
    """ATLAS_TRUSTED_PROXIES: addresses or networks (CIDR)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise SettingsError(f"ATLAS_TRUSTED_PROXIES holds {entry!r}, which is not an IP address or network") from None
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The client's address. X-Forwarded-For counts only when the peer is a trusted proxy, and then only the
    nearest hop that is not itself trusted, since a client can write anything into the left part of the header."""
    if not peer:
        return "unknown"
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def forwarded_scheme(peer: str | None, forwarded_proto: str | None, scheme: str, proxies: Sequence[Network]) -> str:
    """The scheme the browser used: X-Forwarded-Proto from a trusted proxy that terminates TLS, else our own."""
    if peer and forwarded_proto and _trusted(peer, proxies):
        return forwarded_proto.split(",")[0].strip().lower()
    return scheme


def client_hash(address: str, secret_key: str) -> str:
    """A keyed hash of the address; IPv6 clients are taken per /64, the block one household usually holds."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        key = address
    else:
        key = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hmac.new(secret_key.encode(), b"client-address:" + key.encode(), hashlib.sha256).hexdigest()[:32]
