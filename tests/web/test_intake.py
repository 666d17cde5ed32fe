"""The public 我为政府网站找错 form: no account, CSRF-bound, validated, rate-limited, routed."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient

from govsite.store import Store
from govsite.web.intake import IntakePolicy
from tests.web.conftest import CST, DEPT, GZ, HAIDE, ClientFactory, Clock, Seeded, csrf_from

GOOD = {"site_code": DEPT, "msg_type": "内容更新不及时", "page_url": "http://jw.hdq.gov.cn/tzgg/",
        "content": "“通知公告”栏目最新一条是半年前的。", "contact": "13800000000"}


def submit(client: TestClient, **changes: str) -> tuple[int, str]:
    """Fill in the form as a visitor does (fresh token from the page), and post it."""
    token = csrf_from(client.get("/zhaocuo").text)
    response = client.post("/zhaocuo", data={"csrf_token": token, **GOOD, **changes},
                           follow_redirects=False)
    return response.status_code, response.text


def test_a_report_is_routed_to_the_unit_with_deadlines(make_client: ClientFactory, store: Store,
                                                       seeded: Seeded) -> None:
    client = make_client()
    form = client.get("/zhaocuo")
    assert form.status_code == 200 and "我为政府网站找错" in form.text
    # The registry of the newest finished run, running sites only, one option each.
    assert form.text.count('<option value="1101') == 3 and f'<option value="{GZ}"' in form.text
    status, _ = submit(client)
    assert status == 303
    done = client.get("/zhaocuo/done").text
    number = int(re.search(r'id="message-number">(\d+)<', done).group(1))  # type: ignore[union-attr]
    message = store.get_message(number)
    assert message is not None
    # The department's messages go to the unit at the top of its 上级网站 chain.
    assert (message.unit, message.site_code, message.state) == (HAIDE, DEPT, "待分办")
    assert (message.source, message.submitter_kind, message.contact) == ("form", "public", "13800000000")
    # Received Friday 2025-09-26 (the clock): day 1 is Sunday 09-28, a 调休 working day.
    assert message.received_at == datetime(2025, 9, 26, 10, 0, tzinfo=CST)
    assert message.reply_deadline == datetime(2025, 9, 30, 23, 59, 59, tzinfo=CST)
    assert message.close_deadline == datetime(2025, 10, 27, 23, 59, 59, tzinfo=CST)
    assert [e.action for e in store.list_audit(object_type="message")] == ["message.receive"]
    # Another visitor's session does not carry the number.
    assert "没有刚提交的留言" in make_client().get("/zhaocuo/done").text


def test_every_field_is_checked_and_nothing_is_stored(make_client: ClientFactory, store: Store) -> None:
    client = make_client()
    cases = [
        ({"page_url": "javascript:alert(1)"}, "以 http:// 或 https:// 开头"),
        ({"page_url": "ftp://jw.hdq.gov.cn/a"}, "以 http:// 或 https:// 开头"),
        ({"page_url": ""}, "以 http:// 或 https:// 开头"),
        ({"site_code": "9999999999"}, "请选择网站"),
        ({"msg_type": "乱写"}, "请选择问题类型"),
        ({"content": "  "}, "请描述发现的问题"),
        ({"content": "字" * 2001}, "不超过 2000 字（现为 2001 字）"),
        ({"contact": "1" * 101}, "联系方式不超过 100 个字符"),
        ({"content": "a\x00b"}, "含有无效字符"),
    ]
    for changes, message in cases:
        status, page = submit(client, **changes)
        assert status == 400 and message in page, changes
    assert store.count_messages() == 0
    # What the visitor typed comes back escaped, never as markup.
    status, page = submit(client, content="<script>window.__xss=1</script>", page_url="x")
    assert status == 400
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page and "<script>window" not in page


def test_the_form_needs_its_own_sessions_token(make_client: ClientFactory, store: Store) -> None:
    visitor, forger = make_client(), make_client()
    assert visitor.post("/zhaocuo", data=GOOD, follow_redirects=False).status_code == 403
    token = csrf_from(forger.get("/zhaocuo").text)
    # A token from another (anonymous) session is worth nothing in this one.
    visitor.get("/zhaocuo")
    response = visitor.post("/zhaocuo", data={"csrf_token": token, **GOOD}, follow_redirects=False)
    assert response.status_code == 403
    assert store.count_messages() == 0


def test_reports_are_rate_limited_per_address(make_client: ClientFactory, store: Store,
                                              clock: Clock) -> None:
    client = make_client(intake=IntakePolicy(max_reports=2, window_s=600))
    assert [submit(client)[0] for _ in range(2)] == [303, 303]
    token = csrf_from(client.get("/zhaocuo").text)
    response = client.post("/zhaocuo", data={"csrf_token": token, **GOOD}, follow_redirects=False)
    assert response.status_code == 429 and "提交过于频繁" in response.text
    assert 1 <= int(response.headers["Retry-After"]) <= 600
    # The business clock does not lift it: the limit runs on real time.
    clock.set(2025, 9, 27, 10, 0)
    assert submit(client)[0] == 429
    assert store.count_messages() == 2
    # Refused reports were not counted: an invalid one does not use up the allowance.
    other = make_client(intake=IntakePolicy(max_reports=1, window_s=600))
    assert submit(other, page_url="nope")[0] == 400
    assert submit(other)[0] == 303
