"""Results: every figure is a GROUP BY in the database; Python only shapes small results.

知晓率 = respondents choosing an "aware" option ÷ respondents answering the awareness question;
支持率 likewise with the support question. Both are broken down by respondent group,
distance band and channel.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from consult.extensions import db
from consult.surveys.models import CHANNEL_LABELS, Answer, Channel, QuestionKind, Response, SampleTarget
from consult.surveys.spec import Definitions, QSpec, SurveySpec

BURST_WINDOW_SECONDS = 600
BURST_MIN_IDENTICAL = 5
BURST_MIN_NETWORK = 10


_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SURVEYS = 32


def cached(spec: SurveySpec, name: str, compute):
    """Figures are recomputed only when the responses or the structure changed: the key is the
    structure version and (count, max id) of the responses - one index-only query."""
    n, last = db.session.execute(select(func.count(), func.max(Response.id))
                                 .where(Response.survey_id == spec.id)).one()
    key = (spec.id, spec.created_at, name)
    stamp = (spec.version, n, last)
    hit = _cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = compute()
    with _cache_lock:
        _cache[key] = (stamp, value)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SURVEYS * 4:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    _cache.clear()


def figures(spec: SurveySpec) -> dict:
    """Everything the results page and the JSON endpoint show, cached (see cached())."""
    def compute():
        figs, rows = question_figures(spec), fact_rows(spec)
        return {"totals": total_responses(spec, rows), "questions": figs, "rates": rates(spec, rows=rows),
                "flags": flags(spec)}
    data = cached(spec, "figures", compute)
    return data | {"targets": targets(spec, None, data["questions"])}  # targets change without a version bump


def pct(n: int, d: int) -> float:
    return round(100.0 * n / d, 1) if d else 0.0


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    option_id: int | None = None


@dataclass
class QuestionFigures:
    q: QSpec
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    matrix: list[tuple[str, list[Bar]]] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    other_count: int = 0


def fact_rows(spec: SurveySpec) -> list[tuple]:
    """One GROUP BY over the survey's responses: (channel, group option, distance option, count,
    duplicates, aware yes, aware answered, support yes, support answered). The rates, their
    breakdowns and the totals are all sums over these few rows."""
    d, r = spec.definitions or Definitions(), Response

    def yes(col, ids):
        return func.coalesce(func.sum(case((col.in_(sorted(ids) or [-1]), 1), else_=0)), 0)

    return db.session.execute(
        select(r.channel, r.group_option_id, r.distance_option_id, func.count(),
               func.coalesce(func.sum(case((r.is_duplicate, 1), else_=0)), 0),
               yes(r.aware_option_id, d.aware_ids), func.count(r.aware_option_id),
               yes(r.support_option_id, d.support_ids), func.count(r.support_option_id))
        .where(r.survey_id == spec.id).group_by(r.channel, r.group_option_id, r.distance_option_id)).all()


def total_responses(spec: SurveySpec, rows: list[tuple] | None = None) -> dict:
    rows = fact_rows(spec) if rows is None else rows
    by_channel: dict = {}
    for row in rows:
        by_channel[row[0]] = by_channel.get(row[0], 0) + row[3]
    return {"total": sum(by_channel.values()), "duplicates": sum(int(row[4]) for row in rows),
            "by_channel": [(CHANNEL_LABELS[c], by_channel.get(c, 0)) for c in Channel]}


def question_figures(spec: SurveySpec) -> list[QuestionFigures]:
    choice = db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.row_id, func.count())
        .where(Answer.survey_id == spec.id, Answer.option_id.is_not(None))
        .group_by(Answer.question_id, Answer.option_id, Answer.row_id)).all()
    counts: dict[int, dict] = {}
    for qid, oid, rid, n in choice:
        counts.setdefault(qid, {})[(rid, oid)] = n
    multi = [q.id for q in spec.questions if q.kind == QuestionKind.MULTIPLE]
    pairs = select(Answer.question_id, Answer.response_id).where(Answer.question_id.in_(multi)).distinct().subquery()
    distinct = dict(db.session.execute(  # respondents per multiple-choice question (index order, no sort)
        select(pairs.c.question_id, func.count()).group_by(pairs.c.question_id)).all()) if multi else {}
    valued = [q.id for q in spec.questions if not q.is_choice]
    stats = {r[0]: r[1:] for r in db.session.execute(
        select(Answer.question_id, func.count(), func.min(Answer.value_number), func.max(Answer.value_number),
               func.avg(Answer.value_number))
        .where(Answer.question_id.in_(valued)).group_by(Answer.question_id)).all()} if valued else {}
    return [_shape(q, counts.get(q.id, {}), distinct, stats) for q in spec.questions]


def _shape(q: QSpec, c: dict, distinct: dict, stats: dict) -> QuestionFigures:
    fig = QuestionFigures(q)
    if q.kind == QuestionKind.MATRIX:
        for r in q.rows:
            row_total = sum(c.get((r.id, o.id), 0) for o in q.options)
            fig.matrix.append((r.label, [Bar(o.label, c.get((r.id, o.id), 0), pct(c.get((r.id, o.id), 0), row_total),
                                             o.id) for o in q.options]))
            fig.answered = max(fig.answered, row_total)
    elif q.is_choice:
        fig.answered = distinct.get(q.id, 0) if q.kind == QuestionKind.MULTIPLE else sum(c.values())
        fig.bars = [Bar(o.label, c.get((None, o.id), 0), pct(c.get((None, o.id), 0), fig.answered), o.id)
                    for o in q.options]
        fig.other_count = sum(b.count for b, o in zip(fig.bars, q.options) if o.is_other)
    else:
        n, lo, hi, avg = stats.get(q.id, (0, None, None, None))
        fig.answered, fig.stats = n, {"min": lo, "max": hi, "mean": round(avg, 2) if avg is not None else None}
    return fig


@dataclass
class Rate:
    name: str
    question: QSpec | None
    counted: list[str]
    overall: tuple[int, int] = (0, 0)  # (yes, answered)
    by: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return pct(*self.overall)


def _sums(rows, key, yes_i: int) -> dict:
    out: dict = {}
    for row in rows:
        y, n = out.get(key(row), (0, 0))
        out[key(row)] = (y + int(row[yes_i]), n + row[yes_i + 1])
    return out


def rate(spec: SurveySpec, name: str, qid: int | None, yes_ids, rows: list[tuple], yes_i: int) -> Rate:
    """A rate from the fact rows: yes_i is the column of its yes count (answered follows it)."""
    q = spec.by_id.get(qid) if qid else None
    r = Rate(name, q, [o.label for o in q.options if o.id in set(yes_ids)] if q else [])
    if q is None:
        return r
    r.overall = _sums(rows, lambda row: 0, yes_i).get(0, (0, 0))
    d = spec.definitions
    for label, by_qid, col in (("受访者类别", d.group_qid, 1), ("距离", d.distance_qid, 2)):
        bq = spec.by_id.get(by_qid) if by_qid else None
        if bq is None:
            continue
        found = _sums(rows, lambda row: row[col], yes_i)
        unanswered = found.get(None, (0, 0))
        r.by[label] = [(o.label, *found.get(o.id, (0, 0))) for o in bq.options] + \
            ([("未回答", *unanswered)] if unanswered[1] else [])
    found = _sums(rows, lambda row: row[0], yes_i)
    r.by["渠道"] = [(CHANNEL_LABELS[c], *found.get(c, (0, 0))) for c in Channel]
    return r


def rates(spec: SurveySpec, survey=None, rows: list[tuple] | None = None) -> list[Rate]:
    """知晓率 and 支持率 with their breakdowns (definitions from the structure snapshot)."""
    rows = fact_rows(spec) if rows is None else rows
    d = spec.definitions or Definitions()
    return [rate(spec, "知晓率", d.aware_qid, d.aware_ids, rows, 5),
            rate(spec, "支持率", d.support_qid, d.support_ids, rows, 7)]


def crosstab(spec: SurveySpec, q1: int, q2: int) -> dict | None:
    a_q, b_q = spec.by_id.get(q1), spec.by_id.get(q2)
    if not (a_q and b_q and a_q.is_choice and b_q.is_choice) or QuestionKind.MATRIX in (a_q.kind, b_q.kind):
        return None
    a, b = aliased(Answer), aliased(Answer)
    rows = db.session.execute(
        select(a.option_id, b.option_id, func.count()).select_from(a)
        .join(b, and_(b.response_id == a.response_id, b.question_id == q2))
        .where(a.question_id == q1).group_by(a.option_id, b.option_id)).all()
    cells = {(x, y): n for x, y, n in rows}
    table = []
    for oa in a_q.options:
        row = [cells.get((oa.id, ob.id), 0) for ob in b_q.options]
        total = sum(row)
        table.append((oa.label, [(n, pct(n, total)) for n in row], total))
    return {"rows_q": a_q, "cols_q": b_q, "cols": [o.label for o in b_q.options], "table": table}


def targets(spec: SurveySpec, survey, figures: list[QuestionFigures]) -> list[tuple[str, int, int, float]]:
    group_qid = (spec.definitions or Definitions()).group_qid
    fig = next((f for f in figures if f.q.id == group_qid), None)
    if fig is None:
        return []
    got = {b.option_id: b.count for b in fig.bars}
    planned = dict(db.session.execute(select(SampleTarget.option_id, SampleTarget.target)
                                      .where(SampleTarget.survey_id == spec.id)).all())
    return [(o.label, planned.get(o.id, 0), got.get(o.id, 0), pct(got.get(o.id, 0), planned.get(o.id, 0)))
            for o in fig.q.options]


def _bucket():
    if db.engine.dialect.name == "sqlite":
        epoch = func.cast(func.strftime("%s", Response.submitted_at), db.Integer)
    else:
        epoch = func.cast(func.extract("epoch", Response.submitted_at), db.BigInteger)
    return (epoch // BURST_WINDOW_SECONDS).label("bucket")


def flags(spec: SurveySpec) -> dict:
    """Suspicious clusters: identical choice answers, or many responses from one network,
    within the same 10-minute window; and repeated devices (open mode)."""
    bucket = _bucket()
    identical = db.session.execute(
        select(Response.answers_hash, bucket, func.count(), func.min(Response.submitted_at))
        .where(Response.survey_id == spec.id, Response.answers_hash != "")
        .group_by(Response.answers_hash, bucket).having(func.count() >= BURST_MIN_IDENTICAL)
        .order_by(func.count().desc()).limit(50)).all()
    network = db.session.execute(
        select(Response.client_hash, bucket, func.count(), func.min(Response.submitted_at))
        .where(Response.survey_id == spec.id, Response.client_hash.is_not(None))
        .group_by(Response.client_hash, bucket).having(func.count() >= BURST_MIN_NETWORK)
        .order_by(func.count().desc()).limit(50)).all()
    devices = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Response.is_duplicate.cast(db.Integer)), 0))
        .where(Response.survey_id == spec.id, Response.device_hash.is_not(None))).one()
    return {"identical": [(h[:8], n, at) for h, _, n, at in identical],
            "network": [(h[:8], n, at) for h, _, n, at in network],
            "duplicate_devices": int(devices[1] or 0), "window_minutes": BURST_WINDOW_SECONDS // 60,
            "min_identical": BURST_MIN_IDENTICAL, "min_network": BURST_MIN_NETWORK}


def free_texts(spec: SurveySpec, qid: int, *, q: str = "", page: int = 1, per_page: int = 50):
    """Text answers (and "other, please specify" texts) of one question, newest first."""
    stmt = (select(Answer.value_text, Response.submitted_at, Response.channel, Response.id)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.question_id == qid, Answer.value_text.is_not(None)))
    if q:
        stmt = stmt.where(Answer.value_text.contains(q, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(stmt.order_by(Answer.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total
