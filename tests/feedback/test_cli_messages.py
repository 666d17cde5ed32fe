"""`govsite messages` as an operator uses it: import (twice, and a bad file), list, stats, remind."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from feedback.conftest import CITY_UNIT, COUNTY_UNIT, GOOD, SITES, Mailbox, free_port, write_csv
from govsite.cli import app
from govsite.store import Store, sqlite_url


def write_registry(path: Path) -> Path:
    rows = ["网站名称,网站标识码,首页地址,主办单位,网站类型,上级网站"]
    kinds = {"portal": "门户", "department": "部门", "other": "其他"}
    rows += [f"{s.name},{s.site_code},{s.url},{s.owner},{kinds[s.kind]},{s.parent}" for s in SITES]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["messages", *args])
    return result.exit_code, result.output


def test_import_list_and_stats(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "govsite.db")
    sites = write_registry(tmp_path / "sites.csv")
    export = write_csv(tmp_path / "export.csv", GOOD)
    code, out = run("import", str(export), "--sites", str(sites), "--db", db)
    assert code == 0, out
    assert "导入 3 条新留言，跳过 0 条" in out
    code, out = run("import", str(export), "--sites", str(sites), "--db", db)
    assert code == 0 and "导入 0 条新留言，跳过 3 条" in out
    code, out = run("list", "--db", db, "--json", "--unit", COUNTY_UNIT)
    assert code == 0, out
    assert [m["external_id"] for m in json.loads(out)] == ["ZC20250930002"]
    # The county's 社会监督员 message is due 10-21 (10 working days): overdue on the 22nd.
    code, out = run("list", "--db", db, "--json", "--overdue", "--as-of", "2025-10-22")
    assert {m["external_id"] for m in json.loads(out)} == {"ZC20250930001", "ZC20250930002",
                                                          "ZC20250930003"}  # replies late too
    code, out = run("list", "--db", db, "--overdue", "--as-of", "2025-10-09T12:00")
    assert code == 0 and "共 0 条" in out
    code, out = run("stats", "--db", db, "--json", "--as-of", "2025-10-22")
    assert code == 0, out
    figures = json.loads(out)
    assert figures["overall"]["received"] == 3 and figures["overall"]["overdue_open"] == 1
    assert figures["overall"]["on_time_rate"] == 0.0
    assert {u["unit"] for u in figures["units"]} == {CITY_UNIT, COUNTY_UNIT, "某部办公厅"}
    code, out = run("stats", "--db", db, "--as-of", "2025-10-22")
    assert code == 0 and "找错留言办理统计" in out and "超期未办结留言" in out


def test_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "govsite.db")
    sites = write_registry(tmp_path / "sites.csv")
    export = write_csv(tmp_path / "export.csv",
                       [*GOOD, "ZC-9,某网站,3399999999,其他,,内容,,2025-09-30 09:00,,"])
    code, out = run("import", str(export), "--sites", str(sites), "--db", db)
    assert code == 2
    assert "export.csv:5: 网站标识码 (column C): 网站标识码 3399999999 不在网站名录中" in out
    assert "未导入任何留言" in out
    with Store(db) as store:
        store.migrate()
        assert store.count_messages() == 0


def test_remind_mails_once_and_needs_a_channel(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    db = sqlite_url(tmp_path / "govsite.db")
    sites = write_registry(tmp_path / "sites.csv")
    run("import", str(write_csv(tmp_path / "export.csv", GOOD)), "--sites", str(sites), "--db", db)
    code, out = run("remind", "--db", db)
    assert code == 2 and "至少需要一个提醒通道" in out
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        args = ["remind", "--db", db, "--as-of", "2025-10-10T09:00", "--within", "1d",
                "--smtp", f"127.0.0.1:{controller.port}", "--mail-to", "ban@example.gov.cn"]
        code, out = run(*args)
        assert code == 0, out
        # Replies of all three are due Saturday 10-11 (调休), the next working day.
        assert "已发送提醒 3 条" in out and len(box.messages) == 3
        code, out = run(*args)
        assert code == 0 and "已发送提醒 0 条，跳过 3 条" in out and len(box.messages) == 3
    finally:
        controller.stop()
    code, out = run("remind", "--db", db, "--webhook", "http://127.0.0.1:9/x", "--within", "2w")
    assert code == 2 and "不是有效的提醒范围" in out
