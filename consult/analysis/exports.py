"""Export of the (filtered) voice pool as CSV or XLSX, as a tracked job.

Names are masked (张** style) whatever the source; phone and ID numbers residents typed into a
text are masked as on the staff pages (crypto.mask_numbers_in_text); formula injection is
neutralised.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, func, select



from consult.analysis.models import SOURCE_LABELS, VOICE_STANCE_LABELS, RiskPoint, Voice
from consult.analysis.pool import PoolFilter, _conditions
from consult.analysis.voices import sync_voices
from consult.audit.services import record
from consult.crypto import mask_name, mask_numbers_in_text
from consult.extensions import db
from consult.jobs import finish_job, report_progress, start_job
from consult.permissions import require
from consult.tabular import FORMATS, sink as table_sink
from consult.timeutil import format_local

HEADER = ["编号", "来源", "渠道", "时间", "态度", "原始态度", "群体", "户/楼号/单位", "署名（已打码）", "记录人",
          "标题", "内容", "权重", "预警词", "风险点", "已审阅", "排除理由"]
CHUNK = 2000


class ExportError(Exception):
    pass


def start_pool_export(matter, *, actor, fmt: str, args: dict):
    """Queue an export of the voices matching the filter given as query-string args."""
    require(actor, "matter.analyse", matter)
    if fmt not in FORMATS:
        raise ExportError(_("请选择 CSV 或 Excel 格式。"))
    sync_voices(matter.id)  # mirrored texts are current when the job reads them
    f = PoolFilter.from_args(args)
    clean = f.args(page=1)
    record(actor=actor, action="voice.export", obj=matter, matter_id=matter.id, after={"format": fmt, "filter": clean})
    label = f"意见汇集导出（{'Excel' if fmt == 'xlsx' else 'CSV'}{'，已筛选' if clean else ''}）"
    return start_job("voice_export", export_job, matter.id, fmt, clean, actor=actor, matter_id=matter.id, label=label)


def export_rows(matter_id: int, f: PoolFilter):
    yield HEADER
    where = and_(*_conditions(matter_id, f))
    titles = dict(db.session.execute(select(RiskPoint.id, RiskPoint.title).where(RiskPoint.matter_id == matter_id)).all())
    cols = (Voice.id, Voice.source, Voice.channel, Voice.occurred_at, Voice.stance, Voice.raw_stance, Voice.group,
            Voice.household, Voice.author, Voice.recorder, Voice.title, Voice.text, Voice.weight,
            Voice.escalation_terms, Voice.point_id, Voice.is_reviewed, Voice.exclude_reason)
    after = 0
    while True:
        chunk = db.session.execute(select(*cols).where(where, Voice.id > after).order_by(Voice.id).limit(CHUNK)).all()
        if not chunk:
            return
        for v in chunk:
            yield [v.id, str(SOURCE_LABELS[v.source]), v.channel, format_local(v.occurred_at),
                   str(VOICE_STANCE_LABELS[v.stance]), v.raw_stance, v.group, v.household, _masked(v.author),
                   v.recorder, mask_numbers_in_text(v.title), mask_numbers_in_text(v.text), v.weight, "、".join(v.escalation_terms or []),
                   titles.get(v.point_id, "") if v.point_id else "", "是" if v.is_reviewed else "",
                   v.exclude_reason or ""]
        after = chunk[-1].id


def _masked(author: str) -> str:
    return author if "*" in author else mask_name(author)


def export_job(job_id: int, matter_id: int, fmt: str, args: dict) -> None:
    f = PoolFilter.from_args(args)
    total = db.session.scalar(select(func.count(Voice.id)).where(and_(*_conditions(matter_id, f)))) or 0
    report_progress(job_id, 0, total, "正在导出意见")
    sink = table_sink(fmt, "意见汇集")
    for i, row in enumerate(export_rows(matter_id, f)):
        sink.add(row)
        if i and i % CHUNK == 0:
            report_progress(job_id, i, total, f"已导出 {i} / {total} 条")
    report_progress(job_id, total, total, "正在生成文件")
    finish_job(job_id, sink.data(), f"事项{matter_id}-意见汇集.{fmt}", FORMATS[fmt])
