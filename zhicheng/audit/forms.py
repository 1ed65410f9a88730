"""The audit list's filter form (GET, so a filtered list can be bookmarked and printed)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import EventArea, EventType, event_label


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("业务范围"), required=False)
    event_type = forms.ChoiceField(label=_("事件类型"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150, help_text=_("姓名、用户名或用户编号"))
    organisation = forms.TypedChoiceField(label=_("机构"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, organisation_choices=(), stored_event_types=(), object_type_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部")), *EventArea.choices]
        self.fields["event_type"].choices = event_type_choices(stored_event_types)
        self.fields["organisation"].choices = [("", _("全部机构")), *organisation_choices]
        self.fields["object_type"].choices = [("", _("全部")), *object_type_choices]

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
            "area": data["area"], "event_type_in": [data["event_type"]] if data["event_type"] else [],
            "actor": data["actor"].strip(), "organisation_id": data["organisation"],
            "object_type": data["object_type"], "object_id": data["object_id"].strip(),
            "date_from": data["date_from"], "date_to": data["date_to"],
        }


def event_type_choices(stored: Iterable[str]) -> list:
    """Every event type by its label, grouped by area; a stored type the vocabulary lacks goes under 其他."""
    groups = [(area.label, [(t.value, t.label) for t in EventType.in_area(area)]) for area in EventArea]
    others = sorted({t for t in stored if t not in EventType.values})
    if others:
        groups.append((_("其他"), [(t, f"{event_label(t)} · {n}") for n, t in enumerate(others, start=1)]))
    return [("", _("全部")), *((label, members) for label, members in groups if members)]
