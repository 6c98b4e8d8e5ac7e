"""Run by the drill in a subprocess (same environment as gunicorn): migrate and seed, print ids."""
from __future__ import annotations

import json
from datetime import timedelta

from consult import create_app


def main() -> None:
    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        from consult.extensions import db
        from consult.models import utcnow
        from consult.surveys import builder, questions
        from consult.surveys.models import Section, SurveyStatus
        from consult.surveys.spec import load_spec
        from tests import factories
        from tests.hearings import factories as hf

        w = factories.world()
        now = utcnow()
        s = builder.create_survey(w["matter"], actor=w["organiser"], title="演练问卷", intro="", mode="open",
                                  opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=20),
                                  notice=w["notice"])
        db.session.flush()
        section = db.session.query(Section).filter_by(survey_id=s.id).first() or builder.add_section(
            s, actor=w["organiser"], title="基本情况")
        q1 = questions.add_question(section, actor=w["organiser"], kind="single", text="您是否支持？",
                                    options=["支持", "反对"])
        q2 = questions.add_question(section, actor=w["organiser"], kind="short_text", text="您的建议", required=False)
        s.status = SurveyStatus.PUBLISHED
        m = hf.meeting(w, capacity=100000)
        for c in m.categories:
            c.seats = 100000
        db.session.commit()
        spec = load_spec(s.id)
        q1s, q2s = spec.by_id[q1.id], spec.by_id[q2.id]
        print(json.dumps({"notice": w["notice"].id, "matter": w["matter"].id, "survey": s.id,
                          "q1": q1s.field, "q1_option": str(q1s.options[0].id), "q2": q2s.field,
                          "meeting": m.id, "category": str(next(c.id for c in m.categories if c.is_public)),
                          "organiser": "organiser", "password": factories.PASSWORD}))




def start_slow_job(steps: int) -> None:
    """`python drill_seed.py job N`: queue a slow tracked job for the organiser; print its id."""
    app = create_app()
    with app.app_context():
        from consult.auth.models import User
        from consult.extensions import db
        from consult.jobs import commit, start_job
        from consult.matters.models import Matter
        from tests.reliability.drill_jobs import slow

        organiser = db.session.query(User).filter_by(username="organiser").one()
        job = start_job("drill", slow, steps, actor=organiser, matter_id=db.session.query(Matter.id).scalar(),
                        label="演练：慢任务")
        commit()
        print(job.id)


if __name__ == "__main__":
    import sys

    start_slow_job(int(sys.argv[2])) if sys.argv[1:2] == ["job"] else main()
