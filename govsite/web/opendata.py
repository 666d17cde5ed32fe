"""The open-data snapshot of a run: results.json and a data dictionary, zipped for publishing.

results.json is the public contract (docs/results.md), validated against its schema before
it is packed, exactly as a census writes it — with one cut: reviewers' account names are
left out, since a published file has no need of who in the centre checked a finding. The
dictionary describes every field in Chinese, as CSV (for people) and JSON (for programs).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from govsite.clock import now_iso
from govsite.profile import ProfileError, load_profile
from govsite.report.json_report import validate_results
from govsite.results import RunResults
from govsite.web.data import RunView


def _section(path: str, meaning: str,
             fields: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A facts section's own row, then one row per field in it."""
    kind = "array" if path.endswith("[]") else "object"
    return [(path, kind, meaning)] + [(f"{path}.{name}", t, m) for name, t, m in fields]


# (field path, JSON type, meaning). `sites[]` is one element of the sites array.
DATA_DICTIONARY: list[tuple[str, str, str]] = [
    ("schema", "string", "文件格式版本，固定为 govsite.results/1"),
    ("profile", "string", "评估方案编号（如 gb2019、gb2015）"),
    ("profile_name", "string", "评估方案中文名称"),
    ("as_of", "string (YYYY-MM-DD)", "监测时间点：各项时效要求由此日向前计算"),
    ("generated_at", "string (ISO 8601)", "本文件生成时间（含时区）"),
    ("run_id", "string", "普查运行编号"),
    ("sites[]", "array", "每个网站一条记录，按网站名录顺序"),
    ("sites[].site_code", "string", "网站标识码"),
    ("sites[].name", "string", "网站名称"),
    ("sites[].url", "string", "首页地址"),
    ("sites[].owner", "string", "主办单位"),
    ("sites[].category", "string", "网站类别（名录所填）"),
    ("sites[].kind", "string", "网站类型：portal 门户、department 部门、other 其他"),
    ("sites[].status", "string", "运行状态：running 运行、closed 关停、merged 整合迁移"),
    ("sites[].verdict", "string",
     "结论：pass 合格、fail 不合格、not_measured 未测（未能检测，不代表存在问题）"),
    ("sites[].score", "number | null", "得分（扣分后加加分）；结论为未测时为 null"),
    ("sites[].measured_score", "number | null",
     "仅按已检测部分计算的得分（暂估）；完全无法检测时为 null"),
    ("sites[].bonus", "number", "加分"),
    ("sites[].vetoes[]", "array of string", "触发单项否决的规则编号"),
    ("sites[].deductions[]", "array", "扣分明细，每条对应一项规则"),
    ("sites[].deductions[].rule", "string", "规则编号"),
    ("sites[].deductions[].points", "number", "扣分分值"),
    ("sites[].deductions[].count", "integer", "计入扣分的问题数"),
    ("sites[].deductions[].indicator", "string", "评估指标编号"),
    ("sites[].deductions[].indicator_zh", "string", "评估指标名称"),
    ("sites[].deductions[].findings[]", "array of integer",
     "扣分依据：指向本站 findings 列表的序号（从 0 起）"),
    ("sites[].findings[]", "array", "发现的问题，按（规则、页面、目标）排序"),
    ("sites[].findings[].rule", "string", "规则编号（中文名见 govsite rules）"),
    ("sites[].findings[].url", "string", "问题所在页面"),
    ("sites[].findings[].target", "string", "出问题的对象（如失效链接的地址），可缺省"),
    ("sites[].findings[].detail", "string", "问题说明（一句中文）"),
    ("sites[].findings[].evidence", "object",
     "证据：看到了什么、允许什么、在哪里、如何检测（键因规则而异）"),
    ("sites[].findings[].review", "object",
     "人工复核确认属实时的复核记录：verdict 结论、reason 理由、scope 范围、at 时间；可缺省"),
    ("sites[].not_measured[]", "array", "未能检测的项目"),
    ("sites[].not_measured[].what", "string", "未测对象：规则编号、规则族、site（整站）或 vetoes"),
    ("sites[].not_measured[].why", "string", "未测原因"),
    ("sites[].stats", "object", "检测统计（以下各项）"),
    ("sites[].stats.pages", "integer", "抓取的页面数"),
    ("sites[].stats.links", "integer", "检查的不同链接数"),
    ("sites[].stats.seconds", "number", "检测用时（秒）"),
    ("sites[].stats.suppressed", "integer", "经人工复核判定为误报而排除的问题数"),
    ("sites[].facts", "object",
     "检测中确认的事实；以下各部分均可缺省，任一值可为 null（未能确定）"),
    *_section("sites[].facts.availability", "可用性监测", [
        ("probes", "integer", "监测窗口内的探测次数（不含被防护拦截的）"),
        ("failures", "integer", "失败次数"),
        ("blocked", "integer", "被防护拦截、不计入的探测次数"),
        ("ratio", "number", "失败率（0–1）"),
        ("veto_ratio", "number", "触发单项否决的失败率（0–1）"),
        ("window_start", "string (ISO 8601)", "监测窗口开始"),
        ("window_end", "string (ISO 8601)", "监测窗口结束（不含）"),
        ("status", "string", "状态：ok 正常、failing 有失败、veto 达到否决标准、not_measured 未测"),
        ("why", "string", "未测原因"),
        ("errors", "object", "失败按错误类型计数"),
        ("worst_hours[]", "array", "失败最多的时段：hour 北京时间小时（0–23）、probes、failures"),
    ]),
    *_section("sites[].facts.home", "首页更新", [
        ("items", "integer", "首页信息条数"),
        ("dated_items", "integer", "有日期的信息条数"),
        ("newest", "string (YYYY-MM-DD)", "最新信息日期"),
        ("newest_title", "string", "最新信息标题"),
        ("newest_url", "string", "最新信息地址"),
        ("navigation_only", "boolean", "首页是否为导航页"),
        ("age_days", "integer", "最新信息距监测时间点天数"),
        ("allowed_days", "integer", "允许的最长未更新天数"),
        ("status", "string", "状态：ok 正常、stale 超期未更新、unknown 无法判断"),
    ]),
    *_section("sites[].facts.columns[]", "栏目", [
        ("name", "string", "栏目名称"),
        ("url", "string", "栏目地址"),
        ("type", "string", "栏目类型（动态要闻、通知公告、政策文件等）"),
        ("level", "integer", "栏目级别（1 一级、2 二级）"),
        ("pages", "integer", "抓取的栏目页数"),
        ("items", "integer", "信息条数"),
        ("dated_items", "integer", "有日期的信息条数"),
        ("newest", "string (YYYY-MM-DD)", "最新信息日期"),
        ("allowed", "string", "更新要求（如 14天、6个月）"),
        ("age_days", "integer", "最新信息距监测时间点天数"),
        ("status", "string",
         "状态：ok 正常、stale 超期未更新、blank 空白、exempt 豁免、not_judged 不检查"),
    ]),
    *_section("sites[].facts.messages", "互动交流", [
        ("channels[]", "array of string", "留言渠道地址"),
        ("total", "integer", "留言总数"),
        ("in_window", "integer", "一年内留言数"),
        ("answered", "integer", "已答复数"),
        ("unanswered", "integer", "未答复数"),
        ("unanswered_over_3m", "integer", "超过3个月未答复数"),
        ("median_days", "number", "答复用时中位数（天）"),
        ("p90_days", "number", "答复用时第90百分位（天）"),
        ("share_over_30d", "number", "超过1个月才答复的占比（0–1）"),
        ("newest_reply", "string (YYYY-MM-DD)", "最近答复日期"),
    ]),
    *_section("sites[].facts.guides[]", "办事指南", [
        ("url", "string", "办事指南地址"),
        ("title", "string", "标题"),
        ("present[]", "array of string", "已具备的要素"),
        ("missing[]", "array of string", "缺失的要素"),
    ]),
    *_section("sites[].facts.search", "站内搜索", [
        ("found", "boolean", "是否找到搜索功能"),
        ("how", "string", "方式：form 首页表单、link 搜索链接"),
        ("action", "string", "搜索提交地址"),
        ("query", "string", "检索词"),
        ("url", "string", "结果页地址"),
        ("status", "integer", "结果页 HTTP 状态码"),
        ("error", "string", "错误"),
        ("hits", "boolean", "是否有检索结果"),
    ]),
    *_section("sites[].facts.suppressed[]", "经人工复核判定为误报而排除的问题", [
        ("rule", "string", "规则编号"),
        ("url", "string", "问题所在页面"),
        ("target", "string | null", "出问题的对象"),
        ("detail", "string", "问题说明"),
        ("review", "object", "复核记录：verdict 结论、reason 理由、scope 范围、at 时间"),
    ]),
]


