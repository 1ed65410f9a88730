"""Model validation: the organisation tree, real-name users and roster entries give Chinese messages."""

import pytest
from django.core.exceptions import ValidationError

from zhicheng.accounts.models import IdType, Organisation, OrganisationKind, RosterRelation, StaffRosterEntry, User
from zhicheng.accounts.tests.factories import OrganisationFactory, make_credit_code, org_tree

pytestmark = pytest.mark.django_db


def _errors(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


class TestOrganisationTree:
    def test_valid_tree_passes(self):
        tree = org_tree()
        for org in tree.values():
            org.full_clean()

    def test_unit_needs_a_parent(self):
        unit = Organisation(name="孤立单位", kind=OrganisationKind.UNIT, credit_code=make_credit_code())
        assert "必须指定上级" in _errors(unit)["parent"][0]

    def test_unit_may_hang_under_an_agency(self):
        tree = org_tree()
        Organisation(
            name="民营企业", kind=OrganisationKind.UNIT, parent=tree["agency"], credit_code=make_credit_code()
        ).full_clean()

    def test_unit_under_a_unit_is_refused(self):
        tree = org_tree()
        unit = Organisation(
            name="下属", kind=OrganisationKind.UNIT, parent=tree["unit"], credit_code=make_credit_code()
        )
        assert "上级只能是" in _errors(unit)["parent"][0]

    def test_department_must_be_under_the_office(self):
        tree = org_tree()
        dept = Organisation(name="卫健委", kind=OrganisationKind.DEPARTMENT, parent=tree["department"])
        assert "职改办" in _errors(dept)["parent"][0]

    def test_office_may_be_under_the_province_only(self):
        province = OrganisationFactory(kind=OrganisationKind.PROVINCE, credit_code=None)
        Organisation(name="组织部", kind=OrganisationKind.OFFICE, parent=province).full_clean()
        tree = org_tree()
        office = Organisation(name="组织部2", kind=OrganisationKind.OFFICE, parent=tree["department"])
        assert "parent" in _errors(office)

    def test_committee_under_office_or_province(self):
        tree = org_tree()
        Organisation(name="工程评委会", kind=OrganisationKind.COMMITTEE, parent=tree["office"]).full_clean()
        bad = Organisation(name="评委会2", kind=OrganisationKind.COMMITTEE, parent=tree["unit"])
        assert "parent" in _errors(bad)

    def test_credit_code_required_for_units_and_agencies(self):
        tree = org_tree()
        unit = Organisation(name="无代码", kind=OrganisationKind.UNIT, parent=tree["department"])
        assert "统一社会信用代码" in _errors(unit)["credit_code"][0]

    def test_invalid_credit_code_message(self):
        tree = org_tree()
        unit = Organisation(
            name="错代码", kind=OrganisationKind.UNIT, parent=tree["department"], credit_code="91350200MA2YJ1XR9A"
        )
        assert "校验位错误" in _errors(unit)["credit_code"][0]

    def test_lowercase_credit_code_is_stored_upper(self):
        tree = org_tree()
        unit = Organisation(
            name="小写", kind=OrganisationKind.UNIT, parent=tree["department"], credit_code="91350200ma2yj1xr9g"
        )
        unit.full_clean()
        assert unit.credit_code == "91350200MA2YJ1XR9G"

    def test_no_cycles(self):
        tree = org_tree()
        office = tree["office"]
        office.parent = tree["department"]  # would make office → department → office
        assert "parent" in _errors(office)

    def test_kind_change_refused_when_children_would_not_fit(self):
        tree = org_tree()
        dept = tree["department"]
        dept.kind = OrganisationKind.COMMITTEE
        assert "不能改为此类别" in _errors(dept)["kind"][0]


class TestUser:
    def test_lowercase_x_is_normalised(self):
        user = User(username="a", real_name="王五", id_type=IdType.RESIDENT, id_number="11010519491231002x")
        user.set_password("x")
        user.full_clean()
        assert user.id_number == "11010519491231002X"

    def test_wrong_id_number_is_refused_in_chinese(self):
        user = User(username="a", real_name="王五", id_type=IdType.RESIDENT, id_number="110105194912310021")
        user.set_password("x")
        assert "校验位错误" in _errors(user)["id_number"][0]


class TestRosterEntry:
    def test_unit_roster_takes_employees_only(self):
        tree = org_tree()
        entry = StaffRosterEntry(
            organisation=tree["unit"], real_name="赵六", id_number="11010519491231002X", relation=RosterRelation.CLIENT
        )
        assert "本单位职工" in _errors(entry)["relation"][0]

    def test_agency_roster_takes_clients_only(self):
        tree = org_tree()
        entry = StaffRosterEntry(
            organisation=tree["agency"],
            real_name="赵六",
            id_number="11010519491231002X",
            relation=RosterRelation.EMPLOYEE,
        )
        assert "人事代理" in _errors(entry)["relation"][0]

    def test_department_has_no_roster(self):
        tree = org_tree()
        entry = StaffRosterEntry(
            organisation=tree["department"],
            real_name="赵六",
            id_number="11010519491231002X",
            relation=RosterRelation.EMPLOYEE,
        )
        assert "organisation" in _errors(entry)
