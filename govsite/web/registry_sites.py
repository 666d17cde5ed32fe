"""The registry a 找错 message is routed against: the sites of the newest finished census.

The public form offers the running sites of that registry, and the form, the API and the
import route each message by its 网站标识码 through the same `Router` (the unit of the top site
of its 上级网站 chain, as the pages' unit scope counts it). A run's sites do not change once it
has finished, so they are read once per run and kept until a newer run finishes: the public
form must not load a whole census for every visitor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from govsite.evaluate.sampling import units_of
from govsite.feedback import Router
from govsite.sites import STATUS_RUNNING, Site
from govsite.store.models import RUN_FINISHED
from govsite.store.store import Store


@dataclass(frozen=True)
class Registry:
    """One finished run's sites and the router over them."""

    run_id: str
    sites: list[Site]
    router: Router
    units: list[str]

    @property
    def running(self) -> list[Site]:
        """The sites a member of the public can report on (关停 and 整合 ones are gone)."""
        return sorted((s for s in self.sites if s.status == STATUS_RUNNING),
                      key=lambda s: (s.name, s.site_code))


class RegistryCache:
    """The newest finished run's registry, re-read only when a newer run has finished."""

    def __init__(self) -> None:
        self._current: Registry | None = None
        self._lock = threading.Lock()

    def get(self, store: Store) -> Registry | None:
        """None until a census has finished: there is nothing to route against yet."""
        run = store.latest_run(status=RUN_FINISHED)
        if run is None:
            return None
        with self._lock:
            if self._current is None or self._current.run_id != run.id:
                sites = [r.site for r in store.load_site_results(run.id, run.profile)]
                units = sorted(set(units_of(sites).values()))
                self._current = Registry(run.id, sites, Router(sites), units)
            return self._current
