"""Forms of the calendar page; checks that need the database live in workdays.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhicheng.core.models import OverrideKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OverrideForm(forms.Form):
    first = forms.DateField(label=_("开始日期"), widget=DateInput())
    last = forms.DateField(label=_("结束日期"), required=False, widget=DateInput(),
                           help_text=_("只调整一天时留空"))
    kind = forms.ChoiceField(label=_("类型"), choices=OverrideKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60, help_text=_("例如：国庆节、国庆节调休"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class YearConfirmForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("备注"), max_length=200, required=False,
                           help_text=_("例如：国务院办公厅关于某年部分节假日安排的通知"))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False)
