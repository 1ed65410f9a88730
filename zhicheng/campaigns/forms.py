"""Forms for the office's campaign pages, grouped in the fieldsets the edit page shows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.models import Organisation, OrganisationKind
from zhicheng.catalog.models import Level, Series

from .models import Campaign, Route
from .rules import DATE_FIELDS, INSTANT_FIELDS

FIELDSETS = [
    (_("基本信息"), ["year", "name", "notice_number", "status", "note"]),
    (_("时间安排"), [
        "policy_publicity_start", "policy_publicity_end", "account_reset_at", "submission_opens_at",
        "submission_closes_at",
        "unit_review_start", "unit_review_end", "unit_recommendation_deadline",
        "entrusted_recommendation_deadline", "department_deadline", "supplement_cutoff", "meetings_by",
        "evaluation_complete_by", "issue_by", "achievement_cutoff", "seniority_date",
    ]),
    (_("公示"), [
        "unit_publicity_days", "unit_publicity_unit", "extended_publicity_days", "result_publicity_days",
        "result_publicity_unit",
    ]),
    (_("审核阈值"), [
        "similarity_core_max", "similarity_provincial_max", "social_security_months", "max_returns",
        "grassroots_senior_cap", "ce_hours_per_year", "ce_specialty_share_numerator",
        "ce_specialty_share_denominator", "ce_years_required",
    ]),
    (_("材料限额"), ["evidence_file_max_mb", "dossier_max_mb", "submission_capacity_per_hour"]),
    (_("诚信承诺书"), ["pledge_text"]),
]
DEADLINE_HELP = _("“某日 24 时”截止请填次日 00:00，例如 10 月 10 日 24 时填 10 月 11 日 00:00")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [name for _legend, names in FIELDSETS for name in names]
        widgets = {
            **{f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in DATE_FIELDS},
            **{
                f: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
                for f in INSTANT_FIELDS
            },
            "note": forms.Textarea(attrs={"rows": 3}),
            "pledge_text": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in INSTANT_FIELDS:
            self.fields[name].help_text = DEADLINE_HELP
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def fieldsets(self):
        """(legend, [bound fields]) in the order the page shows them."""
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]


class CloneForm(forms.Form):
    year = forms.IntegerField(label=_("复制到年度"), required=False, min_value=2000, max_value=2100)


class RouteForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), label=_("系列"))
    level = forms.ModelChoiceField(Level.objects.all(), label=_("级别"))
    route = forms.ChoiceField(choices=Route.choices, label=_("评审方式"))
    committee = forms.ModelChoiceField(
        Organisation.objects.filter(kind=OrganisationKind.COMMITTEE), label=_("评审委员会"), required=False
    )


class QuotaForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), label=_("系列"))
    level = forms.ModelChoiceField(Level.objects.all(), label=_("级别"))
    count = forms.IntegerField(label=_("计划数"), min_value=1)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
