"""Screenshots of each role's dashboard and of the reviewer's dossier page, from the demo, at 1366×900.

    ZHICHENG_DEMO_NO_OTP=1 make demo            # or any running demo with the second factor off (dev settings)
    .venv/bin/python tools/screenshots.py [--base-url http://127.0.0.1:8000] [--out var/screenshots] [--lang zh-hans]

Without --base-url the script starts `manage.py runserver` itself (dev settings, ZHICHENG_DEMO_NO_OTP=1, the
DATABASE_URL of the environment) on a free port and stops it at the end. It prints, per picture, the page's
height and the number of serious/critical axe-core findings. The pictures are for people to look at; they are
never committed (var/ is ignored).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "zhicheng" / "web" / "tests" / "browser" / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("ZHICHENG_CHROMIUM", "/usr/bin/chromium")
PASSWORD = os.environ.get("ZHICHENG_DEMO_PASSWORD", "Zhicheng-2024!")
# (file name, demo log-in, what the picture shows)
ROLES = [
    ("applicant", "sq05", "applicant's dashboard"),
    ("unit-clerk", "yizhong_clerk", "unit review clerk's dashboard"),
    ("unit-leader", "yizhong_leader", "unit review leader's dashboard"),
    ("unit-admin", "yizhong_admin", "unit system admin's dashboard"),
    ("department-clerk", "jtj_clerk", "department clerk's dashboard"),
    ("office-staff", "zgb_staff", "title office staff's dashboard"),
    ("office-clerk", "zgb_clerk", "title office clerk's dashboard"),
    ("committee-secretary", "pwh_gc_sec", "committee secretary's dashboard"),
    ("expert", "expert01", "expert's dashboard"),
    ("platform-admin", "sysadmin", "platform admin's dashboard"),
    ("security-admin", "secadmin", "security admin's dashboard"),
]
# (file name, demo log-in, page, what the picture shows): the lists the dashboards' counts open
PAGES = [("unit-clerk-queue", "yizhong_clerk", "/review/queue/", "unit clerk's queue")]
REVIEWERS = ["yizhong_clerk", "zgb_clerk", "jtj_clerk"]  # the first whose queue (or list) has a dossier


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "ZHICHENG_DEMO_NO_OTP": "1"}
    # the evidence previews waiting for the task worker (make serve runs one beside the server)
    subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--queue-name", "*"],
                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=600)
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def _axe_count(page) -> int:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate("""async () => (await window.axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical').length""")


def _log_in(page, username: str) -> bool:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return "/accounts/login/" not in page.url


def _shoot(page, out: Path, name: str, what: str) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    print(f"{path}  {what}: {height} px tall, axe serious/critical: {_axe_count(page)}")


def _reviewer_page(page) -> bool:
    for username in REVIEWERS:
        if not _log_in(page, username):
            continue
        for start in ("/review/queue/", "/dossiers/"):
            page.goto(start)
            link = page.locator("main table a[href^='/dossiers/']").first
            if link.count():
                link.click()
                page.wait_for_load_state()
                if page.locator(".review-page").count():
                    return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="")
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    parser.add_argument("--lang", default="zh-CN", help="the browser's language (zh-CN or en)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    server, url = (None, args.base_url.rstrip("/")) if args.base_url else _serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            context = browser.new_context(base_url=url, locale=args.lang, viewport={"width": 1366, "height": 900})
            page = context.new_page()
            for name, username, what in ROLES:
                if _log_in(page, username):
                    page.goto("/")
                    _shoot(page, out, name, what)
                else:
                    print(f"{username}: could not log in (is this the demo, with ZHICHENG_DEMO_NO_OTP=1?)")
            for name, username, path, what in PAGES:
                if _log_in(page, username):
                    page.goto(path)
                    _shoot(page, out, name, what)
            if _reviewer_page(page):
                _shoot(page, out, "reviewer-dossier", "reviewer's dossier page (first tab)")
                tabs = page.get_by_role("tab")
                tallest = max(_tab_height(page, tabs.nth(i)) for i in range(tabs.count()))
                print(f"  the tallest tab makes the page {tallest} px tall")
                page.get_by_role("tab").nth(2).click()  # the first section after the checklist and identity
                _shoot(page, out, "reviewer-dossier-section", "reviewer's dossier page, a section's rows")
                thumb = page.locator(".tab-pane.active button[data-preview]").first
                if thumb.count():
                    thumb.click()
                    page.locator("#evidence-modal img").wait_for(state="visible")
                    page.screenshot(path=str(out / "reviewer-evidence.png"))
                    print(f"{out / 'reviewer-evidence.png'}  evidence previewed in the page")
            else:
                print("no reviewer found a dossier to open")
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _tab_height(page, tab) -> int:
    tab.click()
    return page.evaluate("() => document.documentElement.scrollHeight")


if __name__ == "__main__":
    main()
