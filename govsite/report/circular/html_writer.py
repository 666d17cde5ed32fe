"""The circular as one self-contained HTML page, for the intranet and for print.

Like report.html: everything in one file (inline CSS, charts as data: PNG), every string
autoescaped (site names come from registries that anyone with a form can fill), and a
Content-Security-Policy that allows no script at all and no resource but inline images. The
print CSS lays it out on A4 with the Word document's margins, each 附件 on a new page.
"""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from govsite.report.circular.document import ChartRef, CircularDocument, cell_text
from govsite.report.circular.text import assert_no_placeholders, check_document

_STYLE = re.compile(r"<style>.*?</style>", re.S)
_TAG = re.compile(r"<[^>]+>")


def render_html(document: CircularDocument, charts: dict[str, bytes]) -> str:
    """The page as a string, checked: its visible text holds no placeholder."""
    check_document(document)
    env = Environment(
        loader=PackageLoader("govsite.report.circular", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = cell_text
    env.tests["chart"] = lambda block: isinstance(block, ChartRef)
    images = {name: "data:image/png;base64," + base64.b64encode(png).decode() for name, png in charts.items()}
    page = env.get_template("circular.html").render(document=document, images=images)
    assert_no_placeholders(visible_text(page), "HTML")
    return page


def visible_text(page: str) -> str:
    """What a reader sees of the page: no style sheet, no tags, entities decoded."""
    return html.unescape(_TAG.sub(" ", _STYLE.sub(" ", page)))


def write_html(document: CircularDocument, charts: dict[str, bytes], path: Path) -> Path:
    page = render_html(document, charts)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)
    return path
