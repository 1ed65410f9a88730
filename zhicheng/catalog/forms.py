"""Forms for the office's catalog pages; the services do the real checking."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhicheng.core.errors import ApplicationError

from .models import Condition, Level, Series, TitleName


def form_add_application_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's refusal next to the fields it names (or at the top of the form)."""
    english = (get_language() or "").startswith("en")
    fields = exc.details.get("fields_en" if english else "fields") or exc.details.get("fields") or {}
    placed = False
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class ConditionFilterForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), label=_("系列"), required=False)
    level = forms.ModelChoiceField(Level.objects.all(), label=_("级别"), required=False)


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["series", "level", "education", "min_years", "below_title", "scope", "note", "source", "position"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, series: Series | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        series = series or (self.instance.series if self.instance.series_id else None)
        titles = TitleName.objects.select_related("series", "level")
        self.fields["below_title"].queryset = titles.filter(series=series) if series else titles


class SpecialtyForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), label=_("系列"))
    name = forms.CharField(label=_("专业名称"), max_length=60)


class WaiverForm(forms.Form):
    name = forms.CharField(label=_("业绩条件"), max_length=200)
    series = forms.ModelChoiceField(
        Series.objects.all(), label=_("系列"), required=False, empty_label=_("所有系列")
    )
    position = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
