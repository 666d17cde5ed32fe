"""Passive security checks (网站安全): what any visitor's browser could observe.

The probe in `collect/security.py` records the TLS handshake, the https home response and a
short fixed list of paths (`snapshot.security`); these rules judge that record and the crawled
pages. Nothing here knows about points: the profiles weigh them (gb2019 `D19-security`, low
weights marked assumed — the standards give security no points, standards.md G-18/G-21).
Rules that need the probe are not measured on snapshots without it (older snapshots, or
`probe_security` off).

Cookies are judged by a rule of their own, `security.cookie_flags` (one finding per site),
rather than inside `header_missing`, so that a profile can weigh them apart.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from govsite.findings import Finding
from govsite.rules.base import NEED_HOME, NEED_PAGES, NotMeasured, RuleContext, RuleMeta, rule
from govsite.snapshot import Page, SiteSnapshot

REFS = ("spec:G-18", "spec:G-21", "GB/T 31506-2022")
NO_PROBE = "未运行安全探测（快照早于该探测或已关闭 probe_security）"

HSTS = "strict-transport-security"
CSP = "content-security-policy"
XCTO = "x-content-type-options"
XFO = "x-frame-options"
REFERRER = "referrer-policy"
JUDGED_HEADERS = (HSTS, CSP, XCTO, XFO, REFERRER)

# Mozilla's guidance (and the HTTP Observatory's pass mark): HSTS shorter than six months
# lapses between visits of an ordinary citizen.
HSTS_MIN_AGE_S = 15_768_000
REFERRER_VALUES = frozenset({
    "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
    "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url",
})
# Policies that send the page's address (or origin) to other sites over https and http alike.
REFERRER_UNSAFE = frozenset({"origin", "origin-when-cross-origin", "unsafe-url"})

MISSING = "缺失"

# Headers that name server software; a value carrying a version number tells an attacker which
# published vulnerabilities to try. `Server: nginx` alone names no version and is fine.
DISCLOSING_HEADERS = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version")
VERSION_NUMBER = re.compile(r"\d+\.\d+")

# Cookie names that look like a login session: those must not be readable by page scripts.
SESSION_COOKIE = re.compile(r"sess|sid|token|auth|login|jsession|phpsessid|asp\.net_sessionid",
                            re.IGNORECASE)
_COOKIE_SPLIT = re.compile(r",\s*(?=[^;,=\s]+=)")

# Elements whose http:// source an https page loads (browsers block or warn: mixed content).
MIXED_TAGS = frozenset({"script", "link", "iframe", "frame", "img", "embed", "source"})

# Autoindex pages name themselves in their title or first heading (Apache, nginx, Python,
# Tomcat); IIS writes "[To Parent Directory]" in the body.
LISTING_HEADINGS = ("index of /", "directory listing for /")
IIS_LISTING = "[To Parent Directory]"

_CERT_DEFECTS_ZH = {
    "expired": "证书已过期",
    "not_yet_valid": "证书尚未生效",
    "hostname_mismatch": "证书域名与网站域名不符",
    "self_signed": "自签名证书",
    "untrusted_chain": "证书链不受信任",
}


def _security(snap: SiteSnapshot) -> dict[str, Any]:
    if snap.security is None:
        raise NotMeasured(NO_PROBE)
    return snap.security


def _parse_time(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Header checks: pure functions, also scored against the HTTP Observatory corpus.


def hsts_problem(value: str | None) -> str | None:
    """Why an HSTS value does not protect (None: it does)."""
    if value is None:
        return MISSING
    if "," in value:
        return "取值无效（重复发送）"
    ages = [d.split("=", 1)[1].strip().strip('"') for d in value.split(";")
            if d.strip().lower().startswith("max-age=")]
    if len(ages) != 1 or not ages[0].isdigit():
        return "取值无效（缺少max-age）"
    if int(ages[0]) < HSTS_MIN_AGE_S:
        return "max-age不足半年"
    return None


def xcto_problem(value: str | None) -> str | None:
    """X-Content-Type-Options must be exactly `nosniff`."""
    if value is None:
        return MISSING
    return None if value.strip().lower() == "nosniff" else "取值无效"


def _frame_ancestors(csp: str | None) -> bool:
    return bool(csp) and any(
        d.strip().lower().startswith("frame-ancestors") for d in (csp or "").split(";")
    )


def xfo_problem(value: str | None, csp: str | None) -> str | None:
    """Framing protection: X-Frame-Options DENY/SAMEORIGIN, or CSP frame-ancestors (header only:
    browsers ignore both in `<meta http-equiv>`)."""
    if _frame_ancestors(csp):
        return None
    if value is None:
        return MISSING
    word = value.strip().lower()
    if word in ("deny", "sameorigin") or word.startswith("allow-from "):
        return None
    return "取值无效"


def referrer_problem(header: str | None, metas: list[str]) -> str | None:
    """The effective Referrer-Policy is the last valid token (header first, then `<meta>`)."""
    if header is None and not metas:
        return MISSING
    tokens = [t.strip().lower() for v in [header or "", *metas] for t in v.split(",")]
    valid = [t for t in tokens if t in REFERRER_VALUES]
    if not valid:
        return "取值无效"
    return "策略不安全（向其他网站泄露地址）" if valid[-1] in REFERRER_UNSAFE else None


def csp_problem(header: str | None, metas: list[str]) -> str | None:
    """Whether any Content-Security-Policy is in force (its strictness is not judged here)."""
    if (header and header.strip()) or any(m.strip() for m in metas):
        return None
    return MISSING


def header_problems(
    headers: dict[str, str],
    *,
    meta_csp: list[str],
    meta_referrer: list[str],
    hsts_judged: bool,
) -> dict[str, str | None]:
    """Header name → problem (None: fine). HSTS is left out unless judged over valid HTTPS."""
    out = {
        CSP: csp_problem(headers.get(CSP), meta_csp),
        XCTO: xcto_problem(headers.get(XCTO)),
        XFO: xfo_problem(headers.get(XFO), headers.get(CSP)),
        REFERRER: referrer_problem(headers.get(REFERRER), meta_referrer),
    }
    if hsts_judged:
        out[HSTS] = hsts_problem(headers.get(HSTS))
    return out


def page_metas(page: Page | None) -> tuple[list[str], list[str]]:
    """(`<meta http-equiv=Content-Security-Policy>` values, `<meta name=referrer>` values)."""
    tree = page.tree if page is not None else None
    if tree is None:
        return [], []
    csp, referrer = [], []
    for node in tree.css("meta"):
        attrs = {k.lower(): (v or "") for k, v in node.attributes.items()}
        if attrs.get("http-equiv", "").strip().lower() == CSP:
            csp.append(attrs.get("content", ""))
        if attrs.get("name", "").strip().lower() == "referrer":
            referrer.append(attrs.get("content", ""))
    return csp, referrer


def _https_ok(sec: dict[str, Any]) -> bool:
    home = sec.get("https_home")
    return bool(home and home.get("status") is not None and home["status"] < 400)


def _judged_response(snap: SiteSnapshot, sec: dict[str, Any] | None) -> tuple[str, dict[str, str]]:
    """(URL, headers) of the response whose headers are judged: https home if it works."""
    if sec is not None and _https_ok(sec):
        home = sec["https_home"]
        return home["final_url"], home["headers"]
    assert snap.home is not None
    return snap.home.final_url, snap.home.headers


# ---------------------------------------------------------------------------------------------

NO_HTTPS = RuleMeta(
    id="security.no_https",
    name_zh="未提供HTTPS",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("tried", "error"),
    tags=REFS,
    help_zh="网站首页域名的443端口无法建立TLS连接，公众只能以明文HTTP访问。",
)


@rule(NO_HTTPS)
def no_https(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The site's home host offers no HTTPS at all.

    What it checks: one TLS handshake with the home host on port 443 (or where `--resolve
        HOST:443=` sends it). No completed handshake — refused, timed out, or a plain-HTTP
        answer — is a finding; a handshake with a bad certificate is security.cert_invalid.
    Why it matters: without HTTPS every page, form and cookie travels in clear text and can be
        read or altered on the way (运营商劫持, injected ads); GB/T 31506-2022 asks government
        sites to protect transmission.
    Example: https://www.example.gov.cn/ is refused; only http:// answers.
    References: standards.md G-18, G-21; GB/T 31506-2022 (安全防护).
    """
    tls = _security(snap)["tls"]
    if tls["handshake"]:
        return []
    return [Finding(rule=NO_HTTPS.id, url=snap.site.url, target=tls["tried"],
                    detail=f"未提供HTTPS：{tls['tried']} 无法建立TLS连接",
                    evidence={"tried": tls["tried"], "error": tls.get("error")})]


