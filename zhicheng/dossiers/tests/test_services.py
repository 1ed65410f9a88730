"""Dossier services: creation in the window, the target and its route, every section's validation, audit."""

import pytest

from zhicheng.accounts.models import Membership, Role
from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Route
from zhicheng.catalog.models import Level, Series, Specialty
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.dossiers import services
from zhicheng.dossiers.models import (
    Achievement,
    Dossier,
    EducationRecord,
    EvidenceFile,
    IdentitySection,
    SocialSecurityMonth,
)

from .factories import VALID_IDENTITY, VALID_ROWS, at, dossier_for, engineering, valid_row

pytestmark = pytest.mark.django_db


def _field(exc) -> set[str]:
    return set(exc.value.details["fields"])


class TestDossierCreate:
    def test_applicant_creates_in_window_submitted_to_their_unit(self, campaign, tree, inside_window):
        dossier = dossier_for(tree["applicant"], campaign)
        assert dossier.organisation == tree["unit"]
        assert dossier.state == "draft" and dossier.route == Route.SELF_RUN
        assert AuditEvent.objects.filter(event_type="dossier.created", object_id=str(dossier.pk)).exists()

    def test_flexible_worker_submits_to_the_agency(self, campaign, tree, inside_window):
        assert dossier_for(tree["agency_applicant"], campaign).organisation == tree["agency"]

    def test_route_is_entrusted_for_an_unlisted_level(self, campaign, tree, inside_window):
        dossier = dossier_for(tree["applicant"], campaign, level=Level.objects.get(name="正高级"))
        assert dossier.route == Route.ENTRUSTED

    def test_second_dossier_in_the_campaign_refused(self, campaign, tree, inside_window):
        dossier_for(tree["applicant"], campaign)
        with pytest.raises(ApplicationError) as exc:
            dossier_for(tree["applicant"], campaign)
        assert exc.value.status == 409 and "只能申报一份" in exc.value.message_zh

    @pytest.mark.parametrize("instant", ["2024-09-09T23:59:59+08:00", "2024-10-11T00:00:00+08:00"])
    def test_outside_the_window_refused(self, campaign, tree, instant):
        with at(instant), pytest.raises(ApplicationError) as exc:
            dossier_for(tree["applicant"], campaign)
        assert exc.value.code == "submission_closed"
        assert not Dossier.objects.exists()

    @pytest.mark.parametrize("who", ["unit_clerk", "observer"])
    def test_staff_cannot_create(self, campaign, tree, inside_window, who):
        with pytest.raises(PermissionDenied):
            dossier_for(tree[who], campaign)

    def test_inactive_applicant_membership_refused(self, campaign, tree, inside_window):
        Membership.objects.filter(user=tree["applicant"], role=Role.APPLICANT).update(is_active=False)
        with pytest.raises(PermissionDenied):
            dossier_for(tree["applicant"], campaign)

    def test_suspended_unit_refused(self, campaign, tree, inside_window):
        from django.utils import timezone

        tree["unit"].suspended_at = timezone.now()
        tree["unit"].save()
        with pytest.raises(PermissionDenied):
            dossier_for(tree["applicant"], campaign)

    def test_level_without_title_in_series_names_the_field(self, campaign, tree, inside_window):
        series = Series.objects.get(name="高校教师")
        bad_level = next(lv for lv in Level.objects.all() if not series.titles.filter(level=lv).exists())
        with pytest.raises(ApplicationError) as exc:
            dossier_for(tree["applicant"], campaign, series=series, level=bad_level)
        assert _field(exc) == {"level"}

    def test_specialty_of_another_series_refused(self, campaign, tree, inside_window):
        other = Specialty.objects.create(series=Series.objects.get(name="农业"), name="作物育种")
        with pytest.raises(ApplicationError) as exc:
            dossier_for(tree["applicant"], campaign, specialty=other)
        assert _field(exc) == {"specialty"}

    @pytest.mark.parametrize(("field", "value"), [("scope", "everywhere"), ("category", "lucky")])
    def test_unknown_choice_names_the_field(self, campaign, tree, inside_window, field, value):
        with pytest.raises(ApplicationError) as exc:
            dossier_for(tree["applicant"], campaign, **{field: value})
        assert _field(exc) == {field}


