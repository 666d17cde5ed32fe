"""导入平台留言: the national platform's export uploaded by the centre — all rows or none."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import Workbook

from govsite.store import Store
from tests.web.conftest import DEPT, GUANGZHOU, GZ, HAIDE, Seeded

SignIn = Callable[[str], tuple[TestClient, str]]
HEADER = "留言编号,网站名称,网站标识码,问题类型,留言标题,留言内容,问题页面,留言时间,留言人类型,处理状态"
GOOD = [
    f"ZC001,教育委员会,{DEPT},内容更新不及时,栏目不更新,通知公告栏目半年未更新,http://jw.hdq.gov.cn/tzgg/,"
    "2025-09-25 09:15,网民,待处理",
    f"ZC002,管委会网站,{GZ},链接无法访问,,首页链接打不开,,2025/9/24 10:20,社会监督员,",
]


def upload(client: TestClient, token: str, content: bytes, name: str = "export.csv") -> tuple[int, str]:
    response = client.post("/messages/import", data={"csrf_token": token},
                           files={"file": (name, content, "application/octet-stream")})
    return response.status_code, response.text


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode(encoding)


def test_an_export_is_imported_once(client_as: SignIn, store: Store, seeded: Seeded) -> None:
    staff, token = client_as("staff")
    form = staff.get("/messages/import")
    assert form.status_code == 200 and "留言编号" in form.text and "2 MiB" in form.text
    status, page = upload(staff, token, csv_bytes(GOOD, "gbk"))
    assert status == 200 and "新增 2 条，跳过 0 条" in page
    assert {(m.external_id, m.unit, m.source) for m in store.list_messages()} == {
        ("ZC001", HAIDE, "import"), ("ZC002", GUANGZHOU, "import")}
    status, page = upload(staff, token, csv_bytes(GOOD))
    assert status == 200 and "新增 0 条，跳过 2 条" in page
    assert store.count_messages() == 2
    audit = store.list_audit(object_type="message")
    assert {e.action for e in audit} == {"message.import"} and audit[0].actor == "staff"
    assert audit[0].detail["file"] == "export.csv"


def test_an_xlsx_export_is_read_like_the_csv(client_as: SignIn, store: Store, seeded: Seeded) -> None:
    admin, token = client_as("admin")
    book = Workbook()
    sheet = book.active
    for line in [HEADER, *GOOD]:
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    status, page = upload(admin, token, out.getvalue(), "导出.xlsx")
    assert status == 200 and "导出.xlsx：新增 2 条" in page.replace("已导入 ", "")
    assert store.count_messages() == 2


def test_every_bad_row_is_shown_with_line_and_column_and_nothing_is_imported(
        client_as: SignIn, store: Store, seeded: Seeded) -> None:
    staff, token = client_as("staff")
    bad = GOOD + [
        "ZC003,x,3301000001,其他,,内容,,2025-09-25 09:00,网民,",
        "ZC004,x,1101050002,没有这类,,内容,javascript:alert(1),2025-09-27 09:00,网民,",
        "ZC001,x,1101050002,其他,,<script>window.__xss=1</script>,,昨天,,",
    ]
    status, page = upload(staff, token, csv_bytes(bad))
    assert status == 400 and "未导入任何留言" in page
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([A-Z—]+)</td><td>([^<]*)</td><td>([^<]*)</td>',
                      page)
    located = {(int(line), column) for line, column, _, _ in rows}
    assert located == {(4, "C"), (5, "D"), (5, "G"), (5, "H"), (6, "A"), (6, "H")}
    assert any("不在网站名录中" in reason for *_, reason in rows)
    assert any("晚于当前时间" in reason for *_, reason in rows)  # the app clock's now
    assert store.count_messages() == 0


def test_uploads_are_checked_before_reading(client_as: SignIn, store: Store, seeded: Seeded) -> None:
    staff, token = client_as("staff")
    assert "请上传 CSV" in upload(staff, token, csv_bytes(GOOD), "export.txt")[1]
    assert "文件为空" in upload(staff, token, b"")[1]
    assert "空字符" in upload(staff, token, csv_bytes(GOOD, "utf-16"))[1]
    big = csv_bytes(GOOD) + b"," * (2 * 1024 * 1024)
    status, page = upload(staff, token, big)
    assert status == 400 and "文件超过 2 MiB" in page
    status, _ = upload(staff, token, big + b"," * (1024 * 1024))
    assert status == 413
    status, page = upload(staff, token, b"PK\x03\x04 not really a workbook", "export.xlsx")
    assert status == 400 and "无法读取 XLSX 文件" in page
    assert store.count_messages() == 0


def test_only_the_centre_imports(client_as: SignIn, store: Store, seeded: Seeded) -> None:
    for username in ("haide", "viewer"):
        client, token = client_as(username)
        assert upload(client, token, csv_bytes(GOOD))[0] == 403, username
    staff, _ = client_as("staff")
    response = staff.post("/messages/import", files={"file": ("export.csv", csv_bytes(GOOD))})
    assert response.status_code == 403  # no CSRF token
    assert store.count_messages() == 0
