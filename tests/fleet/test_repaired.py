"""A rectified fleet (整改后): repaired sites lose their planted defects, keep identity and pages.

The second quarter of a two-quarter history is `build_fleet(..., repaired=codes)`; the truth
is derived from what it serves, as always, so these tests hold the repair to the truth.
"""

from __future__ import annotations

from datetime import date

import pytest
from fleet_helpers import site_by_key

from govsite.fleet.generate import build_fleet
from govsite.fleet.model import Fleet

AS_OF = date(2026, 11, 23)
# Links, soft 404, blank and stale columns, footer, meta, wording, 留言, 办事指南, domain.
REPAIRED_KEYS = ("portal", "zgy", "rsj", "scjgj", "zjw")
IDENTITY = ("key", "name", "site_code", "host", "url", "owner", "category", "kind", "status",
            "parent", "role")


@pytest.fixture(scope="module")
def fleets() -> tuple[Fleet, Fleet, set[str]]:
    before = build_fleet(as_of=AS_OF, n_sites=12)
    codes = {site_by_key(before, key).site_code for key in REPAIRED_KEYS}
    return before, build_fleet(as_of=AS_OF, n_sites=12, repaired=codes), codes


def truth_of(fleet: Fleet, code: str) -> list:
    return [t for t in fleet.truth if t.site_code == code]


def test_repaired_sites_lose_every_planted_defect_but_their_domain(fleets) -> None:
    before, after, codes = fleets
    for code in codes:
        assert truth_of(before, code), f"{code} carried defects to repair"
        left = [(t.rule, t.note) for t in truth_of(after, code)]
        # The host is the site's identity: a non-compliant domain stays (zjw).
        assert all(rule == "domain.noncompliant" for rule, _ in left), (code, left)
    zjw = site_by_key(after, "zjw").site_code
    assert [t.rule for t in truth_of(after, zjw)] == ["domain.noncompliant"]


def test_other_sites_keep_their_truth_and_their_bytes(fleets) -> None:
    before, after, codes = fleets
    assert [t for t in before.truth if t.site_code not in codes] == [
        t for t in after.truth if t.site_code not in codes]
    hosts = {s.host for s in before.sites if s.site_code not in codes}
    for key, resource in before.resources.items():
        if key[0] in hosts:
            assert after.resources[key] == resource, key


def test_identity_and_registry_unchanged(fleets) -> None:
    before, after, _ = fleets
    assert after.registry_rows == before.registry_rows
    for old, new in zip(before.sites, after.sites, strict=True):
        assert [getattr(new, f) for f in IDENTITY] == [getattr(old, f) for f in IDENTITY]


def test_pages_behind_former_findings_still_answer(fleets) -> None:
    """A re-check fetches the pages findings named: they must be repaired, not gone."""
    before, after, codes = fleets
    for item in before.truth:
        if item.site_code not in codes or item.rule.startswith("links."):
            continue
        site = after.site(item.site_code)
        path = item.url.removeprefix(f"http://{site.host}")
        resource = after.lookup(site.host, path)
        assert resource is not None and resource.status == 200, item


def test_repaired_sites_probe_clean(fleets) -> None:
    _, after, codes = fleets
    probes = [p for p in after.probes if p.site_code in codes]
    assert probes and all(p.ok for p in probes)


def test_default_is_the_unrepaired_fleet(fleets) -> None:
    before, _, _ = fleets
    again = build_fleet(as_of=AS_OF, n_sites=12, repaired=())
    assert again.truth == before.truth
    assert again.resources == before.resources
    assert again.probes == before.probes


@pytest.mark.parametrize("key", ["yjglj", "kw", "lyj", "daj", "ghfj"])
def test_waf_closed_and_merged_sites_cannot_be_repaired(fleets, key: str) -> None:
    before, _, _ = fleets
    code = site_by_key(before, key).site_code
    with pytest.raises(ValueError, match=f"{code}.*only running content sites"):
        build_fleet(as_of=AS_OF, n_sites=12, repaired={code})


def test_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="no site 9999999999"):
        build_fleet(as_of=AS_OF, n_sites=12, repaired=["9999999999"])