class TestTargetUpdate:
    def test_change_of_level_derives_the_route_again(self, dossier, applicant):
        series, _ = engineering()
        services.dossier_target_update(
            dossier=dossier, actor=applicant, series=series, level=Level.objects.get(name="正高级"),
            scope="province", category="exceptional",
        )
        dossier.refresh_from_db()
        assert dossier.route == Route.ENTRUSTED and dossier.category == "exceptional" and dossier.revision == 1

    def test_other_applicant_refused(self, dossier, tree):
        series, level = engineering()
        with pytest.raises(PermissionDenied):
            services.dossier_target_update(
                dossier=dossier, actor=tree["other_applicant"], series=series, level=level, scope="province",
                category="normal",
            )


class TestIdentity:
    def test_create_then_change(self, dossier, applicant):
        services.identity_update(dossier=dossier, actor=applicant, data=VALID_IDENTITY)
        services.identity_update(dossier=dossier, actor=applicant, data={"phone": "0931-1234567"})
        identity = IdentitySection.objects.get(dossier=dossier)
        assert identity.phone == "0931-1234567" and identity.ethnicity == "汉族"
        dossier.refresh_from_db()
        assert dossier.revision == 2

    @pytest.mark.parametrize(("data", "field"), [
        ({"sanction_kind": "party", "sanction_from": "2023-05-01", "sanction_to": "2023-01-01"}, "sanction_to"),
        ({"sanction_kind": "party"}, "sanction_from"),
        ({"sanction_from": "2023-01-01"}, "sanction_kind"),
        ({"retirement_category": "astronaut"}, "retirement_category"),
        ({"phone": "12ab"}, "phone"),
        ({"ethnicity": ""}, "ethnicity"),
        ({"sanction_from": "2023-02-30", "sanction_kind": "party"}, "sanction_from"),
    ])
    def test_invalid_values_name_the_field(self, dossier, applicant, data, field):
        with pytest.raises(ApplicationError) as exc:
            services.identity_update(dossier=dossier, actor=applicant, data={**VALID_IDENTITY, **data})
        assert field in _field(exc)
        assert not IdentitySection.objects.exists()

    def test_unknown_field_refused(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            services.identity_update(dossier=dossier, actor=applicant, data={**VALID_IDENTITY, "sex": "F"})
        assert _field(exc) == {"sex"}


SECTION_CASES = [
    ("education", {"start": "2004-09-01", "end": "2004-07-01"}, "end", "不能早于"),
    ("education", {"end": "2099-07-01"}, "end", "不能晚于今天"),
    ("education", {"degree": "wizard"}, "degree", "取值不正确"),
    ("education", {"school": ""}, "school", "请填写"),
    ("work_history", {"start": "2010-01-01", "end": "2009-12-31"}, "end", "不能早于"),
    ("work_history", {"start": "not a date"}, "start", "格式不正确"),
    ("title_held", {"obtained_on": "2016-01-01", "appointed_on": "2015-12-31"}, "appointed_on", "不能早于"),
    ("title_held", {"series": "99999"}, "series", "不存在"),
    ("series_transfer", {"transferred_on": "2099-01-01"}, "transferred_on", "不能晚于今天"),
    ("social_security", {"month": "2024-11"}, "month", "不能晚于"),
    ("social_security", {"credit_code": "91620100MA00000000"}, "credit_code", "统一社会信用代码"),
    # §六(七): the applicant never types a similarity result, valid or not
    ("achievement", {"similarity_percent": "12.5"}, "similarity_percent", "申报人不能填写"),
    ("achievement", {"similarity_percent": "100.01"}, "similarity_percent", "申报人不能填写"),
    ("achievement", {"similarity_percent": "abc"}, "similarity_percent", "申报人不能填写"),
    ("achievement", {"journal": ""}, "journal", "刊物名称"),
    ("achievement", {"tier": "cosmic"}, "tier", "取值不正确"),
    ("continuing_education", {"general_hours": "-1"}, "general_hours", "0 至"),
    ("continuing_education", {"specialty_hours": "-30"}, "specialty_hours", "0 至"),
    ("continuing_education", {"year": "1890"}, "year", "之间"),
    ("continuing_education", {"year": "2025"}, "year", "之间"),
    ("continuing_education", {"general_hours": "ten"}, "general_hours", "须为整数"),
    ("annual_assessment", {"grade": "superb"}, "grade", "取值不正确"),
    ("annual_assessment", {"year": "2030"}, "year", "之间"),
    ("labour_exemption", {"kind": "astronaut"}, "kind", "取值不正确"),
    ("rural_service", {"years": "-1"}, "years", "0 至"),
    ("rural_service", {"years": "61"}, "years", "0 至"),
]


class TestSectionValidation:
    @pytest.mark.parametrize("section", list(VALID_ROWS))
    def test_valid_row_saved(self, dossier, applicant, section):
        item = services.section_item_create(dossier=dossier, actor=applicant, section=section,
                                            data=valid_row(section))
        assert item.pk and item.dossier_id == dossier.pk

    @pytest.mark.parametrize(("section", "change", "field", "words"), SECTION_CASES)
    def test_invalid_row_refused_naming_the_field(self, dossier, applicant, section, change, field, words):
        model = services.SECTIONS[section].model
        with pytest.raises(ApplicationError) as exc:
            services.section_item_create(dossier=dossier, actor=applicant, section=section,
                                         data=valid_row(section, **change))
        assert exc.value.status == 400
        assert field in _field(exc)
        assert any(words in m for m in exc.value.details["fields"][field])
        assert not model.objects.exists()

    def test_boundaries_accepted(self, dossier, applicant):
        for similarity in ("", None):  # an empty similarity from an older client is ignored
            services.section_item_create(dossier=dossier, actor=applicant, section="achievement",
                                         data=valid_row("achievement", similarity_percent=similarity))
        services.section_item_create(dossier=dossier, actor=applicant, section="continuing_education",
                                     data=valid_row("continuing_education", general_hours="0", specialty_hours="0"))
        services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                     data=valid_row("education", start="2004-07-01", end="2004-07-01"))
        assert Achievement.objects.count() == 2

    def test_month_stored_as_first_of_month(self, dossier, applicant):
        item = services.section_item_create(dossier=dossier, actor=applicant, section="social_security",
                                            data=valid_row("social_security", month="2024-9"))
        assert item.month.isoformat() == "2024-09-01"

    def test_duplicate_year_is_a_conflict(self, dossier, applicant):
        services.section_item_create(dossier=dossier, actor=applicant, section="annual_assessment",
                                     data=valid_row("annual_assessment"))
        with pytest.raises(ApplicationError) as exc:
            services.section_item_create(dossier=dossier, actor=applicant, section="annual_assessment",
                                         data=valid_row("annual_assessment", grade="competent"))
        assert exc.value.status == 409

    def test_unknown_section_is_404(self, dossier, applicant):
        with pytest.raises(NotFound):
            services.section_item_create(dossier=dossier, actor=applicant, section="hobbies", data={})


