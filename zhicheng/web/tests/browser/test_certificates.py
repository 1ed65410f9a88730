"""The public certificate verification page in a browser: by number + name, and by the QR code's URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _issue_one():
    from zhicheng.accounts.tests.factories import make_resident_id
    from zhicheng.certificates.keys import keys_demo_generate, keys_reset
    from zhicheng.certificates.render import verification_url
    from zhicheng.certificates.tests.factories import passed_result
    from zhicheng.certificates.tests.helpers import issued
    from zhicheng.dossiers.tests.factories import campaign_2024
    from zhicheng.review.tests.factories import review_people

    keys_demo_generate(Path(settings.ZHICHENG_CERT_KEY_DIR))
    keys_reset()
    tree = review_people()
    holder = tree["applicant"]
    holder.real_name, holder.id_number = "王建国", make_resident_id("19751231", 303)
    holder.save(update_fields=["real_name", "id_number"])
    result = passed_result(holder, campaign_2024())
    cert = issued(tree, [result]).certificates.get()
    return cert, verification_url(cert.code)


@pytest.fixture
def certificate(browser):
    """Issued in a thread of its own: pyhanko signs through asyncio.run, and Playwright's loop runs on this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_issue_one).result()


def test_verify_by_number_and_name_then_a_wrong_name(page, certificate):
    cert, _url = certificate
    page.goto("/public/certificates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("职称证书查询验证")
    page.get_by_label("证书编号").fill(cert.number)
    page.get_by_label("姓名").fill("王建国")
    page.get_by_role("button", name="查询").click()
    result = page.locator("section.verification")
    expect(result).to_have_attribute("data-status", "valid")
    expect(result).to_contain_text("高级工程师")
    expect(result).to_contain_text("SM2 签名有效")
    expect(page.get_by_text(cert.holder.id_number)).to_have_count(0)

    page.get_by_label("姓名").fill("王建")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("section.verification")).to_have_attribute("data-status", "not_found")
    expect(page.get_by_text("高级工程师")).to_have_count(0)


def test_verify_by_the_qr_url(page, certificate, live_server):
    cert, url = certificate
    path = url.split("://", 1)[1].split("/", 1)[1]  # the QR's URL names the site; the live server is elsewhere
    page.goto("/" + path)
    result = page.locator("section.verification")
    expect(result).to_have_attribute("data-status", "valid")
    expect(result).to_contain_text("王建国")
    expect(result).to_contain_text(cert.number)
