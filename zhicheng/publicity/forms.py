"""Forms of the publicity pages: publish (start date), decide, and the public objection and code lookup."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ObjectionStatus


class PublishForm(forms.Form):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    dossier = forms.TypedMultipleChoiceField(label=_("公示人员"), coerce=int, choices=[])

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [(d.pk, str(d.pk)) for d in candidates]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"), widget=forms.RadioSelect,
        choices=[
            (ObjectionStatus.UPHELD, _("异议成立（不予推荐）")), (ObjectionStatus.DISMISSED, _("异议不成立（继续）")),
        ],
    )
    note = forms.CharField(label=_("处理意见（异议人凭查询码可见）"), widget=forms.Textarea(attrs={"rows": 4}))


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    contact = forms.CharField(label=_("联系方式"), max_length=100, help_text=_("电话或电子邮箱，便于核实情况"))
    text = forms.CharField(label=_("异议内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=_("附件（可选，PDF、JPG、PNG）"), required=False)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20, help_text=_("提交异议时显示的查询码，如 ABCD-EFGH-JKMN"))
