"""--resolve and --ca: URLs, Host header and SNI unchanged; port-specific maps; TLS failures."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme
from collect_helpers import collect, html

from govsite.collect import parse_resolve
from govsite.collect.resolve import ResolveRule

HOST = "www.example.gov.cn"


def test_parse_resolve_forms() -> None:
    assert parse_resolve("WWW.Example.gov.cn=127.0.0.1") == ResolveRule(HOST, None, "127.0.0.1", None)
    assert parse_resolve(f"{HOST}:443=10.0.0.5:8443") == ResolveRule(HOST, 443, "10.0.0.5", 8443)
    assert parse_resolve(f"{HOST}=[::1]:8080") == ResolveRule(HOST, None, "::1", 8080)
    assert parse_resolve(f"{HOST}:80=::1") == ResolveRule(HOST, 80, "::1", None)


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("www.example.gov.cn", "expected HOST[:PORT]=IP[:PORT]"),
        ("=127.0.0.1", "expected HOST[:PORT]=IP[:PORT]"),
        ("www.example.gov.cn=localhost", "is not an IP address"),
        ("www.example.gov.cn:http=127.0.0.1", "port 'http'"),
        ("www.example.gov.cn=127.0.0.1:70000", "port '70000'"),
        ("http://www.example.gov.cn=127.0.0.1", "no scheme or path"),
        ("127.0.0.1:80=www.example.gov.cn", "is not an IP address"),
    ],
)
def test_parse_resolve_rejects_with_clear_message(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        parse_resolve(spec)


@pytest.mark.asyncio
async def test_resolve_reaches_local_server_with_host_header_preserved(servers) -> None:
    server = await servers()
    server.page("/", html("首页"))
    snap = await collect(f"http://{HOST}/", resolve=(server.maps(HOST),))
    assert snap.blocked is None
    assert snap.home is not None and snap.home.title == "首页"
    assert snap.home.url == f"http://{HOST}/"
    assert {hit.host for hit in server.hits} == {HOST}


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for HOST from a private CA, and that CA's file."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST).configure_cert(context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, ca_file


@pytest.mark.asyncio
async def test_port_specific_maps_split_http_and_https(servers, tls) -> None:
    context, ca_file = tls
    plain, secure = await servers(), await servers(ssl_context=context)
    plain.page("/", "", status=301, headers={"Location": f"https://{HOST}/"})
    secure.page("/", html("安全首页", '<a href="http://www.example.gov.cn/old.html">旧</a>'))
    plain.page("/old.html", html("旧页面"))
    snap = await collect(
        f"http://{HOST}/",
        resolve=(plain.maps(HOST, 80), secure.maps(HOST, 443)),
        ca_file=str(ca_file),
    )
    home = snap.home
    assert home is not None and home.title == "安全首页"
    assert home.redirects == [f"http://{HOST}/"] and home.final_url == f"https://{HOST}/"
    assert home.tls_error is None  # the private CA was trusted, and SNI named HOST
    assert snap.checks[f"http://{HOST}/old.html"].ok is True
    assert {h.path for h in plain.hits} >= {"/", "/old.html"}
    assert "/old.html" not in {h.path for h in secure.hits}
    assert {h.host for h in plain.hits + secure.hits} == {HOST}


@pytest.mark.asyncio
async def test_untrusted_certificate_is_recorded_and_audit_goes_on(servers, tls) -> None:
    context, _ca_file = tls
    secure = await servers(ssl_context=context)
    secure.page("/", html("安全首页", '<a href="/a.html">A</a>'))
    secure.page("/a.html", html("A"))
    snap = await collect(f"https://{HOST}/", resolve=(secure.maps(HOST),))
    assert snap.blocked is None
    assert snap.home is not None and snap.home.title == "安全首页"
    assert snap.home.tls_error and "certificate" in snap.home.tls_error.lower()
    assert snap.checks[f"https://{HOST}/a.html"].ok is True
    assert any("证书" in note for note in snap.notes)


@pytest.mark.asyncio
async def test_external_link_with_bad_certificate_is_a_tls_error(servers, tls) -> None:
    context, _ca_file = tls
    home, other = await servers(), await servers(ssl_context=context)
    home.page("/", html("首页", f'<a href="https://{HOST}/x.html">外链</a>'))
    other.page("/x.html", html("X"))
    snap = await collect(
        "http://portal.example.gov.cn/",
        resolve=(home.maps("portal.example.gov.cn"), other.maps(HOST)),
    )
    check = snap.checks[f"https://{HOST}/x.html"]
    assert (check.ok, check.error) == (False, "tls")
