"""Routing by site: the unit is the 主办单位 of the top of the 上级网站 chain."""

from __future__ import annotations

import pytest

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, SITES
from govsite.feedback.routing import Router, RoutingError
from govsite.sites import Site


@pytest.mark.parametrize(("code", "unit"), [
    ("3301000001", CITY_UNIT),  # the portal itself
    ("3301000002", CITY_UNIT),  # parent given as a site code
    ("3301000003", CITY_UNIT),  # parent given as a URL, two levels up
    ("3301270001", COUNTY_UNIT),
    ("BM12000001", "某部办公厅"),  # codes read as the registry reads them
])
def test_a_message_goes_to_the_unit_at_the_top_of_the_chain(router: Router, code: str,
                                                            unit: str) -> None:
    route = router.route(code)
    assert route.unit == unit
    assert route.site.site_code == code.lower()


def test_a_parent_outside_the_registry_ends_the_chain_at_the_site() -> None:
    orphan = Site(name="某区网站", site_code="3301050001", url="http://www.district.gov.cn/",
                  owner="某区人民政府办公室", parent="3300000001")
    assert Router([*SITES, orphan]).route("3301050001").unit == "某区人民政府办公室"


def test_an_unknown_site_code_is_refused_in_chinese(router: Router) -> None:
    with pytest.raises(RoutingError, match="网站标识码 3399999999 不在网站名录中"):
        router.route("3399999999")
