"""The vocabulary of audit events: every event type the system records, with its Chinese label.

The values are the strings stored in `AuditEvent.event_type`. Stored rows are immutable and hash-chained, so a
value is never renamed or reused; a new event gets a new member. The part before the dot names the area, which
the audit page filters by. People see `event_label(...)`, never the value itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventArea(models.TextChoices):
    AUTH = "auth", _("登录与认证")
    ACCOUNTS = "accounts", _("机构、用户与花名册")
    CAMPAIGN = "campaign", _("年度申报工作")
    CATALOG = "catalog", _("申报条件目录")
    CALENDAR = "calendar", _("工作日历")
    DOSSIER = "dossier", _("申报材料")
    ELIGIBILITY = "eligibility", _("资格条件审查")
    REVIEW = "review", _("审核与推荐")
    PUBLICITY = "publicity", _("公示与异议")
    SOCIAL_SECURITY = "socialsecurity", _("社保数据")
    FILES = "files", _("文件存储")
    AUDIT = "audit", _("审计")
    NOTIFICATION = "notification", _("通知与提醒")
    ACCESS = "access", _("查阅与拒绝访问")
    REPORTS = "reports", _("统计、导出与归档")

    COMMITTEE = "committee", _("评审委员会与评审会议")

    NOTICEBOARD = "noticeboard", _("通知公告栏")

    CERTIFICATE = "certificate", _("职称文件与证书")


# The prefix before the dot of an event type, per area
AREA_PREFIXES: dict[str, tuple[str, ...]] = {
    EventArea.AUTH: ("auth",),
    EventArea.ACCOUNTS: ("platform", "organisation", "membership", "user", "roster"),
    EventArea.CAMPAIGN: ("campaign",),
    EventArea.CATALOG: ("catalog",),
    EventArea.CALENDAR: ("calendar",),
    EventArea.DOSSIER: ("dossier",),
    EventArea.ELIGIBILITY: ("eligibility",),
    EventArea.REVIEW: ("review",),
    EventArea.PUBLICITY: ("publicity",),
    EventArea.SOCIAL_SECURITY: ("socialsecurity",),
    EventArea.FILES: ("files",),
    EventArea.AUDIT: ("audit",),
    EventArea.NOTIFICATION: ("notification",),
    EventArea.ACCESS: ("access",),
    EventArea.REPORTS: ("reports",),

    EventArea.COMMITTEE: ("committee",),

    EventArea.NOTICEBOARD: ("noticeboard",),

    EventArea.CERTIFICATE: ("certificate",),
}
_AREA_OF_PREFIX = {prefix: area for area, prefixes in AREA_PREFIXES.items() for prefix in prefixes}


class EventType(models.TextChoices):
    # -- auth: log-in, second factor, API tokens, locks --------------------------------------------------------
    AUTH_LOGIN = "auth.login", _("登录")
    AUTH_LOGOUT = "auth.logout", _("退出登录")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("登录失败")
    AUTH_LOCKED_OUT = "auth.locked_out", _("登录失败次数过多，暂停登录")
    AUTH_OTP_ENABLED = "auth.otp_enabled", _("启用动态口令")
    AUTH_OTP_VERIFIED = "auth.otp_verified", _("动态口令验证通过")
    AUTH_OTP_FAILED = "auth.otp_failed", _("动态口令验证失败")
    AUTH_OTP_RESET = "auth.otp_reset", _("重置动态口令")
    AUTH_TOKEN_CREATED = "auth.token_created", _("创建接口令牌")
    AUTH_TOKEN_REVOKED = "auth.token_revoked", _("吊销接口令牌")
    AUTH_ACCOUNT_LOCKED = "auth.account_locked", _("锁定账号")
    AUTH_ACCOUNT_UNLOCKED = "auth.account_unlocked", _("解除账号锁定")
    AUTH_TOKENS_REVOKED = "auth.tokens_revoked", _("权限变化，吊销全部接口令牌")
    AUTH_PASSWORD_FAILED = "auth.password_failed", _("密码核验失败")
    AUTH_PASSWORD_SPRAY = "auth.password_spray", _("同一地址多个账号登录失败（疑似密码喷洒）")
    AUTH_SELF_UNLOCKED = "auth.self_unlocked", _("本人自助解锁")
    AUTH_UNLOCK_LINK_SENT = "auth.unlock_link_sent", _("发送解锁邮件")
    AUTH_PASSWORD_CHANGED = "auth.password_changed", _("修改密码")
    AUTH_PASSWORD_RESET = "auth.password_reset", _("管理员重置密码")

    # -- accounts: the platform, organisations, roles, users, the staff roster ----------------------------------
    PLATFORM_BOOTSTRAPPED = "platform.bootstrapped", _("平台初始化")
    ORGANISATION_CREATED = "organisation.created", _("新建机构")
    ORGANISATION_UPDATED = "organisation.updated", _("修改机构信息")
    ORGANISATION_SUSPENDED = "organisation.suspended", _("暂停机构")
    ORGANISATION_REINSTATED = "organisation.reinstated", _("恢复机构")
    ORGANISATION_ROLES_RECONFIRMED = "organisation.roles_reconfirmed", _("账号重置后重新确认三类实名账号")
    MEMBERSHIP_GRANTED = "membership.granted", _("授予角色")
    MEMBERSHIP_REVOKED = "membership.revoked", _("撤销角色")
    USER_CREATED = "user.created", _("新建用户")
    USER_UPDATED = "user.updated", _("修改用户信息")
    USER_DEACTIVATED = "user.deactivated", _("停用账号")
    USER_REACTIVATED = "user.reactivated", _("启用账号")
    USER_PASSWORD_SET_AFTER_RESET = "user.password_set_after_reset", _("账号重置后重新设置密码")
    ROSTER_ADDED = "roster.added", _("加入花名册")
    ROSTER_REACTIVATED = "roster.reactivated", _("恢复或更正花名册人员")
    ROSTER_REMOVED = "roster.removed", _("移出花名册")
    ROSTER_IMPORTED = "roster.imported", _("导入花名册")

    # -- campaign: the year's campaign, its routes and quotas ----------------------------------------------------
    CAMPAIGN_CREATED = "campaign.created", _("新建年度申报工作")
    CAMPAIGN_UPDATED = "campaign.updated", _("修改年度申报工作")
    CAMPAIGN_CLONED = "campaign.cloned", _("复制年度申报工作")
    CAMPAIGN_CLONE_COPIED = "campaign.clone_copied", _("复制评审方式和指标")
    CAMPAIGN_LOADED = "campaign.loaded", _("从数据文件载入申报工作")
    CAMPAIGN_ROUTE_SET = "campaign.route_set", _("设置评审方式")
    CAMPAIGN_ROUTE_DELETED = "campaign.route_deleted", _("删除评审方式")
    CAMPAIGN_QUOTA_SET = "campaign.quota_set", _("设置评审指标")
    CAMPAIGN_QUOTA_DELETED = "campaign.quota_deleted", _("删除评审指标")
    CAMPAIGN_RUBRIC_SET = "campaign.rubric_set", _("设置答辩评分细则")
    CAMPAIGN_SLOT_CREATED = "campaign.slot_created", _("安排错峰申报批次")
    CAMPAIGN_SLOT_DELETED = "campaign.slot_deleted", _("删除错峰申报批次")

    # -- catalog: conditions, specialties, the 破格 list ---------------------------------------------------------
    CATALOG_CONDITION_CREATED = "catalog.condition_created", _("新增申报条件")
    CATALOG_CONDITION_UPDATED = "catalog.condition_updated", _("修改申报条件")
    CATALOG_CONDITION_DELETED = "catalog.condition_deleted", _("删除申报条件")
    CATALOG_SPECIALTY_CREATED = "catalog.specialty_created", _("新增专业")
    CATALOG_SPECIALTY_UPDATED = "catalog.specialty_updated", _("修改专业")
    CATALOG_WAIVER_CREATED = "catalog.waiver_created", _("新增破格业绩项")
    CATALOG_WAIVER_UPDATED = "catalog.waiver_updated", _("启用或停用破格业绩项")

    # -- calendar: holidays and make-up working days -------------------------------------------------------------
    CALENDAR_OVERRIDE_CREATE = "calendar.override_create", _("调整节假日或调休工作日")
    CALENDAR_OVERRIDE_DELETE = "calendar.override_delete", _("取消日历调整")
    CALENDAR_YEAR_CONFIRM = "calendar.year_confirm", _("确认年度节假日安排")

    # -- dossier: the applicant's dossier and the states it passes --------------------------------------------
    DOSSIER_CREATED = "dossier.created", _("创建申报材料")
    DOSSIER_TARGET_UPDATED = "dossier.target_updated", _("修改申报系列、级别或专业")
    DOSSIER_SECTION_CHANGED = "dossier.section_changed", _("修改申报材料内容")
    DOSSIER_EVIDENCE_ATTACHED = "dossier.evidence_attached", _("上传证明材料")
    DOSSIER_PLEDGE_SIGNED = "dossier.pledge_signed", _("签署诚信承诺")
    DOSSIER_SUBMITTED = "dossier.submitted", _("提交申报材料")
    DOSSIER_WITHDRAWN = "dossier.withdrawn", _("撤回申报材料")
    DOSSIER_WITHDRAWN_TO_DRAFT = "dossier.withdrawn_to_draft", _("撤回申报材料修改（可再次提交）")
    DOSSIER_RETURN_ANSWERED = "dossier.return_answered", _("申报人答复退回并重新提交")
    DOSSIER_ROUTE_CHANGED = "dossier.route_changed", _("职改办确认评审方式")
    DOSSIER_PUBLICITY_STARTED = "dossier.publicity_started", _("单位公示开始")
    DOSSIER_PUBLICITY_DONE = "dossier.publicity_done", _("单位公示期满")
    DOSSIER_OBJECTION_UPHELD = "dossier.objection_upheld", _("异议成立，不予推荐")
    DOSSIER_RECUSAL_REFUSED = "dossier.recusal_refused", _("因回避被拒绝办理")
    DOSSIER_RESULT_PUBLICITY_STARTED = "dossier.result_publicity_started", _("评审结果公示开始")
    DOSSIER_RESULT_PUBLICITY_DONE = "dossier.result_publicity_done", _("评审结果公示期满")
    DOSSIER_RESULT_OBJECTION_UPHELD = "dossier.result_objection_upheld", _("结果公示异议成立")
    DOSSIER_CONFERRED = "dossier.conferred", _("印发职称资格文件")
    DOSSIER_REVOKED = "dossier.revoked", _("撤销职称")

    # -- eligibility: findings set aside, exemptions, campaign-wide re-checks ----------------------------------
    ELIGIBILITY_FINDING_OVERRIDDEN = "eligibility.finding_overridden", _("审核人员认定资格条件不适用")
    ELIGIBILITY_OVERRIDE_REVOKED = "eligibility.override_revoked", _("撤销资格条件不适用认定")
    ELIGIBILITY_EXEMPTION_DECLARED = "eligibility.exemption_declared", _("申报人声明豁免资格条件")
    ELIGIBILITY_EXEMPTION_CONFIRMED = "eligibility.exemption_confirmed", _("确认豁免声明")
    ELIGIBILITY_EXEMPTION_REFUSED = "eligibility.exemption_refused", _("不予确认豁免声明")
    ELIGIBILITY_RECHECK_REQUESTED = "eligibility.recheck_requested", _("申请重新核查全部申报资格")
    ELIGIBILITY_RECHECK_FINISHED = "eligibility.recheck_finished", _("资格重新核查完成")
    ELIGIBILITY_SIMILARITY_RECORDED = "eligibility.similarity_recorded", _("录入论文查重结果")
    ELIGIBILITY_INTEGRITY_BARRED = "eligibility.integrity_barred", _("记入诚信档案，限制申报")

    # -- review: decisions, returns, unit / department / office steps, the unit's recommendation papers -------
    REVIEW_DECISION_PROPOSED = "review.decision_proposed", _("提出审核意见")
    REVIEW_DECISION_CANCELLED = "review.decision_cancelled", _("撤销审核意见")
    REVIEW_RETURN_CREATED = "review.return_created", _("退回修改")
    REVIEW_RETURN_ANSWERED = "review.return_answered", _("单位答复审核部门退回")
    REVIEW_UNIT_PASSED = "review.unit_passed", _("单位审核通过")
    REVIEW_UNIT_RETURNED = "review.unit_returned", _("单位退回申报人")
    REVIEW_UNIT_NOT_ACCEPTED = "review.unit_not_accepted", _("不予受理")
    REVIEW_UNIT_RECOMMENDED = "review.unit_recommended", _("单位推荐")
    REVIEW_UNIT_PASSED_BACK = "review.unit_passed_back", _("单位将审核部门退回转给申报人")
    REVIEW_UNIT_RESENT = "review.unit_resent", _("单位重新报送审核部门")
    REVIEW_DEPARTMENT_PASSED = "review.department_passed", _("审核部门审核通过")
    REVIEW_DEPARTMENT_RETURNED = "review.department_returned", _("审核部门退回单位")
    REVIEW_DEPARTMENT_REJECTED = "review.department_rejected", _("审核部门审核不通过")
    REVIEW_OFFICE_ACCEPTED = "review.office_accepted", _("职改办受理")
    REVIEW_OFFICE_REJECTED = "review.office_rejected", _("职改办资格审查未通过")
    REVIEW_POST_COUNTS_RECORDED = "review.post_counts_recorded", _("登记单位高级职称岗位数")
    REVIEW_RECOMMENDATION_RECORDED = "review.recommendation_recorded", _("登记推荐材料")
    REVIEW_STAFF_MEETING_RECORDED = "review.staff_meeting_recorded", _("登记职工大会集体评议")

    # -- noticeboard: the office's notices with their attachments (policy documents, manuals, forms) -------------
    NOTICEBOARD_PUBLISHED = "noticeboard.published", _("发布通知公告")
    NOTICEBOARD_ATTACHMENT_ADDED = "noticeboard.attachment_added", _("添加通知公告附件")
    NOTICEBOARD_WITHDRAWN = "noticeboard.withdrawn", _("撤下通知公告")

    # -- publicity: the unit's publicity batches and objections --------------------------------------------------
    PUBLICITY_BATCH_PUBLISHED = "publicity.batch_published", _("发布单位公示")
    PUBLICITY_BATCH_CLOSED = "publicity.batch_closed", _("结束单位公示")
    PUBLICITY_OBJECTION_FILED = "publicity.objection_filed", _("收到公示异议")
    PUBLICITY_OBJECTION_DECIDED = "publicity.objection_decided", _("处理公示异议")
    PUBLICITY_RESULT_BATCH_PUBLISHED = "publicity.result_batch_published", _("发布评审结果公示")
    PUBLICITY_RESULT_BATCH_CLOSED = "publicity.result_batch_closed", _("结束评审结果公示")

    # -- certificate: the title document, e-certificates, revocation, the national register ---------------------
    CERTIFICATE_DOCUMENT_APPROVED = "certificate.document_approved", _("审批职称资格文件")
    CERTIFICATE_ISSUED = "certificate.issued", _("签发电子证书")
    CERTIFICATE_BATCH_STARTED = "certificate.batch_started", _("开始批量签发电子证书")
    CERTIFICATE_DOWNLOADED = "certificate.downloaded", _("下载电子证书")
    CERTIFICATE_REVOKED = "certificate.revoked", _("撤销职称证书")
    CERTIFICATE_REGISTER_EXPORTED = "certificate.register_exported", _("导出职称评审结果报送表")

    # -- socialsecurity: imported contribution records -----------------------------------------------------------
    SOCIAL_SECURITY_IMPORT_UPLOADED = "socialsecurity.import_uploaded", _("上传社保缴费数据")
    SOCIAL_SECURITY_IMPORT_FINISHED = "socialsecurity.import_finished", _("社保缴费数据导入完成")
    SOCIAL_SECURITY_IMPORT_FAILED = "socialsecurity.import_failed", _("社保缴费数据导入失败")

    # -- notification: reminders the system sends, and the platform admin's retry of a failed delivery -----------
    NOTIFICATION_RETURN_DUE = "notification.return_due", _("退回答复即将截止提醒")
    NOTIFICATION_RECOMMENDATION_DUE = "notification.recommendation_due", _("推荐报送即将截止提醒")
    NOTIFICATION_SUBMISSION_CLOSING = "notification.submission_closing", _("个人申报即将截止提醒")
    NOTIFICATION_DELIVERY_RETRIED = "notification.delivery_retried", _("重新发送通知")
    NOTIFICATION_PREFERENCES_CHANGED = "notification.preferences_changed", _("修改通知接收方式")

    # -- files: stored files and their clean-up ----------------------------------------------------------------
    FILES_ORPHANS_REMOVED = "files.orphans_removed", _("清理无主文件")

    # -- access: staff reads of others' personal data, refusals (one row per request, audit.middleware) ---------
    ACCESS_READ = "access.read", _("查阅他人申报材料")
    ACCESS_DENIED = "access.denied", _("拒绝访问")

    # -- reports: exports and archive bundles (who asked for which data, who downloaded it) -----------------------
    REPORTS_EXPORT_REQUESTED = "reports.export_requested", _("申请导出数据")
    REPORTS_EXPORT_DOWNLOADED = "reports.export_downloaded", _("下载导出文件")
    REPORTS_ARCHIVE_REQUESTED = "reports.archive_requested", _("生成归档材料")

    # -- committee: expert pool, committees, draws, meetings, ballots, tally, entrusted evaluation -----------------
    COMMITTEE_EXPERT_SAVED = "committee.expert_saved", _("登记评审专家")
    COMMITTEE_RELATION_DECLARED = "committee.relation_declared", _("专家申报利害关系")
    COMMITTEE_SAVED = "committee.committee_saved", _("登记评审委员会")
    COMMITTEE_MEETING_SAVED = "committee.meeting_saved", _("安排评审会议")
    COMMITTEE_AGENDA_CHANGED = "committee.agenda_changed", _("调整会议议程")
    COMMITTEE_DRAWN = "committee.drawn", _("随机抽取评审专家")
    COMMITTEE_INVITATION_ANSWERED = "committee.invitation_answered", _("专家答复抽取邀请")
    COMMITTEE_PLEDGE_SIGNED = "committee.pledge_signed", _("专家签署保密和回避承诺")
    COMMITTEE_CONFLICT_RECORDED = "committee.conflict_recorded", _("登记专家回避")
    COMMITTEE_CHECKED_IN = "committee.checked_in", _("专家签到")
    COMMITTEE_MEETING_STARTED = "committee.meeting_started", _("评审会议开始")
    COMMITTEE_BALLOT_OPENED = "committee.ballot_opened", _("开始投票")
    COMMITTEE_VOTE_CAST = "committee.vote_cast", _("专家投票")
    COMMITTEE_VOTE_REFUSED = "committee.vote_refused", _("拒绝投票")
    COMMITTEE_BALLOT_CLOSED = "committee.ballot_closed", _("结束投票并计票")
    COMMITTEE_REVOTE_DECIDED = "committee.revote_decided", _("主任委员决定重新投票")
    COMMITTEE_QUOTA_RESOLVED = "committee.quota_resolved", _("主任委员按名额排序确定")
    COMMITTEE_TALLY_SIGNED = "committee.tally_signed", _("主任委员签署计票结果")
    COMMITTEE_DEFENCE_SCORED = "committee.defence_scored", _("答辩评分")
    COMMITTEE_PANEL_OPINION = "committee.panel_opinion", _("评议组意见")
    COMMITTEE_DEFENCE_SCHEDULED = "committee.defence_scheduled", _("安排答辩")
    COMMITTEE_DEFENCE_NO_SHOW = "committee.defence_no_show", _("登记答辩未到场")
    COMMITTEE_UPDATED = "committee.committee_updated", _("修改评审委员会")
    COMMITTEE_DOSSIER_SCHEDULED = "committee.dossier_scheduled", _("排入评审会议")
    COMMITTEE_DOSSIER_IN_MEETING = "committee.dossier_in_meeting", _("进入评审")
    COMMITTEE_DOSSIER_PASSED = "committee.dossier_passed", _("评审通过")
    COMMITTEE_DOSSIER_FAILED = "committee.dossier_failed", _("评审未通过")
    COMMITTEE_ENTRUSTMENT_PREPARED = "committee.entrustment_prepared", _("生成委托函和送评材料")
    COMMITTEE_ENTRUSTMENT_SENT = "committee.entrustment_sent", _("送委托评审")
    COMMITTEE_ENTRUSTED_RESULT = "committee.entrusted_result", _("登记委托评审结果")

    @classmethod
    def area_of(cls, value: str) -> EventArea | None:
        """The area an event type (a member or a stored string) belongs to, from its prefix; None if unknown."""
        area = _AREA_OF_PREFIX.get(str(value).split(".", 1)[0])
        return EventArea(area) if area else None

    @classmethod
    def in_area(cls, area: str) -> list[EventType]:
        """The members of one area, in the order of this file."""
        return [member for member in cls if cls.area_of(member.value) == area]


UNKNOWN_EVENT_LABEL = _("其他操作")


def event_label(value: str) -> str:
    """The label a person reads for a stored event type; a value the vocabulary lacks never shows its code."""
    try:
        return str(EventType(str(value)).label)
    except ValueError:
        area = EventType.area_of(value)
        return _("%(area)s：其他操作") % {"area": area.label} if area else str(UNKNOWN_EVENT_LABEL)
