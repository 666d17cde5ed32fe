"""`--resolve HOST[:PORT]=IP[:PORT]`: send a host's connections elsewhere, change nothing else.

This is why collect uses aiohttp: its connector asks a pluggable `AbstractResolver` for the
address of each (host, port) and uses the *URL's* host for the Host header and for TLS SNI and
certificate checks. Answering that question from the map reroutes the socket while the URL,
Host header and SNI stay exactly as the site spells them, like curl's --resolve.

A spec with a port on the left (`HOST:443=…`) maps only connections to that port, so one host
can be served over HTTPS and HTTP from two local ports; `HOST=…` maps every port. A port on
the right replaces the connection's port; without one the original port is kept.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

# A DNS name as found in URLs: dot-separated labels of letters, digits, hyphens and
# underscores (some intranet names use them). Deliberately loose: the check is there to catch
# a swapped HOST and IP or a stray scheme, not to police DNS.
_HOST_RE = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$")

# RFC 6761 §6.4: names under .invalid never resolve; answering that ourselves keeps such a
# lookup off the network (and makes the dns error path testable without a DNS server).
_NEVER_RESOLVES = ".invalid"


@dataclass(frozen=True)
class ResolveRule:
    """One parsed `HOST[:PORT]=IP[:PORT]` spec. `port`/`to_port` are None when not given."""

    host: str
    port: int | None
    ip: str
    to_port: int | None


def _port(text: str, spec: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"--resolve {spec!r}: port {text!r} is not a number from 1 to 65535")
    return int(text)


def _split_ip(text: str, spec: str) -> tuple[str, int | None]:
    """`1.2.3.4`, `1.2.3.4:8080`, `::1`, `[::1]` or `[::1]:8443` → (ip, port or None)."""
    port: int | None = None
    if text.startswith("["):
        inside, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"--resolve {spec!r}: malformed bracketed IPv6 address {text!r}")
        text = inside
        port = _port(rest[1:], spec) if rest else None
    elif text.count(":") == 1:
        text, port_text = text.split(":")
        port = _port(port_text, spec)
    try:
        ip = str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError(
            f"--resolve {spec!r}: {text!r} is not an IP address (expected HOST[:PORT]=IP[:PORT])"
        ) from None
    return ip, port


def parse_resolve(spec: str) -> ResolveRule:
    """Parse one `HOST[:PORT]=IP[:PORT]` spec; raise ValueError saying what is wrong.

    >>> parse_resolve("www.example.gov.cn:443=127.0.0.1:8443")
    ResolveRule(host='www.example.gov.cn', port=443, ip='127.0.0.1', to_port=8443)
    """
    left, sep, right = spec.strip().partition("=")
    if not sep or not left or not right:
        raise ValueError(f"--resolve {spec!r}: expected HOST[:PORT]=IP[:PORT]")
    if "/" in left:
        raise ValueError(f"--resolve {spec!r}: {left!r} is not HOST[:PORT] (no scheme or path)")
    host, _, port_text = left.partition(":")
    host = host.lower()
    if not _HOST_RE.match(host):
        raise ValueError(f"--resolve {spec!r}: {host!r} is not a host name")
    port = _port(port_text, spec) if port_text else None
    ip, to_port = _split_ip(right, spec)
    return ResolveRule(host=host.rstrip("."), port=port, ip=ip, to_port=to_port)


class MapResolver(AbstractResolver):
    """Answers mapped hosts from the rules and everything else from the system resolver."""

    def __init__(self, rules: list[ResolveRule]) -> None:
        # Indexed by host: a monitor maps tens of thousands of virtual hosts, and a linear
        # scan per connection would cost more than the connection.
        self._rules: dict[str, list[ResolveRule]] = {}
        for rule in rules:
            self._rules.setdefault(rule.host, []).append(rule)
        self._fallback = DefaultResolver()

    def _match(self, host: str, port: int) -> ResolveRule | None:
        candidates = [r for r in self._rules.get(host, ()) if r.port in (port, None)]
        # A port-specific rule beats a host-wide one, as the narrower statement of intent.
        candidates.sort(key=lambda r: r.port is None)
        return candidates[0] if candidates else None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        name = host.lower().rstrip(".")
        rule = self._match(name, port)
        if rule is not None:
            ip_family = socket.AF_INET6 if ":" in rule.ip else socket.AF_INET
            return [
                ResolveResult(
                    hostname=host,
                    host=rule.ip,
                    port=rule.to_port or port,
                    family=ip_family,
                    proto=0,
                    flags=socket.AI_NUMERICHOST,
                )
            ]
        if name.endswith(_NEVER_RESOLVES) or name == _NEVER_RESOLVES[1:]:
            raise OSError(socket.EAI_NONAME, f"{host} is under .invalid (RFC 6761)")
        return await self._fallback.resolve(host, port, family)

    async def close(self) -> None:
        await self._fallback.close()
