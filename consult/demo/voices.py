"""Demo voices for the transfer-station matter, written by a generator (templates + variation,
a fixed seed), through the same services as the pages:

- comments in informal Chinese on the concerns residents really raise (smell, the school,
  garbage-truck traffic, property values, procedure and openness, support with conditions),
  and a petition campaign whose near-copies differ by a few words;
- questionnaire responses to the standard questionnaire, with open answers;
- a symposium held before the notice, with speakers' points;
- door-to-door visit records.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from consult.demo.voice_texts import (CLOSERS, CONCERNS, FILLERS, OPENERS, PETITION, SUGGESTIONS, SYMPOSIUM,
                                      VISITS)

N_COMMENTS = 320
N_RESPONSES = 400


class TextGen:
    """Deterministic text variation: slots, openers and closers, informal punctuation."""

    def __init__(self, seed: int = 2026):
        self.r = random.Random(seed)

    def fill(self, template: str) -> str:
        values = {k: self.r.choice(v) for k, v in FILLERS.items()}
        return template.format(**values)

    def informal(self, text: str) -> str:
        r = self.r.random()
        if r < 0.2:
            text = text.replace("。", "，", 1)
        elif r < 0.35:
            text = text.rstrip("。") + self.r.choice(("！", "！！", "。。。", "?", ""))
        if self.r.random() < 0.15:
            text = text.replace("，", " ", 1)
        return text

    def comment(self, concern: str) -> str:
        bodies = CONCERNS[concern]["bodies"]
        picked = self.r.sample(bodies, 2 if self.r.random() < 0.45 else 1)
        parts = [self.fill(self.r.choice(OPENERS))] + [self.fill(b) for b in picked]
        parts.append(self.r.choice(CLOSERS))
        return self.informal("".join(parts))

    def petition(self) -> str:
        base = self.fill(self.r.choice(PETITION["bodies"]))
        if self.r.random() < 0.5:
            base += self.fill(self.r.choice(PETITION["extras"]))
        return self.informal(base + self.fill(self.r.choice(PETITION["signatures"])))

    def stance(self, concern: str) -> str:
        stances, weights = zip(*CONCERNS[concern]["stances"].items())
        return self.r.choices(stances, weights)[0]

    def concern(self) -> str:
        names = list(CONCERNS)
        return self.r.choices(names, [CONCERNS[n]["weight"] for n in names])[0]

    def moment(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.r.random()


def seed_voices(matter, notice, organiser, assessor, *, now: datetime, seed: int = 2026) -> dict[str, int]:
    gen = TextGen(seed)
    counts = {"comments": _comments(gen, notice, now), "responses": _responses(gen, matter, now),
              "points": _symposium(gen, matter, organiser, now), "visits": _visits(gen, matter, assessor, now)}
    return counts


def _comments(gen: TextGen, notice, now: datetime) -> int:
    from consult.notices.comments import CommentError, submit_comment
    from consult.notices.models import Stance

    stored, start, seen = 0, max(notice.starts_at, now - timedelta(days=3)), set()
    for i in range(N_COMMENTS * 2):
        if stored >= N_COMMENTS:
            break
        petition = i % 6 == 5
        concern = "petition" if petition else gen.concern()
        body = gen.petition() if petition else gen.comment(concern)
        stance = "oppose" if petition else gen.stance(concern)
        name = gen.fill("{surname}{given}") if gen.r.random() < 0.3 else None
        if body in seen:  # a near-copy came out identical: the demo keeps its campaign varied
            continue
        seen.add(body)
        try:
            submit_comment(notice, actor=None, body=body, stance=Stance(stance), name=name, phone=None,
                           consent=True, client_hash=None, now=gen.moment(start, now))
        except CommentError:  # refused as it would be for a resident
            continue
        stored += 1
    return stored


PROFILE = {"relation": {"direct": 4, "indirect": 4, "public": 2},
           "distance": {"d500": 4, "d1k": 3, "d3k": 2, "dfar": 1},
           "in_scope": {"yes": 3, "no": 5, "unknown": 2}, "age": {"a18": 2, "a30": 4, "a45": 3, "a60": 3},
           "occupation": {"worker": 2, "business": 2, "employee": 3, "retired": 3, "official": 1, "student": 1},
           "aware": {"know": 5, "heard": 4, "unaware": 2},
           "support": {"support": 25, "mostly": 25, "neutral": 12, "against_mild": 16, "oppose": 22},
           "tolerance": {"full": 2, "with_measures": 5, "hard": 3, "none": 1},
           "reaction": {"accept": 25, "negotiate": 30, "complain": 27, "petition": 10, "collective": 8}}


def _answers(gen: TextGen, spec) -> dict:
    from consult.surveys.answering import read_answers

    q = {x.code: x for x in spec.questions}
    chosen = {code: gen.r.choices(list(w), list(w.values()))[0] for code, w in PROFILE.items()}
    if chosen["aware"] != "unaware":
        chosen["aware_channel"] = gen.r.choice(("notice", "cadre", "neighbour", "internet"))
    data = {q[code].field: [str(next(o.id for o in q[code].options if o.code == value))]
            for code, value in chosen.items()}
    concerns = [o for o in q["concerns"].options if not o.is_other]
    data[q["concerns"].field] = [str(o.id) for o in gen.r.sample(concerns, gen.r.randint(1, 4))]
    if chosen["support"] in ("against_mild", "oppose"):
        data[q["oppose_reason"].field] = [gen.comment(gen.r.choice(("smell", "school", "traffic", "property")))]
    if gen.r.random() < 0.6:
        data[q["suggestions"].field] = [gen.informal(gen.fill(gen.r.choice(SUGGESTIONS)))]
    result = read_answers(spec, lambda k: data.get(k, []))
    return result.values if result.ok else {}


def _responses(gen: TextGen, matter, now: datetime) -> int:
    from sqlalchemy import select

    from consult.extensions import db
    from consult.surveys.models import Survey
    from consult.surveys.responses import submit_online
    from consult.surveys.spec import load_spec

    survey_id = db.session.scalar(select(Survey.id).where(Survey.matter_id == matter.id).order_by(Survey.id))
    spec = load_spec(survey_id) if survey_id else None
    if spec is None:
        return 0
    stored, start = 0, max(spec.opens_at, now - timedelta(days=3))
    for _ in range(N_RESPONSES):
        values = _answers(gen, spec)
        if values:
            submit_online(spec, values, actor=None, now=gen.moment(start, now), device=uuid.uuid4().hex,
                          client_hash=None)
            stored += 1
    return stored


def _symposium(gen: TextGen, matter, organiser, now: datetime) -> int:
    """A 座谈会 held two weeks before the notice, with its speakers' points."""
    from consult.hearings.minutes import add_point, save_summary
    from consult.hearings.models import HearingStance, MeetingKind
    from consult.hearings.schedule import create_meeting, publish_meeting

    created = now - timedelta(days=30)
    starts = now - timedelta(days=12)
    meeting = create_meeting(
        matter, actor=organiser, now=created, kind=MeetingKind.SYMPOSIUM, title="和平街道垃圾转运站选址居民座谈会",
        agenda="一、介绍初步选址方案\n二、居民代表发言\n三、街道和城管局回应", starts_at=starts,
        venue="和平街道社区服务中心二楼", online_link="", capacity=20, registration_opens_at=created,
        registration_closes_at=starts - timedelta(days=4), promotion_cutoff_at=starts - timedelta(days=1),
        short_schedule_reason=None, questions="")
    publish_meeting(meeting, actor=organiser, now=created + timedelta(hours=1))
    save_summary(meeting, actor=organiser, summary="座谈会已召开，居民代表 8 人发言，主要关注臭气、学校和交通。", held=True)
    categories = list(meeting.categories)
    for i, (stance, template) in enumerate(SYMPOSIUM):
        add_point(meeting, actor=organiser, text=gen.fill(template), stance=HearingStance(stance), registration=None,
                  category=categories[i % len(categories)], speaker=gen.fill("{surname}先生"), answer="",
                  now=starts + timedelta(minutes=10 * i))
    return len(SYMPOSIUM)


def _visits(gen: TextGen, matter, assessor, now: datetime) -> int:
    from consult.analysis.intake import add_voice, new_key
    from consult.analysis.models import VoiceSource, VoiceStance

    for i, (stance, household, template) in enumerate(VISITS):
        add_voice(matter, actor=assessor, now=now, source=VoiceSource.VISIT, key=new_key(), text=gen.fill(template),
                  occurred_at=now - timedelta(days=2, hours=i), stance=VoiceStance(stance), recorder="刘洋",
                  household=household, group="紧邻住户", author=gen.fill("{surname}") + gen.r.choice(("阿姨", "师傅", "大爷")))
    return len(VISITS)
