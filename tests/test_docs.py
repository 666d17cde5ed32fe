"""Docs that cannot drift (datasette's habit): generated pages are current, commands documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer.core
import typer.main

from govsite.cli import app
from govsite.docgen import profiles_markdown, rules_markdown
from govsite.rules.base import all_rules

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_generated_docs_are_current() -> None:
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is stale: run `govsite docs`"
    assert (DOCS / "profiles.md").read_text(encoding="utf-8") == profiles_markdown(), \
        "docs/profiles.md is stale: run `govsite docs`"


def test_every_rule_is_documented_with_all_sections() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for reg in all_rules():
        doc = reg.doc
        assert f"## {reg.meta.id}" in text
        assert doc.what_it_checks and doc.why_it_matters and doc.example and doc.references, reg.meta.id
        assert reg.meta.name_zh and reg.meta.tags and reg.meta.help_zh, reg.meta.id


def _commands(group: typer.core.TyperGroup, prefix: str = "govsite") -> Iterator[tuple[str, Any]]:
    """Every command with its full name, subcommands of groups (`govsite monitor status`) too."""
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_and_option_is_in_commands_md() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in _commands(group):
        assert f"## {name}" in text, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in text, f"{name} {opt}"
