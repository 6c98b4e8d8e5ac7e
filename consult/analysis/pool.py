"""Reading the voice pool: the filtered, paginated list with facet counts, the matter panel's
figures, and the flagged list (escalation texts + questionnaire answers that signal collective
action or 上访).

Filters come from the query string and are parsed leniently: a value that cannot be understood
is dropped (and reported in ``PoolFilter.ignored``), never an error page.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from consult.analysis.models import (SOURCE_LABELS, AnalysisRun, PointState, RiskPoint, RunStatus, Voice,
                                     VoiceSource, VoiceStance)
from consult.extensions import db
from consult.forms import has_forbidden_chars
from consult.timeutil import local_to_utc

PER_PAGE = 50
MAX_QUERY_CHARS = 100
FACETS = ("source", "stance", "group", "flagged", "reviewed", "point")


@dataclass(frozen=True)
class PoolFilter:
    q: str = ""
    source: str = ""
    stance: str = ""
    group: str = ""
    date_from: date | None = None
    date_to: date | None = None
    flagged: str = ""   # "1" flagged, "0" not flagged
    reviewed: str = ""  # "1" reviewed, "0" not yet
    point: str = ""     # a risk point id, or "none"
    new: str = ""       # "1": not in any run yet
    page: int = 1
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args) -> "PoolFilter":
        ignored: list[str] = []
        values = _text_values(args, ignored) | _choice_values(args, ignored)
        for key in ("date_from", "date_to"):
            raw = args.get(key) or ""
            try:
                values[key] = date.fromisoformat(raw) if raw else None
            except ValueError:
                ignored.append(key)
        page = args.get("page") or "1"
        values["page"] = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1
        return cls(ignored=tuple(ignored), **values)

    def args(self, **changes) -> dict[str, str]:
        """The query string of this filter (for links), with some values changed."""
        f = replace(self, **changes)
        out = {k: getattr(f, k) for k in ("q", "source", "stance", "group", "flagged", "reviewed", "point", "new")}
        out["date_from"] = f.date_from.isoformat() if f.date_from else ""
        out["date_to"] = f.date_to.isoformat() if f.date_to else ""
        if f.page > 1:
            out["page"] = str(f.page)
        return {k: v for k, v in out.items() if v}

    def toggle(self, name: str, value: str) -> dict[str, str]:
        """Args with one facet set to value, or cleared when it already is (page back to 1)."""
        return self.args(**{name: "" if getattr(self, name) == value else value, "page": 1})

    @property
    def is_empty(self) -> bool:
        return not self.args(page=1)


def _text_values(args, ignored: list[str]) -> dict:
    values = {}
    for key, limit in (("q", MAX_QUERY_CHARS), ("group", 100)):
        raw = args.get(key) or ""
        value = raw.strip() if key == "q" else raw
        if value and (has_forbidden_chars(value) or len(value) > limit):
            ignored.append(key)
        elif value:
            values[key] = value
    return values


def _choice_values(args, ignored: list[str]) -> dict:
    choices = {"source": {s.value for s in VoiceSource}, "stance": {s.value for s in VoiceStance},
               "flagged": {"1", "0"}, "reviewed": {"1", "0"}, "new": {"1"}}
    values = {}
    for key, allowed in choices.items():
        value = args.get(key) or ""
        if value in allowed:
            values[key] = value
        elif value:
            ignored.append(key)
    point = args.get("point") or ""
    if point == "none" or (point.isascii() and point.isdigit() and len(point) < 10):
        values["point"] = point
    elif point:
        ignored.append("point")
    return values


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(matter_id: int, f: PoolFilter, skip: str = "") -> list:
    conds = [Voice.matter_id == matter_id]
    if f.q:
        pattern = _like(f.q)
        conds.append(or_(Voice.text.like(pattern, escape="\\"), Voice.title.like(pattern, escape="\\")))
    if f.source and skip != "source":
        conds.append(Voice.source == VoiceSource(f.source))
    if f.stance and skip != "stance":
        conds.append(Voice.stance == VoiceStance(f.stance))
    if f.group and skip != "group":
        conds.append(Voice.group == f.group)
    if f.flagged and skip != "flagged":
        conds.append(Voice.is_flagged.is_(f.flagged == "1"))
    if f.reviewed and skip != "reviewed":
        conds.append(Voice.is_reviewed.is_(f.reviewed == "1"))
    if f.point and skip != "point":
        conds.append(Voice.point_id.is_(None) if f.point == "none" else Voice.point_id == int(f.point))
    if f.new:
        conds.append(Voice.last_run_id.is_(None))
    if f.date_from:
        conds.append(Voice.occurred_at >= local_to_utc(datetime.combine(f.date_from, time.min)))
    if f.date_to:
        conds.append(Voice.occurred_at < local_to_utc(datetime.combine(f.date_to + timedelta(days=1), time.min)))
    return conds


_FACET_COLUMN = {"source": Voice.source, "stance": Voice.stance, "group": Voice.group,
                 "flagged": Voice.is_flagged, "reviewed": Voice.is_reviewed, "point": Voice.point_id}


def _facet(matter_id: int, f: PoolFilter, name: str, limit: int = 30) -> list[tuple[object, int]]:
    col = _FACET_COLUMN[name]
    n = func.count(Voice.id)
    stmt = (select(col, n).where(and_(*_conditions(matter_id, f, skip=name))).group_by(col)
            .order_by(n.desc()).limit(limit))
    return [(value, count) for value, count in db.session.execute(stmt)]


def _facets_at_once(matter_id: int, f: PoolFilter, names: list[str], limit: int = 30) -> dict[str, list]:
    """Several facets from one scan: group by all their columns together, add up per facet."""
    if not names:
        return {}
    cols = [_FACET_COLUMN[name] for name in names]
    totals: dict[str, dict] = {name: {} for name in names}
    for *values, n in db.session.execute(select(*cols, func.count(Voice.id)).where(
            and_(*_conditions(matter_id, f))).group_by(*cols)):
        for name, value in zip(names, values):
            totals[name][value] = totals[name].get(value, 0) + n
    return {name: sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:limit]
            for name, counts in totals.items()}


def _all_facets(matter_id: int, f: PoolFilter) -> dict[str, list]:
    """A facet whose own filter is in force is counted without it (one query each); the others
    share one query."""
    active = [name for name in FACETS if getattr(f, name)]
    out = _facets_at_once(matter_id, f, [name for name in FACETS if name not in active])
    out.update({name: _facet(matter_id, f, name) for name in active})
    return out


def facet_counts(matter_id: int, f: PoolFilter) -> dict[str, list[tuple[str, str, int]]]:
    """Per facet: (filter value, label, count) under every other filter in force."""
    from consult.analysis.models import SOURCE_LABELS, VOICE_STANCE_LABELS

    raw = _all_facets(matter_id, f)
    out: dict[str, list[tuple[str, str, int]]] = {}
    out["source"] = [(s.value, str(SOURCE_LABELS[s]), n) for s, n in raw["source"]]
    out["stance"] = [(s.value, str(VOICE_STANCE_LABELS[s]), n) for s, n in raw["stance"]]
    out["group"] = [(g, g, n) for g, n in raw["group"] if g]
    yes_no = {True: "1", False: "0"}
    out["flagged"] = [(yes_no[bool(v)], _("有预警") if v else _("无预警"), n) for v, n in raw["flagged"]]
    out["reviewed"] = [(yes_no[bool(v)], _("已审阅") if v else _("未审阅"), n) for v, n in raw["reviewed"]]
    points = raw["point"]
    titles = dict(db.session.execute(select(RiskPoint.id, RiskPoint.title).where(
        RiskPoint.id.in_([p for p, _ in points if p is not None]))).all()) if points else {}
    out["point"] = [("none" if p is None else str(p), _("未归入风险点") if p is None else titles.get(p, f"#{p}"), n)
                    for p, n in points]
    return out


@dataclass
class PoolPage:
    items: list[Voice]
    total: int
    page: int
    pages: int
    facets: dict
    has_run: bool


def has_done_run(matter_id: int) -> bool:
    return db.session.scalar(select(AnalysisRun.id).where(
        AnalysisRun.matter_id == matter_id, AnalysisRun.status == RunStatus.DONE).limit(1)) is not None


def search_voices(matter_id: int, f: PoolFilter, *, per_page: int = PER_PAGE, with_facets: bool = True) -> PoolPage:
    where = and_(*_conditions(matter_id, f))
    total = db.session.scalar(select(func.count(Voice.id)).where(where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(f.page, pages)
    items = list(db.session.scalars(select(Voice).where(where).options(selectinload(Voice.point))
                                    .order_by(Voice.occurred_at.desc(), Voice.id.desc())
                                    .offset((page - 1) * per_page).limit(per_page)))
    return PoolPage(items=items, total=total, page=page, pages=pages,
                    facets=facet_counts(matter_id, f) if with_facets else {}, has_run=has_done_run(matter_id))


# --- the matter panel -----------------------------------------------------------------

def panel_stats(matter_id: int) -> dict:
    """Counts by source, flagged, new since the last run, % of texts reviewed, % of points decided."""
    by_source = dict(db.session.execute(select(Voice.source, func.count(Voice.id)).where(
        Voice.matter_id == matter_id).group_by(Voice.source)).all())
    total = sum(by_source.values())
    flagged, reviewed, new = db.session.execute(select(
        func.count(Voice.id).filter(Voice.is_flagged.is_(True)),
        func.count(Voice.id).filter(Voice.is_reviewed.is_(True)),
        func.count(Voice.id).filter(Voice.last_run_id.is_(None)),
    ).where(Voice.matter_id == matter_id)).one()
    states = dict(db.session.execute(select(RiskPoint.state, func.count(RiskPoint.id)).where(
        RiskPoint.matter_id == matter_id).group_by(RiskPoint.state)).all())
    points = sum(states.values())
    collective = len(collective_answers(matter_id))
    decided = sum(n for s, n in states.items() if s != PointState.CANDIDATE)
    return {"total": total, "by_source": [(s.value, str(SOURCE_LABELS[s]), by_source[s]) for s in VoiceSource if by_source.get(s)],
            "flagged": flagged + collective, "flagged_texts": flagged, "collective": collective,
            "new": new if has_done_run(matter_id) else None,
            "reviewed_pct": _pct(reviewed, total), "points": points, "decided_pct": _pct(decided, points)}


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# --- questionnaire answers that signal collective action ----------------------------------

# option codes of the standard questionnaire's behaviour question (consult/surveys/standard.py)
REACTION_QUESTION = "reaction"
COLLECTIVE_CODES = {"petition": "上访", "collective": "集体行动"}


def collective_answers(matter_id: int) -> list[dict]:
    """Questionnaire responses whose behaviour answer is 上访 or 集体行动, newest first."""
    from consult.surveys.models import Answer, Option, Question, Response, Survey

    stmt = (select(Response.id, Response.receipt_code, Response.submitted_at, Response.channel, Option.code,
                   Option.label, Survey.title, Survey.id)
            .join(Answer, Answer.response_id == Response.id)
            .join(Question, Question.id == Answer.question_id)
            .join(Option, Option.id == Answer.option_id)
            .join(Survey, Survey.id == Response.survey_id)
            .where(Survey.matter_id == matter_id, Question.code == REACTION_QUESTION,
                   Option.code.in_(list(COLLECTIVE_CODES)))
            .order_by(Response.submitted_at.desc(), Response.id.desc()))
    return [{"response_id": rid, "receipt": code[:5] + "…", "at": at, "channel": channel, "code": opt,
             "label": COLLECTIVE_CODES[opt], "option": label, "survey": title, "survey_id": sid}
            for rid, code, at, channel, opt, label, title, sid in db.session.execute(stmt)]


def open_texts_of(response_ids: list[int]) -> dict[int, list[str]]:
    """The open-text answers of some responses (what the respondent wrote beside the flag)."""
    from consult.surveys.models import Answer, Question

    if not response_ids:
        return {}
    out: dict[int, list[str]] = {}
    for rid, text in db.session.execute(
            select(Answer.response_id, Answer.value_text).join(Question, Question.id == Answer.question_id)
            .where(Answer.response_id.in_(response_ids), Answer.value_text.is_not(None),
                   Answer.option_id.is_(None), Question.is_personal.is_(False)).order_by(Answer.id)):
        if text.strip():
            out.setdefault(rid, []).append(text)
    return out


def count_flagged(matter_id: int) -> int:
    return db.session.scalar(select(func.count(Voice.id)).where(
        Voice.matter_id == matter_id, Voice.is_flagged.is_(True))) or 0


def flagged_voices(matter_id: int, limit: int = 500) -> list[Voice]:
    return list(db.session.scalars(select(Voice).where(Voice.matter_id == matter_id, Voice.is_flagged.is_(True))
                                   .order_by(Voice.escalation_score.desc(), Voice.occurred_at.desc()).limit(limit)))


# --- the command line: `flask matters [--json]` ------------------------------------------

def matter_summaries() -> list[dict]:
    """Every matter with its pool figures (the pool is synced first, so counts are current)."""
    from consult.analysis.voices import sync_voices
    from consult.matters.models import Matter

    out = []
    for m in db.session.scalars(select(Matter).order_by(Matter.id)):
        sync_voices(m.id)
        s = panel_stats(m.id)
        out.append({"id": m.id, "title": m.title, "status": m.status.value, "status_label": str(m.status_label),
                    "voices": s["total"], "by_source": {v: n for v, _label, n in s["by_source"]},
                    "flagged": s["flagged"], "new_since_last_run": s["new"], "points": s["points"]})
    return out
