"""Rules of the architecture that a reviewer would otherwise have to remember."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "consult"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pipeline_imports_neither_flask_nor_sqlalchemy():
    pipeline = ROOT / "analysis" / "pipeline"
    if not pipeline.is_dir():
        pytest.skip("consult/analysis/pipeline does not exist yet")
    files = list(pipeline.rglob("*.py"))
    assert files
    for path in files:
        bad = _imports(path) & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    # and at run time: importing the pipeline and its CLI loads nothing of them beyond what
    # the package's own __init__ (the web app factory) already brought in
    code = ("import sys, consult; before = set(sys.modules); "
            "import consult.analysis.pipeline, consult.analysis.__main__; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('flask', 'sqlalchemy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _calls_commit(path: Path) -> list[int]:
    tree = ast.parse(path.read_text("utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name == "commit":
                lines.append(node.lineno)
    return lines


# Where committing is the point: request handlers, the CLI, the demo loader, and jobs.
COMMIT_ALLOWED = {"cli.py", "demo/seed.py", "demo/workspace.py", "jobs/__init__.py", "messaging/services.py"}


def _is_request_handler(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.endswith("views.py") or name.startswith("staff_") or name == "staff_results.py"


def test_no_service_commits():
    """Services flush; the request, CLI or job commits once."""
    modules = [p for p in ROOT.rglob("*.py") if "pipeline" not in p.parts]
    offenders = {}
    for path in modules:
        rel = str(path.relative_to(ROOT))
        if rel in COMMIT_ALLOWED or _is_request_handler(rel):
            continue
        if lines := _calls_commit(path):
            offenders[rel] = lines
    assert len(modules) > 30
    assert not offenders, f"only views, the CLI and jobs may commit: {offenders}"


def test_views_do_not_touch_the_session_beyond_commit_and_rollback():
    for path in (p for p in ROOT.rglob("*.py") if _is_request_handler(str(p.relative_to(ROOT)))):
        src = path.read_text("utf-8")
        for forbidden in ("db.session.add(", "db.session.delete(", "db.session.execute("):
            assert forbidden not in src, f"{path.relative_to(ROOT)} uses {forbidden} — put it in a service"
