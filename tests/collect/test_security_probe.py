"""The passive security probe against real TLS servers on 127.0.0.1 (certificates by trustme).

Each test runs a whole collect (HTTP on one local port, HTTPS on another via `--resolve
HOST:80=` / `HOST:443=`) and then the security rules on the snapshot, so what is asserted is
what a census would report.
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import pytest
import trustme
from aiohttp import web
from collect_helpers import collect, html
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govsite.rules.base import RuleContext, all_rules, judge
from govsite.snapshot import SiteSnapshot

HOST = "www.example.gov.cn"
GOOD_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000",
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Server": "nginx",  # aiohttp would announce its own version otherwise
}
CLOSED_PORT = 9  # discard: nothing listens there on a test machine
VIEWPORT = '<meta name="viewport" content="width=device-width">'


def findings(snap: SiteSnapshot) -> dict[str, list]:
    """Security/mobile findings by rule, judged as a census would."""
    rules = [r for r in all_rules() if r.meta.family in ("security", "mobile")]
    got: dict[str, list] = {}
    for f in judge(snap, RuleContext(as_of=dt.date.today()), rules).findings:
        got.setdefault(f.rule, []).append(f)
    return got


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


def server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


def self_signed_context(tmp: Path) -> ssl.SSLContext:
    """A certificate for HOST signed by its own key (no CA at all)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .sign(key, hashes.SHA256()))
    (tmp / "self.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "self.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp / "self.pem", tmp / "self.key")
    return context


async def two_servers(servers, context: ssl.SSLContext, *, redirect: bool = True):
    """HTTP and HTTPS servers for HOST; http:// redirects to https:// when `redirect`."""
    plain, secure = await servers(), await servers(ssl_context=context)
    if redirect:
        plain.page("/", "", status=301, headers={"Location": f"https://{HOST}/"})
    else:
        plain.page("/", html("首页", "<p>明文首页</p>", VIEWPORT), headers=GOOD_HEADERS)
    secure.page("/", html("首页", "<p>安全首页</p>", VIEWPORT), headers=GOOD_HEADERS)
    return plain, secure, (plain.maps(HOST, 80), secure.maps(HOST, 443))


@pytest.mark.asyncio
async def test_valid_certificate_with_ca_and_redirect(servers, ca) -> None:
    authority, ca_file = ca
    plain, secure, resolve = await two_servers(servers, server_context(authority.issue_cert(HOST)))
    snap = await collect(f"http://{HOST}/", resolve=resolve, ca_file=str(ca_file), probe_security=True)
    sec = snap.security
    assert sec is not None and sec["tls"]["verified"] and sec["tls"]["handshake"]
    assert HOST in sec["tls"]["cert"]["san"] and not sec["tls"]["cert"]["self_issued"]
    assert sec["http_redirects_to_https"] is True
    assert sec["https_home"]["headers"]["x-frame-options"] == "DENY"
    assert findings(snap) == {}
    # Sensitive paths went to the site's own origin (https after the redirect), once each.
    assert secure.count("/.git/HEAD") == 1 and plain.count("/.git/HEAD") == 0
    # The probe survives serialisation; old snapshots load with security None.
    again = SiteSnapshot.from_json(snap.to_json())
    assert again.security == sec
    old = snap.to_json()
    del old["security"]
    assert SiteSnapshot.from_json(old).security is None


@pytest.mark.asyncio
@pytest.mark.parametrize("defect", ["expired", "hostname_mismatch", "self_signed", "untrusted_chain"])
async def test_bad_certificates_are_named(servers, ca, tmp_path, defect: str) -> None:
    authority, ca_file = ca
    now = dt.datetime.now(dt.UTC)
    if defect == "expired":
        context = server_context(authority.issue_cert(
            HOST, not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=30)))
    elif defect == "hostname_mismatch":
        context = server_context(authority.issue_cert("www.other.gov.cn"))
    elif defect == "self_signed":
        context = self_signed_context(tmp_path)
    else:
        context = server_context(trustme.CA().issue_cert(HOST))  # a CA nobody trusts
    _, _, resolve = await two_servers(servers, context)
    snap = await collect(f"http://{HOST}/", resolve=resolve, ca_file=str(ca_file), probe_security=True)
    assert snap.blocked is None and snap.home is not None and snap.home.ok
    got = findings(snap)
    (finding,) = got["security.cert_invalid"]
    assert defect in finding.evidence["defects"], finding.evidence
    assert finding.evidence["not_after"] and finding.evidence["subject"]
    if defect == "expired":
        assert finding.evidence["expires_in_days"] < 0
    # HSTS is never judged over a certificate that does not verify.
    assert "strict-transport-security" not in {
        f.target for f in got.get("security.header_missing", [])}


