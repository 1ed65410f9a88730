"""The applicant's dossier: its target, its sections, evidence files, the pledge and frozen versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.validators import validate_credit_code
from zhicheng.campaigns.models import Route
from zhicheng.catalog.models import Education
from zhicheng.core.errors import ApplicationError
from zhicheng.core.models import TimeStampedModel


class DossierState(models.TextChoices):
    """Where a dossier is; who holds it in each state is in workflow.py (domain brief §5)."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")  # with the unit (or agency) for review
    WITHDRAWN = "withdrawn", _("已撤回")
    RETURNED = "returned", _("退回修改")  # with the applicant, answering a return
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    UNIT_PASSED = "unit_passed", _("单位审核通过")  # waiting for unit publicity
    IN_PUBLICITY = "in_publicity", _("单位公示中")
    PUBLICITY_DONE = "publicity_done", _("公示期满")  # waiting for the unit's recommendation
    NOT_RECOMMENDED = "not_recommended", _("不予推荐")
    RECOMMENDED = "recommended", _("已推荐")  # with the review department
    DEPARTMENT_RETURNED = "dept_returned", _("审核部门退回")  # with the unit
    DEPARTMENT_REJECTED = "dept_rejected", _("审核未通过")
    DEPARTMENT_PASSED = "dept_passed", _("审核部门通过")  # with the title office
    OFFICE_ACCEPTED = "office_accepted", _("职改办受理")  # accepted for evaluation
    OFFICE_REJECTED = "office_rejected", _("资格审查未通过")
    # -- evaluation (committees app): the district's own committee, or entrusted to another one -------------------
    SCHEDULED = "scheduled", _("已排入评审会议")  # on a meeting's agenda
    IN_MEETING = "in_meeting", _("评审中")  # the meeting has started (defence, ballot)
    ENTRUSTED_SENT = "entrusted_sent", _("已送委托评审")  # dispatched to the entrusted committee
    PASSED = "passed", _("评审通过")  # the chair signed the tally (or the entrusted result came back: passed)
    FAILED = "failed", _("评审未通过")
    # -- results (publicity's result kind, certificates app) --------------------------------------------------------
    IN_RESULT_PUBLICITY = "result_publicity", _("评审结果公示中")
    RESULT_PUBLICITY_DONE = "result_public_done", _("结果公示期满")  # waiting for the title document
    RESULT_OBJECTION_UPHELD = "result_objected", _("结果公示异议成立")
    CONFERRED = "conferred", _("已发文确认资格")  # in an approved title document; certificate issued
    REVOKED = "revoked", _("资格已撤销")


class EligibilityStatus(models.TextChoices):
    """What the latest eligibility check says, shown beside the dossier; written by the eligibility app after each
    check or reviewer's decision, set to "outdated" by dossiers when the content changes."""

    NOT_CHECKED = "not_checked", _("未检查")
    ELIGIBLE = "eligible", _("符合")
    BLOCKED = "blocked", _("有不符合项")
    INCOMPLETE = "incomplete", _("信息不完整")
    OUTDATED = "outdated", _("材料已修改，待重新检查")


class ValidityScope(models.TextChoices):
    PROVINCE = "province", _("全省有效")
    GRASSROOTS = "grassroots", _("基层有效")
    ENTERPRISE = "enterprise", _("企业有效")
    UNIT = "unit", _("本单位有效")


class Category(models.TextChoices):
    NORMAL = "normal", _("正常晋升")
    EXCEPTIONAL = "exceptional", _("破格晋升")
    GRASSROOTS = "grassroots", _("基层有效")
    TRANSFER = "transfer", _("转系列")
    SKILLED = "skilled", _("高技能人才贯通")
    RURAL = "rural", _("乡村倾斜")


