"""Reads the ledger's filters from a query string; every bad value gets a Chinese message."""
from __future__ import annotations

import enum
import unicodedata
from typing import Mapping

from flask_babel import gettext as _

from consult.matters.models import MatterKind, Procedure
from consult.oversight.ledger import FILING_STATES, Filters
from consult.register.models import RiskLevel
from consult.reports.models import Outcome

MAX_TEXT = 100
THIRD_PARTY = {"yes": True, "no": False}


def _enum_value(cls: type[enum.Enum], raw: str, label: str, errors: list[str]):
    if not raw:
        return None
    try:
        return cls(raw)
    except ValueError:
        errors.append(_("%(label)s的取值无效。", label=label))
        return None


def _int(raw: str, label: str, errors: list[str], low: int, high: int):
    if not raw:
        return None
    if len(raw) > 12 or not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        errors.append(_("%(label)s须为 %(low)s–%(high)s 之间的整数。", label=label, low=low, high=high))
        return None
    return int(raw)


def _text(raw: str, label: str, errors: list[str]) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in raw if c not in "\t\n\r"):
        errors.append(_("%(label)s含有无效的控制字符。", label=label))
        return ""
    value = " ".join(raw.split())
    if len(value) > MAX_TEXT:
        errors.append(_("%(label)s不能超过 %(n)s 个字。", label=label, n=MAX_TEXT))
        return ""
    return value


def parse(args: Mapping[str, str], organisation_ids: set[int] | None) -> tuple[Filters, list[str]]:
    """Filters and the list of error messages; a bad value is reported and left out."""
    errors: list[str] = []
    get = lambda k: (args.get(k) or "").strip()  # noqa: E731
    f = Filters(
        area=_text(get("area"), _("区县"), errors), q=_text(get("q"), _("搜索"), errors),
        kind=_enum_value(MatterKind, get("kind"), _("事项类型"), errors),
        procedure=_enum_value(Procedure, get("procedure"), _("评估程序"), errors),
        level=_enum_value(RiskLevel, get("level"), _("风险等级"), errors),
        outcome=_enum_value(Outcome, get("outcome"), _("评估结论"), errors),
        year=_int(get("year"), _("年份"), errors, 2000, 2100),
        page=_int(get("page"), _("页码"), errors, 1, 100000) or 1,
        flagged=get("flagged") == "1",
    )
    third_party = get("third_party")
    if third_party and third_party not in THIRD_PARTY:
        errors.append(_("第三方评估的取值无效。"))
    else:
        f.third_party = THIRD_PARTY.get(third_party)
    filing = get("filing")
    if filing and filing not in FILING_STATES:
        errors.append(_("备案状态的取值无效。"))
    else:
        f.filing = filing
    org = _int(get("organisation_id"), _("责任单位"), errors, 1, 2**31 - 1)
    if org is not None and organisation_ids is not None and org not in organisation_ids:
        errors.append(_("所选责任单位不在您的监督范围内。"))
    else:
        f.organisation_id = org
    return f, errors


def plan_selection(args: Mapping[str, str], organisations: list, default_year: int):
    """The organisation (one of those given; the first by default) and year a plan page shows."""
    errors: list[str] = []
    get = lambda k: (args.get(k) or "").strip()  # noqa: E731
    year = _int(get("year"), _("年份"), errors, 2000, 2100) or default_year
    raw = _int(get("organisation_id"), _("单位"), errors, 1, 2**31 - 1)
    by_id = {o.id: o for o in organisations}
    if raw is not None and raw not in by_id:
        errors.append(_("所选单位不在您可查看的范围内。"))
    org = by_id.get(raw) or (organisations[0] if organisations else None)
    return org, year, errors