def _host_matches(host: str, names: list[str]) -> bool:
    for name in names:
        name = name.lower().rstrip(".")
        if name == host or (name.startswith("*.") and host.count(".") == name.count(".")
                            and host.endswith(name[1:])):
            return True
    return False


def cert_defects(tls: dict[str, Any], host: str, at: datetime) -> list[str]:
    """What is wrong with a certificate that failed verification, from OpenSSL's reason and
    from the certificate itself (OpenSSL names only its first complaint)."""
    cert = tls.get("cert") or {}
    reason = (tls.get("verify_error") or "").lower()
    defects = []
    if "expired" in reason or (cert and _parse_time(cert["not_after"]) < at):
        defects.append("expired")
    if "not yet valid" in reason or (cert and _parse_time(cert["not_before"]) > at):
        defects.append("not_yet_valid")
    names = cert.get("san") or ([cert["subject_cn"]] if cert.get("subject_cn") else [])
    if "mismatch" in reason or (cert and not _host_matches(host, names)):
        defects.append("hostname_mismatch")
    if "self-signed" in reason or "self signed" in reason or cert.get("self_issued"):
        defects.append("self_signed")
    elif "issuer" in reason or "unable to get" in reason or not defects:
        defects.append("untrusted_chain")
    return defects


def _expires_in_days(cert: dict[str, Any], at: datetime) -> int:
    return (_parse_time(cert["not_after"]) - at).days


