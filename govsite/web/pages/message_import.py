"""导入平台留言: the centre uploads the national platform's export (CSV or XLSX, at most 2 MiB).

The file is read exactly as `govsite messages import` reads it and routed against the newest
finished census's registry. Any bad row shows every problem with its line and column, and then
nothing is imported; rows already stored (same 留言编号) are skipped, so uploading the same
export twice adds nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from govsite.feedback import MessageFileError, is_approximate
from govsite.feedback.importer import HEADERS, REQUIRED
from govsite.store.store import Store
from govsite.store.user_store import User
from govsite.web.clock import now
from govsite.web.message_upload import (
    MAX_UPLOAD_BYTES,
    UploadProblem,
    read_upload,
    safe_filename,
)
from govsite.web.roles import MANAGE_MESSAGES, require
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
Manager = Annotated[User, Depends(require(MANAGE_MESSAGES))]
# The upload plus the multipart framing and the CSRF field; the file itself is held to
# MAX_UPLOAD_BYTES by read_upload, with a clearer message than a 413.
MAX_IMPORT_BODY = MAX_UPLOAD_BYTES + 64 * 1024


def _page(request: Request, *, status_code: int = 200, **context: object) -> Response:
    columns = [(names[0], names[1], field in REQUIRED) for field, names in HEADERS.items()]
    base = {"columns": columns, "max_mib": MAX_UPLOAD_BYTES // (1024 * 1024), "problem": "",
            "errors": [], "counts": None, "approximate": 0, "filename": ""}
    return render(request, "message_import.html", status_code=status_code,
                  **{**base, **context})


@router.get("/messages/import")
def import_form(request: Request, user: Manager) -> Response:
    return _page(request)


@router.post("/messages/import", max_body_size=MAX_IMPORT_BODY)
def import_upload(request: Request, user: Manager,
                  file: Annotated[UploadFile, File()]) -> Response:
    store: Store = request.app.state.store
    filename = safe_filename(file.filename or "")
    registry = request.app.state.registry.get(store)
    if registry is None:
        return _page(request, status_code=400, filename=filename,
                     problem="尚无已完成的普查，没有可用于分办的网站名录")
    moment = now(request)
    try:
        messages = read_upload(file.file, filename, registry.router,
                               policy=request.app.state.deadline_policy, now=moment)
    except UploadProblem as exc:
        return _page(request, status_code=400, filename=filename, problem=str(exc))
    except MessageFileError as exc:
        return _page(request, status_code=400, filename=filename, errors=exc.errors,
                     problem=f"{len(exc.errors)} 处错误，未导入任何留言；请修改文件后重新导入。")
    counts = store.import_messages(messages, actor=user.username, file=filename, now=moment)
    return _page(request, filename=filename, counts=counts,
                 approximate=sum(is_approximate(m) for m in messages))