class TestSectionUpdateDelete:
    def _education(self, dossier, applicant):
        return services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                            data=valid_row("education"))

    def test_update_changes_only_given_fields(self, dossier, applicant):
        item = self._education(dossier, applicant)
        services.section_item_update(dossier=dossier, actor=applicant, section="education", item_id=item.pk,
                                     data={"major": "桥梁工程"})
        item.refresh_from_db()
        assert item.major == "桥梁工程" and item.school == "兰州大学"
        event = AuditEvent.objects.filter(event_type="dossier.section_changed").order_by("id").last()
        assert event.data["changes"] == {"major": {"from": "土木工程", "to": "桥梁工程"}}

    def test_invalid_update_keeps_what_was_saved(self, dossier, applicant):
        item = self._education(dossier, applicant)
        with pytest.raises(ApplicationError):
            services.section_item_update(dossier=dossier, actor=applicant, section="education", item_id=item.pk,
                                         data={"major": "桥梁工程", "end": "1999-01-01"})
        item.refresh_from_db()
        assert item.major == "土木工程"

    def test_delete_marks_the_row_evidence_deleted_but_keeps_it(self, dossier, applicant):
        item = self._education(dossier, applicant)
        evidence = EvidenceFile.objects.create(
            dossier=dossier, section="education", item_id=item.pk, kind="pdf", file="evidence/x.pdf",
            original_name="毕业证.pdf", size=10, sha256="c" * 64, uploaded_by=applicant,
        )
        services.section_item_delete(dossier=dossier, actor=applicant, section="education", item_id=item.pk)
        assert not EducationRecord.objects.exists()
        evidence.refresh_from_db()
        assert evidence.deleted_at is not None

    def test_item_of_another_dossier_is_404(self, dossier, applicant, campaign, tree):
        other = dossier_for(tree["other_applicant"], campaign)
        item = self._education(other, tree["other_applicant"])
        with pytest.raises(NotFound):
            services.section_item_update(dossier=dossier, actor=applicant, section="education", item_id=item.pk,
                                         data={"major": "x"})
        with pytest.raises(NotFound):
            services.section_item_delete(dossier=dossier, actor=applicant, section="education", item_id=item.pk)

    @pytest.mark.parametrize("who", ["other_applicant", "unit_clerk", "observer"])
    def test_only_the_owner_edits(self, dossier, tree, who):
        with pytest.raises(PermissionDenied):
            services.section_item_create(dossier=dossier, actor=tree[who], section="education",
                                         data=valid_row("education"))
        assert not SocialSecurityMonth.objects.exists() and not EducationRecord.objects.exists()


