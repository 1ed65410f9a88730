"""Forms for the organisation, member, roster and user pages; they parse input, services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IdType, Organisation, OrganisationKind, Role, User
from .permissions import ORG_ADMIN_GRANTABLE_ROLES
from .selectors import REQUIRED_ORG_ROLES_ORDER
from .services import ORGANISATION_FIELDS
from .validators import id_number_error, normalise_id_number

ROSTER_FILE_MAX_BYTES = 2 * 1024 * 1024


def apply_error(form: forms.Form, exc) -> None:
    """Put an ApplicationError's per-field details next to the fields, the rest at the top of the form."""
    placed = False
    for name, messages in (exc.details or {}).items():
        if name in form.fields and isinstance(messages, list):
            for message in messages:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.exclude(
            kind__in=[OrganisationKind.UNIT, OrganisationKind.COMMITTEE]
        ).order_by("kind", "name")
        self.fields["credit_code"].help_text = _("用人单位和人才服务机构必填，18 位，不含 I、O、S、V、Z")


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *OrganisationKind.choices])
    suspended = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("0", _("正常")), ("1", _("已停用"))]
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        suspended = {"0": False, "1": True}.get(data.get("suspended") or "")
        return {"q": data.get("q", ""), "kind": data.get("kind") or None, "parent_id": data.get("parent"),
                "suspended": suspended}


class PersonForm(forms.Form):
    real_name = forms.CharField(label=_("姓名"), max_length=60)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)

    def clean(self):
        data = super().clean()
        if data.get("id_number") and data.get("id_type"):
            data["id_number"] = normalise_id_number(data["id_number"])
            error = id_number_error(data["id_type"], data["id_number"])
            if error:
                self.add_error("id_number", error)
        return data


class AccountForm(PersonForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    password = forms.CharField(
        label=_("初始密码"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则由系统生成，仅显示一次"),
    )


class StaffAccountForm(AccountForm):
    roles = forms.MultipleChoiceField(
        label=_("角色"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(r.value, r.label) for r in REQUIRED_ORG_ROLES_ORDER],
    )


class GrantForm(forms.Form):
    user = forms.CharField(label=_("用户名或证件号码"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=[c for c in Role.choices if c[0] != Role.APPLICANT])

    def __init__(self, *args, limit_to_org_roles: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if limit_to_org_roles:
            self.fields["role"].choices = [c for c in Role.choices if c[0] in ORG_ADMIN_GRANTABLE_ROLES]

    def clean_user(self) -> User:
        value = self.cleaned_data["user"].strip()
        user = User.objects.filter(username=value).first() or User.objects.filter(
            id_number=normalise_id_number(value)
        ).first()
        if user is None:
            raise forms.ValidationError(_("找不到该用户，请先开通账号"))
        return user


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("花名册文件（CSV：姓名,证件号码[,证件类型]）"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > ROSTER_FILE_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过 2 MB"))
        raw = upload.read()
        # Excel in Chinese Windows saves CSV as GBK; newer tools use UTF-8 (with or without a BOM)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"))


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("用户名、姓名、证件号码或手机"), required=False)


class SecurityUserSearchForm(UserSearchForm):
    """The security admin's filters: the search, and whether the account can log in now."""

    state = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("", _("全部")), ("locked", _("已锁定")), ("active", _("可登录")), ("inactive", _("已停用")),
    ])
