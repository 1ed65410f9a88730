"""seed_demo: the demo district is complete, valid, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from zhicheng.accounts.models import (
    REQUIRED_ORG_ROLES,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    StaffRosterEntry,
    User,
)
from zhicheng.accounts.validators import birth_date_from_id, credit_code_error, resident_id_error, sex_from_id
from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Campaign
from zhicheng.demo.cases import CASES, CASES_BY_CODE
from zhicheng.demo.identifiers import credit_code, resident_id
from zhicheng.demo.organisations import BY_KEY, ORGANISATIONS
from zhicheng.demo.people import DEMO_PASSWORD, demo_people

DOSSIER_KINDS = {OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY, OrganisationKind.UNIT}
RULE_IDS = {
    "R-SCOPE", "R-EXCL", "R-SOCSEC", "R-SKILL", "R-CUTOFF", "R-SENIORITY", "R-CONDITIONS", "R-CE", "R-PLAGIARISM",
    "R-TRANSFER", "R-NARROW", "R-POSTS", "R-RURAL", "R-FILE", "R-OUTSIDE", "R-ACCOUNT",
}


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": Organisation.objects.count(),
        "roster": StaffRosterEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
        "totp": TOTPDevice.objects.count(),
        "campaigns": Campaign.objects.count(),
    }


def _untimed(output: str) -> str:
    """The output without the progress lines' elapsed seconds."""
    return re.sub(r"^\[ *[0-9.]+ s\] ", "", output, flags=re.M)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestSeedDemo:
    def test_creates_the_district(self):
        output = _seed()
        assert Campaign.objects.get(year=2024).status == "closed"  # history; the live campaign is open (test_demo_live)
        assert Organisation.objects.filter(kind=OrganisationKind.UNIT).count() >= 12
        applicants = Membership.objects.filter(role=Role.APPLICANT, is_active=True)
        assert applicants.count() >= 60
        assert not applicants.exclude(organisation__kind__in=[OrganisationKind.UNIT, OrganisationKind.AGENCY])
        for org in Organisation.objects.filter(kind__in=DOSSIER_KINDS):
            roles = set(org.memberships.filter(is_active=True, user__id_number__isnull=False).values_list(
                "role", flat=True))
            assert roles >= REQUIRED_ORG_ROLES, org.name
        present = set(Membership.objects.values_list("role", flat=True))
        assert present == set(Role.values)
        assert DEMO_PASSWORD in output and "ZHICHENG_DEMO_NO_OTP=1" in output
        assert "RETIRE-MAN-1964" in output

    def test_is_idempotent(self):
        _seed()
        first = _counts()
        second_output = _seed()
        assert _counts() == first
        assert _untimed(second_output) == _untimed(_seed())

    def test_staff_log_in_with_the_printed_secret_and_the_demo_password(self):
        output = _seed()
        clerk = User.objects.get(username="yizhong_clerk")
        assert clerk.check_password(DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=clerk, confirmed=True)
        from zhicheng.accounts.auth_services import totp_secret_base32, totp_token_now

        assert totp_secret_base32(device) in output
        assert device.verify_token(totp_token_now(device))

    def test_organisations_match_their_specs(self):
        _seed()
        for spec in ORGANISATIONS:
            org = Organisation.objects.get(name=spec.name)
            assert org.kind == spec.kind
            assert (org.parent.name if org.parent else "") == (BY_KEY[spec.parent].name if spec.parent else "")
            assert org.credit_code == spec.credit_code
        assert Organisation.objects.filter(kind=OrganisationKind.UNIT, in_district=False).exists()
        assert Organisation.objects.filter(kind=OrganisationKind.UNIT, has_own_committee=True).exists()