CERT_INVALID = RuleMeta(
    id="security.cert_invalid",
    name_zh="证书无效（过期/域名不符/自签名）",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("defects", "verify_error", "subject", "issuer", "not_before", "not_after",
              "expires_in_days"),
    tags=REFS,
    help_zh="HTTPS证书未通过校验：已过期、域名不符、自签名或证书链不受信任。",
)


@rule(CERT_INVALID)
def cert_invalid(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """The HTTPS certificate fails verification.

    What it checks: the verified TLS handshake (system CAs plus `--ca`) failed on the
        certificate; an unverified second handshake read the certificate so the finding can say
        which defect (expired, not yet valid, hostname mismatch, self-signed, untrusted chain),
        the subject, issuer and validity dates, counted at the time of collection.
    Why it matters: browsers show a full-page warning; citizens learn to click through
        warnings, which is what an attacker impersonating the site needs.
    Example: the certificate of www.example.gov.cn expired on 2025-03-01 (notAfter).
    References: standards.md G-18, G-21; GB/T 31506-2022.
    """
    sec = _security(snap)
    tls = sec["tls"]
    if not tls["handshake"] or tls["verified"]:
        return []
    at = _parse_time(snap.fetched_at)
    cert = tls.get("cert") or {}
    defects = cert_defects(tls, sec["host"], at)
    detail = "、".join(_CERT_DEFECTS_ZH[d] for d in defects)
    return [Finding(
        rule=CERT_INVALID.id, url=snap.site.url, target=tls["tried"],
        detail=f"HTTPS证书无效：{detail}",
        evidence={"defects": defects, "verify_error": tls.get("verify_error"),
                  "subject": cert.get("subject"), "issuer": cert.get("issuer"),
                  "not_before": cert.get("not_before"), "not_after": cert.get("not_after"),
                  "expires_in_days": _expires_in_days(cert, at) if cert else None},
    )]


CERT_EXPIRING = RuleMeta(
    id="security.cert_expiring",
    name_zh="证书即将过期",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("subject", "not_after", "expires_in_days"),
    tags=REFS,
    since="0.2",
    options={"days": 30},
    help_zh="HTTPS证书有效，但距到期不足30天（提示性）。",
)


@rule(CERT_EXPIRING)
def cert_expiring(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A valid HTTPS certificate expires soon (informational).

    What it checks: a certificate that verified, whose notAfter is fewer than `days` (30) days
        after the time of collection.
    Why it matters: an expired certificate takes the site behind a browser warning overnight;
        renewing ahead is cheap, noticing afterwards is not.
    Example: notAfter 2026-12-01, collected 2026-11-23: expires in 8 days.
    References: standards.md G-18; GB/T 31506-2022.
    """
    tls = _security(snap)["tls"]
    cert = tls.get("cert")
    if not (tls["handshake"] and tls["verified"] and cert):
        return []
    days = _expires_in_days(cert, _parse_time(snap.fetched_at))
    if days >= ctx.option(CERT_EXPIRING, "days"):
        return []
    return [Finding(rule=CERT_EXPIRING.id, url=snap.site.url, target=tls["tried"],
                    detail=f"HTTPS证书将在{days}天后过期（{cert['not_after']}）",
                    evidence={"subject": cert.get("subject"), "not_after": cert["not_after"],
                              "expires_in_days": days})]


HEADER_MISSING = RuleMeta(
    id="security.header_missing",
    name_zh="缺安全响应头",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("header", "reason", "value", "source_url"),
    tags=REFS,
    help_zh="首页响应缺少或错误设置安全响应头（HSTS仅在有效HTTPS下判断）。",
)


@rule(HEADER_MISSING)
def header_missing(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A security response header is missing or has no effect.

    What it checks: the headers of the https home response (the http home page when https
        does not work), one finding per header that is missing or ineffective:
        Strict-Transport-Security (only judged when the certificate verified; max-age of six
        months at least), Content-Security-Policy (header or `<meta http-equiv>`; its
        strictness is not judged), X-Content-Type-Options `nosniff`, X-Frame-Options
        DENY/SAMEORIGIN or CSP `frame-ancestors`, Referrer-Policy (header or `<meta
        name=referrer>`; origin, origin-when-cross-origin and unsafe-url are unsafe).
    Why it matters: these headers are free protection against click-jacking, content sniffing
        and script injection; GB/T 31506-2022 asks for basic hardening of gov sites.
    Example: the home page answers without X-Frame-Options, so any site can frame it.
    References: standards.md G-18, G-21; GB/T 31506-2022; MDN HTTP Observatory.
    """
    sec = _security(snap)
    url, headers = _judged_response(snap, sec)
    hsts_judged = bool(sec["tls"]["verified"]) and _https_ok(sec)
    meta_csp, meta_referrer = page_metas(snap.home)
    problems = header_problems(headers, meta_csp=meta_csp, meta_referrer=meta_referrer,
                               hsts_judged=hsts_judged)
    findings = []
    for name in JUDGED_HEADERS:
        why = problems.get(name)
        if why is None:
            continue
        findings.append(Finding(
            rule=HEADER_MISSING.id, url=url, target=name,
            detail=f"安全响应头 {name} {why}",
            evidence={"header": name, "reason": why, "value": headers.get(name),
                      "source_url": url}))
    return findings


VERSION_DISCLOSURE = RuleMeta(
    id="security.version_disclosure",
    name_zh="泄露服务器/框架版本",
    family="security",
    needs=(NEED_HOME,),
    evidence=("header", "value", "disclosed"),
    tags=REFS,
    help_zh="Server、X-Powered-By 等响应头暴露了软件版本号。",
)


@rule(VERSION_DISCLOSURE)
def version_disclosure(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """Response headers name the server or framework version.

    What it checks: Server, X-Powered-By, X-AspNet-Version and X-AspNetMvc-Version of the home
        page (and of the https home page when the probe ran) whose value carries a version
        number (`nginx/1.14.0`, `PHP/5.6.40`). A bare product name (`Server: nginx`) is fine.
        One finding per site listing every disclosing header.
    Why it matters: a version number points an attacker to the published vulnerabilities of
        exactly that release; hiding it costs one line of configuration.
    Example: `Server: Apache/2.2.15 (CentOS)` and `X-Powered-By: PHP/5.3.3`.
    References: standards.md G-18, G-21; GB/T 31506-2022.
    """
    sources: list[dict[str, str]] = [snap.home.headers] if snap.home else []
    if snap.security and snap.security.get("https_home"):
        sources.append(snap.security["https_home"]["headers"])
    disclosed: dict[str, str] = {}
    for headers in sources:
        for name in DISCLOSING_HEADERS:
            value = headers.get(name)
            if value and VERSION_NUMBER.search(value) and name not in disclosed:
                disclosed[name] = value
    if not disclosed:
        return []
    first = next(iter(disclosed))
    shown = "；".join(f"{k}: {v}" for k, v in disclosed.items())
    return [Finding(rule=VERSION_DISCLOSURE.id, url=snap.site.url,
                    detail=f"响应头泄露软件版本：{shown}",
                    evidence={"header": first, "value": disclosed[first],
                              "disclosed": disclosed})]


# ---------------------------------------------------------------------------------------------

COOKIE_FLAGS = RuleMeta(
    id="security.cookie_flags",
    name_zh="Cookie缺少安全属性",
    family="security",
    needs=(NEED_HOME,),
    evidence=("cookies", "source_url"),
    tags=REFS,
    since="0.2",
    help_zh="HTTPS下设置的Cookie缺少Secure属性，或会话类Cookie缺少HttpOnly属性。",
)


def parse_set_cookie(value: str) -> list[tuple[str, set[str]]]:
    """(name, lower-case attribute names) of each cookie in a (comma-joined) Set-Cookie."""
    out = []
    for part in _COOKIE_SPLIT.split(value):
        pieces = [p.strip() for p in part.split(";")]
        name = pieces[0].split("=", 1)[0].strip()
        if name:
            out.append((name, {p.split("=", 1)[0].strip().lower() for p in pieces[1:]}))
    return out


@rule(COOKIE_FLAGS)
def cookie_flags(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """Cookies set without Secure (over https) or session cookies without HttpOnly.

    What it checks: the Set-Cookie headers of the judged home response (https when it works):
        over https every cookie needs Secure; cookies whose name looks like a session
        (sess, sid, token, auth, JSESSIONID, PHPSESSID …) need HttpOnly. One finding per site
        listing each cookie and the missing attributes.
    Why it matters: a session cookie without Secure leaks over any http request; without
        HttpOnly one XSS reads it and takes over the session.
    Example: `Set-Cookie: JSESSIONID=...; Path=/` on https://www.example.gov.cn/.
    References: standards.md G-18; RFC 6265 §4.1.2.5–6; GB/T 31506-2022.
    """
    url, headers = _judged_response(snap, snap.security)
    over_https = urlsplit(url).scheme == "https"
    bad = []
    for name, attrs in parse_set_cookie(headers.get("set-cookie", "")):
        missing = []
        if over_https and "secure" not in attrs:
            missing.append("Secure")
        if SESSION_COOKIE.search(name) and "httponly" not in attrs:
            missing.append("HttpOnly")
        if missing:
            bad.append({"name": name, "missing": missing})
    if not bad:
        return []
    shown = "；".join(f"{c['name']} 缺 {'/'.join(c['missing'])}" for c in bad)
    return [Finding(rule=COOKIE_FLAGS.id, url=url, detail=f"Cookie缺少安全属性：{shown}",
                    evidence={"cookies": bad, "source_url": url})]
