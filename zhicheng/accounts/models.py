"""Who acts: organisations (a tree), real-name users, and their roles in organisations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import TimeStampedModel

from .validators import validate_credit_code


class OrganisationKind(models.TextChoices):
    OFFICE = "office", _("职改办（组织部）")
    DEPARTMENT = "department", _("审核部门（主管部门）")
    AGENCY = "agency", _("人才服务机构")
    UNIT = "unit", _("用人单位")
    COMMITTEE = "committee", _("评审委员会")
    PROVINCE = "province", _("省职改办")


class UnitType(models.TextChoices):
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("民营企业")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    OTHER = "other", _("其他")


class Organisation(TimeStampedModel):
    """A body that acts in the cycle; units hang under a review department, departments under the office."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级（审核部门 / 职改办）"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True,
        validators=[validate_credit_code],
    )
    unit_type = models.CharField(_("单位性质"), max_length=20, choices=UnitType.choices, blank=True)
    in_district = models.BooleanField(_("注册地在本区"), default=True)
    has_own_committee = models.BooleanField(_("本单位已有评审委员会"), default=False)
    has_post_management = models.BooleanField(_("实行岗位管理"), default=False)
    professional_posts = models.PositiveIntegerField(_("专业技术岗位总量"), default=0)
    suspended_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    suspended_reason = models.TextField(_("停用原因"), blank=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    HMT_PERMIT = "hmt_permit", _("港澳台居民居住证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class User(AbstractUser):
    """A real-name person. Log-in is by username; the ID number identifies the person."""

    real_name = models.CharField(_("姓名"), max_length=60)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=32, null=True, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"], condition=Q(id_number__isnull=False), name="user_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.real_name or self.username}"


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报人")
    ORG_ADMIN = "org_admin", _("系统管理员")
    REVIEW_CLERK = "review_clerk", _("审查经办")
    REVIEW_LEADER = "review_leader", _("审查领导")
    OFFICE_STAFF = "office_staff", _("职改办工作人员")
    COMMITTEE_SECRETARY = "committee_secretary", _("评委会秘书")
    EXPERT = "expert", _("评审专家")
    DISCIPLINE_OBSERVER = "discipline_observer", _("纪检监督")
    SYSTEM_ADMIN = "system_admin", _("平台系统管理员")
    SECURITY_ADMIN = "security_admin", _("平台安全管理员")
    AUDIT_ADMIN = "audit_admin", _("平台审计管理员")


# Every role except applicant works on other people's data and must pass a second factor
STAFF_ROLES = frozenset(set(Role.values) - {Role.APPLICANT})
# The three roles an organisation needs before it may open applicant accounts (§六(八))
REQUIRED_ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER})
# 三员分立: the platform's separated administrators
PLATFORM_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class Membership(TimeStampedModel):
    """A user's role in an organisation; a person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, db_index=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("角色成员")
        verbose_name_plural = _("角色成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A per-user API token for integrations; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
