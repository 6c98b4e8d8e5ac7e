"""`flask --app wsgi report MATTER_ID --format html|docx|pdf -o FILE [--version N]`."""
from __future__ import annotations

import click
from sqlalchemy import select

from consult.extensions import db
from consult.matters.models import Matter
from consult.reports import render
from consult.reports.fonts import FontMissing
from consult.reports.models import ReportVersion


def render_to_file(matter_id: int, fmt: str, output: str, number: int | None) -> str:
    if db.session.get(Matter, matter_id) is None:
        raise click.ClickException(f"事项 {matter_id} 不存在。")
    stmt = select(ReportVersion).where(ReportVersion.matter_id == matter_id)
    stmt = stmt.where(ReportVersion.number == number) if number else stmt.order_by(ReportVersion.number.desc())
    version = db.session.scalars(stmt.limit(1)).first()
    if version is None:
        raise click.ClickException(f"事项 {matter_id} 没有{'第 %s 版' % number if number else '已保存的'}报告。")
    try:
        data, _mime = render.render(version.document, fmt)
    except FontMissing as exc:
        raise click.ClickException(str(exc)) from None
    with open(output, "wb") as fh:
        fh.write(data)
    return f"已生成 {output}（{version.label}，{len(data)} 字节，内容哈希 {version.content_hash[:16]}）"
