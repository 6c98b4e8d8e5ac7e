"""Composition rules and lead times: defaults (Baiyin), per-locality configuration, plain-Chinese text."""
from __future__ import annotations

from flask_babel import gettext as _

import re

from flask import current_app

from consult.hearings.selection import Category, Rule, check_rules

PUBLISH_LEAD_DAYS = 10  # app.config HEARING_PUBLISH_LEAD_DAYS
REGISTRATION_LEAD_DAYS = 3  # app.config HEARING_REGISTRATION_LEAD_DAYS
SMS_CODE_MINUTES = 10
SMS_CODE_MAX_ATTEMPTS = 5
SMS_RESEND_SECONDS = 60

# code, name, share of capacity (percent) for the default seats, minimum seats, flags
DEFAULT_CATEGORIES = [
    {"code": "affected", "name": "利益群体代表", "share": 50, "min_seats": 0, "is_affected": True},
    {"code": "heads", "name": "部门（单位）负责人", "share": 10},
    {"code": "figures", "name": "社会贤达", "share": 10},
    {"code": "experts", "name": "专家学者", "share": 10},
    {"code": "deputies", "name": "人大代表、政协委员", "share": 10},
    {"code": "media", "name": "新闻媒体", "share": 5, "is_public": False},
    {"code": "observers", "name": "旁听人员", "share": 5, "counts_in_share": False},
]
DEFAULT_RULES = [
    {"name": "利益群体代表不少于40%", "categories": ["affected"], "min_share": 40},
    {"name": "部门（单位）负责人和社会贤达不超过40%", "categories": ["heads", "figures"], "max_share": 40},
]


def config_value(key: str, default):
    return current_app.config.get(key, default)


def publish_lead_days() -> int:
    return int(config_value("HEARING_PUBLISH_LEAD_DAYS", PUBLISH_LEAD_DAYS))


def registration_lead_days() -> int:
    return int(config_value("HEARING_REGISTRATION_LEAD_DAYS", REGISTRATION_LEAD_DAYS))


def default_categories() -> list[dict]:
    return [dict(c) for c in config_value("HEARING_CATEGORIES", DEFAULT_CATEGORIES)]


def default_rules() -> list[dict]:
    return [dict(r) for r in config_value("HEARING_RULES", DEFAULT_RULES)]


def seats_for(capacity: int, templates: list[dict]) -> list[int]:
    """Split the capacity by the templates' shares; rounding leftovers go to the first category."""
    seats = [capacity * t.get("share", 0) // 100 for t in templates]
    if seats:
        seats[0] += capacity - sum(seats)
    return seats


def as_rules(data: list[dict]) -> list[Rule]:
    return [Rule(r["name"], tuple(r["categories"]), r.get("min_share"), r.get("max_share")) for r in data]


def as_categories(categories) -> list[Category]:
    return [Category(c.code, c.name, c.seats, c.min_seats, c.counts_in_share) for c in categories]


_LINE = re.compile(r"^\s*(?P<codes>[a-z0-9_,\s]+?)\s*(?P<op>>=|<=|≥|≤)\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s*%?\s*$")


def parse_rules(text: str, names: dict[str, str]) -> list[dict]:
    """One rule a line: `affected >= 40` or `heads, figures <= 40` (category codes, percent)."""
    rules = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise ValueError(_('第 %(v0)s 行格式不正确，应为“类别代码 >= 百分比”或“类别代码, 类别代码 <= 百分比”。', v0=n))
        codes = [c.strip() for c in m["codes"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in names]
        if unknown or not codes:
            raise ValueError(_('第 %(v0)s 行有未知的类别代码：%(v1)s。', v0=n, v1='、'.join(unknown) or '（空）'))
        pct = float(m["pct"])
        if pct > 100:
            raise ValueError(_('第 %(v0)s 行的百分比不能超过 100。', v0=n))
        pct = int(pct) if pct.is_integer() else pct
        label = "和".join(names[c] for c in codes)
        if m["op"] in (">=", "≥"):
            rules.append({"name": f"{label}不少于{pct}%", "categories": codes, "min_share": pct})
        else:
            rules.append({"name": f"{label}不超过{pct}%", "categories": codes, "max_share": pct})
    return rules


def rules_text(rules: list[dict]) -> str:
    lines = []
    for r in rules:
        op, pct = (">=", r["min_share"]) if r.get("min_share") is not None else ("<=", r["max_share"])
        lines.append(f"{', '.join(r['categories'])} {op} {pct}")
    return "\n".join(lines)


def composition(meeting, counts: dict[str, int]):
    """Rule checks for the given per-category-code counts."""
    return check_rules(counts, as_categories(meeting.categories), as_rules(meeting.rules or []))


def plain_rule_text(meeting) -> list[str]:
    """The selection rule in plain Chinese for the registration page."""
    lines = []
    if meeting.allocation.value == "first_come":
        lines.append("各类别按报名先后确定参加人员，名额满后报名的列入候补。")
    else:
        lines.append("报名截止后，按各类别名额遴选参加人员；报名人数超过名额的类别，以公开的随机种子抽签决定，任何人都可以复核抽签结果。")
        if meeting.matter.is_sensitive:
            lines.append("本事项属于敏感事项：持反对意见的受影响群众优先入选。")
    lines.extend(f"{r['name']}。" for r in meeting.rules or [])
    lines.append("未入选的报名人按顺序列入候补；入选者取消参加时，由同类别候补人员依次递补。")
    return lines
