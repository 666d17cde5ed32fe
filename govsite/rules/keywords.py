"""Keyword data (data/keywords.yaml) for the interaction and service rules, loaded once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def keywords() -> dict[str, Any]:
    text = resources.files("govsite.rules").joinpath("data/keywords.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def any_in(text: str, words: list[str]) -> str | None:
    """The first of `words` found in `text`, or None."""
    return next((w for w in words if w in text), None)