class TestCutoffRule:
    """R-CUTOFF as shown beside an achievement: on or before 09-30 counts, 10-01 counts next year."""

    @pytest.mark.parametrize(("day", "counts"), [("2024-09-29", True), ("2024-09-30", True), ("2024-10-01", False)])
    def test_boundary(self, day, counts):
        import datetime as dt

        from zhicheng.dossiers.rules import achievement_counts_this_year, achievement_cutoff_label

        cutoff = dt.date(2024, 9, 30)
        assert achievement_counts_this_year(dt.date.fromisoformat(day), cutoff) is counts
        zh, _ = achievement_cutoff_label(dt.date.fromisoformat(day), cutoff)
        assert ("下一年度" in zh) is not counts

    def test_late_achievement_is_kept(self, dossier, applicant):
        item = services.section_item_create(dossier=dossier, actor=applicant, section="achievement",
                                            data=valid_row("achievement", achieved_on="2024-10-01"))
        assert item.pk


class TestSectionSelectors:
    def test_items_and_item_get(self, dossier, applicant, campaign, tree):
        from zhicheng.dossiers.selectors import dossier_section_item_get, dossier_section_items

        item = services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                            data=valid_row("education"))
        assert list(dossier_section_items(dossier, "education")) == [item]
        assert dossier_section_item_get(dossier, "education", item.pk) == item
        other = dossier_for(tree["other_applicant"], campaign)
        for section, pk in (("education", item.pk), ("hobbies", 1), ("education", "x")):
            with pytest.raises(NotFound):
                dossier_section_item_get(other if pk == item.pk else dossier, section, pk)


class TestInputShapes:
    @pytest.mark.parametrize(("section", "change", "field"), [
        ("education", {"school": "校" * 101}, "school"),
        ("education", {"start": "1899-12-31"}, "start"),
        ("achievement", {"similarity_percent": "NaN"}, "similarity_percent"),
        ("achievement", {"similarity_percent": "Infinity"}, "similarity_percent"),
        ("achievement", {"title": ["a", "b"]}, "title"),
        ("continuing_education", {"general_hours": "99999999999999999999"}, "general_hours"),
        ("continuing_education", {"general_hours": "7.5"}, "general_hours"),
        ("rural_service", {"remote_area": "perhaps"}, "remote_area"),
    ])
    def test_malformed_input_is_a_400_naming_the_field(self, dossier, applicant, section, change, field):
        with pytest.raises(ApplicationError) as exc:
            services.section_item_create(dossier=dossier, actor=applicant, section=section,
                                         data=valid_row(section, **change))
        assert exc.value.status == 400 and field in _field(exc)

    def test_credit_code_stored_upper_case_and_catalog_objects_accepted(self, dossier, applicant):
        row = valid_row("social_security")
        item = services.section_item_create(dossier=dossier, actor=applicant, section="social_security",
                                            data={**row, "credit_code": row["credit_code"].lower()})
        assert item.credit_code == row["credit_code"]
        series, level = engineering("中级")
        held = services.section_item_create(dossier=dossier, actor=applicant, section="title_held",
                                            data=valid_row("title_held", series=series, level=level))
        assert held.series == series
