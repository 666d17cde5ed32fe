"""The public surface of govsite.collect is exactly what the CLI relies on (httpx's guard)."""

from __future__ import annotations

import dataclasses

import govsite.collect as collect
from govsite.collect import errors


def test_exported_members() -> None:
    assert sorted(collect.__all__) == ["CollectSettings", "Collector", "parse_resolve"]
    for name in collect.__all__:
        assert getattr(collect, name).__module__.startswith("govsite.collect.")


def test_settings_defaults_match_the_issue() -> None:
    defaults = {f.name: f.default for f in dataclasses.fields(collect.CollectSettings)}
    assert defaults["timeout_s"] == 15.0 and defaults["retries"] == 2
    assert defaults["host_concurrency"] == 2 and defaults["host_interval_s"] == 0.25
    assert defaults["max_pages"] == 300 and defaults["max_depth"] == 4
    assert collect.CollectSettings().host_overrides == {}


def test_error_taxonomy_is_documented_in_the_tree() -> None:
    tree = errors.__doc__ or ""
    for name in errors.ALL:
        assert f"── {name} " in tree, name
