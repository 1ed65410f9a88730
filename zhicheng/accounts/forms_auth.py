"""Forms of the log-in, second-factor, token and lock pages, with Chinese labels and messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Username and password; the message does not say which one was wrong."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确（注意区分大小写），或账号已被锁定。"),
        "inactive": _("该账号已被锁定，请联系平台安全管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].error_messages["required"] = _("请输入用户名")
        self.fields["password"].label = _("密码")
        self.fields["password"].error_messages["required"] = _("请输入密码")


class OtpTokenForm(forms.Form):
    """The six digits the authenticator app shows."""

    token = forms.CharField(
        label=_("动态验证码"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("验证码为 6 位数字"))],
        error_messages={
            "required": _("请输入 6 位动态验证码"),
            "min_length": _("验证码为 6 位数字"),
            "max_length": _("验证码为 6 位数字"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d{6}", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例如“人事系统对接”；令牌只显示一次，请立即妥善保存"),
        error_messages={"required": _("请填写令牌用途"), "max_length": _("令牌用途不能超过 100 个字")},
    )


class AccountLockForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, error_messages={"required": _("请输入用户名")})
    reason = forms.CharField(label=_("锁定原因"), max_length=500, required=False, widget=forms.Textarea({"rows": 2}))


class SelfUnlockForm(forms.Form):
    """Unlock oneself at this address: the authenticator's code, or (without one) an e-mailed link."""

    username = forms.CharField(label=_("用户名"), max_length=150, error_messages={"required": _("请输入用户名")})
    token = forms.CharField(
        label=_("动态验证码"), max_length=6, required=False,
        validators=[RegexValidator(r"^\d{6}$", _("验证码为 6 位数字"))],
        help_text=_("已绑定验证器的用户填写；未绑定的申报人请留空，点“发送解锁邮件”"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    """The current password, then the new one twice; messages sit beside their field."""

    current_password = forms.CharField(
        label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入当前密码")},
    )
    new_password = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，须同时包含大写字母、小写字母、数字和符号，不能与姓名、用户名相近"),
        error_messages={"required": _("请输入新密码")},
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入新密码")},
    )

    def clean(self):
        data = super().clean()
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("两次输入的新密码不一致"))
        return data
