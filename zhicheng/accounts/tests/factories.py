"""Test factories for people and organisations; valid IDs and credit codes are computed, not typed."""

from __future__ import annotations

import itertools

import factory

from zhicheng.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RosterRelation,
    StaffRosterEntry,
    UnitType,
    User,
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_seq = itertools.count(1)


def make_resident_id(birth: str = "19800101", sequence: int | None = None, male: bool = True) -> str:
    """A valid 18-character resident ID for a birth date 'YYYYMMDD'."""
    n = sequence if sequence is not None else next(_seq) % 500
    seq_digits = f"{(n * 2 + (1 if male else 0)) % 1000:03d}"
    body = f"620100{birth}{seq_digits}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def make_credit_code(n: int | None = None) -> str:
    """A valid unified social credit code."""
    n = n if n is not None else next(_seq)
    body = f"9162010{n:010d}"[:17]
    total = sum(_CC_ALPHABET.index(c) * w for c, w in zip(body, _CC_WEIGHTS, strict=True))
    return body + _CC_ALPHABET[(31 - total % 31) % 31]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganisationKind.UNIT
    unit_type = UnitType.INSTITUTION
    credit_code = factory.LazyFunction(make_credit_code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"张{n}")
    id_number = factory.LazyFunction(make_resident_id)
    password = factory.PostGenerationMethodCall("set_password", "Zc-test-pass-2024")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.APPLICANT


class StaffRosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRosterEntry

    organisation = factory.SubFactory(OrganisationFactory)
    real_name = factory.Sequence(lambda n: f"李{n}")
    id_number = factory.LazyFunction(make_resident_id)
    relation = RosterRelation.EMPLOYEE


def grant(user, organisation, role) -> Membership:
    """Give a role directly (test set-up only; the product goes through membership_grant)."""
    return MembershipFactory(user=user, organisation=organisation, role=role)


def member(organisation, role, **user_fields) -> User:
    """A new real-name user holding one role in the organisation."""
    user = UserFactory(**user_fields)
    grant(user, organisation, role)
    return user


def org_tree() -> dict:
    """Office → department → unit, and office → agency, each with valid attributes."""
    office = OrganisationFactory(name="新区组织部", kind=OrganisationKind.OFFICE, credit_code=None, unit_type="")
    department = OrganisationFactory(
        name="教体局", kind=OrganisationKind.DEPARTMENT, parent=office, credit_code=None, unit_type=""
    )
    agency = OrganisationFactory(name="新区人才服务中心", kind=OrganisationKind.AGENCY, parent=office, unit_type="")
    unit = OrganisationFactory(
        name="第一中学", kind=OrganisationKind.UNIT, parent=department, unit_type=UnitType.SCHOOL
    )
    other_unit = OrganisationFactory(name="第二中学", kind=OrganisationKind.UNIT, parent=department)
    return {"office": office, "department": department, "agency": agency, "unit": unit, "other_unit": other_unit}


def staff_up(organisation) -> dict:
    """Give the organisation its three required real-name roles (§六(八)); return the three users."""
    return {role: member(organisation, role) for role in (Role.ORG_ADMIN, Role.REVIEW_CLERK, Role.REVIEW_LEADER)}


def login_verified(client, user) -> None:
    """Log a user in as if they had passed their TOTP second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
