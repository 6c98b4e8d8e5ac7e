"""The schema the migrations build is the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from consult.extensions import db


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], f"models and migrations differ (write a migration): {diff}"


def test_migrations_have_one_head_and_downgrades(app):
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = script.get_heads()
    assert len(heads) == 1, f"several migration heads, add a merge migration: {heads}"
    for rev in script.walk_revisions():
        source = open(rev.path, encoding="utf-8").read()
        assert "def downgrade" in source and "pass\n" not in source.split("def downgrade")[1][:40], rev.revision
