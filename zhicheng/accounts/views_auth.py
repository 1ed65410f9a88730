"""Log-in, log-out, the second factor, API tokens and the security admin's account locks."""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.core.http import client_ip

from . import auth_services as svc
from . import lockout, passwords
from . import tokens as token_services
from .forms_auth import (
    AccountLockForm,
    LoginForm,
    OtpTokenForm,
    PasswordChangeForm,
    SelfUnlockForm,
    TokenCreateForm,
)
from .permissions import can_manage_locks


def safe_next_url(request) -> str:
    """The `next` the user came for, if it points into this site; otherwise the dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_url(user, target: str, *, at_request_start: bool = False) -> str | None:
    """Where a user who still owes a second factor goes (keeping `next`), or None when nothing is owed."""
    step = svc.user_second_factor_step(user, at_request_start=at_request_start)
    if step is None:
        return None
    return f"{reverse('accounts:otp_' + step)}?{urlencode({'next': target})}"


class LoginView(auth_views.LoginView):
    """Password first; staff then set up or enter their TOTP code, applicants go on."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # an address that is spraying passwords over many usernames gets no more password checks for a while
        if lockout.address_spraying(client_ip(request)):
            return lockout_response(request, spraying=True)
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        target = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        return second_factor_url(self.request.user, target) or target


class LogoutView(auth_views.LogoutView):
    """Log out by POST only (Django refuses GET), then back to the log-in page."""

    next_page = "accounts:login"


def lockout_response(request, original_response=None, credentials=None, *args, spraying=False, **kwargs):
    """What django-axes shows once a username is locked at this address after repeated failures."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes, "spraying": spraying}
    return render(request, "accounts/locked_out.html", context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def self_unlock(request):
    """Unlock one's own username at this address with the authenticator's code, or ask for an e-mailed link."""
    form = SelfUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, ip = form.cleaned_data["username"].strip(), client_ip(request)
        if request.POST.get("action") == "email":
            lockout.unlock_link_send(
                username=username, ip=ip,
                build_url=lambda t: request.build_absolute_uri(reverse("accounts:unlock_link", args=[t])),
            )
            # the same answer whether or not a mail went out: the page must not reveal who exists
            messages.info(request, _("如该账号已登记电子邮箱并在此地址被锁定，解锁链接已发送，30 分钟内有效"))
            return redirect("accounts:login")
        if not form.cleaned_data["token"]:
            form.add_error("token", _("请输入验证器上的 6 位动态验证码"))
        else:
            try:
                lockout.self_unlock_with_totp(username=username, token=form.cleaned_data["token"], ip=ip)
            except ApplicationError as exc:
                form.add_error("token", exc.message)
            else:
                messages.success(request, _("已解锁，请重新登录"))
                return redirect("accounts:login")
    return render(request, "accounts/unlock.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def unlock_link(request, token: str):
    """The e-mailed link: a GET only shows the button (mail scanners follow links); the POST unlocks."""
    if request.method == "POST":
        try:
            lockout.unlock_with_link(token=token, ip=client_ip(request))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:unlock")
        messages.success(request, _("已解锁，请重新登录"))
        return redirect("accounts:login")
    return render(request, "accounts/unlock_link.html", {})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Ask for the six-digit code of an already confirmed device."""
    target = safe_next_url(request)
    step = svc.user_second_factor_step(request.user)
    if step != svc.SECOND_FACTOR_VERIFY:
        return redirect(second_factor_url(request.user, target) or target)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = svc.otp_verify(user=request.user, token=form.cleaned_data["token"], ip=client_ip(request))
        except ApplicationError as exc:
            form.add_error("token", exc.message)
        else:
            _second_factor_passed(request, device)
            return redirect(target)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": target})


def _second_factor_passed(request, device) -> None:
    """Mark the session verified under a new key: the session just gained rights, like at log-in."""
    request.session.cycle_key()
    django_otp.login(request, device)


