"""Which unit handles a message: the unit of the site it is about (分办 by site).

The unit of a site is decided exactly as the 抽查 plan decides it
(`govsite.evaluate.sampling.units_of`: the 主办单位 of the top site of the 上级网站 chain), so
a unit's messages and its sampled sites always add up to the same list of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govsite.evaluate.sampling import units_of
from govsite.feedback.model import FeedbackError
from govsite.sites import Site


class RoutingError(FeedbackError):
    """The site a message names is not in the registry."""


@dataclass(frozen=True)
class Route:
    """A message's site as registered, and the unit that handles its messages."""

    site: Site
    unit: str


class Router:
    """Routes by 网站标识码 against one registry; build it once for a whole import."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self._sites = {s.site_code: s for s in sites}
        self._units = units_of(list(sites))

    def route(self, site_code: str) -> Route:
        """The route of `site_code` (``BM…`` read as ``bm…``, as the registry does)."""
        code = site_code.strip()
        code = code.lower() if code[:2].lower() == "bm" else code
        site = self._sites.get(code)
        if site is None:
            raise RoutingError(f"网站标识码 {site_code} 不在网站名录中，无法分办")
        return Route(site, self._units[code])
