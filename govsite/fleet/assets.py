"""Tiny but well-formed binary files: images, attachments, the stylesheet and the script.

A link checker only needs the right status and Content-Type, but a reader (or a later content
rule) who opens a downloaded attachment should find a real file of that type, so each body
carries the format's actual signature and structure, a few hundred bytes at most.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".rar": "application/x-rar-compressed",
    ".wps": "application/kswps",
    ".png": "image/png",
    ".gif": "image/gif",
    ".css": "text/css",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".xml": "application/xml",
}

# A fixed timestamp inside zip members keeps the fleet byte-for-byte deterministic.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A solid-colour PNG (8-bit RGB, no interlace)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def pdf(title: str) -> bytes:
    """A one-page PDF whose only text is an ASCII label (xref offsets computed, so it opens)."""
    label = title.encode("ascii", "replace").decode("ascii")
    stream = f"BT /F1 12 Tf 20 50 Td ({label}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def ole(title: str) -> bytes:
    """An OLE2 compound-file header (the .doc/.xls/.wps signature) padded to one sector."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + struct.pack("<HH", 0x3E, 0x03)
    header += struct.pack("<HH", 0xFFFE, 9) + struct.pack("<H", 6) + b"\x00" * 6
    body = header.ljust(512, b"\x00") + title.encode("utf-8")[:200]
    return body.ljust(1024, b"\x00")


def zip_archive(members: dict[str, bytes]) -> bytes:
    """A deflated zip of the given members with a fixed timestamp."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def ooxml(title: str, *, kind: str) -> bytes:
    """A minimal .docx or .xlsx container (zip with a content-types part)."""
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/></Types>'
    )
    return zip_archive(
        {"[Content_Types].xml": types.encode(), main: f"<doc>{title}</doc>".encode()}
    )


def attachment(ext: str, title: str) -> bytes:
    """Bytes of an attachment of the given extension (with its dot)."""
    if ext == ".pdf":
        return pdf(title)
    if ext in (".doc", ".xls", ".wps"):
        return ole(title)
    if ext in (".docx", ".xlsx"):
        return ooxml(title, kind=ext[1:])
    if ext == ".zip":
        return zip_archive({"说明.txt": title.encode("utf-8")})
    if ext == ".rar":
        return b"Rar!\x1a\x07\x00" + title.encode("utf-8")
    raise ValueError(f"no attachment format for {ext}")


STYLESHEET = """\
body{margin:0;font:14px/1.6 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f5f5}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.wrap,.top,.main,.nav,.footer{width:1000px;margin:0 auto;background:#fff}
.nav a,.site-nav a{display:inline-block;padding:0 18px;line-height:40px;color:#fff}
.nav,.site-nav{background:#b5191a}
.list li,.row{display:flex;justify-content:space-between;border-bottom:1px dashed #ddd}
.grid{display:flex;flex-wrap:wrap;gap:16px}.card{flex:1 1 45%}
.footer,.site-footer{text-align:center;color:#666;font-size:12px;padding:16px 0}
.pager a{margin:0 4px}.date,time{color:#999}
"""

SCRIPT = """\
function setHome(obj){try{obj.style.behavior='url(#default#homepage)';}catch(e){}}
function addFavorite(){try{window.external.addFavorite(location.href,document.title);}catch(e){}}
function doZoom(size){var el=document.getElementById('zoom');if(el){el.style.fontSize=size+'px';}}
"""
