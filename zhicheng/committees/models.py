"""Evaluation: expert pool, committees, draws, meetings, ballots, entrusted dispatch — and the result each ends in.

The secret ballot is two tables that share nothing but the agenda item: `BallotParticipation` (this expert has
voted on this candidate) and `Ballot` (one anonymous choice). Neither has a timestamp or a sequential key (random
UUIDs, so the natural order is shuffled), and no column of a ballot names a person — nothing in the application
can join a choice to the expert who cast it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EvaluationRoute(models.TextChoices):
    SELF_RUN = "self_run", _("本级评审")
    ENTRUSTED = "entrusted", _("委托评审")


class EvaluationResult(models.Model):
    """The outcome of one dossier's evaluation, final once recorded: what result publicity, the title document
    and the certificate read (committee name, decision date), for self-run meetings and entrusted results alike."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="evaluation_result")
    route = models.CharField(_("评审方式"), max_length=10, choices=EvaluationRoute.choices)
    passed = models.BooleanField(_("是否通过"))
    committee_name = models.CharField(_("评审委员会"), max_length=200)
    decided_on = models.DateField(_("评审日期"))
    # entrusted: the entrusted committee's result document; self-run: the tally's totals
    document_number = models.CharField(_("结果文号"), max_length=80, blank=True)
    yes_votes = models.PositiveIntegerField(_("同意票"), null=True, blank=True)
    attending = models.PositiveIntegerField(_("有表决权的出席委员"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # added by the committees work: where the result came from
    meeting = models.ForeignKey("committees.Meeting", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="results")
    result_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("结果文件"))

    class Meta:
        verbose_name = _("评审结果")
        verbose_name_plural = _("评审结果")
        indexes = [models.Index(fields=["passed", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'passed' if self.passed else 'failed'}"


# -- the expert pool --------------------------------------------------------------------------------------------


class Expert(models.Model):
    """A person in the title office's expert pool (专家库): their own title and level bound what they may review."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    office = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属职改办"))
    series = models.ForeignKey("catalog.Series", on_delete=models.PROTECT, related_name="+", verbose_name=_("系列"))
    specialties = models.CharField(_("专业"), max_length=200, blank=True)
    title = models.CharField(_("本人职称"), max_length=40)
    level = models.ForeignKey("catalog.Level", on_delete=models.PROTECT, related_name="+", verbose_name=_("职称级别"))
    unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("工作单位"))
    unit_name = models.CharField(_("工作单位名称"), max_length=200, blank=True)
    term_start = models.DateField(_("聘期开始"))
    term_end = models.DateField(_("聘期结束"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")),
                                              name="expert_term_order")]

    def __str__(self) -> str:
        return self.user.real_name or self.user.username


class RelationKind(models.TextChoices):
    RELATIVE = "relative", _("近亲属")
    FORMER_UNIT = "former_unit", _("原工作单位")
    COAUTHOR = "coauthor", _("合作者（共同作者）")
    OTHER = "other", _("其他利害关系")


class ExpertRelation(models.Model):
    """A relation the expert declared: a person (relative, co-author) or a former unit (until when)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("关系类别"), max_length=12, choices=RelationKind.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("相关人员"))
    person_id_number = models.CharField(_("相关人员证件号码"), max_length=32, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("原工作单位"))
    until = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家利害关系")
        verbose_name_plural = _("专家利害关系")

    def __str__(self) -> str:
        return f"{self.expert_id}: {self.kind}"


# -- committees -------------------------------------------------------------------------------------------------


class FormedBy(models.TextChoices):
    SERIES = "series", _("按系列组建")
    SPECIALTY = "specialty", _("按专业组建")


class Committee(models.Model):
    """An approved evaluation committee (评审委员会) for one series (or specialty) and level."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("评委会机构"), limit_choices_to={"kind": "committee"})
    name = models.CharField(_("名称"), max_length=200)
    series = models.ForeignKey("catalog.Series", on_delete=models.PROTECT, related_name="+", verbose_name=_("系列"))
    specialty = models.ForeignKey("catalog.Specialty", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("专业"))
    level = models.ForeignKey("catalog.Level", on_delete=models.PROTECT, related_name="+", verbose_name=_("评审级别"))
    formed_by = models.CharField(_("组建方式"), max_length=10, choices=FormedBy.choices, default=FormedBy.SERIES)
    min_size = models.PositiveSmallIntegerField(_("最少委员人数"))
    approval_number = models.CharField(_("核准备案文号"), max_length=80)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    chair = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("主任委员"))
    vice_chairs = models.ManyToManyField(Expert, blank=True, related_name="+", verbose_name=_("副主任委员"))

    class Meta:
        verbose_name = _("评审委员会")
        verbose_name_plural = _("评审委员会")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# -- meetings ---------------------------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    DRAWN = "drawn", _("已抽取专家")
    IN_PROGRESS = "in_progress", _("会议进行中")
    SIGNED = "signed", _("结果已签署")


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(_("出席委员人数（抽取）"))
    alternates_per_member = models.DecimalField(_("备选比例（每位委员）"), max_digits=4, decimal_places=2,
                                                default=1)
    quorum_numerator = models.PositiveSmallIntegerField(_("法定人数（分子）"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("法定人数（分母）"), default=3)
    exclude_conflicted = models.BooleanField(_("与候选人有利害关系的专家不参加抽取"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    chair = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("主持会议的主任（副主任）委员"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    tally_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("计票单"))
    minutes_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("会议纪要"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("评审会议")
        verbose_name_plural = _("评审会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Draw(models.Model):
    """One random draw: the seed and the pool as it was, so anyone can draw again and get the same list."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="draw")
    seed = models.CharField(_("随机种子"), max_length=64)
    requested = models.PositiveSmallIntegerField(_("抽取委员数"))
    alternates = models.PositiveSmallIntegerField(_("备选人数"))
    pool_snapshot = models.JSONField(_("专家库快照"))
    exclusions = models.JSONField(_("排除记录"))
    picked = models.JSONField(_("抽取结果（顺序）"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.seed[:12]}"


class SeatStatus(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("已谢绝")
    RESERVE = "reserve", _("备选")


class MeetingMember(models.Model):
    """An expert drawn for the meeting: a member or an alternate (in draw order), their answer, pledge, attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="seats")
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    status = models.CharField(_("状态"), max_length=10, choices=SeatStatus.choices)
    pledge_signed_at = models.DateTimeField(_("签署承诺时间"), null=True, blank=True)
    present = models.BooleanField(_("出席"), default=False)

    class Meta:
        verbose_name = _("会议委员")
        verbose_name_plural = _("会议委员")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "expert"], name="meetingmember_unique")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.position}"


class BallotState(models.TextChoices):
    PENDING = "pending", _("未开始")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已计票")


class AgendaItem(models.Model):
    """One candidate on the meeting's agenda; totals are written once, when the ballot closes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("顺序"))
    ballot_state = models.CharField(_("投票"), max_length=8, choices=BallotState.choices, default=BallotState.PENDING)
    eligible = models.PositiveSmallIntegerField(_("有表决权的出席委员"), null=True, blank=True)
    yes = models.PositiveSmallIntegerField(_("同意"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("不同意"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    # a pass the quota could not hold: the chair's recorded ranking left it out
    quota_excluded = models.BooleanField(_("因名额未确认通过"), default=False)
    quota_note = models.CharField(_("名额处理说明"), max_length=300, blank=True)
    revotes = models.PositiveSmallIntegerField(_("重新投票次数"), default=0)
    defence_at = models.DateTimeField(_("答辩时间"), null=True, blank=True)
    defence_place = models.CharField(_("答辩地点"), max_length=100, blank=True)
    defence_order = models.PositiveSmallIntegerField(_("答辩顺序"), null=True, blank=True)
    defence_no_show = models.BooleanField(_("未到场答辩"), default=False)
    # a no-show stays on the agenda and is voted on (decision 84): the note says why, in the minutes
    defence_note = models.CharField(_("答辩情况说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("会议议程")
        verbose_name_plural = _("会议议程")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "dossier"], name="agendaitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.position}"


class ConflictSource(models.TextChoices):
    SAME_UNIT = "same_unit", _("与申报人同一单位")
    WORK_HISTORY = "work_history", _("近年曾在申报人单位工作")
    RELATION = "relation", _("申报的利害关系")
    EARLIER_REVIEWER = "earlier_reviewer", _("曾审核该申报材料")
    DECLARED = "declared", _("专家本人申请回避")
    FLAGGED = "flagged", _("评委会办公室要求回避")


class Conflict(models.Model):
    """An expert must step aside from this candidate: cannot open the dossier, has no ballot, is never told."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="conflicts")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("回避原因"), max_length=20, choices=ConflictSource.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [models.UniqueConstraint(fields=["expert", "dossier", "source"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.expert_id} × {self.dossier_id}: {self.source}"


class VoteChoice(models.TextChoices):
    YES = "yes", _("同意")
    NO = "no", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class BallotParticipation(models.Model):
    """This expert has voted on this candidate — and nothing about how (no time, a random key)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="participations")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [models.UniqueConstraint(fields=["item", "expert"], name="participation_once")]

    def __str__(self) -> str:
        return f"participation {self.item_id}"


class Ballot(models.Model):
    """One anonymous choice on one candidate: no person, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("表决"), max_length=8, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")

    def __str__(self) -> str:
        return f"ballot {self.item_id}"


class RevoteDecision(models.Model):
    """The chair's recorded decision to vote again on a candidate (the earlier ballots are discarded)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="revote_decisions")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=300)
    decided_at = models.DateTimeField(_("决定时间"))

    def __str__(self) -> str:
        return f"revote {self.item_id}"


class DefenceScore(models.Model):
    """One expert's defence (答辩) score for a candidate on one criterion of the rubric."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="defence_scores")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(_("评分项"), max_length=60)
    score = models.PositiveSmallIntegerField(_("得分"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "expert", "criterion"], name="defencescore_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.criterion}"


class PanelOpinion(models.Model):
    """A review panel's (评议组, ≥ 3 experts) written opinion on a candidate."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="panel_opinions")
    panel_name = models.CharField(_("评议组"), max_length=60)
    experts = models.ManyToManyField(Expert, related_name="+")
    opinion = models.TextField(_("评议意见"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.item_id}: {self.panel_name}"


# -- the entrusted route ----------------------------------------------------------------------------------------


class Entrustment(models.Model):
    """An entrusted dossier's way out and back: letter and package, dispatch, and the recorded result."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="entrustment")
    receiving_committee = models.CharField(_("受委托评审委员会"), max_length=200)
    letter_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("委托函"))
    package_file = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("送评材料包"))
    prepared_at = models.DateTimeField(_("生成时间"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    dispatch_reference = models.CharField(_("报送编号 / 快递单号"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("委托评审")
        verbose_name_plural = _("委托评审")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.receiving_committee}"


class DefenceCriterion(models.Model):
    """One criterion of a campaign's defence (答辩) rubric with its maximum points; the office sets them before the
    campaign's meetings start. A campaign without rows scores on the default rubric (`rules.DEFAULT_RUBRIC`)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("评分项"), max_length=60)
    name_en = models.CharField(_("评分项（英文）"), max_length=60, blank=True)
    max_points = models.PositiveSmallIntegerField(_("满分"))

    class Meta:
        verbose_name = _("答辩评分项")
        verbose_name_plural = _("答辩评分项")
        ordering = ["campaign_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="defencecriterion_unique_name"),
            models.UniqueConstraint(fields=["campaign", "position"], name="defencecriterion_unique_position"),
            models.CheckConstraint(condition=Q(max_points__gte=1), name="defencecriterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"
