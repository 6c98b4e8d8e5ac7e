"""The demo's generated year of history: plans, tracking, warnings, third parties, participation.

Every figure is drawn with a fixed seed at a fixed `now`, so the counts below are the ones that
seed gives; the invariants are checked row by row."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from consult.auth.models import Role
from consult.extensions import db
from consult.hearings.models import Meeting, MeetingKind, MeetingStatus, Registration, RegStatus
from consult.matters.models import Matter, MatterKind
from consult.oversight.demo import DISTRICTS, THIRD_PARTIES, seed_history
from consult.oversight.models import (PlanItem, RiskWarning, TrackingEntry, TrackingPhase, WarningAction,
                                      WarningSource, WarningStatus)
from consult.register.models import Measure, MeasureStatus, RiskItem, RiskLevel
from consult.reports.models import Assessment
from consult.surveys import results
from consult.surveys.models import Answer, Option, Question, Response, Survey
from consult.surveys.spec import load_spec
from consult.timeutil import to_local
from tests import factories

NOW = datetime(2026, 11, 15, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai
TODAY = date(2026, 11, 15)  # the local day of NOW


def _world():
    staffed, bare = factories.organisation("城管局"), factories.organisation("住建局")
    organiser = factories.user(Role.ORGANISER, organisations=[staffed], username="zhang")
    supervisor = factories.user(Role.SUPERVISOR, username="zfw")
    factories.user(Role.ADMIN, username="root")
    return staffed, bare, organiser, supervisor


def _history() -> list[Matter]:
    return list(db.session.scalars(select(Matter).where(Matter.area.in_(DISTRICTS)).order_by(Matter.id)))


def _current(m: Matter) -> Assessment:
    return db.session.scalar(select(Assessment).where(Assessment.matter_id == m.id, Assessment.is_current.is_(True)))


def _on_time(w: RiskWarning) -> bool:
    return w.status == WarningStatus.CLOSED and w.resolved is True and to_local(w.closed_at).date() <= w.deadline


GENERATED = ("matters", "assessments", "report_versions", "risk_items", "risk_measures", "oversight_plan_items",
             "oversight_tracking_entries", "oversight_warnings", "oversight_warning_actions", "surveys",
             "survey_responses", "hearing_meetings", "hearing_registrations")


def _latest_dates() -> dict[str, object]:
    """The latest value of every date and time column of the generated tables but the deadlines."""
    out = {}
    for name in GENERATED:
        table = db.metadata.tables[name]
        for col in table.columns:
            if col.name != "deadline" and col.type.python_type in (datetime, date):
                out[f"{name}.{col.name}"] = db.session.scalar(select(func.max(col)))
    return out


def _nothing_after(now: datetime) -> None:
    today = to_local(now).date()
    late = {k: v for k, v in _latest_dates().items() if v is not None and v > (now if isinstance(v, datetime) else today)}
    assert late == {}


def test_matters_third_parties_withheld_and_plans(app):
    staffed, bare, organiser, supervisor = _world()
    assert seed_history(now=NOW) == 73
    matters = _history()
    assert len(matters) == 73 and all(m.created_at <= NOW for m in matters)
    commissioned = [m for m in matters if m.kind in (MatterKind.PROJECT, MatterKind.REFORM)]
    with_third = [m for m in commissioned if m.third_party]
    assert (len(commissioned), len(with_third)) == (31, 17)  # 55 %
    assert {m.third_party for m in with_third} <= set(THIRD_PARTIES)
    assert not [m for m in matters if m.kind in (MatterKind.POLICY, MatterKind.EVENT) and m.third_party]
    withheld = [(m.kind, m.public_withheld_reason) for m in matters if m.public_withheld_reason]
    assert withheld == [(MatterKind.REFORM, "涉及商业秘密（企业改制中的资产和债务信息）"),
                        (MatterKind.PROJECT, "涉及个人隐私（征收范围内住户的身份和补偿信息）")]

    items = list(db.session.scalars(select(PlanItem).order_by(PlanItem.id)))
    assert {(i.organisation_id, i.year) for i in items} == {(o.id, y) for o in (staffed, bare) for y in (2025, 2026)}
    by_id = {m.id: m for m in matters}
    linked = [i for i in items if i.matter_id is not None]
    for i in linked:  # a plan item links only to a matter of its own organisation and year
        m = by_id[i.matter_id]
        assert (m.organisation_id, to_local(m.created_at).year, m.kind, m.area) == (i.organisation_id, i.year,
                                                                                  i.kind, i.area)
        assert i.expected_month == to_local(m.created_at).month
    assert len({i.matter_id for i in linked}) == len(linked)
    unstarted = [i for i in items if i.matter_id is None]
    past_gaps = [i for i in unstarted if (i.year, i.expected_month) < (TODAY.year, TODAY.month)]
    unplanned = set(by_id) - {i.matter_id for i in linked}
    assert (len(items), len(linked), len(unstarted), len(past_gaps), len(unplanned)) == (74, 62, 12, 10, 11)
    assert all(i.note == "尚未启动评估" for i in past_gaps)
    assert all(i.created_by_id == (organiser.id if i.organisation_id == staffed.id else None) for i in items)
    assert all(i.created_at <= NOW for i in items)
    assert {o.id for o in supervisor.supervised} == {staffed.id, bare.id}
    _nothing_after(NOW)


def test_at_the_turn_of_the_year_nothing_is_dated_after_now(app):
    staffed, bare, _organiser, _supervisor = _world()
    now = datetime(2027, 1, 3, 1, 0, tzinfo=timezone.utc)  # 09:00 on 3 January in Shanghai
    assert seed_history(now=now) == 72
    _nothing_after(now)
    items = list(db.session.scalars(select(PlanItem)))
    assert {(i.organisation_id, i.year) for i in items} == {(o.id, y) for o in (staffed, bare) for y in (2026, 2027)}
    this_year = [i for i in items if i.year == 2027]  # no month of 2027 has passed: nothing missed yet
    assert not [i for i in this_year if i.note]
    assert {i.expected_month for i in this_year if i.matter_id} == {1}
    assert [i.expected_month > 1 for i in this_year if i.matter_id is None] == [True, True]  # one per body, later
    assert db.session.query(RiskWarning).count() > 0 and db.session.query(Response).count() > 0


def test_tracking_and_warnings(app):
    staffed, bare, organiser, supervisor = _world()
    seed_history(now=NOW)
    decided = {m.id: a for m in _history() if (a := _current(m)).final_level and a.decision_date}
    entries = list(db.session.scalars(select(TrackingEntry).order_by(TrackingEntry.id)))
    per_matter = Counter(e.matter_id for e in entries)
    assert set(per_matter) <= set(decided) and set(per_matter.values()) <= {1, 2, 3}
    for e in entries:
        days = (e.observed_on - decided[e.matter_id].decision_date).days
        assert 10 <= days and e.observed_on <= TODAY and e.created_at <= NOW
        assert e.phase == (TrackingPhase.DURING if days <= 60 else TrackingPhase.AFTER)
        assert e.observation and (e.new_complaints >= 3 if e.new_risk else e.new_complaints <= 4)
    assert (len(entries), sum(e.new_risk for e in entries), sum(e.new_complaints > 0 for e in entries),
            sum(e.phase == TrackingPhase.AFTER for e in entries)) == (95, 7, 38, 17)

    warnings = list(db.session.scalars(select(RiskWarning).order_by(RiskWarning.id)))
    assert Counter(w.source for w in warnings) == {WarningSource.MEASURE_OVERDUE: 18, WarningSource.TRACKING: 7,
                                                   WarningSource.MANUAL: 8}
    risky = {e.id for e in entries if e.new_risk}
    assert sorted(w.tracking_entry_id for w in warnings if w.source == WarningSource.TRACKING) == sorted(risky)

    measures = db.session.execute(select(Measure, RiskItem.matter_id).join(RiskItem)).all()
    overdue = {ms.id for ms, _m in measures if ms.status != MeasureStatus.DONE and ms.deadline < TODAY}
    late = {ms.id for ms, _m in measures if ms.done_at and to_local(ms.done_at).date() > ms.deadline}
    by_measure = Counter(w.measure_id for w in warnings if w.source == WarningSource.MEASURE_OVERDUE)
    assert set(by_measure) == overdue | late and set(by_measure.values()) == {1}  # one per such measure
    assert (len(overdue), len(late)) == (12, 6)

    for w in warnings:
        raised = to_local(w.raised_at).date()
        assert 15 <= (w.deadline - raised).days <= 30 and w.raised_at <= NOW
        assert w.level.value in ("red", "yellow") and w.matter_id in decided
        if w.status == WarningStatus.CLOSED:
            assert w.closing_review and w.resolved is not None and w.closed_by_id == supervisor.id
            assert raised <= to_local(w.closed_at).date() and w.closed_at <= NOW
        else:
            assert (w.closed_at, w.resolved, w.closing_review, w.closed_by_id) == (None, None, "", None)
        past_deadline = (to_local(w.closed_at).date() if w.closed_at else TODAY) > w.deadline
        assert (w.escalated_at is not None) == past_deadline  # escalated the day after its deadline
        if w.escalated_at:
            assert to_local(w.escalated_at).date() == w.deadline + timedelta(days=1) and w.escalated_at <= NOW
        staffed_matter = w.matter.organisation_id == staffed.id
        assert w.owner_id == (organiser.id if staffed_matter else None)
        assert w.owner_unit == ("城管局" if staffed_matter else "住建局")
        last = to_local(w.closed_at).date() if w.closed_at else TODAY
        assert 1 <= len(w.actions) <= 3
        assert all(raised <= a.taken_on <= last and a.created_at <= NOW and a.text for a in w.actions)
        if w.source == WarningSource.MANUAL:
            assert w.raised_by_id == (organiser.id if staffed_matter else supervisor.id)
        else:
            assert w.raised_by_id is None

    closed = [w for w in warnings if w.status == WarningStatus.CLOSED]
    open_ = [w for w in warnings if w.status == WarningStatus.OPEN]
    outcomes = (sum(map(_on_time, warnings)), sum(1 for w in closed if w.resolved and not _on_time(w)),
                sum(1 for w in closed if w.resolved is False), len(open_),
                sum(1 for w in open_ if TODAY > w.deadline))
    assert outcomes == (20, 2, 4, 7, 4)  # on time, late, unresolved, open, open and overdue
    assert db.session.query(WarningAction).count() == 77


def test_participation_surveys_and_hearings(app):
    _world()
    seed_history(now=NOW)
    by_id = {m.id: m for m in _history()}
    surveys = list(db.session.scalars(select(Survey).order_by(Survey.id)))
    assert len(surveys) == 21 and {s.matter_id for s in surveys} <= set(by_id)
    support_by_level: dict[RiskLevel, list[int]] = {}
    for s in surveys:
        spec = load_spec(s.id)
        responses = list(db.session.scalars(select(Response).where(Response.survey_id == s.id)))
        assert 20 <= len(responses) <= 60 and s.closes_at <= NOW
        assert all(s.opens_at <= r.submitted_at <= s.closes_at for r in responses)
        code = {o.id: o.code for o in db.session.scalars(select(Option).join(Question).where(
            Question.survey_id == s.id))}
        questions = {q.code: q.id for q in db.session.scalars(select(Question).where(Question.survey_id == s.id))}
        assert [code[i] for i in s.awareness_option_ids] == ["know", "heard"]
        assert [code[i] for i in s.support_option_ids] == ["support", "mostly"]
        assert (s.awareness_question_id, s.support_question_id, s.group_question_id) == (
            questions["aware"], questions["support"], questions["relation"])
        picked = dict(db.session.execute(select(Answer.response_id, Answer.option_id).where(
            Answer.question_id == questions["support"])).all())
        assert picked == {r.id: r.support_option_id for r in responses}  # the facts are the answers
        yes = sum(code[o] in ("support", "mostly") for o in picked.values())
        awareness, support = results.rates(spec)
        assert support.overall == (yes, len(responses))
        assert awareness.overall[1] == len(responses) and 0 < awareness.overall[0] <= len(responses)
        counts = support_by_level.setdefault(_current(by_id[s.matter_id]).final_level, [0, 0])
        counts[0], counts[1] = counts[0] + yes, counts[1] + len(responses)
    assert sum(n for _y, n in support_by_level.values()) == db.session.query(Response).count() == 886
    share = {level: round(100 * y / n) for level, (y, n) in support_by_level.items()}
    assert share[RiskLevel.LOW] > share[RiskLevel.MEDIUM] > share[RiskLevel.HIGH]

    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.id)))
    assert len(meetings) == 5
    for meeting in meetings:
        m = by_id[meeting.matter_id]
        assert (meeting.kind, meeting.status) == (MeetingKind.HEARING, MeetingStatus.HELD)
        assert m.kind in (MatterKind.PROJECT, MatterKind.REFORM)
        assert _current(m).final_level in (RiskLevel.HIGH, RiskLevel.MEDIUM) and meeting.starts_at <= NOW
        regs = list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)))
        assert 14 <= len(regs) <= 28
        for c in meeting.categories:
            selected = [r for r in regs if r.category_id == c.id and r.status == RegStatus.SELECTED]
            assert len(selected) <= c.seats
        assert all(r.status == RegStatus.SELECTED for r in regs if r.checked_in_at)
        assert all(r.checked_in_at < meeting.starts_at and r.created_at <= meeting.registration_closes_at
                   for r in regs if r.checked_in_at)
        assert all(r.phone_enc is None and r.name.endswith(("先生", "女士")) for r in regs)
    regs = list(db.session.scalars(select(Registration)))
    assert (len(regs), sum(r.checked_in_at is not None for r in regs)) == (115, 85)


def _snapshot() -> dict:
    """The generated rows without their ids (PostgreSQL does not give ids back on rollback)."""
    matters = {m.id: i for i, m in enumerate(_history())}
    measures = {mid: i for i, mid in enumerate(db.session.scalars(select(Measure.id).order_by(Measure.id)))}
    entries = {eid: i for i, eid in enumerate(db.session.scalars(select(TrackingEntry.id).order_by(TrackingEntry.id)))}
    return {
        "matters": [(m.title, m.kind, m.third_party, m.public_withheld_reason, m.created_at) for m in _history()],
        "plan": [(i.organisation.name, i.year, i.title, i.kind, i.expected_month, matters.get(i.matter_id), i.note)
                 for i in db.session.scalars(select(PlanItem).order_by(PlanItem.id))],
        "tracking": [(matters[e.matter_id], e.observed_on, e.phase, e.observation, e.new_complaints, e.new_risk)
                     for e in db.session.scalars(select(TrackingEntry).order_by(TrackingEntry.id))],
        "warnings": [(matters[w.matter_id], w.level, w.source, w.title, measures.get(w.measure_id),
                      entries.get(w.tracking_entry_id), w.deadline, w.raised_at, w.escalated_at, w.closed_at,
                      w.closing_review, w.resolved, [(a.taken_on, a.text) for a in w.actions])
                     for w in db.session.scalars(select(RiskWarning).order_by(RiskWarning.id))],
        "responses": [(r.receipt_code, r.channel, r.submitted_at)
                      for r in db.session.scalars(select(Response).order_by(Response.id))],
        "registrations": [(r.public_id, r.status, r.stance, r.name, r.checked_in_at)
                          for r in db.session.scalars(select(Registration).order_by(Registration.id))],
    }


def test_same_seed_same_rows_and_seeded_once(app):
    _world()
    seed_history(now=NOW)
    first = _snapshot()
    assert seed_history(now=NOW) == 0 and _snapshot() == first  # already there: nothing added
    db.session.rollback()
    seed_history(now=NOW)
    assert _snapshot() == first
    assert [len(rows) for rows in first.values()] == [73, 74, 95, 33, 886, 115]
