"""Who acts: organisations (a tree), real-name users, and their roles in organisations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import TimeStampedModel

from .validators import id_number_error, normalise_id_number, validate_credit_code


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
    outside_branch = models.BooleanField(
        _("中央在甘单位或外省单位在甘分支机构"), default=False,
        help_text=_("须凭省职改办审核同意的委托函申报（§五(三)）"),
    )
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

    def clean(self) -> None:
        """Keep the tree in shape: each kind hangs under the kinds ALLOWED_PARENT_KINDS names, without cycles."""
        super().clean()
        self.credit_code = (self.credit_code or "").strip().upper() or None
        errors: dict[str, list] = {}
        if self.kind in CREDIT_CODE_KINDS and not self.credit_code:
            errors.setdefault("credit_code", []).append(_("用人单位和人才服务机构必须填写统一社会信用代码"))
        parent_error = self._parent_error()
        if parent_error:
            errors.setdefault("parent", []).append(parent_error)
        children_error = self._children_error()
        if children_error:
            errors.setdefault("kind", []).append(children_error)
        if errors:
            raise ValidationError(errors)

    def _parent_error(self):
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, frozenset())
        parent = self.parent
        if parent is None:
            if self.kind in PARENT_REQUIRED_KINDS:
                return _("%(kind)s必须指定上级：%(allowed)s") % {
                    "kind": self.get_kind_display(), "allowed": _kinds(allowed),
                }
            return None
        if parent.kind not in allowed:
            if not allowed:
                return _("%(kind)s不能有上级机构") % {"kind": self.get_kind_display()}
            return _("%(kind)s的上级只能是：%(allowed)s") % {
                "kind": self.get_kind_display(), "allowed": _kinds(allowed),
            }
        seen = set()
        node = parent
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                return _("上级机构不能是本机构或其下级机构")
            seen.add(node.pk)
            node = node.parent
        return None

    def _children_error(self):
        if self.pk is None:
            return None
        child_kinds = set(Organisation.objects.filter(parent_id=self.pk).values_list("kind", flat=True))
        bad = sorted(k for k in child_kinds if self.kind not in ALLOWED_PARENT_KINDS.get(k, frozenset()))
        if bad:
            return _("该机构下有%(kinds)s，不能改为此类别") % {"kinds": _kinds(bad)}
        return None


# The tree: unit → review department or talent agency → office → (province). An agency such as 人才服务中心
# is also the reviewing department of the private enterprises under it, so units may hang under it.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    OrganisationKind.PROVINCE: frozenset(),
    OrganisationKind.OFFICE: frozenset({OrganisationKind.PROVINCE}),
    OrganisationKind.DEPARTMENT: frozenset({OrganisationKind.OFFICE}),
    OrganisationKind.AGENCY: frozenset({OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT}),
    OrganisationKind.UNIT: frozenset({OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY}),
    OrganisationKind.COMMITTEE: frozenset({OrganisationKind.OFFICE, OrganisationKind.PROVINCE}),
}
PARENT_REQUIRED_KINDS = frozenset(
    {OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT, OrganisationKind.COMMITTEE}
)
CREDIT_CODE_KINDS = frozenset({OrganisationKind.UNIT, OrganisationKind.AGENCY})
# Kinds whose staff open applicant accounts (R-ACCOUNT): units for employees, agencies for clients
APPLYING_KINDS = frozenset({OrganisationKind.UNIT, OrganisationKind.AGENCY})


def _kinds(kinds) -> str:
    order = list(OrganisationKind.values)
    return "、".join(str(OrganisationKind(k).label) for k in sorted(kinds, key=order.index))


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
    # A password somebody else set (an admin opening or resetting the account) must be replaced at log-in
    password_must_change = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # The top bar's bell: kept by notifications.services on every create and read (a delta in the same
    # transaction), so a page shows it from the user row the request already read instead of a COUNT
    notifications_unread = models.PositiveIntegerField(_("未读通知数"), default=0, editable=False)

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

    def clean(self) -> None:
        """Normalise the ID number to upper case and check it against its ID type."""
        super().clean()
        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
            error = id_number_error(self.id_type, self.id_number)
            if error:
                raise ValidationError({"id_number": error})
        else:
            self.id_number = None

    def check_password(self, raw_password: str) -> bool:
        """As Django's, but a re-hash at a new cost (hashers.py) is marked: the same password, not a new one set."""

        def setter(raw: str) -> None:
            self.set_password(raw)
            self._password = None
            self.password_rehashed = True  # accountreset does not count it as a password set
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, setter)

    @property
    def is_real_name(self) -> bool:
        """A real-name account carries a name and an ID number (§六(八))."""
        return bool(self.real_name and self.id_number)


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


