"""What a user does in the browser more than once: log in through the form, start a dossier."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from zhicheng.dossiers.tests.factories import PASSWORD

WINDOW_OPEN = "2024-10-01T10:00:00+08:00"  # inside the 2024 submission window (09-20 … 10-10 24:00)


def log_in(page: Page, user) -> None:
    """The real log-in form; applicants owe no second factor and land on their dashboard."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(user.username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who-name")).to_have_text(user.real_name)


def start_dossier(page: Page) -> None:
    """From the menu: 我的申报 → choose engineering, senior-associate → start; the dossier's overview shows."""
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的申报").click()
    page.get_by_label("申报系列").select_option(label="工程")
    page.get_by_label("申报级别").select_option(label="副高级")
    page.get_by_role("button", name="开始填写申报材料").click()
    expect(page.get_by_role("status").filter(has_text="申报材料已创建")).to_be_visible()


def open_section(page: Page, label: str) -> None:
    """The section's 填写 link in the overview's completeness table."""
    page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True)).get_by_role(
        "link", name="填写"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def log_in_with_code(page: Page, user) -> None:
    """Staff log in with their password, then the code their authenticator app would show now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    page.goto("/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(user.username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # TOTP reads the real clock (time.time), not the patched server clock, as the app on a phone would.
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"
    page.get_by_role("textbox", name="动态验证码").fill(code)
    page.get_by_role("button", name="验证").click()
    expect(page.locator(".who-name")).to_have_text(user.real_name)
