"""Proposed matter risk level: three documented methods, each shown with its inputs.

(a) register   the highest item level after measures (residual, else initial) and the counts of
               high and medium items; ``register.medium_items_for_high`` medium items also make high.
(b) opposition the larger of the questionnaire opposition share (options of the support question
               whose label says 反对 / 不支持 / 不太支持 / 不赞成, counted exactly as the results page counts them) and the
               weighted share of voices whose unified stance is 反对. Opposition above
               ``opposition.high`` % is high, from ``opposition.medium`` % medium, else low
               (local practice: > 33 % high, 10–33 % medium, < 10 % low).
(c) escalation texts flagged for collective-action terms and the distinct people behind them
               (author, else household, else the text itself); ``escalation.high_people`` people
               make high, ``escalation.medium_people`` medium.

Cut-offs are configurable (CONSULT_LEVEL_RULES, JSON): ``{"default": {...}, "by_area": {"A市":
{...}}}``; the longest area prefix that matches the matter's area wins, key by key.
The proposal is the highest level any method gives (a stability assessment errs on the safe side);
where methods give different levels the page says so.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from consult.analysis.models import Voice, VoiceStance
from consult.extensions import db
from consult.register.models import RISK_LEVEL_LABELS, RiskItem, RiskLevel

DEFAULT_RULES = {
    "register": {"medium_items_for_high": 3},
    "opposition": {"high": 33.0, "medium": 10.0},
    "escalation": {"high_people": 20, "medium_people": 5},
}
OPPOSE_WORDS = re.compile(r"反对|不支持|不太支持|不赞成")
ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@dataclass
class MethodResult:
    key: str
    name: str
    level: RiskLevel | None  # None: no data for this method
    inputs: list[tuple[str, str]] = field(default_factory=list)
    rule: str = ""

    @property
    def level_label(self) -> str:
        return str(RISK_LEVEL_LABELS[self.level]) if self.level else "无数据"

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "level": self.level.value if self.level else None,
                "level_label": self.level_label, "inputs": [list(i) for i in self.inputs], "rule": self.rule}


def rules_for(matter) -> dict:
    configured = current_app.config.get("LEVEL_RULES") or {}
    rules = copy.deepcopy(DEFAULT_RULES)
    layers = [configured.get("default") or {}]
    by_area = configured.get("by_area") or {}
    layers += [by_area[k] for k in sorted(by_area, key=len) if (matter.area or "").startswith(k)]
    for layer in layers:
        for group, values in layer.items():
            rules.setdefault(group, {}).update(values)
    return rules


def _items(matter_id: int) -> list[RiskItem]:
    return list(db.session.scalars(select(RiskItem).where(RiskItem.matter_id == matter_id)))


def register_method(matter, rules: dict) -> MethodResult:
    items = _items(matter.id)
    after = [i.residual_level or i.level for i in items if (i.residual_level or i.level)]
    high = sum(1 for lv in after if lv == RiskLevel.HIGH)
    medium = sum(1 for lv in after if lv == RiskLevel.MEDIUM)
    limit = int(rules["register"]["medium_items_for_high"])
    level = None
    if after:
        level = max(after, key=ORDER.get)
        if level == RiskLevel.MEDIUM and medium >= limit:
            level = RiskLevel.HIGH
    top = str(RISK_LEVEL_LABELS[max(after, key=ORDER.get)]) if after else "—"
    return MethodResult("register", "风险清单（措施后）", level,
                        [("风险条目", str(len(items))), ("已定级条目", str(len(after))), ("最高等级", top),
                         ("高风险条目", str(high)), ("中风险条目", str(medium))],
                        f"取措施后最高条目等级；中风险条目达到 {limit} 条时评为高风险")


def survey_opposition(matter) -> tuple[int, int, list[str]]:
    """(opposing, answered, survey titles) over the matter's questionnaires, from results.figures."""
    from consult.surveys import results
    from consult.surveys.models import Survey
    from consult.surveys.spec import load_spec

    yes = answered = 0
    titles = []
    for survey in db.session.scalars(select(Survey).where(Survey.matter_id == matter.id).order_by(Survey.id)):
        spec = load_spec(survey.id)
        qid = spec.definitions.support_qid if spec and spec.definitions else None
        if not qid:
            continue
        for fig in results.figures(spec)["questions"]:
            if fig.q.id == qid:
                yes += sum(b.count for b in fig.bars if OPPOSE_WORDS.search(b.label))
                answered += fig.answered
                titles.append(survey.title)
    return yes, answered, titles


