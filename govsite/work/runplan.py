"""A run's plan kept in its options, so that `census --resume` and the workers can rebuild it.

The registry rows are already the run's `sites` table; everything else a census needs goes in
the run's options as JSON when the run is created: the collect settings, the profile (a name or
the absolute path of a YAML file), the column override and lexicon files, the probe source,
the output directory and `--split-pages`. A later `--resume` or a worker on another machine
rebuilds the same `CensusPlan` from the store alone, so the files named there must be readable
at those paths wherever it runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govsite.census import CensusPlan
from govsite.collect import CollectSettings
from govsite.content.lexicon import load_user_lexicons
from govsite.monitor.history import is_store_url, open_probes
from govsite.profile import BUILTIN, load_profile
from govsite.rules.taxonomy import load_overrides
from govsite.store.store import Store
from govsite.work.runstate import run_sites

DEFAULT_OUT = Path("out/census")


def run_options(*, profile: str, settings: CollectSettings, columns: Path | None,
                lexicons: Sequence[Path], probes: str | None, out: Path | None,
                split_pages: int = 0) -> dict[str, Any]:
    """The options that let the run be rebuilt (merged into what `census` records anyway)."""
    return {
        "split_pages": max(0, split_pages),
        "profile": profile if profile in BUILTIN else _absolute(profile),
        "settings": dataclasses.asdict(settings),
        "columns": _absolute(columns) if columns else "",
        "lexicons": [_absolute(p) for p in lexicons],
        "probes": (probes if is_store_url(probes) else _absolute(probes)) if probes else "",
        "out": _absolute(out) if out else "",
    }


def split_pages_of(options: dict[str, Any]) -> int:
    """`--split-pages`: a site whose last snapshot had this many pages is crawled in sections
    by the workers (`sections`); 0, and runs recorded before the option, never split."""
    return max(0, int(options.get("split_pages") or 0))


def settings_from_options(options: dict[str, Any]) -> CollectSettings:
    """The run's collect settings; runs recorded before settings were kept get the defaults
    with the two settings `census` always recorded (`resolve`, `max_pages`)."""
    stored = options.get("settings")
    if not isinstance(stored, dict):
        return dataclasses.replace(
            CollectSettings(), resolve=tuple(options.get("resolve") or ()),
            max_pages=int(options.get("max_pages") or CollectSettings.max_pages))
    known = {f.name for f in dataclasses.fields(CollectSettings)}
    values = {k: v for k, v in stored.items() if k in known}
    values["resolve"] = tuple(values.get("resolve") or ())
    return CollectSettings(**values)


def load_plan(store: Store, run_id: str, *, out: Path | None = None) -> CensusPlan:
    """The plan of a stored run. KeyError when the store has no such run; the loaders'
    own errors (ProfileError, OverrideError, LexiconError, ProbeFileError, OSError) when a
    file the run names cannot be read here."""
    info = store.get_run(run_id)
    if info is None:
        raise KeyError(f"store has no run {run_id}")
    options = info.options
    profile = load_profile(str(options.get("profile") or info.profile))
    columns, probes = options.get("columns"), options.get("probes")
    stored_out = options.get("out")
    return CensusPlan(
        sites=run_sites(store, run_id),
        profile=profile,
        as_of=info.as_of,
        store=store,
        settings=settings_from_options(options),
        out=out or (Path(stored_out) if stored_out else DEFAULT_OUT),
        probes=open_probes(probes, as_of=info.as_of, options=profile.options) if probes else None,
        options=options,
        column_overrides=load_overrides(Path(columns)) if columns else {},
        lexicons=load_user_lexicons(Path(p) for p in options.get("lexicons") or ()),
    )


def _absolute(path: str | Path) -> str:
    return str(Path(path).resolve())