class TestDemoData:
    def test_people_are_the_same_every_time(self):
        assert demo_people() == demo_people()

    def test_every_id_number_and_credit_code_passes_the_validators(self):
        people = demo_people()
        assert len({p.id_number for p in people}) == len(people)
        assert len({p.username for p in people}) == len(people)
        for person in people:
            assert resident_id_error(person.id_number) is None, person.username
        for spec in ORGANISATIONS:
            if spec.credit_code:
                assert credit_code_error(spec.credit_code) is None, spec.name

    def test_applicant_ids_carry_the_case_birth_date_and_sex(self):
        for person in demo_people():
            if person.case:
                assert birth_date_from_id(person.id_number) == person.case.birth
                assert sex_from_id(person.id_number) == ("M" if person.case.male else "F")

    def test_case_table_is_well_formed(self):
        assert len(CASES) >= 60 and len(CASES_BY_CODE) == len(CASES)
        for case in CASES:
            assert BY_KEY[case.unit].kind in {OrganisationKind.UNIT, OrganisationKind.AGENCY}, case.code
            assert set(case.expected) <= RULE_IDS, case.code
        needed = {
            "RETIRE-MAN-1964", "RETIRE-WOMAN-CADRE-1969", "RETIRE-WOMAN-WORKER-1974", "NOT-RETIRE-MAN-1965-01",
            "CIVIL-SERVANT", "MANAGED-AS-CIVIL-SERVANT", "SANCTION-IN-EFFECT", "SOCSEC-6-MONTHS", "SOCSEC-5-MONTHS",
            "UNIT-CHANGE-CONTINUOUS", "SERIES-TRANSFER", "SKILLED-WORKER-ENGINEERING", "SKILLED-WORKER-ECONOMICS",
            "FLEXIBLE-GANSU-HUKOU", "FLEXIBLE-OTHER-HUKOU", "RURAL-TEACHER-30-YEARS", "EXCEPTIONAL-PROMOTION",
            "GRASSROOTS-SENIOR", "NARROW-SCOPE-HOLDER", "PAPER-CORE-15.00", "PAPER-CORE-15.01", "CE-90-60", "CE-90-59",
        }
        assert needed <= set(CASES_BY_CODE)

    def test_retirement_cases_sit_on_the_2024_boundaries(self):
        assert CASES_BY_CODE["RETIRE-MAN-1964"].birth.year == 1964
        assert CASES_BY_CODE["NOT-RETIRE-MAN-1965-01"].birth.strftime("%Y-%m") == "1965-01"
        assert CASES_BY_CODE["RETIRE-WOMAN-CADRE-1969"].birth.year == 1969
        assert CASES_BY_CODE["RETIRE-WOMAN-WORKER-1974"].birth.year == 1974
        assert CASES_BY_CODE["FLEXIBLE-OTHER-HUKOU"].hukou_province != "甘肃省"


class TestIdentifiers:
    @given(
        birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2010, 12, 31)),
        sequence=st.integers(min_value=0, max_value=10_000),
        male=st.booleans(),
    )
    def test_resident_id_is_valid_and_keeps_birth_and_sex(self, birth, sequence, male):
        number = resident_id("620121", birth, sequence, male=male)
        assert resident_id_error(number) is None
        assert birth_date_from_id(number) == birth
        assert sex_from_id(number) == ("M" if male else "F")
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert resident_id_error(wrong) is not None

    @given(serial=st.integers(min_value=0, max_value=99_999_999), authority=st.sampled_from(["11", "12", "52", "91"]))
    def test_credit_code_is_valid(self, serial, authority):
        code = credit_code(authority, "620121", serial)
        assert len(code) == 18 and credit_code_error(code) is None
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        assert credit_code_error(wrong) is not None


@pytest.mark.django_db
class TestDemoLogIn:
    def test_demo_clerk_logs_in_with_password_and_printed_totp_secret(self, client):
        from zhicheng.accounts.auth_services import totp_token_now

        _seed()
        response = client.post("/accounts/login/", {"username": "yizhong_clerk", "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "/accounts/otp/verify/" in response["Location"]
        device = TOTPDevice.objects.get(user__username="yizhong_clerk")
        response = client.post(response["Location"], {"token": totp_token_now(device)})
        assert response.status_code == 302
        html = client.get("/").content.decode()
        assert "兰州新区第一中学 · 审查经办" in html

    def test_demo_applicant_logs_in_with_the_password_alone(self, client):
        _seed()
        response = client.post("/accounts/login/", {"username": "sq01", "password": DEMO_PASSWORD}, follow=True)
        assert "申报人" in response.content.decode() and "下一步" in response.content.decode()

    def test_demo_bypass_skips_the_second_factor(self, client, settings):
        _seed()
        settings.ZHICHENG_REQUIRE_STAFF_OTP = False  # what ZHICHENG_DEMO_NO_OTP=1 does in dev settings
        response = client.post("/accounts/login/", {"username": "yizhong_clerk", "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "/accounts/otp/" not in response["Location"]
        assert "兰州新区第一中学 · 审查经办" in client.get("/").content.decode()
