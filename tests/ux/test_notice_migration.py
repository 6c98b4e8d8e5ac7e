"""Migration 0013_ux turns existing HTML notice bodies into readable Markdown (and back down)."""
from sqlalchemy import create_engine, text

from consult import create_app


def test_existing_html_bodies_become_markdown(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"TESTING": True, "ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": url})
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        upgrade(revision="0006_job_runs")
        engine = create_engine(url)
        with engine.begin() as c:
            c.execute(text(
                "INSERT INTO notices (id, matter_id, title, body_html, starts_at, ends_at, status, created_at, updated_at)"
                " VALUES (1, 1, '旧公示', :b, '2026-01-01 00:00:00+00:00', '2026-02-01 00:00:00+00:00', 'published',"
                " '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')"),
                {"b": "<p>拟设置<strong>三年</strong>过渡期。<br>欢迎提出意见。</p><ul><li>灵活就业人员</li><li>中小企业</li></ul>"})
        upgrade(revision="heads")
        with engine.connect() as c:
            md, html = c.execute(text("SELECT body_md, body_html FROM notices WHERE id = 1")).one()
        assert md == "拟设置**三年**过渡期。\n欢迎提出意见。\n\n- 灵活就业人员\n- 中小企业"
        assert html.startswith("<p>拟设置<strong>三年</strong>")  # the public page is unchanged until an edit
        downgrade(revision="0006_job_runs")
        with engine.connect() as c:
            assert c.execute(text("SELECT body_html FROM notices WHERE id = 1")).scalar().startswith("<p>拟设置")
        engine.dispose()
