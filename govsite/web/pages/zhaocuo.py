"""我为政府网站找错: the public form. No account, no captcha; CSRF-bound and rate-limited.

The report is routed at once to the unit of its site (the registry of the newest finished
census) and enters the workflow in state 待分办, with the default deadlines counted from the
application clock's now. The visitor is sent on (POST, redirect, GET) to a page with the
message's number; the number travels in the visitor's own signed session, not the URL, so
the thank-you page cannot be used to probe which numbers exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from govsite.feedback import MESSAGE_TYPES, FeedbackError, receive
from govsite.feedback.model import SOURCE_FORM, SUBMITTER_PUBLIC
from govsite.store.store import Store
from govsite.web.auth import client_address
from govsite.web.clock import now
from govsite.web.intake import MAX_CONTACT, MAX_CONTENT, MAX_URL, check_report
from govsite.web.templating import render

router = APIRouter(include_in_schema=False)
SESSION_DONE = "zhaocuo_id"
# Who the event history and the audit log name as the sender of a public report.
ACTOR = "网民（找错表单）"
# Form fields are capped well above what `check_report` accepts, so a long text is answered
# with a clear message rather than a bare 422.
FIELD_CAP = 4 * MAX_CONTENT


def _form(request: Request, *, status_code: int = 200, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, problem: str = "") -> Response:
    registry = request.app.state.registry.get(request.app.state.store)
    return render(request, "zhaocuo.html", status_code=status_code,
                  sites=registry.running if registry else [], types=MESSAGE_TYPES,
                  values=values or {}, errors=errors or {}, problem=problem,
                  max_url=MAX_URL, max_content=MAX_CONTENT, max_contact=MAX_CONTACT)


@router.get("/zhaocuo")
def report_form(request: Request) -> Response:
    return _form(request)


@router.post("/zhaocuo")
def submit_report(request: Request,
                  site_code: Annotated[str, Form(max_length=64)] = "",
                  msg_type: Annotated[str, Form(max_length=64)] = "",
                  page_url: Annotated[str, Form(max_length=FIELD_CAP)] = "",
                  content: Annotated[str, Form(max_length=FIELD_CAP)] = "",
                  contact: Annotated[str, Form(max_length=FIELD_CAP)] = "") -> Response:
    state = request.app.state
    store: Store = state.store
    address = client_address(request)
    wait = state.intake_limiter.retry_after(address)
    if wait:
        page = _form(request, status_code=429,
                     problem=f"提交过于频繁，请 {wait} 秒后再试。")
        page.headers["Retry-After"] = str(wait)
        return page
    registry = state.registry.get(store)
    values = {"site_code": site_code, "msg_type": msg_type, "page_url": page_url,
              "content": content, "contact": contact}
    report = check_report(registry.running if registry else [], **values)
    if report.errors or registry is None:
        return _form(request, status_code=400, values=values, errors=report.errors,
                     problem="提交未成功，请按提示修改后重新提交。")
    moment = now(request)
    try:
        message = store.add_message(receive(
            route=registry.router.route(report.site_code), source=SOURCE_FORM,
            msg_type=report.msg_type, title="", content=report.content,
            page_url=report.page_url, contact=report.contact, submitter_kind=SUBMITTER_PUBLIC,
            received_at=moment, policy=state.deadline_policy), actor=ACTOR, now=moment)
    except FeedbackError as exc:
        return _form(request, status_code=400, values=values, problem=str(exc))
    state.intake_limiter.record(address)
    request.session[SESSION_DONE] = message.id
    return RedirectResponse("/zhaocuo/done", status_code=303)


@router.get("/zhaocuo/done")
def thanks(request: Request) -> Response:
    number = request.session.get(SESSION_DONE)
    return render(request, "zhaocuo_done.html", number=number if isinstance(number, int) else None)