class Dossier(TimeStampedModel):
    """One applicant's application in one campaign for one target; `state` is written by workflow.py only."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="dossiers"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("年度评审"), on_delete=models.PROTECT, related_name="dossiers"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="dossiers"
    )
    series = models.ForeignKey("catalog.Series", verbose_name=_("申报系列"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("catalog.Level", verbose_name=_("申报级别"), on_delete=models.PROTECT, related_name="+")
    specialty = models.ForeignKey(
        "catalog.Specialty", verbose_name=_("专业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(
        _("有效范围"), max_length=20, choices=ValidityScope.choices, default=ValidityScope.PROVINCE
    )
    category = models.CharField(_("评价类别"), max_length=20, choices=Category.choices, default=Category.NORMAL)
    route = models.CharField(_("评审方式"), max_length=10, choices=Route.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=DossierState.choices, default=DossierState.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), null=True, blank=True)
    # Who acts on it now and since when, kept by dossier_transition (holders.py says who holds each state):
    # queues filter and sort on these instead of recomputing the holder per row. None: the applicant, or nobody.
    held_by = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("当前办理单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    held_since = models.DateTimeField(_("到达当前办理单位时间"), null=True, blank=True)
    # The applicant's name, copied so the office's name sort is an index scan on (held_by, applicant_name, id)
    # instead of a sort of every user; kept by database triggers (summary_sql.py) on insert and on a name change.
    applicant_name = models.CharField(_("申报人姓名"), max_length=60, blank=True, default="", editable=False)
    revision = models.PositiveIntegerField(_("修改次数"), default=0)
    # {section: {"rows": n, "files": m}}, kept by services.dossier_content_changed when rows or files come and go,
    # so the dossier's pages do not count eleven tables per request; {} until first needed (filled then)
    section_counts = models.JSONField(_("各栏目条数"), default=dict, blank=True)
    eligibility_status = models.CharField(_("申报条件"), max_length=12, choices=EligibilityStatus.choices,
                                          default=EligibilityStatus.NOT_CHECKED)
    # How many blocking findings the latest eligibility check has (its `blocking_count`), None before the first
    # check: written by the eligibility app in the transaction that stores each check, so the queues' "有不符合项"
    # filter and the dashboards' count read the row (a partial index) instead of the latest check of every row
    blocking_findings = models.PositiveIntegerField(_("不符合项数"), null=True, blank=True, editable=False)
    content_changed_at = models.DateTimeField(_("最近修改时间"), null=True, blank=True)
    # True only when no pledge on it still stands (services.dossier_content_changed voided them all and none was
    # signed since): an edit then has nothing to void and skips that write. False means "maybe one stands" (the
    # default for rows written without the services, e.g. seed_scale's COPY): the edit voids and sets it.
    pledges_void = models.BooleanField(_("承诺书均已失效"), default=False, db_default=False, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "state", "state_changed_at"]),
            # the review queues (review.selectors.held_by_q): filter on the holder, sort, keyset on (column, id)
            models.Index(fields=["held_by", "state_changed_at", "id"], name="dossier_queue_changed"),
            models.Index(fields=["held_by", "state", "state_changed_at", "id"], name="dossier_queue_state"),
            models.Index(fields=["held_by", "submitted_at", "id"], name="dossier_queue_submitted"),
            models.Index(fields=["held_by", "applicant_name", "id"], name="dossier_queue_name"),
            # the queue filtered on blocking findings and its count: only the blocking rows, in the default sort's
            # order; the state beside them (PostgreSQL) so the holder's count is an index-only scan
            models.Index(fields=["held_by", "state_changed_at", "id"], include=["state"],
                         condition=Q(blocking_findings__gt=0), name="dossier_queue_blocking"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "campaign"], condition=~Q(state="withdrawn"),
                name="dossier_one_active_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.series} {self.level}"

    @property
    def was_submitted(self) -> bool:
        """Submitted at least once, so it may have versions, decisions and returns. `submitted_at` is cleared only by
        a withdrawal to draft, which needs a reason (guard `reason_given`), so one of the two is always left."""
        return self.submitted_at is not None or bool(self.withdraw_reason)


class IdentitySection(TimeStampedModel):
    """Personal facts; name, sex and birth date come from the account's ID number and are not stored here."""

    class Retirement(models.TextChoices):
        CADRE_55 = "cadre55", _("干部（女 55 岁）")
        WORKER_50 = "worker50", _("工人（女 50 岁）")

    class Employment(models.TextChoices):
        UNIT_STAFF = "unit_staff", _("单位在职人员")
        AGENCY_CLIENT = "agency_client", _("人事代理人员")
        FLEXIBLE = "flexible", _("灵活就业人员")

    class FileCustody(models.TextChoices):
        LOCAL = "local", _("人事档案在本地托管")
        OUTSIDE_PROVINCE = "outside_province", _("档案托管机构不在本省")
        ELSEWHERE = "elsewhere", _("档案托管机构与工作单位所在地不一致")

    class Sanction(models.TextChoices):
        NONE = "", _("无")
        PARTY = "party", _("党纪处分")
        GOVERNMENT = "government", _("政务处分")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="identity")
    ethnicity = models.CharField(_("民族"), max_length=20)
    political_status = models.CharField(_("政治面貌"), max_length=20)
    phone = models.CharField(_("联系电话"), max_length=20)
    household_province = models.CharField(_("户籍所在省份"), max_length=20)
    retirement_category = models.CharField(_("退休类别"), max_length=10, choices=Retirement.choices)
    employment = models.CharField(
        _("人员类别"), max_length=20, choices=Employment.choices, default=Employment.UNIT_STAFF
    )
    file_custody = models.CharField(
        _("人事档案托管"), max_length=20, choices=FileCustody.choices, default=FileCustody.LOCAL
    )
    is_civil_servant = models.BooleanField(_("公务员或参公管理人员"), default=False)
    sanction_kind = models.CharField(_("处分类别"), max_length=20, choices=Sanction.choices, blank=True)
    sanction_from = models.DateField(_("处分影响期起"), null=True, blank=True)
    sanction_to = models.DateField(_("处分影响期止"), null=True, blank=True)

    def __str__(self) -> str:
        return f"identity of {self.dossier_id}"


