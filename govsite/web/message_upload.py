"""An uploaded export of the national 找错 platform, read as `govsite messages import` reads it.

The bytes are checked before any parser sees them (size, kind, no NUL bytes, which no text
column may hold and PostgreSQL would refuse mid-import), then written to a private temporary
file under a fixed name, so nothing of the uploaded file name reaches the file system.
`read_messages` is all-or-nothing: any bad row raises `MessageFileError` with every problem
located by line and column, and then nothing is imported.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePath
from tempfile import TemporaryDirectory
from typing import BinaryIO

from govsite.feedback import DeadlinePolicy, FeedbackError, Message, Router, read_messages

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class UploadProblem(FeedbackError):
    """The upload as a whole is unusable (the message is for the user, in Chinese)."""


def safe_filename(filename: str) -> str:
    """The uploaded file's own name, as shown and audited: no folders, no control characters
    (a NUL would not even fit in the audit log), at most 255 characters."""
    name = PurePath(filename.replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable())[:255]


def upload_suffix(filename: str) -> str:
    """The file's kind from its name; UploadProblem unless CSV or XLSX."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadProblem("请上传 CSV（UTF-8 或 GBK）或 XLSX 文件")
    return suffix


def read_upload(stream: BinaryIO, filename: str, router: Router, *, policy: DeadlinePolicy,
                now: datetime) -> list[Message]:
    """Every message of the upload, routed and with deadlines (see the module docstring)."""
    suffix = upload_suffix(filename)
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadProblem(f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB，请分批导入")
    if not data:
        raise UploadProblem("文件为空")
    if suffix == ".csv" and b"\x00" in data:
        raise UploadProblem("文件含有空字符（NUL），请另存为 UTF-8 或 GBK 编码的 CSV")
    with TemporaryDirectory(prefix="govsite-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return read_messages(path, router, policy=policy, now=now)
