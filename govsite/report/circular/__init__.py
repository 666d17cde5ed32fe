"""The quarterly 通报 (circular): one set of figures, one editable text layer, three documents.

`build_figures` computes every number once; `render_circular` turns the figures into the
document's sentences through the YAML text layer a centre may adapt; the writers lay the same
document out as Word, Excel and HTML (and PDF through LibreOffice), so the three never disagree.
"""

from govsite.report.circular.data import CircularData, CircularDataError, CircularSettings
from govsite.report.circular.figures import Figures, build_figures
from govsite.report.circular.text import (
    PlaceholderError,
    TextLayer,
    TextLayerError,
    assert_no_placeholders,
    load_text_layer,
    render_circular,
)
from govsite.report.circular.writer import (
    ConversionError,
    ToolMissingError,
    docx_to_pdf,
    pdf_page_png,
    write_circular,
)

__all__ = [
    "CircularData",
    "CircularDataError",
    "CircularSettings",
    "ConversionError",
    "Figures",
    "PlaceholderError",
    "TextLayer",
    "TextLayerError",
    "ToolMissingError",
    "assert_no_placeholders",
    "build_figures",
    "docx_to_pdf",
    "load_text_layer",
    "pdf_page_png",
    "render_circular",
    "write_circular",
]
