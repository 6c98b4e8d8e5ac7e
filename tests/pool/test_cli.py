"""`flask matters [--json]`: every matter with its pool figures."""
import json

from consult.analysis.models import AnalysisRun, RunStatus
from consult.extensions import db
from tests import factories
from tests.pool.helpers import voice


def test_matters_lists_every_matter_with_counts(app):
    w = factories.world()
    factories.comment(w["notice"], "臭味太大")
    voice(w["matter"], "我们联名上访")
    other = factories.matter(w["other_org"], title="另一事项")
    db.session.add(AnalysisRun(matter_id=other.id, status=RunStatus.DONE))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["matters", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == [w["matter"].id, other.id]
    first = rows[0]
    assert (first["title"], first["status"], first["voices"], first["flagged"], first["by_source"]) == (
        w["matter"].title, "consulting", 2, 1, {"comment": 1, "visit": 1})
    assert first["new_since_last_run"] is None and rows[1]["new_since_last_run"] == 0
    table = runner.invoke(args=["matters"])
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert len(lines) == 2 and "意见      2" in lines[0] and "预警    1" in lines[0] and lines[0].endswith(w["matter"].title)
