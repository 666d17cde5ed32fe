"""Probe history in and out: CSV import/export, and the store as a census's `--probes`.

The CSV format is the contract's (`govsite/probes.py` reads and writes it); this module
moves records between such files and the store. An import is all or nothing: the file is
validated to the end first, and a single bad row (named by file, line and column) imports
nothing, because a history with its failures quietly dropped would flatter the site.
Importing the same file twice adds nothing (probes are keyed by target and slot).

`open_probes` is what `govsite census --probes FILE|DB` calls: a path is a CSV file, a URL
(`sqlite:///…`, `postgresql+psycopg://…`) is a monitor's store, read one site at a time for
the availability window of the 监测时间点.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect

from govsite.probes import (
    KIND_HOME,
    Probe,
    ProbeFileError,
    ProbeSource,
    iter_probe_records,
    load_probes_csv,
    write_probe_records,
)
from govsite.rules.availability import history_window
from govsite.store.probe_store import SOURCE_IMPORT
from govsite.store.store import Store


@dataclass(frozen=True)
class ImportResult:
    """How many rows the file had and how many of them were new to the store."""

    rows: int
    added: int

    @property
    def duplicates(self) -> int:
        return self.rows - self.added


def import_csv(store: Store, path: Path) -> ImportResult:
    """Validate the whole file, then store its probes; ProbeFileError if any row is bad."""
    rows = sum(1 for _ in iter_probe_records(path))  # raises before anything is stored
    added = store.add_probes(iter_probe_records(path), source=SOURCE_IMPORT)
    return ImportResult(rows=rows, added=added)


def export_csv(
    store: Store,
    handle: IO[str],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    site_codes: Sequence[str] | None = None,
    kind: str | None = None,
) -> int:
    """Write stored probes as CSV (contract columns first); returns the number of rows."""
    records = store.iter_probes(start=start, end=end, site_codes=site_codes, kind=kind)
    return write_probe_records(records, handle)


def is_store_url(spec: str) -> bool:
    """`scheme://…` is a database URL; anything else is a file path."""
    return "://" in spec


class StoreProbes:
    """A monitor's store as a census's probe source: each site's home probes in a window."""

    def __init__(self, url: str, start: datetime, end: datetime) -> None:
        self.source = url
        self.start, self.end = start, end
        self._store = Store(url)
        if "probes" not in inspect(self._store.engine).get_table_names():
            self._store.close()
            raise ProbeFileError([f"{url}: no probe history here (no probes table); "
                                  "run `govsite monitor` with this --db first"])

    def for_site(self, site_code: str) -> list[Probe]:
        return self._store.probes_for_site(site_code, self.start, self.end, kind=KIND_HOME)

    def close(self) -> None:
        self._store.close()


def open_probes(spec: str, *, as_of: date,
                options: Mapping[str, Mapping[str, Any]] | None = None) -> ProbeSource:
    """A census's probe source from `--probes FILE|DB`.

    A store is read for the availability window of `as_of` under the profile's `options`
    (the widest window either availability rule uses); a CSV file is read whole, as before.
    """
    if is_store_url(spec):
        start, end = history_window(as_of, options or {})
        return StoreProbes(spec, start, end)
    return load_probes_csv(Path(spec))
