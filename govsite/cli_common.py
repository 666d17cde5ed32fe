"""What every command group shares: the default store and how a command gives up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from govsite.store.store import Store

# One default store for census, monitor and review, so their data meet without options.
DEFAULT_DB = "sqlite:///govsite.db"


def fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    """Print a Chinese error line and return the Exit to raise (exit code 2: could not run)."""
    console.print(f"[red]错误：[/]{message}", soft_wrap=True)
    return typer.Exit(code)


def open_store(db: str) -> Store:
    """Open a store and bring its schema up to date (imported lazily: keeps --help fast)."""
    from govsite.store.store import Store

    store = Store(db)
    store.migrate()
    return store
