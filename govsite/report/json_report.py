"""results.json: the contract's machine-readable output (contract.md §3).

The document is validated against `results_schema.json` before it is written, so a bug
anywhere upstream stops the census loudly instead of handing other programs a file that
breaks the contract.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from govsite.results import RunResults

__all__ = ["ResultsSchemaError", "results_schema", "validate_results", "write_results_json"]


class ResultsSchemaError(ValueError):
    """results.json would not match the contract; `problems` lists each as `path: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("results.json does not match its schema:\n" + "\n".join(problems))
        self.problems = problems


@cache
def results_schema() -> dict[str, Any]:
    """The JSON Schema of results.json, as shipped in the package."""
    text = files("govsite.report").joinpath("results_schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


def validate_results(data: dict[str, Any]) -> None:
    """Raise `ResultsSchemaError` naming every place where `data` breaks the schema."""
    validator = Draft202012Validator(results_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ResultsSchemaError([f"{e.json_path}: {e.message}" for e in errors])


def write_results_json(run: RunResults, path: Path) -> None:
    """Validate and write results.json (UTF-8, Chinese as is, one-space indent).

    The file is written beside its final name and then renamed, so a reader never sees
    half a document and a failed write leaves the previous results in place.
    """
    data = run.to_json()
    validate_results(data)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)
