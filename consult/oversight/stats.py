"""Monthly statistics (月报表) per district (Matter.area) and per responsible body.

For one month (local calendar month), within the actor's scope (ledger.scope_ids):
  assessed       current rounds whose level was set in the month, by kind, level and outcome
  policy_share   policy items ÷ assessed (target from OVERSIGHT_TARGETS, 本溪 default ≥ 30 %)
  third_party_share  assessed items whose matter names a third-party assessor (Matter.third_party
                 not empty) ÷ assessed (target 本溪 ≥ 50 %)
  decided        decisions recorded in the month; covered = those whose round has a level, an outcome
                 and a 定稿 (应评尽评); coverage = covered ÷ decided, None when nothing was decided
  comments       resident comments received in the month (all moderation states)
  responses      non-duplicate questionnaire answers submitted in the month
  registrations  hearing / symposium registrations made in the month (any later state)
  staff_voices   people heard through records staff typed into the voice pool (paper comments, visits,
                 symposium notes, letters) with a date in the month: one per pseudonym per matter,
                 one per record without a name (analysis.models.person_key)
  residents      参与人次 = comments not rejected + responses + registrations + staff_voices. These are
                 contributions, not identified people: the platform does not link a resident across
                 channels (by design), so someone who comments and answers the questionnaire counts twice.
  attendance     meetings held in the month (start in the month and before now, not cancelled or
                 draft): checked-in ÷ seat-holding registrations (selected or promoted)
  awareness / support medians   per questionnaire, over its non-duplicate responses submitted in the
                 month: respondents choosing a counted option ÷ respondents answering the question
                 (Survey.awareness_* / support_*, as on the results page but without duplicates); the
                 median over the questionnaires that had such answers in the month
  voices / flagged  voices in the pool dated in the month (not excluded) and those flagged by the
                 escalation lexicon (Voice.is_flagged); escalation_share = flagged ÷ voices
  warnings       warning_stats.WarningCounts for the month (raised, closed, resolved on time, open and
                 overdue at month end, 风险预警化解率)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any, Iterator, Optional

from flask import current_app
from sqlalchemy import and_, exists, func, select

from consult.analysis.models import PSEUDONYM_SOURCES, Voice
from consult.auth.models import Organisation
from consult.extensions import db
from consult.hearings.models import SEAT_HOLDING, Meeting, MeetingStatus, Registration
from consult.matters.models import Matter, MatterKind
from consult.models import utcnow
from consult.notices.models import Comment, CommentStatus
from consult.oversight import warning_stats
from consult.oversight.ledger import scope_ids
from consult.oversight.months import Month
from consult.oversight.warning_stats import WarningCounts
from consult.reports.models import Assessment, ReportVersion, Stage
from consult.surveys.models import Response, Survey
from consult.timeutil import to_local

DEFAULT_TARGETS = {"policy_share": 0.30, "third_party_share": 0.50}  # 本溪
NO_AREA = warning_stats.NO_AREA


def targets() -> dict[str, float]:
    return {**DEFAULT_TARGETS, **current_app.config.get("OVERSIGHT_TARGETS", {})}


def _share(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def _median(values: list[float]) -> Optional[float]:
    return median(values) if values else None


@dataclass
class Group:
    name: str
    assessed: int = 0
    kinds: Counter = field(default_factory=Counter)
    levels: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    third_party: int = 0
    decided: int = 0
    covered: int = 0
    comments: int = 0
    responses: int = 0
    registrations: int = 0
    staff_voices: int = 0
    residents: int = 0
    seated: int = 0
    attended: int = 0
    awareness_rates: list = field(default_factory=list)
    support_rates: list = field(default_factory=list)
    voices: int = 0
    flagged: int = 0
    warnings: WarningCounts = field(default_factory=WarningCounts)
    legacy: bool = False  # read from a frozen month older than the third-party and participation figures

    @property
    def coverage(self) -> Optional[float]:
        return _share(self.covered, self.decided)

    @property
    def policy_share(self) -> Optional[float]:
        return _share(self.kinds[MatterKind.POLICY.value], self.assessed)

    @property
    def third_party_share(self) -> Optional[float]:
        return None if self.legacy else _share(self.third_party, self.assessed)

    @property
    def attendance(self) -> Optional[float]:
        return _share(self.attended, self.seated)

    @property
    def awareness_median(self) -> Optional[float]:
        return _median(self.awareness_rates)

    @property
    def support_median(self) -> Optional[float]:
        return _median(self.support_rates)

    @property
    def escalation_share(self) -> Optional[float]:
        return _share(self.flagged, self.voices)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "assessed": self.assessed, "kinds": dict(self.kinds), "levels": dict(self.levels),
                "outcomes": dict(self.outcomes), "decided": self.decided, "covered": self.covered,
                "coverage": self.coverage, "policy_share": self.policy_share, "third_party": self.third_party,
                "third_party_share": self.third_party_share, "comments": self.comments, "responses": self.responses,
                "registrations": self.registrations, "staff_voices": self.staff_voices, "residents": self.residents,
                "seated": self.seated, "attended": self.attended, "attendance": self.attendance,
                "awareness_rates": list(self.awareness_rates), "support_rates": list(self.support_rates),
                "awareness_median": self.awareness_median, "support_median": self.support_median,
                "voices": self.voices, "flagged": self.flagged, "escalation_share": self.escalation_share,
                "warnings": self.warnings.as_dict()}

    @classmethod
    def from_dict(cls, d: dict) -> "Group":
        """A stored as_dict() (a frozen month); keys added later default to zero / empty."""
        ints = ("assessed", "third_party", "decided", "covered", "comments", "responses", "registrations",
                "staff_voices", "residents", "seated", "attended", "voices", "flagged")
        return cls(name=d["name"], kinds=Counter(d.get("kinds", {})), levels=Counter(d.get("levels", {})),
                   outcomes=Counter(d.get("outcomes", {})), awareness_rates=list(d.get("awareness_rates", [])),
                   support_rates=list(d.get("support_rates", [])),
                   warnings=WarningCounts.from_dict(d.get("warnings")), legacy="residents" not in d,
                   **{k: int(d.get(k, 0) or 0) for k in ints})


def _scoped(stmt, ids):
    return stmt if ids is None else stmt.where(Matter.organisation_id.in_(ids or [-1]))


def _in(column, month: Month):
    start, end = month.utc_bounds
    return and_(column >= start, column < end)


def report(actor, month: Month, *, now: Optional[datetime] = None, index_only: bool = False,
           warning_rows: Optional[list] = None) -> dict[str, dict[str, Group]]:
    """{"districts": {area: Group}, "bodies": {organisation name: Group}, "total": {"全部": Group}}.
    A name appears when it has any figure in the month. index_only: only the figures the stability
    index reads (no comments, responses, registrations, hearings, 知晓率). warning_rows:
    warning_stats.load() for a period containing the month (the trend loads them once)."""
    now = now or utcnow()
    ids = scope_ids(actor)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    out: dict[str, dict[str, Group]] = {"districts": {}, "bodies": {}, "total": {}}

    cache: dict[tuple, list[Group]] = {}

    def groups(area, org_id):
        found = cache.get((area, org_id))
        if found is None:
            keys = (("districts", area or NO_AREA), ("bodies", names.get(org_id, "?")), ("total", "全部"))
            found = cache[(area, org_id)] = [out[part].get(key) or out[part].setdefault(key, Group(key))
                                             for part, key in keys]
        return found

    _assessed(month, ids, groups)
    _decisions(month, ids, groups)
    if not index_only:
        _participation(month, ids, groups)
        _hearings(month, ids, groups, now)
    rates = ("support",) if index_only else ("aware", "support")
    for area, org_id, _sid, aware, support in survey_rates(ids, *month.utc_bounds, which=rates):
        for g in groups(area, org_id):
            if aware is not None:
                g.awareness_rates.append(aware)
            if support is not None:
                g.support_rates.append(support)
    _voices(month, ids, groups)
    _warnings(month, ids, groups, to_local(now).date(), warning_rows)
    return out


def _assessed(month: Month, ids, groups) -> None:
    third = Matter.third_party != ""
    stmt = _scoped(select(Matter.area, Matter.organisation_id, Matter.kind, Assessment.final_level,
                          Assessment.outcome, third, func.count()).join(Assessment, Assessment.matter_id == Matter.id)
                   .where(Assessment.is_current.is_(True), Assessment.final_level.is_not(None),
                          _in(Assessment.set_at, month))
                   .group_by(Matter.area, Matter.organisation_id, Matter.kind, Assessment.final_level,
                             Assessment.outcome, third), ids)
    for area, org_id, kind, level, outcome, is_third, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.assessed += n
            g.kinds[kind.value] += n
            g.levels[level.value] += n
            g.outcomes[outcome.value if outcome else "none"] += n
            g.third_party += n if is_third else 0


def _decisions(month: Month, ids, groups) -> None:
    final = exists().where(ReportVersion.assessment_id == Assessment.id, ReportVersion.stage == Stage.FINAL)
    covered = and_(Assessment.final_level.is_not(None), Assessment.outcome.is_not(None), final)
    start, end = month.first_day, month.next().first_day
    stmt = _scoped(select(Matter.area, Matter.organisation_id, covered, func.count())
                   .join(Assessment, Assessment.matter_id == Matter.id)
                   .where(Assessment.is_current.is_(True), Assessment.decision_date >= start,
                          Assessment.decision_date < end)
                   .group_by(Matter.area, Matter.organisation_id, covered), ids)
    for area, org_id, is_covered, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.decided += n
            g.covered += n if is_covered else 0


def _participation(month: Month, ids, groups) -> None:
    rejected = Comment.status == CommentStatus.REJECTED
    comments = _scoped(select(Matter.area, Matter.organisation_id, rejected, func.count()).join(
        Comment, Comment.matter_id == Matter.id).where(_in(Comment.created_at, month))
        .group_by(Matter.area, Matter.organisation_id, rejected), ids)
    for area, org_id, is_rejected, n in db.session.execute(comments):
        for g in groups(area, org_id):
            g.comments += n
            g.residents += 0 if is_rejected else n
    responses = _scoped(select(Matter.area, Matter.organisation_id, func.count()).join(
        Survey, Survey.matter_id == Matter.id).join(Response, Response.survey_id == Survey.id)
        .where(_in(Response.submitted_at, month), Response.is_duplicate.is_(False))
        .group_by(Matter.area, Matter.organisation_id), ids)
    for area, org_id, n in db.session.execute(responses):
        for g in groups(area, org_id):
            g.responses += n
            g.residents += n
    registrations = _scoped(select(Matter.area, Matter.organisation_id, func.count()).join(
        Meeting, Meeting.matter_id == Matter.id).join(Registration, Registration.meeting_id == Meeting.id)
        .where(_in(Registration.created_at, month)).group_by(Matter.area, Matter.organisation_id), ids)
    for area, org_id, n in db.session.execute(registrations):
        for g in groups(area, org_id):
            g.registrations += n
            g.residents += n
    staff = _scoped(select(Matter.area, Matter.organisation_id, Voice.matter_id, Voice.author, func.count())
                    .join(Voice, Voice.matter_id == Matter.id)
                    .where(_in(Voice.occurred_at, month), Voice.source.in_(sorted(PSEUDONYM_SOURCES, key=str)))
                    .group_by(Matter.area, Matter.organisation_id, Voice.matter_id, Voice.author), ids)
    for area, org_id, _mid, author, n in db.session.execute(staff):
        people = 1 if author else n  # one pseudonym is one person; unnamed records count each
        for g in groups(area, org_id):
            g.staff_voices += people
            g.residents += people


def _hearings(month: Month, ids, groups, now: datetime) -> None:
    start, end = month.utc_bounds
    checked = Registration.checked_in_at.is_not(None)
    stmt = _scoped(select(Matter.area, Matter.organisation_id, checked, func.count())
                   .join(Meeting, Meeting.matter_id == Matter.id)
                   .join(Registration, Registration.meeting_id == Meeting.id)
                   .where(Meeting.starts_at >= start, Meeting.starts_at < min(end, now),
                          Meeting.status.in_([MeetingStatus.PUBLISHED, MeetingStatus.HELD]),
                          Registration.status.in_(SEAT_HOLDING))
                   .group_by(Matter.area, Matter.organisation_id, checked), ids)
    for area, org_id, is_checked, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.seated += n
            g.attended += n if is_checked else 0


def survey_rates(ids, start: datetime, end: datetime, *, area: Optional[str] = None,
                 which: tuple[str, ...] = ("aware", "support")
                 ) -> Iterator[tuple[str, int, int, Optional[float], Optional[float]]]:
    """(district, organisation id, survey id, 知晓率, 支持率) per questionnaire with answers to its
    awareness or support question among its non-duplicate responses submitted in [start, end);
    a rate is None when the survey has no such definition or no answer to it in the period."""
    counts: dict[int, dict[str, Counter]] = {}
    for column, name in ((Response.aware_option_id, "aware"), (Response.support_option_id, "support")):
        if name not in which:
            continue
        stmt = _scoped(select(Response.survey_id, column, func.count()).join(Survey, Survey.id == Response.survey_id)
                       .join(Matter, Matter.id == Survey.matter_id)
                       .where(Response.submitted_at >= start, Response.submitted_at < end,
                              Response.is_duplicate.is_(False), column.is_not(None))
                       .group_by(Response.survey_id, column), ids)
        if area is not None:
            stmt = stmt.where(Matter.area == area)
        for sid, option, n in db.session.execute(stmt):
            counts.setdefault(sid, {"aware": Counter(), "support": Counter()})[name][option] += n
    if not counts:
        return
    surveys = db.session.execute(select(Survey.id, Matter.area, Matter.organisation_id, Survey.awareness_question_id,
                                        Survey.awareness_option_ids, Survey.support_question_id,
                                        Survey.support_option_ids).join(Matter, Matter.id == Survey.matter_id)
                                 .where(Survey.id.in_(sorted(counts))).order_by(Survey.id))
    for sid, s_area, org_id, aware_q, aware_ids, support_q, support_ids in surveys:
        c = counts[sid]
        yield (s_area or NO_AREA, org_id, sid, _rate(c["aware"], aware_ids) if aware_q and "aware" in which else None,
               _rate(c["support"], support_ids) if support_q and "support" in which else None)


def _rate(chosen: Counter, counted_ids) -> Optional[float]:
    answered = sum(chosen.values())
    return sum(n for option, n in chosen.items() if option in set(counted_ids or ())) / answered if answered else None


def _voices(month: Month, ids, groups) -> None:
    stmt = _scoped(select(Matter.area, Matter.organisation_id, Voice.is_flagged, func.count())
                   .join(Voice, Voice.matter_id == Matter.id)
                   .where(_in(Voice.occurred_at, month), Voice.is_excluded.is_(False))
                   .group_by(Matter.area, Matter.organisation_id, Voice.is_flagged), ids)
    for area, org_id, is_flagged, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.voices += n
            g.flagged += n if is_flagged else 0


def _warnings(month: Month, ids, groups, today, rows: Optional[list]) -> None:
    start, end = month.first_day, month.next().first_day - timedelta(days=1)
    rows = warning_stats.load(ids, start, end) if rows is None else rows
    for (area, org_id), c in warning_stats.tally(rows, lambda r: (r.area, r.organisation_id), start, end,
                                                 today).items():
        if not (c.raised or c.closed or c.open_at_end or c.settled):
            continue  # a warning of long ago, closed: nothing this month
        for g in groups(area, org_id):
            g.warnings.add(c)