class SectionItem(models.Model):
    """A row of a dossier section."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="%(class)s_items")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class EducationRecord(SectionItem):
    degree = models.CharField(_("学历"), max_length=30, choices=Education.choices)
    school = models.CharField(_("毕业院校"), max_length=100)
    major = models.CharField(_("所学专业"), max_length=100)
    start = models.DateField(_("入学时间"))
    end = models.DateField(_("毕业时间"))


class WorkHistoryEntry(SectionItem):
    unit_name = models.CharField(_("工作单位"), max_length=200)
    post = models.CharField(_("岗位 / 职务"), max_length=100)
    start = models.DateField(_("起始时间"))
    end = models.DateField(_("截止时间"), null=True, blank=True, help_text=_("至今可不填"))


class TitleHeld(SectionItem):
    series = models.ForeignKey("catalog.Series", verbose_name=_("系列"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey("catalog.Level", verbose_name=_("级别"), on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("有效范围"), max_length=20, choices=ValidityScope.choices)
    obtained_on = models.DateField(_("取得时间"))
    document_number = models.CharField(_("发文文号"), max_length=60)
    appointed_on = models.DateField(_("聘任时间"), null=True, blank=True)


class SeriesTransfer(SectionItem):
    transferred_on = models.DateField(_("转系列时间"))
    note = models.TextField(_("单位考核情况"), blank=True)


class SocialSecurityMonth(SectionItem):
    month = models.DateField(_("缴费月份"), help_text=_("当月 1 日"))
    paying_unit = models.CharField(_("缴费单位"), max_length=200)
    credit_code = models.CharField(_("缴费单位统一社会信用代码"), max_length=18, validators=[validate_credit_code])

    class Meta(SectionItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["dossier", "month", "credit_code"], name="socsec_unique_month_payer"),
        ]


class Achievement(SectionItem):
    class Kind(models.TextChoices):
        PAPER = "paper", _("论文")
        PROJECT = "project", _("项目")
        AWARD = "award", _("获奖")
        PATENT = "patent", _("专利")
        STANDARD = "standard", _("标准")
        BOOK = "book", _("著作")

    class Tier(models.TextChoices):
        CORE = "core", _("核心期刊")
        PROVINCIAL = "provincial", _("省级期刊")
        OTHER = "other", _("其他")

    kind = models.CharField(_("业绩类别"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=300)
    achieved_on = models.DateField(_("取得时间"))
    journal = models.CharField(_("刊物名称"), max_length=200, blank=True)
    tier = models.CharField(_("期刊级别"), max_length=12, choices=Tier.choices, blank=True)
    cnki_indexed = models.BooleanField(_("知网收录"), null=True, blank=True)
    similarity_percent = models.DecimalField(
        _("去除引用文献复制比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    waiver = models.ForeignKey(
        "catalog.WaiverAchievement", verbose_name=_("对应破格条件"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )


class ContinuingEducation(SectionItem):
    year = models.PositiveSmallIntegerField(_("年度"))
    general_hours = models.PositiveIntegerField(_("公需科目学时"))
    specialty_hours = models.PositiveIntegerField(_("专业科目学时"))


class AnnualAssessment(SectionItem):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("合格")
        BASIC = "basic", _("基本合格")
        FAIL = "fail", _("不合格")

    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("考核结果"), max_length=10, choices=Grade.choices)

    class Meta(SectionItem.Meta):
        constraints = [models.UniqueConstraint(fields=["dossier", "year"], name="assessment_unique_year")]


class LabourRelationExemption(SectionItem):
    class Kind(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", _("法定代表人")
        DIRECTOR = "director", _("董事")
        SUPERVISOR = "supervisor", _("监事")
        SHAREHOLDER = "shareholder", _("股东")
        EX_MILITARY = "ex_military", _("自主择业军转干部")
        LAND_LOST_FARMER = "land_lost", _("失地农民养老保险参保人员")
        HEAD_OFFICE = "head_office", _("外省企业总部缴纳社保")

    kind = models.CharField(_("身份"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("说明"), blank=True)


class RuralService(SectionItem):
    years = models.PositiveSmallIntegerField(_("乡村服务年限"))
    remote_area = models.BooleanField(_("艰苦边远地区"), default=False)


class EvidenceKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


class EvidencePurpose(models.TextChoices):
    """What a file proves, where a rule needs a particular document (blank: general evidence of the row)."""

    GENERAL = "", _("佐证材料")
    SIMILARITY_REPORT = "similarity_report", _("知网查重报告单（单位盖章）")
    CE_CERTIFICATE = "ce_certificate", _("继续教育证书")
    LABOUR_CONTRACT = "labour_contract", _("劳动合同（单位盖章）")
    SALARY_STATEMENT = "salary_statement", _("银行工资流水")
    HEAD_OFFICE_SOCSEC = "head_office_socsec", _("总部所在地社保经办机构缴费证明")
    ENTRUSTMENT_LETTER = "entrustment_letter", _("委托函（省职改办审核同意）")
    FILE_CUSTODY_APPROVAL = "file_custody_approval", _("工作单位所在地人社部门同意函")
    UNIT_ASSESSMENT = "unit_assessment", _("单位考核合格证明")


class EvidenceFile(models.Model):
    """A stored evidence file (filled by evidence.py); soft-deleted only, so a submitted version keeps its files."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="evidence_files")
    section = models.CharField(_("所属栏目"), max_length=40)
    item_id = models.PositiveBigIntegerField(_("所属条目"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=30, choices=EvidencePurpose.choices, blank=True, default="")
    kind = models.CharField(_("文件类型"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["id"]
        indexes = [models.Index(fields=["dossier", "section", "item_id"])]

    def __str__(self) -> str:
        return self.original_name


class PledgeSignature(models.Model):
    """The integrity pledge (诚信承诺书) as signed; valid while the dossier's snapshot still has its hash."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pledges")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签署时间"))
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=500, blank=True)
    pledge_text = models.TextField(_("承诺书内容"))
    snapshot_sha256 = models.CharField(_("材料摘要（SHA-256）"), max_length=64)
    revision = models.PositiveIntegerField(_("签署时的修改次数"))
    invalidated_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("诚信承诺书")
        verbose_name_plural = _("诚信承诺书")
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"pledge {self.pk} of dossier {self.dossier_id}"


class DossierVersion(models.Model):
    """What was submitted, frozen: rows are inserted once and never changed or deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    snapshot = models.JSONField(_("材料快照"))
    file_hashes = models.JSONField(_("文件摘要"), default=list)
    sha256 = models.CharField(_("快照摘要（SHA-256）"), max_length=64)
    pledge = models.ForeignKey(PledgeSignature, on_delete=models.PROTECT, null=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("申报材料版本")
        verbose_name_plural = _("申报材料版本")
        ordering = ["dossier", "number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="dossierversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.dossier_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ApplicationError("version_immutable", "已提交的版本不能修改", "A submitted version cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError("version_immutable", "已提交的版本不能删除", "A submitted version cannot be deleted")


class DossierStateChange(models.Model):
    """One row per change of state, appended by workflow.dossier_transition in the same transaction (never changed).

    Timelines, "with whom since when", the department's net review time (and later reports and notifications)
    read this table instead of parsing the audit log. `decision_id` names the review decision that caused the
    step (an id, not a foreign key: dossiers sits below review).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(_("原状态"), max_length=20, choices=DossierState.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=DossierState.choices)
    transition = models.CharField(_("办理环节"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"), blank=True)
    decision_id = models.PositiveBigIntegerField(_("审核意见编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="statechange_dossier_at"),
                   models.Index(fields=["to_state", "at"], name="statechange_to_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ApplicationError("history_immutable", "状态变更记录不能修改", "A state change cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError("history_immutable", "状态变更记录不能删除", "A state change cannot be deleted")


class QueueCount(models.Model):
    """How many dossiers each holder has in each state from each unit: the queues' and dashboards' counts read
    these few rows instead of counting the dossier table (the office holds 51,426 rows at 1 M dossiers).

    Kept by database triggers on the dossier table (summary_sql.py), in the writing transaction, as
    `n = n + delta` upserts: every writer (dossier_transition, dossier_transition_many, creation, deletion,
    bulk loads, test factories) keeps it without a code path to forget. `holder` is the dossier's `held_by` id,
    0 when nobody holds it (the applicant, or a final state). Rows at 0 stay; readers skip them.
    `manage.py queue_counts_rebuild` recounts it from the dossiers.
    """

    holder = models.BigIntegerField(_("办理单位"))
    state = models.CharField(_("状态"), max_length=20)
    unit = models.ForeignKey("accounts.Organisation", verbose_name=_("申报单位"), on_delete=models.CASCADE,
                             related_name="+", db_constraint=False)
    n = models.IntegerField(_("数量"), default=0)

    class Meta:
        verbose_name = _("队列计数")
        verbose_name_plural = _("队列计数")
        constraints = [models.UniqueConstraint(fields=["holder", "state", "unit"], name="queuecount_key")]

    def __str__(self) -> str:
        return f"{self.holder} · {self.state} · {self.unit_id}: {self.n}"
