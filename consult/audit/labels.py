"""The audit log in words an official reads: actions, objects, fields and values in Chinese.

Codes stay in the database (stable, searchable); only the page translates them. An unknown code
is shown as it is, so a new action is never hidden.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

ACTION_GROUPS = {
    "matter": _l("事项"), "notice": _l("公示"), "attachment": _l("公示"), "comment": _l("意见"),
    "survey": _l("问卷"), "hearing": _l("听证会"), "risk_item": _l("风险清单"), "risk_measure": _l("化解措施"), "user": _l("账号"), "organisation": _l("单位"),
}
ACTIONS = {
    "matter.create": _l("新建事项"), "matter.update": _l("修改事项"), "matter.status": _l("变更事项状态"),
    "matter.assessors": _l("指派评估人员"),
    "plan.create": _l("加入年度评估计划"), "plan.update": _l("修改年度评估计划"), "plan.delete": _l("删除年度评估计划项"),
    "notice.create": _l("新建公示"), "notice.update": _l("修改公示"), "notice.publish": _l("发布公示"),
    "notice.withdraw": _l("撤回公示"), "attachment.add": _l("上传附件"), "attachment.remove": _l("删除附件"),
    "comment.moderate": _l("审核意见"), "comment.reply": _l("答复意见"), "comment.reveal_phone": _l("查看完整手机号"),
    "comment.redact": _l("隐去意见中的个人信息"), "comment.export": _l("导出意见"),
    "survey.create": _l("新建问卷"), "survey.update": _l("修改问卷设置"), "survey.publish": _l("发布问卷"),
    "survey.close": _l("截止问卷"), "survey.insert_standard": _l("插入标准问卷"), "survey.definitions": _l("设置统计口径"),
    "survey.targets": _l("设置目标样本量"), "survey.section.add": _l("添加问卷部分"),
    "survey.section.update": _l("修改问卷部分"), "survey.section.move": _l("移动问卷部分"),
    "survey.section.delete": _l("删除问卷部分"), "survey.question.add": _l("添加题目"),
    "survey.question.update": _l("修改题目"), "survey.question.move": _l("移动题目"),
    "survey.question.delete": _l("删除题目"), "survey.question.duplicate": _l("复制题目"),
    "survey.question.condition": _l("设置显示条件"), "survey.question.other": _l("设置“其他”选项"),
    "survey.invitations": _l("生成邀请码"), "survey.import": _l("导入纸质问卷"),
    "survey.response.enter": _l("录入纸质问卷"), "survey.export_personal": _l("导出含个人信息的问卷"),
    "hearing.create": _l("新建听证会"), "hearing.update": _l("修改听证会"), "hearing.publish": _l("发布听证会"),
    "hearing.cancel": _l("取消听证会"), "hearing.rules": _l("修改组成规则"), "hearing.category.save": _l("保存名额类别"),
    "hearing.category.delete": _l("删除名额类别"), "hearing.official.add": _l("添加主持人或工作人员"),
    "hearing.official.remove": _l("移除主持人或工作人员"), "hearing.registration.close": _l("提前截止报名"),
    "hearing.draw.seed": _l("公布抽签种子"), "hearing.draw.run": _l("按规则遴选"), "hearing.list.confirm": _l("确认参加人员名单"),
    "hearing.registrations.reveal": _l("查看报名人完整信息"),
    "hearing.attendance.reveal": _l("查看出席人员完整姓名"), "hearing.export": _l("导出签到表"),
    "hearing.check_in": _l("签到"), "hearing.remind": _l("发送会前提醒"), "hearing.minutes": _l("修改会议记录"),
    "hearing.summary": _l("发布会议纪要摘要"), "hearing.point.add": _l("记录发言要点"),
    "hearing.point.delete": _l("删除发言要点"),
    "risk_item.promote": _l("列入风险清单"), "risk_item.update": _l("修改风险项"), "risk_item.grade": _l("评定风险等级"),
    "risk_item.residual": _l("评定残余风险"), "risk_item.link": _l("风险项关联风险点"),
    "risk_item.unlink": _l("风险项取消关联风险点"), "risk_item.remove": _l("移出风险清单"),
    "risk_measure.add": _l("添加化解措施"), "risk_measure.update": _l("修改化解措施"),
    "risk_measure.delete": _l("删除化解措施"), "risk_point.confirm": _l("确认风险点"),
    "risk_point.publish_response": _l("发布公开答复"), "risk_point.withdraw_response": _l("撤回公开答复"),
    "user.create": _l("新建账号"), "user.update": _l("修改账号"), "organisation.create": _l("新建单位"),
    "organisation.update": _l("修改单位"),
}
OBJECTS = {
    "Matter": _l("事项"), "Notice": _l("公示"), "Attachment": _l("附件"), "Comment": _l("意见"), "Survey": _l("问卷"),
    "Section": _l("问卷部分"), "Question": _l("题目"), "Response": _l("答卷"), "Meeting": _l("听证会"),
    "SeatCategory": _l("名额类别"), "MeetingOfficial": _l("主持人或工作人员"), "Registration": _l("报名"),
    "Draw": _l("抽签"), "Minutes": _l("会议记录"), "SpeakerPoint": _l("发言要点"), "User": _l("账号"),
    "Organisation": _l("单位"), "PlanItem": _l("年度计划项"),
}
FIELDS = {
    "title": _l("标题"), "body_md": _l("正文"), "starts_at": _l("开始时间"), "ends_at": _l("结束时间"),
    "short_period_reason": _l("缩短期限的理由"), "status": _l("状态"), "reply": _l("答复"), "adoption": _l("采纳情况"),
    "adoption_reason": _l("理由"), "moderation_reason": _l("不予公开的理由"), "stance": _l("态度"),
    "kind": _l("类型"), "organisation_id": _l("评估主体"), "area": _l("区域"), "location": _l("位置"),
    "scope_description": _l("影响范围"), "est_households": _l("估计户数"), "est_persons": _l("估计人数"),
    "procedure": _l("评估程序"), "is_sensitive": _l("敏感事项"), "requires_moderation": _l("先审后发"),
    "agenda": _l("议程"), "venue": _l("地点"), "online_link": _l("线上链接"), "capacity": _l("人数上限"),
    "registration_opens_at": _l("报名开始"), "registration_closes_at": _l("报名截止"),
    "promotion_cutoff_at": _l("递补截止"), "short_schedule_reason": _l("缩短时限的理由"), "allocation": _l("确定方式"),
    "questions": _l("自定义问题"), "waitlist_size": _l("候补人数"), "cancel_reason": _l("取消理由"),
    "intro": _l("说明"), "opens_at": _l("开放时间"), "closes_at": _l("截止时间"), "mode": _l("填写方式"),
    "notice_id": _l("关联公示"), "text": _l("内容"), "help_text": _l("提示文字"), "required": _l("必答"),
    "name": _l("名称"), "description": _l("说明"), "seats": _l("名额"), "min_seats": _l("最少名额"),
    "username": _l("用户名"), "display_name": _l("显示名"), "role": _l("角色"), "is_enabled": _l("启用"),
    "seed": _l("种子"), "entrants": _l("参加人数"), "entrants_hash": _l("名单摘要"), "category": _l("类别"),
    "public_id": _l("编号"), "public_summary": _l("纪要摘要"), "questions_count": _l("题数"), "variant": _l("问卷类型"),
    "redacted": _l("隐去处数"), "published_at": _l("发布时间"), "ran_at": _l("遴选时间"), "topic": _l("议题"), "answers": _l("答复"), "conclusion": _l("结论"),
    "third_party": _l("第三方评估机构"), "public_withheld_reason": _l("不公示的理由"), "year": _l("年度"),
    "expected_month": _l("预计月份"), "matter_id": _l("关联事项"), "note": _l("备注"),
    "registration_closes_at_new": _l("新的报名截止"), "seats_by_category": _l("各类名额"), "broken_rules": _l("不符合的规则"),
}
VALUES = {
    "support": _l("支持"), "conditional": _l("有条件支持"), "other": _l("中立或其他"), "neutral": _l("中立或其他"),
    "oppose": _l("反对"), "draft": _l("草稿"), "published": _l("已发布"), "withdrawn": _l("已撤回"),
    "pending": _l("待审核"), "rejected": _l("未予公开"), "adopted": _l("采纳"), "partly": _l("部分采纳"),
    "not_adopted": _l("不采纳"), "consulting": _l("征求意见中"), "closed": _l("已结束"), "assessing": _l("分析评估中"),
    "cancelled": _l("已取消"), "held": _l("已召开"), "organiser": _l("组织者"), "assessor": _l("评估人员"),
    "admin": _l("管理员"), "draw": _l("按规则抽签"), "first_come": _l("先报先得"), "general": _l("一般程序"),
    "simplified": _l("简易程序"), "policy": _l("重大政策"), "reform": _l("重大改革改制"), "project": _l("重大项目"),
    "event": _l("重大活动"), "hearing": _l("听证会"), "open": _l("公开填写"), "sms": _l("短信验证"),
    "invitation": _l("邀请码"), "siting": _l("邻避设施选址"), "expropriation": _l("征收拆迁"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_label(entry) -> str:
    name = str(OBJECTS.get(entry.object_type, entry.object_type))
    return f"{name} {entry.object_id}" if entry.object_id else name


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name))


def value_label(value: Any) -> str:
    """A stored value as a reader expects it: 是/否, Beijing time, labels for codes."""
    from consult.timeutil import format_local

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    if isinstance(value, str):
        if len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
            try:
                return format_local(datetime.fromisoformat(value))
            except ValueError:
                pass
        return str(VALUES.get(value, value))
    if isinstance(value, (list, tuple)):
        return "、".join(value_label(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{value_label(v)}" for k, v in value.items())
    return str(value)
