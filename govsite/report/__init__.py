"""Reports of a census: results.json (the contract) and report.html (for people)."""

from govsite.report.html_report import render_report_html, write_report_html
from govsite.report.json_report import (
    ResultsSchemaError,
    results_schema,
    validate_results,
    write_results_json,
)

__all__ = [
    "ResultsSchemaError",
    "render_report_html",
    "results_schema",
    "validate_results",
    "write_report_html",
    "write_results_json",
]
