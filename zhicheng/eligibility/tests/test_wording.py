"""The checklist in words: each condition by its name, each missing fact as what it is and what to do — never a
rule id alone or a `section.field` code (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.tests.factories import dossier_for, fill
from zhicheng.eligibility.rules import REGISTRY
from zhicheng.eligibility.wording import MISSING, finding_in_words, missing_in_words, rule_name

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
DOTTED = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)+\b")  # continuing_education.certificate

CE_FINDING = {"rule": "R-CE", "ok": False, "blocking": True, "incomplete": True,
              "message_zh": "信息不完整：2023 年继续教育共 90 学时，其中专业科目 60 学时，未上传继续教育证书",
              "message_en": "Incomplete: 2023: 90 hours of continuing education, 60 in the specialty; the certificate "
                            "is not attached", "missing": ["continuing_education.certificate"], "subject": "ce:2023"}


def _emitted_codes() -> set[str]:
    """Every missing-fact code the rules can emit, read from their source (literal tuples and the built ones)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.py"))
    codes = set(re.findall(r'missing\(\(\s*"([a-z_.]+)"', source))
    codes |= {f"achievement.{name}" for name in ("tier", "cnki_indexed")}  # papers.py builds these
    codes |= {f"labour_exemption.{doc}" for doc in ("labour_contract", "salary_statement", "head_office_socsec")}
    return codes


def test_every_code_a_rule_can_emit_has_words():
    codes = _emitted_codes()
    assert "continuing_education.certificate" in codes and len(codes) > 15  # the scan found the rules' codes
    assert codes <= set(MISSING), sorted(codes - set(MISSING))


def test_the_ce_certificate_reads_as_what_to_upload_and_where():
    with translation.override("zh-hans"):
        words = finding_in_words(CE_FINDING)
    assert words["rule_name"] == "继续教育"
    assert words["todo"] == ["继续教育证书 — 在“继续教育”栏目上传该年度的继续教育证书（文件用途选“继续教育证书”）"]
    assert "R-CE" not in str(words["todo"]) + words["rule_name"]


def test_the_checklist_in_english():
    with translation.override("en"):
        words = finding_in_words(CE_FINDING)
    assert words["rule_name"] == "Continuing education"
    assert words["message"].startswith("Incomplete: 2023")
    assert words["todo"][0].startswith("Continuing-education certificate — Upload that year's certificate")


@pytest.mark.parametrize("code", ["identity.some_new_field", "nothing_known"])
def test_an_unlisted_code_still_reads_as_words_never_the_code(code):
    with translation.override("zh-hans"):
        text = missing_in_words(code)
    assert code not in text and "栏目" in text


def test_every_rule_has_a_name_in_both_languages_and_an_unknown_id_is_not_shown():
    for rule_id in REGISTRY:
        with translation.override("zh-hans"):
            assert rule_name(rule_id) and rule_id not in rule_name(rule_id)
        with translation.override("en"):
            assert rule_name(rule_id).isascii()
    with translation.override("zh-hans"):
        assert rule_name("R-NEW") == "申报条件"


def test_a_message_naming_another_rule_names_it_in_words():
    with translation.override("zh-hans"):
        words = finding_in_words({**CE_FINDING, "message_zh": "单位在区外；中央驻甘或外省单位分支机构，另见 R-OUTSIDE"})
    assert "R-OUTSIDE" not in words["message"] and "“委托函”" in words["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_applicants_checklist_shows_names_and_what_to_do_never_codes(campaign, applicant, inside_window,
                                                                          settings, language):
    dossier = dossier_for(applicant, campaign)
    fill(dossier, applicant)  # a 2023 continuing-education row, no certificate uploaded
    client = Client()
    login_verified(client, applicant)
    if language == "en":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dossiers:mine")).content.decode()
    checklist = html.split('id="eligibility-checklist"', 1)[1].split("</section>", 1)[0]
    if language == "en":
        assert "Continuing-education certificate — Upload" in checklist and "Continuing education" in checklist
    else:
        assert "继续教育证书 — 在“继续教育”栏目上传" in checklist and "<td>继续教育</td>" in checklist
    cells = re.sub(r"<[^>]+>", " ", checklist)  # the text a person reads (ids in attributes are not shown)
    assert not re.search(r"\bR-[A-Z]+\b", cells), re.search(r"\bR-[A-Z]+\b", cells)
    assert not DOTTED.search(cells), DOTTED.search(cells)


@pytest.mark.django_db
def test_the_api_gives_the_same_words_beside_the_ids(campaign, applicant, inside_window):
    dossier = dossier_for(applicant, campaign)
    fill(dossier, applicant)
    client = Client()
    login_verified(client, applicant)
    body = client.get(f"/api/v1/dossiers/{dossier.pk}/eligibility").json()
    ce = [f for f in body["findings"] if f["rule"] == "R-CE" and f["missing"]]
    assert ce and ce[0]["rule_name"] == "继续教育" and ce[0]["missing"] == ["continuing_education.certificate"]
    assert ce[0]["todo"][0].startswith("继续教育证书 — 在“继续教育”栏目上传")
