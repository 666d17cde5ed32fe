"""The bundled demo fleet: generated government websites with planted defects and a truth file.

`build_fleet()` makes the sites, `FleetServer` serves them on 127.0.0.1 by Host header, and
`write_fleet()` writes the registry (sites.csv), the expected findings (truth.json) and the
availability history (probes.csv) a census takes as input.
"""

from govsite.fleet.generate import build_fleet
from govsite.fleet.model import Fleet, FleetSite, ProbeRow, Resource, TruthItem
from govsite.fleet.server import FleetServer
from govsite.fleet.write import write_fleet

__all__ = [
    "Fleet",
    "FleetServer",
    "FleetSite",
    "ProbeRow",
    "Resource",
    "TruthItem",
    "build_fleet",
    "write_fleet",
]