def published_results(view: RunView) -> dict[str, Any]:
    """The run's results.json document, validated, reviewers' names removed."""
    try:
        name_zh = load_profile(view.profile).name_zh
    except ProfileError:
        name_zh = ""
    run = RunResults(profile=view.profile, profile_name_zh=name_zh, as_of=view.run.as_of.isoformat(),
                     generated_at=now_iso(), sites=[s.result for s in view.sites], run_id=view.run.id)
    data = run.to_json()
    for site in data["sites"]:
        reviews = [f.get("review") for f in site["findings"]]
        reviews += [s.get("review") for s in site.get("facts", {}).get("suppressed") or []]
        for review in reviews:
            if isinstance(review, dict):
                review.pop("reviewer", None)
    validate_results(data)
    return data


def dictionary_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["字段", "类型", "说明"])
    writer.writerows(DATA_DICTIONARY)
    return out.getvalue().encode("utf-8-sig")


def dictionary_json() -> bytes:
    fields = [{"field": f, "type": t, "description": d} for f, t, d in DATA_DICTIONARY]
    return json.dumps({"schema": "govsite.results/1", "fields": fields}, ensure_ascii=False,
                      indent=1).encode("utf-8")


def bundle(view: RunView) -> bytes:
    """The zip: results.json, data_dictionary.csv, data_dictionary.json."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("results.json", json.dumps(published_results(view), ensure_ascii=False,
                                                    indent=1) + "\n")
        archive.writestr("data_dictionary.csv", dictionary_csv())
        archive.writestr("data_dictionary.json", dictionary_json())
    return out.getvalue()
