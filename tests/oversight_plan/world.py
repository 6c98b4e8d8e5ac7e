"""A 2026 plan with hand-set states, shared by the plan and ledger tests.

本单位 (supervised), plan 2026:
  垃圾中转站建设  linked, level set 2026-02-01, decided 2026-03-05  → decided
  停车收费调整    linked, level set 2026-06-01, not decided       → assessed
  老旧小区改造    linked, no level yet                            → started
  体育馆建设      not linked                                      → planned
  unplanned (level set in 2026 local time, not in the plan): 公厕选址 (2026-04-01),
  菜市场搬迁 (2025-12-31 17:00 UTC = 2026-01-01 01:00 Beijing); not 农贸市场改造 (2025-12-31 15:00 UTC
  = 23:00 Beijing, still 2025).
  → planned 4, started 3, assessed 2, decided 1, unplanned 2
其他单位, plan 2026: 国企改制方案 (not linked); 港口扩建 level set 2026-05-01 → 1, 0, 0, 0, 1
"""
from datetime import date, datetime, timezone

from consult.extensions import db
from consult.matters.models import Matter, MatterKind
from consult.oversight.models import PlanItem
from consult.register.models import RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.oversight import builders
from tests.permission_support import add_outside_roles


def at(*args):
    return datetime(*args, tzinfo=timezone.utc)


def item(org, title, *, year=2026, matter=None, month=None, kind=MatterKind.PROJECT, note=""):
    i = PlanItem(organisation_id=org.id, year=year, title=title, kind=kind, expected_month=month,
                 matter_id=matter.id if matter else None, note=note)
    db.session.add(i)
    db.session.commit()
    return i


def planned_world():
    w = add_outside_roles(factories.world())
    org, other = w["org"], w["other_org"]
    m = w["matter"]
    m.title, m.third_party = "垃圾中转站建设", "某评估咨询公司"
    builders.assessed(m, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=at(2026, 2, 1, 9),
                      stages=[(Stage.FINAL, at(2026, 3, 1, 9))], decided=date(2026, 3, 5))
    w["parking"] = factories.matter(org, title="停车收费调整", kind=MatterKind.POLICY)
    builders.assessed(w["parking"], level=RiskLevel.MEDIUM, set_at=at(2026, 6, 1, 9))
    w["renewal"] = factories.matter(org, title="老旧小区改造")
    w["toilet"] = factories.matter(org, title="公厕选址", public_withheld_reason="涉及个人隐私")
    builders.assessed(w["toilet"], level=RiskLevel.LOW, set_at=at(2026, 4, 1, 9))
    w["market"] = factories.matter(org, title="菜市场搬迁")
    builders.assessed(w["market"], level=RiskLevel.LOW, set_at=at(2025, 12, 31, 17))
    w["farm"] = factories.matter(org, title="农贸市场改造")
    builders.assessed(w["farm"], level=RiskLevel.LOW, set_at=at(2025, 12, 31, 15))
    w["port"] = factories.matter(other, title="港口扩建")
    builders.assessed(w["port"], level=RiskLevel.HIGH, set_at=at(2026, 5, 1, 9))
    w["items"] = [item(org, "垃圾中转站建设", matter=m, month=3), item(org, "停车收费调整", matter=w["parking"], month=6,
                                                               kind=MatterKind.POLICY),
                  item(org, "老旧小区改造", matter=w["renewal"], month=9), item(org, "体育馆建设", note="待立项")]
    w["other_item"] = item(other, "国企改制方案", kind=MatterKind.REFORM)
    for matter in db.session.query(Matter):  # the ledger's year filter is the creation year
        matter.created_at = at(2026, 1, 10, 2)
    db.session.commit()
    return w
