"""Review decisions (a clerk proposes, a leader of the same organisation confirms), returns and recommendations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewLevel(models.TextChoices):
    UNIT = "unit", _("单位审核")
    DEPARTMENT = "department", _("审核部门审核")
    OFFICE = "office", _("职改办审核")


class DecisionAction(models.TextChoices):
    PASS = "pass", _("审核通过")  # unit: to publicity; department: to the office; office: accepted for evaluation
    RETURN = "return", _("退回修改")  # unit → applicant; department → unit
    PASS_BACK = "pass_back", _("退回申报人")  # unit hands a department return on to the applicant
    RESEND = "resend", _("重新报送")  # unit answers a department return itself
    NOT_ACCEPT = "not_accept", _("不予受理")  # unit
    RECOMMEND = "recommend", _("推荐")  # unit, after publicity
    REJECT = "reject", _("审核不通过")  # department / office


class ReviewDecision(models.Model):
    """One decision on one dossier: without a leader's confirmation it has no effect."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="review_decisions")
    level = models.CharField(_("审核环节"), max_length=12, choices=ReviewLevel.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("办理单位"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("审核意见"), max_length=12, choices=DecisionAction.choices)
    from_state = models.CharField(_("原状态"), max_length=20)
    reason = models.TextField(_("意见说明"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("撤销原因"), blank=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "-proposed_at"]),
            models.Index(fields=["organisation", "confirmed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(confirmed_at__isnull=True, cancelled_at__isnull=True),
                name="reviewdecision_one_open_per_dossier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.action} on {self.dossier_id}"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None


class ReturnRequest(models.Model):
    """A confirmed return: every requested change at once, an answer deadline, and when it was answered."""

    class Addressee(models.TextChoices):
        APPLICANT = "applicant", _("申报人")
        UNIT = "unit", _("用人单位")

    decision = models.OneToOneField(ReviewDecision, on_delete=models.PROTECT, related_name="return_request")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="return_requests")
    level = models.CharField(_("退回环节"), max_length=12, choices=ReviewLevel.choices)
    addressee = models.CharField(_("退回对象"), max_length=12, choices=Addressee.choices)
    number = models.PositiveSmallIntegerField(_("本环节第几次退回"))
    answer_deadline = models.DateTimeField(_("答复截止时间"))
    created_at = models.DateTimeField(_("退回时间"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("退回记录")
        verbose_name_plural = _("退回记录")
        ordering = ["dossier", "created_at"]
        indexes = [models.Index(fields=["dossier", "level"])]

    def __str__(self) -> str:
        return f"return {self.number} ({self.level}) of {self.dossier_id}"


class ReturnItem(models.Model):
    """One requested change: the section (and row) it concerns and what to do."""

    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("栏目"), max_length=40, blank=True)
    item_id = models.PositiveBigIntegerField(_("条目"), null=True, blank=True)
    message = models.TextField(_("修改要求"))

    class Meta:
        verbose_name = _("修改要求")
        verbose_name_plural = _("修改要求")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.message[:40]


# -- unit recommendation ---------------------------------------------------------------------------------------


class UnitPostCount(models.Model):
    """The unit's own count of senior titles already held, for R-POSTS (see docs/decisions.md): one per year."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("年度评审"), on_delete=models.PROTECT, related_name="+"
    )
    senior_held = models.PositiveIntegerField(_("已聘高级职称人数"))
    grassroots_senior_held = models.PositiveIntegerField(_("已有基层有效高级职称人数"))
    senior_posts = models.PositiveIntegerField(_("高级专业技术岗位数"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("单位岗位情况")
        verbose_name_plural = _("单位岗位情况")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "campaign"], name="unitpostcount_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"posts of {self.organisation_id} in {self.campaign_id}"


class Recommendation(models.Model):
    """The unit's recommendation papers: the discipline office's opinion and the sealed conduct statement."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="recommendation")
    discipline_opinion = models.TextField(_("纪检监察意见"))
    conduct_statement = models.TextField(_("品德考核情况说明"))
    conduct_file = models.FileField(_("品德考核情况说明（盖章）"), upload_to="recommendations/%Y/%m/", max_length=255,
                                    blank=True)
    conduct_file_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    conduct_file_kind = models.CharField(_("文件类型"), max_length=10, blank=True)
    conduct_file_size = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    conduct_file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    posts_check = models.JSONField(_("岗位结构比例核查"), default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("填写时间"))
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位推荐")
        verbose_name_plural = _("单位推荐")

    def __str__(self) -> str:
        return f"recommendation of {self.dossier_id}"


class MeetingResult(models.TextChoices):
    AGREED = "agreed", _("同意推荐")
    NOT_AGREED = "not_agreed", _("不同意推荐")


class StaffMeeting(models.Model):
    """The staff meeting's collective appraisal (职工大会集体评议, §六(四)) of a 破格 or 基层有效 candidate, recorded by
    the unit before it may recommend the dossier: when, how many of how many attended, the result, the minutes."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="staff_meeting")
    held_on = models.DateField(_("会议日期"))
    staff_total = models.PositiveIntegerField(_("应到人数"))
    attended = models.PositiveIntegerField(_("实到人数"))
    votes_for = models.PositiveIntegerField(_("赞成票数"))
    result = models.CharField(_("评议结果"), max_length=12, choices=MeetingResult.choices)
    minutes_file = models.FileField(_("会议纪要"), upload_to="meetings/%Y/%m/", max_length=255)
    minutes_file_name = models.CharField(_("原文件名"), max_length=255)
    minutes_file_kind = models.CharField(_("文件类型"), max_length=10)
    minutes_file_size = models.PositiveBigIntegerField(_("大小（字节）"))
    minutes_file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("职工大会集体评议")
        verbose_name_plural = _("职工大会集体评议")
        constraints = [
            models.CheckConstraint(condition=models.Q(attended__lte=models.F("staff_total")),
                                   name="staffmeeting_attended_within_total"),
            models.CheckConstraint(condition=models.Q(votes_for__lte=models.F("attended")),
                                   name="staffmeeting_votes_within_attended"),
        ]

    def __str__(self) -> str:
        return f"staff meeting for {self.dossier_id}"
