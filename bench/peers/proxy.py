"""Let tools without a `--resolve` reach the fleet's virtual hosts: the fleet server as a proxy.

The fleet serves every `*.gov.cn` name from one 127.0.0.1 port and picks the site by the Host
header. govsite and curl pin names to that address (`--resolve`); lychee and LinkChecker cannot,
but both honour `http_proxy`. A client talking to an HTTP proxy sends the absolute URL as the
request target (`GET http://www.hdq.gov.cn/x HTTP/1.1`) together with `Host: www.hdq.gov.cn`,
so a server that accepts that "absolute form" (RFC 9112 §3.2.2 says servers must) *is* a proxy
for its own hosts.

Why not a separate forwarding proxy: on a 2-core machine it would be a third busy process,
and every peer request would be parsed twice more in Python (proxy in, proxy out) while
govsite's went straight to the server. Answering proxy-form requests in the fleet server
itself costs one request copy, so peers and govsite reach the same server at the same price.

This leans on `FleetServer._handle` (the one request handler); if that changes, so must this.
"""

from __future__ import annotations

from aiohttp import web

from govsite.fleet.server import FleetServer

# LinkChecker spaces its requests to a host 0.1–0.6 s apart whatever `maxrequestspersecond`
# says, unless the server answers with a `LinkChecker` header (its documented opt-in for
# faster checking); the benchmark sets the pace itself, so every proxied answer carries it.
LINKCHECKER_HEADER = "LinkChecker"


class ProxyFormFleetServer(FleetServer):
    """A `FleetServer` that also answers absolute-form (proxy) request targets."""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.raw_path.startswith("/"):
            return await super()._handle(request)
        # `rel_url` is already the origin form; the clone makes `raw_path` (which the fleet
        # looks resources up by) agree with it. The Host header is kept, so is the site.
        response = await super()._handle(request.clone(rel_url=request.rel_url))
        response.headers[LINKCHECKER_HEADER] = "bench"
        return response


def proxy_env(address: str, port: int) -> dict[str, str]:
    """Environment variables that send a child's plain-http requests to the fleet.

    `no_proxy` is cleared so that a developer's own setting cannot route some fleet names
    around it (and out to the network).
    """
    url = f"http://{address}:{port}"
    return {"http_proxy": url, "HTTP_PROXY": url, "no_proxy": "", "NO_PROXY": ""}