@pytest.mark.asyncio
async def test_http_only_site_has_no_https(servers) -> None:
    plain = await servers()
    plain.page("/", html("首页", "<p>只有HTTP</p>"), headers={"Server": "nginx/1.14.0"})
    # Port 443 of HOST goes to the discard port, where nothing listens on a test machine:
    # refused, as on a real http-only site.
    resolve = (plain.maps(HOST, 80), f"{HOST}:443=127.0.0.1:{CLOSED_PORT}")
    snap = await collect(f"http://{HOST}/", resolve=resolve, probe_security=True)
    got = findings(snap)
    assert snap.security is not None and not snap.security["tls"]["handshake"]
    assert snap.security["http_redirects_to_https"] is False
    assert got["security.no_https"][0].evidence["tried"] == f"https://{HOST}:443/"
    headers = {f.target for f in got["security.header_missing"]}
    assert headers == {"content-security-policy", "x-content-type-options", "x-frame-options",
                       "referrer-policy"}  # HSTS not judged over plain HTTP
    assert got["security.version_disclosure"][0].evidence["value"] == "nginx/1.14.0"
    assert "mobile.no_viewport" in got


@pytest.mark.asyncio
async def test_sensitive_files_served_vs_soft_404_and_directory_listing(servers) -> None:
    plain = await servers()
    soft = html("页面不存在", "<p>您访问的页面不存在</p>")
    plain.page("/", html("首页", '<a href="/upload/">上传目录</a>', VIEWPORT))
    plain.page("/.git/HEAD", "ref: refs/heads/master\n", content_type="text/plain")
    plain.page("/www.zip", b"PK\x03\x04" + b"\x00" * 64, content_type="application/zip")
    plain.page("/.env", soft)  # a 200 "not found" page: never a sensitive file
    plain.page("/upload/", html("Index of /upload/", '<h1>Index of /upload/</h1><a href="../">../</a>'))
    plain.page("/files/", html("Index of /files/", "<h1>Index of /files/</h1>"))

    async def soft404(_request: web.Request) -> web.Response:
        """Every unknown path answers 200 with the not-found page."""
        return web.Response(text=soft, content_type="text/html")

    plain.fallback = soft404
    resolve = (plain.maps(HOST, 80), f"{HOST}:443=127.0.0.1:{CLOSED_PORT}")
    snap = await collect(f"http://{HOST}/", resolve=resolve, probe_security=True)
    got = findings(snap)
    assert {f.target for f in got["security.sensitive_file"]} == {
        f"http://{HOST}/.git/HEAD", f"http://{HOST}/www.zip"}
    env = next(p for p in snap.security["paths"] if p["path"] == "/.env")
    assert env["status"] == 200 and env["soft404"] and not env["markers"]
    assert {f.target for f in got["security.directory_listing"]} == {
        f"http://{HOST}/upload/", f"http://{HOST}/files/"}
    # Bounded: each probed path asked exactly once.
    assert plain.count("/.git/HEAD") == 1 and plain.count("/backup.zip") == 1


@pytest.mark.asyncio
async def test_probe_obeys_robots_and_can_be_switched_off(servers) -> None:
    plain = await servers()
    plain.page("/", html("首页"))
    plain.page("/robots.txt", "User-agent: *\nDisallow: /.git/\n", content_type="text/plain")
    resolve = (plain.maps(HOST, 80), f"{HOST}:443=127.0.0.1:{CLOSED_PORT}")
    snap = await collect(f"http://{HOST}/", resolve=resolve, probe_security=True)
    git = next(p for p in snap.security["paths"] if p["path"] == "/.git/HEAD")
    assert git["error"] == "robots_denied" and plain.count("/.git/HEAD") == 0
    off = await collect(f"http://{HOST}/", resolve=resolve, probe_security=False)
    assert off.security is None
    judgement = judge(off, RuleContext(as_of=dt.date.today()),
                      [r for r in all_rules() if r.meta.id == "security.no_https"])
    assert "security.no_https" in judgement.unmeasured_rules