def voice_opposition(matter_id: int) -> tuple[float, float]:
    rows = db.session.execute(select(Voice.stance, func.sum(Voice.weight)).where(
        Voice.matter_id == matter_id, Voice.is_excluded.is_(False)).group_by(Voice.stance)).all()
    total = sum(w or 0 for _s, w in rows)
    oppose = sum(w or 0 for s, w in rows if s == VoiceStance.OPPOSE)
    return float(oppose), float(total)


def _pct(n, d) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def opposition_method(matter, rules: dict) -> MethodResult:
    s_yes, s_n, _titles = survey_opposition(matter)
    v_yes, v_n = voice_opposition(matter.id)
    shares = [p for p in (_pct(s_yes, s_n), _pct(v_yes, v_n)) if p is not None]
    cut = rules["opposition"]
    share = max(shares) if shares else None
    level = None
    if share is not None:
        level = RiskLevel.HIGH if share > cut["high"] else RiskLevel.MEDIUM if share >= cut["medium"] else RiskLevel.LOW
    fmt = lambda p, a, b: f"{p}%（{a:g}/{b:g}）" if p is not None else "无数据"  # noqa: E731
    return MethodResult("opposition", "反对意见占比", level,
                        [("问卷反对占比", fmt(_pct(s_yes, s_n), s_yes, s_n)),
                         ("全部意见（统一立场）反对占比", fmt(_pct(v_yes, v_n), v_yes, v_n)),
                         ("采用（取较大者）", f"{share}%" if share is not None else "无数据")],
                        f"反对占比 > {cut['high']:g}% 为高风险，{cut['medium']:g}%–{cut['high']:g}% 为中风险，"
                        f"< {cut['medium']:g}% 为低风险")


def escalation_method(matter, rules: dict) -> MethodResult:
    rows = db.session.execute(select(Voice.id, Voice.author, Voice.household).where(
        Voice.matter_id == matter.id, Voice.is_excluded.is_(False), Voice.is_flagged.is_(True))).all()
    total = db.session.scalar(select(func.count()).select_from(Voice).where(
        Voice.matter_id == matter.id, Voice.is_excluded.is_(False))) or 0
    people = len({(a or h or f"#{i}") for i, a, h in rows})
    cut = rules["escalation"]
    level = None
    if total:
        level = RiskLevel.HIGH if people >= cut["high_people"] else \
            RiskLevel.MEDIUM if people >= cut["medium_people"] else RiskLevel.LOW
    return MethodResult("escalation", "激化信号", level,
                        [("含集体行动词语的意见", str(len(rows))), ("涉及人数（去重）", str(people)),
                         ("意见总数", str(total))],
                        f"涉及 {cut['high_people']} 人及以上为高风险，{cut['medium_people']} 人及以上为中风险")


def evaluate(matter) -> dict:
    """All methods, the proposal and whether they disagree (also stored with the level)."""
    rules = rules_for(matter)
    methods = [register_method(matter, rules), opposition_method(matter, rules), escalation_method(matter, rules)]
    levels = [m.level for m in methods if m.level]
    proposed = max(levels, key=ORDER.get) if levels else None
    return {"methods": methods, "proposed": proposed, "disagree": len(set(levels)) > 1, "rules": rules}
