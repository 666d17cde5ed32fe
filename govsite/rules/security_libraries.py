"""Front-end libraries with known vulnerabilities (使用存在已知漏洞的前端库).

Versions are read from script URLs (file names such as jquery-1.8.3.min.js, CDN paths, ?v=
query strings) and compared with data/vulnerable_libraries.yaml, which lists each library's
affected ranges and advisories.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from govsite.findings import Finding
from govsite.rules.base import NEED_PAGES, RuleContext, RuleMeta, rule
from govsite.rules.security import REFS
from govsite.snapshot import SiteSnapshot

_LIB_NAMES = ("jquery-ui", "jquery", "bootstrap", "lodash", "vue", "angular", "moment")
_VERSION = r"(\d{1,2}\.\d{1,3}(?:\.\d{1,3})?)"
_NAMES_RE = "|".join(re.escape(n) for n in _LIB_NAMES)
# jquery-1.8.3.min.js, jquery.1.8.3.js, bootstrap-3.3.7.min.js, vue@2.6.14, jquery-v1.8.3.js
_IN_NAME = re.compile(rf"(?<![a-z0-9])({_NAMES_RE})[.@-]v?{_VERSION}(?![0-9])")
# /jquery/1.8.3/jquery.min.js, /vue@2.6.14/dist/vue.js (CDN layouts)
_IN_PATH = re.compile(rf"/({_NAMES_RE})[/@]v?{_VERSION}/")
_BARE_NAME = re.compile(rf"^({_NAMES_RE})(\.min)?\.js$")
_VERSION_ONLY = re.compile(rf"^v?{_VERSION}$")


@cache
def vulnerable_libraries() -> dict[str, list[dict[str, str]]]:
    """Library → advisories, from data/vulnerable_libraries.yaml."""
    text = resources.files("govsite.rules").joinpath("data/vulnerable_libraries.yaml").read_text(
        encoding="utf-8")
    return {name: spec["advisories"] for name, spec in yaml.safe_load(text)["libraries"].items()}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def library_version(url: str) -> tuple[str, str] | None:
    """(library, version) named by a script URL, or None.

    Read from the file name (`jquery-1.8.3.min.js`), a CDN path (`/jquery/1.8.3/`), or a
    version query on a bare library file (`jquery.min.js?v=1.11.0`; dates used as cache
    busters are not versions).
    """
    parts = urlsplit(url.lower())
    path = unquote(parts.path)
    name = path.rsplit("/", 1)[-1]
    match = _IN_NAME.search(name) or _IN_PATH.search(path)
    if match:
        return match.group(1), match.group(2)
    bare = _BARE_NAME.match(name)
    if bare:
        for key in ("v", "ver", "version"):
            for value in parse_qs(parts.query).get(key, []):
                version = _VERSION_ONLY.match(value)
                if version:
                    return bare.group(1), version.group(1)
    return None


def advisories_for(library: str, version: str) -> list[dict[str, str]]:
    """The advisories of the data file that cover `version` of `library`."""
    have = _version_tuple(version)
    out = []
    for adv in vulnerable_libraries().get(library, []):
        low = _version_tuple(adv["from"]) if "from" in adv else (0, 0, 0)
        if low <= have < _version_tuple(adv["below"]):
            out.append(adv)
    return out


VULNERABLE_LIBRARY = RuleMeta(
    id="security.vulnerable_library",
    name_zh="使用存在已知漏洞的前端库",
    family="security",
    needs=(NEED_PAGES,),
    evidence=("library", "version", "advisories", "summary", "page"),
    tags=REFS,
    help_zh="页面引用的前端库（jQuery、Bootstrap、Lodash、AngularJS等）版本存在已公开漏洞。",
)


@rule(VULNERABLE_LIBRARY)
def vulnerable_library(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page loads a front-end library version with published vulnerabilities.

    What it checks: the script URLs of every crawled page; the library and version are read
        from the file name, a CDN path or a version query (`jquery-1.8.3.min.js`,
        `/bootstrap/3.3.7/`, `jquery.min.js?v=1.11.0`) and compared with the small advisory list
        kept in data/vulnerable_libraries.yaml (jQuery < 3.5.0 CVE-2020-11022, jQuery < 1.9.0
        CVE-2012-6708, Bootstrap < 3.4.1 CVE-2019-8331, Lodash < 4.17.21 CVE-2021-23337,
        AngularJS 1.x, Vue 2 …). One finding per library URL; a URL without a version is not
        judged.
    Why it matters: gov CMS templates ship jQuery 1.x for a decade; known XSS in them is
        exploitable on any page that passes user input to the library.
    Example: every page loads /js/jquery-1.8.3.min.js (CVE-2012-6708, CVE-2020-11022 …).
    References: standards.md G-18, G-21; GB/T 31506-2022; NVD.
    """
    findings: dict[str, Finding] = {}
    for page in sorted(snap.pages, key=lambda p: p.url):
        for link in page.links:
            if link.tag != "script" or link.url in findings:
                continue
            found = library_version(link.url)
            if found is None:
                continue
            advisories = advisories_for(*found)
            if not advisories:
                continue
            ids = list(dict.fromkeys(a["id"] for a in advisories))
            findings[link.url] = Finding(
                rule=VULNERABLE_LIBRARY.id, url=page.url, target=link.url,
                detail=f"使用存在已知漏洞的前端库 {found[0]} {found[1]}（{'、'.join(ids)}）",
                evidence={"library": found[0], "version": found[1], "advisories": ids,
                          "summary": advisories[0]["summary"], "page": page.url})
    return list(findings.values())
