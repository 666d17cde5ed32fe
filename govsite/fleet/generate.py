"""Build the demo fleet: sites, resources, probe history and the truth, all from (as_of, seed).

>>> fleet = build_fleet(as_of=date(2026, 11, 23))
>>> paths = write_fleet(fleet, Path("out/fleet"))      # sites.csv, truth.json, probes.csv …
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from govsite.fleet.defects import SiteSpec, catalogue, check_catalogue
from govsite.fleet.externals import external_hosts
from govsite.fleet.facts import describe_site
from govsite.fleet.footer import CONAC_BADGE, CONAC_SHOW
from govsite.fleet.lifecycle import closed_notice, moved, not_found, waf_host
from govsite.fleet.model import Fleet, FleetSite, Resource, SearchEndpoint
from govsite.fleet.pages import SitePlan, render_site
from govsite.fleet.plan import Identity, plan_site
from govsite.fleet.probes import site_probes
from govsite.fleet.repair import repair_plan, repaired_codes, repaired_spec
from govsite.fleet.truth import derive_truth
from govsite.fleet.write import write_fleet

__all__ = ["build_fleet", "write_fleet"]

# Where the merged (整合迁移) site now lives: its unit's pages moved into the district portal.
MERGED_INTO = "portal"


def assign_codes(specs: list[SiteSpec]) -> dict[str, str]:
    """网站标识码 per site key: 6-digit region code + 4-digit serial in catalogue order."""
    serials: dict[str, int] = {}
    codes = {}
    for spec in specs:
        if spec.site_code:
            codes[spec.key] = spec.site_code
            continue
        serials[spec.region] = serials.get(spec.region, 0) + 1
        codes[spec.key] = f"{spec.region}{serials[spec.region]:04d}"
    return codes


def home_url(spec: SiteSpec) -> str:
    return f"http://{spec.host}/"


def identities(specs: list[SiteSpec], codes: dict[str, str]) -> dict[str, Identity]:
    """Cross-site facts: each site's friend links and, for portals, their departments' links."""
    by_key = {spec.key: spec for spec in specs}
    out = {}
    for spec in specs:
        friends = [("中国政府网", "http://www.gov.cn/")]
        parent = by_key.get(spec.parent_key or "")
        if parent is not None:
            friends.append((parent.name, home_url(parent)))
        children = [
            (child.name, home_url(child)) for child in specs
            if child.parent_key == spec.key and child.audited
        ]
        out[spec.key] = Identity(codes[spec.key], friends, children)
    return out


def conac_script(plan: SitePlan) -> str:
    """The badge script a conac-script site embeds; it writes the badge link at run time."""
    show = CONAC_SHOW.format(id=plan.footer.conac_id)
    return (
        "document.getElementById('_ideConac').innerHTML="
        f"'<a href=\"{show}\" target=\"_blank\"><img src=\"{CONAC_BADGE}\"></a>';\n"
    )


def fleet_site(spec: SiteSpec, code: str, parent_code: str) -> FleetSite:
    return FleetSite(
        key=spec.key, name=spec.name, site_code=code, host=spec.host, url=home_url(spec),
        owner=spec.owner, category=spec.category, kind=spec.kind, status=spec.status,
        parent=parent_code, role=spec.role, layout=spec.layout, charset=spec.charset,
        charset_via=spec.charset_via,
    )


def registry_row(site: FleetSite) -> dict[str, str]:
    """One row of the registry with the contract's English keys and Chinese values."""
    return {
        "name": site.name, "site_code": site.site_code, "url": site.url, "owner": site.owner,
        "category": site.category, "kind": site.kind, "status": site.status,
        "parent": site.parent,
    }


@dataclass
class HostAnswers:
    """What the server answers for one site's host, and the plan behind it if it has pages."""

    resources: dict[str, Resource]
    fallback: Resource
    plan: SitePlan | None = None
    pages: list[str] = field(default_factory=list)
    search: SearchEndpoint | None = None


