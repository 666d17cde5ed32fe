"""Write a period's 通报 in the formats asked for, and convert it to PDF with LibreOffice.

PDF comes from the .docx rather than from its own layout, so the PDF a centre files is the
Word document it reviewed. LibreOffice runs headless with a private profile directory per
conversion (two conversions sharing the default profile block each other), and is killed,
with everything it spawned, when it overruns its time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Collection
from pathlib import Path

from govsite.report.circular.charts import render_charts
from govsite.report.circular.data import CircularData, CircularSettings
from govsite.report.circular.docx_writer import write_docx
from govsite.report.circular.figures import build_figures
from govsite.report.circular.html_writer import write_html
from govsite.report.circular.text import load_text_layer, render_circular
from govsite.report.circular.xlsx_writer import write_xlsx

FORMATS = ("docx", "xlsx", "html", "pdf")
PDF_TIMEOUT_S = 180
PNG_TIMEOUT_S = 60


class ToolMissingError(RuntimeError):
    """A system program the format needs is not installed; the message names its package."""


class ConversionError(RuntimeError):
    """LibreOffice or pdftoppm ran but produced nothing usable."""


def write_circular(
    data: CircularData,
    settings: CircularSettings,
    out_dir: Path,
    formats: Collection[str] = ("docx", "xlsx", "html"),
    text_layer: Path | None = None,
) -> dict[str, Path]:
    """Write 通报-{period}.docx/.xlsx/.html (and .pdf) into `out_dir`; format → path."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown circular format(s) {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    layer = load_text_layer(text_layer)
    figures = build_figures(data, layer.vocabulary)
    document = render_circular(figures, settings, layer)
    charts = render_charts(figures, document.charts)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"通报-{data.period}"
    written: dict[str, Path] = {}
    if "docx" in formats:
        written["docx"] = write_docx(document, charts, out_dir / f"{stem}.docx", settings)
    if "xlsx" in formats:
        written["xlsx"] = write_xlsx(document, charts, out_dir / f"{stem}.xlsx", settings)
    if "html" in formats:
        written["html"] = write_html(document, charts, out_dir / f"{stem}.html")
    if "pdf" in formats:
        if "docx" in written:
            written["pdf"] = docx_to_pdf(written["docx"], out_dir)
        else:  # the PDF alone was asked for: its .docx is only a step
            with tempfile.TemporaryDirectory(prefix="govsite-circular-") as tmp:
                docx = write_docx(document, charts, Path(tmp) / f"{stem}.docx", settings)
                written["pdf"] = docx_to_pdf(docx, out_dir)
    return written


def docx_to_pdf(docx: Path, out_dir: Path, timeout: float = PDF_TIMEOUT_S) -> Path:
    """Convert a .docx to out_dir/<same name>.pdf with headless LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ToolMissingError(
            "未找到 LibreOffice（soffice），无法生成 PDF。请安装：apt-get install libreoffice-writer-nogui "
            "fonts-noto-cjk（或运行 make office）"
        )
    docx = Path(docx)
    target = Path(out_dir) / f"{docx.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="govsite-soffice-") as tmp:
        work = Path(tmp)
        # An ASCII copy: LibreOffice's argument handling depends on the locale, Chinese names do not.
        source = work / "circular.docx"
        shutil.copyfile(docx, source)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, timeout, "LibreOffice")
        produced = work / "out" / "circular.pdf"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise ConversionError(f"LibreOffice 未生成 PDF：{docx}")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(produced, partial)
        os.replace(partial, target)
    return target


def pdf_page_png(pdf: Path, page: int, out_png: Path, dpi: int = 80) -> Path:
    """One page of a PDF as PNG (for the docs' example image), with poppler's pdftoppm."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ToolMissingError("未找到 pdftoppm，无法渲染 PDF 页面。请安装：apt-get install poppler-utils")
    out_png = Path(out_png)
    with tempfile.TemporaryDirectory(prefix="govsite-pdftoppm-") as tmp:
        prefix = Path(tmp) / "page"
        command = [pdftoppm, "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile",
                   str(pdf), str(prefix)]
        _run(command, PNG_TIMEOUT_S, "pdftoppm")
        produced = prefix.with_suffix(".png")
        if not produced.is_file():
            raise ConversionError(f"pdftoppm 未生成第 {page} 页的图像：{pdf}")
        out_png.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(produced, out_png)
    return out_png


def _run(command: list[str], timeout: float, tool: str) -> None:
    """Run a converter in its own process group, so a timeout kills its children too."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionError(f"{tool} 超时（{timeout:g} 秒）：{' '.join(command)}") from None
    if process.returncode != 0:
        message = stderr.decode("utf-8", errors="replace").strip()[-500:]
        raise ConversionError(f"{tool} 失败（退出码 {process.returncode}）：{message}")