class UserSessionManager(BaseSessionManager):
    """Every read of a session row joins its user and TOTP device (Django's session store reads through
    `objects`)."""

    def get_queryset(self):
        return super().get_queryset().select_related("user", "otp_device")

    def with_sign_in_facts(self):
        """Also whether the user has a confirmed TOTP device and holds a staff role: what the second-factor rule
        asks at every request's start (`accounts.auth_services.user_second_factor_step`), in the same statement."""
        from django.db.models import Exists, OuterRef
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return self.get_queryset().annotate(
            user_has_totp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)),
            user_is_staff=Exists(
                Membership.objects.filter(user_id=OuterRef("user_id"), is_active=True, role__in=list(STAFF_ROLES))
            ),
        )


class UserSession(AbstractBaseSession):
    """A browser's session (SESSION_ENGINE `zhicheng.accounts.sessions`): the data, and beside it the signed-in user
    and the verified TOTP device the data names, so that one query reads all three on every request.

    The two columns only copy what the data says (written in the same statement as the data); the request uses the
    joined rows only when they match the data, and Django's and django-otp's checks run on them unchanged. No
    database constraint: a session saved while its user or device is being deleted must not fail (a failed insert
    would make Django's `create()` retry for ever); a dangling id reads as no row, and the request then falls back
    to the ordinary reads, which find nothing, as before.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             db_constraint=False, related_name="+")
    otp_device = models.ForeignKey("otp_totp.TOTPDevice", on_delete=models.SET_NULL, null=True, blank=True,
                                   db_constraint=False, related_name="+")

    objects = UserSessionManager()

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("会话")
        verbose_name_plural = _("会话")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class RosterRelation(models.TextChoices):
    EMPLOYEE = "employee", _("本单位职工")
    CLIENT = "client", _("人事代理 / 档案托管人员")


class StaffRosterEntry(TimeStampedModel):
    """A person on an organisation's roster (花名册): whom its admin may open applicant accounts for (R-ACCOUNT)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roster_entries")
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=32)
    real_name = models.CharField(_("姓名"), max_length=60)
    relation = models.CharField(_("关系"), max_length=20, choices=RosterRelation.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("花名册人员")
        verbose_name_plural = _("花名册")
        ordering = ["organisation", "real_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "id_type", "id_number"], name="roster_unique_person"),
        ]
        indexes = [models.Index(fields=["id_type", "id_number", "is_active"])]

    def __str__(self) -> str:
        return f"{self.real_name} · {self.organisation}"

    def clean(self) -> None:
        """Check the ID number and that the relation fits the organisation (units: employees, agencies: clients)."""
        super().clean()
        self.id_number = normalise_id_number(self.id_number)
        errors: dict[str, str] = {}
        error = id_number_error(self.id_type, self.id_number)
        if error:
            errors["id_number"] = error
        expected = ROSTER_RELATION_BY_KIND.get(self.organisation.kind) if self.organisation_id else None
        if expected is None and self.organisation_id:
            errors["organisation"] = _("只有用人单位和人才服务机构有花名册")
        elif expected and self.relation != expected:
            errors["relation"] = _("%(kind)s的花名册只能登记%(relation)s") % {
                "kind": self.organisation.get_kind_display(), "relation": RosterRelation(expected).label,
            }
        if errors:
            raise ValidationError(errors)


ROSTER_RELATION_BY_KIND = {
    OrganisationKind.UNIT: RosterRelation.EMPLOYEE,
    OrganisationKind.AGENCY: RosterRelation.CLIENT,
}
