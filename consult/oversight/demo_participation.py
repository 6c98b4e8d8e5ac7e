"""Participation in the demo history: questionnaires and hearings of the generated matters.

Called by demo.seed_history; draws from random.Random(f"{seed}-participation"). Rows are inserted
directly (history: no audit entries, no services that check the clock).
  surveys    a third of the assessed matters (not the flagged ones): the standard questionnaire in
             the variant for the matter's kind, with the 知晓率 / 支持率 definitions preset as
             insert_standard does, open from 3 to 17 days after the matter was created;
             20–60 responses each (60 % online, 25 % paper, 15 % door to door) answering every
             choice question; support falls with the risk level (low: 75 % support or mostly,
             medium: 55 %, high: 35 %), awareness varies by matter
  hearings   up to five assessed high or medium project and reform matters: a held hearing
             15 days after creation with the default seat categories, 14–28 registrations (70 % as
             利益群体代表), the first ones of each category up to its seats selected, 85 % of the
             selected checked in. Names are invented; no phone number is stored.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import insert

from consult.crypto import keyed_hash
from consult.extensions import db
from consult.hearings import rules
from consult.hearings.models import (HearingStance, Meeting, MeetingKind, MeetingOfficial, MeetingStatus,
                                     OfficialRole, Registration, RegStatus)
from consult.hearings.registration import CONSENT_VERSION
from consult.hearings.schedule import default_seat_categories
from consult.matters.models import MatterKind
from consult.receipts import RECEIPT_ALPHABET
from consult.register.models import RiskLevel
from consult.surveys.answering import choices_fingerprint
from consult.surveys.models import (Answer, Channel, Option, Question, QuestionKind, Response, ResponseMode,
                                    Section, Survey, SurveyStatus)
from consult.surveys.standard import DEFINITIONS, OTHER, VARIANT_FOR_KIND, VARIANTS
from consult.timeutil import local_to_utc, to_local

SUPPORT = {RiskLevel.LOW: (40, 35, 10, 10, 5), RiskLevel.MEDIUM: (25, 30, 15, 15, 15),
           RiskLevel.HIGH: (15, 20, 15, 20, 30)}  # support, mostly, neutral, against_mild, oppose
CHANNELS = ((Channel.ONLINE, 60), (Channel.PAPER, 25), (Channel.DOOR, 15))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
STANCES = {RiskLevel.MEDIUM: (3, 3, 2, 2), RiskLevel.HIGH: (1, 2, 2, 5)}  # support, conditional, neutral, oppose
POINTS = ("希望公开补偿标准和测算依据。", "担心施工期间的噪声和交通影响。", "要求设立群众监督小组。",
          "支持项目，但希望尽快落实配套措施。", "对选址有不同意见，建议另行比选。", "希望妥善安置受影响的职工。")


def seed_participation(made: list, *, now: datetime, seed: int) -> None:
    rng = random.Random(f"{seed}-participation")
    assessed = [(m, a) for m, a in made if a.final_level is not None]
    for m, a in assessed:
        if rng.random() < 1 / 3 and m.created_at + timedelta(days=17) <= now:
            _survey(rng, m, a.final_level)
    hearings = [(m, a) for m, a in assessed if m.kind in (MatterKind.PROJECT, MatterKind.REFORM)
                and a.final_level in (RiskLevel.HIGH, RiskLevel.MEDIUM)]
    for m, a in rng.sample(hearings, min(5, len(hearings))):
        _hearing(rng, m, a.final_level)
    db.session.flush()


def _code(rng, n: int) -> str:
    return "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(n))


def _build(survey: Survey, variant: str) -> dict[str, Question]:
    by_code: dict[str, Question] = {}
    for s_pos, (title, description, specs) in enumerate(VARIANTS[variant], start=1):
        section = Section(survey=survey, title=title, description=description, position=s_pos)
        for q_pos, spec in enumerate(specs, start=1):
            q = Question(survey=survey, section=section, position=q_pos, kind=QuestionKind(spec["kind"]),
                         code=spec["code"], text=spec["text"], help_text=spec.get("help_text", ""),
                         required=spec.get("required", True), min_picks=spec.get("min_picks"),
                         max_picks=spec.get("max_picks"), condition_option_ids=[])
            q.options = [Option(label=label, code=code, position=i) for i, (code, label) in
                         enumerate(spec.get("options", []), start=1)]
            if spec.get("allow_other"):
                q.options.append(Option(label=OTHER, code="other", is_other=True, position=len(q.options) + 1))
            by_code[q.code] = q
        db.session.add(section)
    db.session.flush()
    for specs in (s for _t, _d, s in VARIANTS[variant]):
        for spec in specs:
            if "condition" in spec:
                src, codes = by_code[spec["condition"][0]], spec["condition"][1]
                by_code[spec["code"]].condition_question_id = src.id
                by_code[spec["code"]].condition_option_ids = [o.id for o in src.options if o.code in codes]
    for name in ("awareness", "support"):
        code, opt_codes = DEFINITIONS[name]
        setattr(survey, f"{name}_question_id", by_code[code].id)
        setattr(survey, f"{name}_option_ids", [o.id for o in by_code[code].options if o.code in opt_codes])
    survey.group_question_id = by_code[DEFINITIONS["group"]].id
    survey.distance_question_id = by_code[DEFINITIONS["distance"]].id if DEFINITIONS["distance"] in by_code else None
    survey.updated_at = survey.opens_at  # explicit: not the clock of seeding
    return by_code


def _survey(rng, m, level: RiskLevel) -> None:
    opens, closes = m.created_at + timedelta(days=3), m.created_at + timedelta(days=17)
    survey = Survey(matter_id=m.id, title=f"{m.title.split('（')[0]}社会稳定风险评估调查问卷",
                    intro="本问卷用于了解群众对本事项的知晓和支持情况，匿名填写。", opens_at=opens, closes_at=closes,
                    status=SurveyStatus.PUBLISHED, mode=ResponseMode.OPEN, created_at=opens - timedelta(days=1),
                    updated_at=opens)
    db.session.add(survey)
    by_code = _build(survey, VARIANT_FOR_KIND[m.kind.value])
    aware_weights = (rng.randint(3, 6), 4, rng.randint(1, 4))
    responses, answers = [], []
    for _ in range(rng.randint(20, 60)):
        picks = _picks(rng, by_code, level, aware_weights)
        rows = [dict(question_id=q.id, option_id=o.id, row_id=None, value_text=None, value_number=None)
                for q, chosen in picks.items() for o in chosen]
        first = {q.code: chosen[0].id for q, chosen in picks.items()}
        r = Response(survey_id=survey.id, receipt_code=_code(rng, 10),
                     channel=rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0],
                     answers_hash=choices_fingerprint(rows), is_duplicate=False, flags=[],
                     submitted_at=opens + (closes - opens) * rng.random(), group_option_id=first["relation"],
                     distance_option_id=first.get("distance"), aware_option_id=first["aware"],
                     support_option_id=first["support"])
        responses.append(r)
        answers.append(rows)
    db.session.add_all(responses)
    db.session.flush()
    db.session.execute(insert(Answer), [row | {"response_id": r.id, "survey_id": survey.id}
                                        for r, rows in zip(responses, answers) for row in rows])


def _picks(rng, by_code: dict[str, Question], level: RiskLevel, aware_weights) -> dict[Question, list[Option]]:
    picks: dict[Question, list[Option]] = {}
    for q in by_code.values():
        choices = [o for o in q.options if not o.is_other]
        if q.condition_question_id is not None:
            src = next(x for x in picks if x.id == q.condition_question_id)
            if not {o.id for o in picks[src]} & set(q.condition_option_ids):
                continue
        if q.code == "aware":
            picks[q] = rng.choices(choices, aware_weights)
        elif q.code == "support":
            picks[q] = rng.choices(choices, SUPPORT[level])
        elif q.kind == QuestionKind.SINGLE:
            picks[q] = [rng.choice(choices)]
        elif q.kind == QuestionKind.MULTIPLE:
            picks[q] = sorted(rng.sample(choices, rng.randint(1, min(3, q.max_picks or 3))), key=lambda o: o.position)
    return picks


def _hearing(rng, m, level: RiskLevel) -> None:
    day = to_local(m.created_at).date() + timedelta(days=15)
    starts = local_to_utc(datetime.combine(day, time(14, 30)))
    opens, closes = m.created_at + timedelta(days=3), local_to_utc(datetime.combine(day - timedelta(days=4), time(17)))
    topic = m.title.split("（")[0]
    meeting = Meeting(matter_id=m.id, kind=MeetingKind.HEARING, title=f"{topic}听证会",
                      agenda="一、介绍方案及评估情况\n二、听证参加人发言\n三、责任单位回应", starts_at=starts,
                      venue=f"{m.area}政务服务中心三楼会议室", capacity=30, registration_opens_at=opens,
                      registration_closes_at=closes, promotion_cutoff_at=starts - timedelta(days=1),
                      rules=rules.default_rules(), questions=[], status=MeetingStatus.HELD,
                      published_at=m.created_at + timedelta(days=2), list_confirmed_at=closes + timedelta(hours=20),
                      public_summary="听证会已按期召开，听证参加人围绕补偿、环境影响和实施安排发表意见，"
                                     "责任单位逐一作了回应。", created_at=m.created_at + timedelta(days=2),
                      updated_at=starts + timedelta(hours=3))
    meeting.categories.extend(default_seat_categories(meeting.capacity))
    for role, name in ((OfficialRole.CHAIR, "周文"), (OfficialRole.OFFICER, "郑敏"), (OfficialRole.RECORDER, "钱颖")):
        meeting.officials.append(MeetingOfficial(role=role, name=name, organisation="江城大学公共管理学院"))
    db.session.add(meeting)
    db.session.flush()
    _registrations(rng, meeting, level, opens, closes)


def _registrations(rng, meeting: Meeting, level: RiskLevel, opens: datetime, closes: datetime) -> None:
    public = [c for c in meeting.categories if c.is_public and c.seats > 0]
    weights = [70 if c.is_affected else 30 / (len(public) - 1) for c in public]
    taken: dict[int, int] = {}
    n = rng.randint(14, 28)
    moments = sorted(opens + (closes - opens) * rng.random() for _ in range(n))
    for i, at in enumerate(moments):
        category = rng.choices(public, weights)[0]
        taken[category.id] = taken.get(category.id, 0) + 1
        selected = taken[category.id] <= category.seats
        reg = Registration(
            meeting_id=meeting.id, category_id=category.id, public_id=_code(rng, 8), receipt_code=_code(rng, 10),
            ticket_code=_code(rng, 6), phone_hash=keyed_hash(f"demo-history:{meeting.id}:{i}", "hearing-phone"),
            relation="项目周边居民" if category.is_affected else category.name,
            stance=rng.choices(list(HearingStance), STANCES[level])[0], points=rng.choice(POINTS), answers=[],
            consent_version=CONSENT_VERSION, status=RegStatus.SELECTED if selected else RegStatus.NOT_SELECTED,
            selection_reason="按规则抽签选中" if selected else "本类别名额已满，未抽中",
            decided_at=closes + timedelta(hours=20), created_at=at)
        reg.name = f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士'))}"
        if selected and rng.random() < 0.85:
            reg.checked_in_at = meeting.starts_at - timedelta(minutes=rng.randint(5, 40))
        db.session.add(reg)