def host_answers(
    spec: SiteSpec, specs: list[SiteSpec], identity: Identity, *, as_of: date, seed: int,
    pages_per_site: int | None, repaired: bool = False,
) -> HostAnswers:
    """A site's answers: its rendered pages, or a WAF, closed or merged host's behaviour.

    A `repaired` site is planned from its defective spec and then repaired (`repair.py`), so
    its pages stay where they were.
    """
    if spec.waf:
        home, block = waf_host()
        return HostAnswers(home, block)
    if spec.lifecycle == "closed_404":
        return HostAnswers({}, not_found())
    if spec.lifecycle == "closed_notice":
        return HostAnswers({"/": closed_notice(spec.name)}, not_found())
    if spec.lifecycle == "merged":
        return HostAnswers({}, moved(home_url(_spec(specs, MERGED_INTO))))
    plan = plan_site(spec, identity, as_of=as_of, seed=seed, pages_per_site=pages_per_site)
    if repaired:
        plan = repair_plan(plan, as_of=as_of, seed=seed)
    rendered = render_site(plan)
    return HostAnswers(rendered.resources, rendered.fallback, plan, rendered.pages,
                       rendered.search)


def describe(site: FleetSite, plan: SitePlan, pages: list[str]) -> None:
    """Record on the FleetSite what it contains (pages, 栏目, 留言, facts) for tests and truth."""
    site.pages = [f"http://{site.host}{path}" for path in pages]
    site.columns, site.messages, site.facts = describe_site(site.host, plan)


def build_fleet(
    *, as_of: date, n_sites: int = 12, pages_per_site: int | None = None, seed: int = 7,
    repaired: Collection[str] = (),
) -> Fleet:
    """Generate the fleet.

    **Parameters**
    - `as_of`: the 监测时间点; every date in the fleet is an offset from it.
    - `n_sites`: running sites. 12 or more gives the whole defect catalogue plus the four
      lifecycle rows (关停 ×3, 整合迁移 ×1); more adds clean filler sites.
    - `pages_per_site`: size every content site to at least this many HTML pages (benchmark).
    - `seed`: the only source of randomness.
    - `repaired`: codes of running content sites whose planted defects are repaired (整改后):
      same identity and pages, none of the former findings but a domain one (`repair.py`).
      A WAF, closed or merged site's code raises ValueError.

    **Returns** a `Fleet` whose `truth` was derived from its own resources.
    """
    specs = catalogue(n_sites)
    check_catalogue(specs)
    codes = assign_codes(specs)
    fixed = repaired_codes(specs, codes, repaired)
    ids = identities(specs, codes)
    fleet = Fleet(as_of=as_of, sites=[], registry_rows=[], truth=[], probes=[], resources={})
    conac_scripts: dict[str, bytes] = {}
    served: dict[str, SiteSpec] = {}  # by code: the spec each site is served as (for the truth)
    for index, planned in enumerate(specs):
        site = fleet_site(planned, codes[planned.key], codes.get(planned.parent_key or "", ""))
        fleet.sites.append(site)
        fleet.registry_rows.append(registry_row(site))
        answers = host_answers(planned, specs, ids[planned.key], as_of=as_of, seed=seed,
                               pages_per_site=pages_per_site, repaired=planned.key in fixed)
        spec = repaired_spec(planned) if planned.key in fixed else planned
        served[site.site_code] = spec
        fleet.resources.update({(spec.host, p): r for p, r in answers.resources.items()})
        fleet.fallbacks[spec.host] = answers.fallback
        if answers.search is not None:
            fleet.searches[spec.host] = answers.search
        if answers.plan is not None:
            describe(site, answers.plan, answers.pages)
            if spec.conac_style == "script" and "conac" not in spec.footer_omit:
                path = urlsplit(answers.plan.footer.conac_script).path
                conac_scripts[path] = conac_script(answers.plan).encode()
        if spec.status == "运行":
            fleet.probes += site_probes(
                random.Random(f"{seed}:probes:{spec.key}"), site_code=site.site_code,
                url=site.url, as_of=as_of, minute=(index * 7) % 60,
                failures=spec.probe_failures,
            )
    ext_resources, ext_fallbacks = external_hosts(conac_scripts)
    fleet.resources.update(ext_resources)
    fleet.fallbacks.update(ext_fallbacks)
    fleet.not_measured = sorted(codes[s.key] for s in specs if s.waf)
    fleet.truth = derive_truth(fleet, served)
    return fleet


def _spec(specs: list[SiteSpec], key: str) -> SiteSpec:
    return next(spec for spec in specs if spec.key == key)
