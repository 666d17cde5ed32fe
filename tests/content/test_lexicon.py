"""Lexicon files: the built-in lists are valid and self-consistent; users extend them safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govsite.content.lexicon import (
    BANNED_CATEGORIES,
    SERIOUS_CATEGORIES,
    LexiconError,
    LexiconSet,
    effective_lexicons,
    load_lexicon_file,
    load_user_lexicons,
    package_lexicons,
)
from govsite.content.matcher import matcher_for
from govsite.content.normalize import normalize, normalize_term


def test_package_lexicons_load_with_categories_and_sources() -> None:
    lex = package_lexicons()
    kinds = {k: lex.of(k) for k in ("serious", "typo", "banned")}
    assert len(kinds["serious"]) >= 60 and len(kinds["typo"]) >= 100 and len(kinds["banned"]) >= 60
    assert {e.category for e in kinds["serious"]} == set(SERIOUS_CATEGORIES)
    assert {e.category for e in kinds["banned"]} == set(BANNED_CATEGORIES)
    assert all(e.source for e in lex.entries), [e.origin for e in lex.entries if not e.source]
    assert all(e.origin.startswith("govsite/lexicons/") for e in lex.entries)


def test_a_correct_form_never_trips_any_entry() -> None:
    """The correct form of every serious/typo entry, in a sentence, gives no hit at all."""
    lex = package_lexicons()
    matcher = matcher_for(lex)
    for entry in lex.of("serious") + lex.of("typo"):
        text = normalize(f"根据有关规定，{entry.correct}，现予公布。").text
        hits = matcher.scan(text)
        assert not hits, (entry.origin, entry.correct, [h.entry.wrong for h in hits])


def test_allow_phrases_and_context_patterns_keep_correct_neighbours_out() -> None:
    matcher = matcher_for(package_lexicons())
    for text in (
        "学习近乎停滞",
        "各省省委书记",
        "全国政协委员长期关注",
        "区生态环保部门",
        "报名截止日期",
        "党的十九大以来",
        "不忘初衷，持之以恒",
    ):
        assert not matcher.scan(normalize(text).text), text
    for text in (
        "学习贯彻习近乎讲话",
        "广东省省委书记",
        "十九大四中全会",
        "截止2026年底",
        "不忘初衷、牢记使命",
    ):
        assert matcher.scan(normalize(text).text), text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_yaml_adds_replaces_and_ignores(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.yaml",
        """
serious:
  - category: 机构名称
    source: 本区机构编制文件
    entries:
      - [海淀区政务服务中心管理局, 海淀区政务服务管理局]
typo:
  - source: 本区校对规范
    entries:
      - {wrong: 布署, correct: 部署, note: 覆盖内置条目}
banned_allow: [赌博案例]
ignore: [前苏联, 既使]
""",
    )
    user = load_user_lexicons([path])
    lex = effective_lexicons(user)
    keys = {(e.kind, e.key) for e in lex.entries}
    assert ("serious", "海淀区政务服务中心管理局") in keys
    assert ("typo", normalize_term("既使")) not in keys
    replaced = [e for e in lex.entries if e.kind == "typo" and e.key == "布署"]
    assert len(replaced) == 1 and replaced[0].origin == f"{path}:10" and replaced[0].note == "覆盖内置条目"
    assert "赌博案例" in lex.banned_allow
    assert effective_lexicons(None) is package_lexicons()


def test_user_tsv_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.tsv",
        "kind\twrong\tcorrect\tcategory\tsource\n"
        "# comment\nserious\t海淀区人民政付\t海淀区人民政府\t机构名称\t本区\n"
        "banned\t某某娱乐城\t\t赌博\t巡查发现\nallow\t娱乐城管理\n",
    )
    lex = load_lexicon_file(path)
    assert [(e.kind, e.wrong, e.origin) for e in lex.entries] == [
        ("serious", "海淀区人民政付", f"{path}:3"),
        ("banned", "某某娱乐城", f"{path}:4"),
    ]
    assert lex.banned_allow == ("娱乐城管理",)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "bad.yaml",
            "serious:\n  - category: 人名\n    entries: [[甲乙, 甲丙]]\n",
            "bad.yaml:2: serious category '人名'",
        ),
        (
            "bad.yaml",
            "typo:\n  - entries:\n      - [布署]\n",
            "bad.yaml:3: typo entry '布署' needs its correct form",
        ),
        (
            "bad.yaml",
            "serious:\n  - category: 政治表述\n    entries:\n      - {wrong: 社会主意, correct: 社会主义, "
            "allow: [主意见]}\n",
            "bad.yaml:4: allow phrase '主意见' does not contain '社会主意'",
        ),
        (
            "bad.yaml",
            "typo:\n  - entries:\n      - [布署, 部署]\n      - [布署, 部署]\n",
            "bad.yaml:4: typo term '布署' is already listed at 3",
        ),
        (
            "bad.yaml",
            "typo:\n  - entries:\n      - {wrong: 截止, correct: 截至, next: '[0-9'}\n",
            "bad.yaml:3: `next` is not a valid",
        ),
        (
            "bad.yaml",
            "banned:\n  - category: 赌博\n    entries: [赌]\n",
            "bad.yaml:3: banned term '赌' is shorter",
        ),
        ("bad.yaml", "seriuos: []\n", "bad.yaml:1: unknown key(s) seriuos"),
        ("bad.yaml", "typo: [\n", "bad.yaml:2: not valid YAML"),
        ("bad.tsv", "serious\t甲乙\n", "bad.tsv:1: serious category '' is not one of"),
        ("bad.tsv", "serious\t甲乙\t\t机构名称\n", "bad.tsv:1: serious entry '甲乙' needs its correct form"),
        ("bad.tsv", "typo\t布署\t部署\tx\ty\tz\n", "bad.tsv:1: expected 2 to 5 tab-separated columns"),
        ("bad.tsv", "spam\t布署\t部署\n", "bad.tsv:1: kind 'spam' is not one of"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(LexiconError) as info:
        load_lexicon_file(path)
    assert str(info.value).startswith(str(tmp_path / message)), str(info.value)


def test_census_rejects_a_broken_lexicon_before_crawling(tmp_path: Path) -> None:
    sites = write(tmp_path, "sites.csv", "name,site_code,url\n测试网站,1101050001,http://www.a.gov.cn/\n")
    bad = write(tmp_path, "bad.yaml", "typo:\n  - entries:\n      - [布署]\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govsite",
            "census",
            "--sites",
            str(sites),
            "--lexicon",
            str(bad),
            "--db",
            f"sqlite:///{tmp_path}/g.db",
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "bad.yaml:3" in proc.stdout and "布署" in proc.stdout


def test_empty_user_set_changes_nothing() -> None:
    assert effective_lexicons(LexiconSet()) is package_lexicons()
