"""The audit list's filter form (GET, so a filtered list can be bookmarked and printed)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    event_type = forms.CharField(label=_("事件类型"), required=False, max_length=80,
                                 widget=forms.TextInput(attrs={"list": "event-types"}),
                                 help_text=_("可只填前缀，例如 calendar."))
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150, help_text=_("姓名、用户名或用户编号"))
    organisation = forms.TypedChoiceField(label=_("机构"), required=False, coerce=int, empty_value=None)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=80,
                                  help_text=_("例如 core.holidayoverride"))
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, organisation_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("全部机构")), *organisation_choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data

    def filters(self) -> dict:
        """The cleaned filters as keyword arguments of audit_event_list (empty if the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "event_type": data["event_type"].strip(), "actor": data["actor"].strip(),
            "organisation_id": data["organisation"], "object_type": data["object_type"].strip(),
            "object_id": data["object_id"].strip(), "date_from": data["date_from"], "date_to": data["date_to"],
        }