def _qr_svg(uri: str) -> str:
    """An inline SVG QR code of the otpauth:// URI (no external assets, works without JavaScript)."""
    import qrcode  # only when a device is set up: not loaded by every app worker (qrcode pulls in PIL and lxml)
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]


def _grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand (authenticator apps ignore the spaces)."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Bind an authenticator app: scan the QR code (or type the secret), then confirm with a code."""
    target = safe_next_url(request)
    if svc.user_has_confirmed_totp(request.user):
        if svc.user_second_factor_step(request.user) is None:
            messages.info(request, _("您已启用双因素验证"))
        return redirect(second_factor_url(request.user, target) or target)
    device = svc.totp_setup_start(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.totp_setup_confirm(
                user=request.user, device=device, token=form.cleaned_data["token"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            form.add_error("token", exc.message)
        else:
            _second_factor_passed(request, device)
            messages.success(request, _("双因素验证已启用，今后登录时需输入验证器上的动态验证码"))
            return redirect(target)
    context = {
        "form": form,
        "next": target,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - generated by qrcode from our own URI
        "secret": _grouped(svc.totp_secret_base32(device)),
        "required": svc.user_second_factor_step(request.user) == svc.SECOND_FACTOR_SETUP,
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """List the user's API tokens, create one (shown once) or revoke one."""
    form = TokenCreateForm()
    raw = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            token_services.api_token_revoke(
                user=request.user, token_id=_int(request.POST.get("token_id")), ip=client_ip(request)
            )
            messages.success(request, _("令牌已撤销，使用它的对接程序将无法再访问"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:tokens")
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                _token, raw = token_services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"], ip=client_ip(request)
                )
                form = TokenCreateForm()
            except ApplicationError as exc:
                form.add_error("name", exc.message)
    context = {"form": form, "raw_token": raw, "tokens": token_services.api_tokens_of_user(request.user)}
    return render(request, "accounts/tokens.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _locks_act(request, form) -> str | None:
    """Carry out the posted action; return the success message, or None when the lock form is invalid."""
    action, username, ip = request.POST.get("action"), request.POST.get("username", "").strip(), client_ip(request)
    if action == "unlock":
        svc.account_unlock(actor=request.user, username=username, ip=ip)
        return _("账号“%(u)s”已解锁") % {"u": username}
    if action == "otp_reset":
        svc.totp_device_reset(actor=request.user, username=username, ip=ip)
        return _("已重置“%(u)s”的验证器，该用户下次登录时需重新绑定") % {"u": username}
    if form.is_valid():
        user = svc.account_lock(actor=request.user, ip=ip, **form.cleaned_data)
        return _("账号“%(u)s”已锁定") % {"u": user.username}
    return None


@login_required
@require_http_methods(["GET", "POST"])
def locks(request):
    """The security admin's list of locked accounts, with unlock, lock and authenticator reset."""
    decision = can_manage_locks(request.user)
    if not decision:
        reason = PermissionDenied("forbidden", decision.reason_zh, decision.reason_en).message
        return render(request, "accounts/forbidden.html", {"reason": reason}, status=403)
    form = AccountLockForm(request.POST or None) if request.POST.get("action") == "lock" else AccountLockForm()
    if request.method == "POST":
        try:
            done = _locks_act(request, form)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("accounts:locks")
    context = {"rows": svc.account_locks_list(actor=request.user), "form": form}
    return render(request, "accounts/locks.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's own password; forced after an admin set it (one-time) or when a staff password expired."""
    target = safe_next_url(request)
    owed = passwords.password_change_owed(request.user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            passwords.password_change(user=request.user, current=data["current_password"], new=data["new_password"],
                                      ip=client_ip(request))
        except ApplicationError as exc:
            field = next(iter(exc.details), None) if exc.details else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # keep this session; every other one ends
            messages.success(request, _("密码已修改；您的 API 令牌已全部撤销，如有对接程序请重新创建令牌"))
            return redirect(target)
    return render(request, "accounts/password_change.html", {"form": form, "owed": owed, "next": target})
