"""Forms for the applicant's pages: start a dossier, one section row, the pledge password, the withdraw reason.

Section values are parsed and checked by the services (sections.py); the row form only renders the inputs
and shows the service's refusals beside the fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import ErrorDict, ErrorList
from django.utils.translation import gettext_lazy as _

from zhicheng.catalog.models import Level, Series, Specialty
from zhicheng.core.errors import ApplicationError

from .models import Category, ValidityScope
from .sections import SectionSpec, section_item_values

_YES_NO = (("", "—"), ("true", _("是")), ("false", _("否")))


class StartForm(forms.Form):
    series = forms.ModelChoiceField(Series.objects.all(), label=_("申报系列"))
    level = forms.ModelChoiceField(Level.objects.all(), label=_("申报级别"))
    specialty = forms.ModelChoiceField(
        Specialty.objects.filter(is_active=True).select_related("series"), label=_("专业"), required=False
    )
    scope = forms.ChoiceField(choices=ValidityScope.choices, label=_("有效范围"))
    category = forms.ChoiceField(choices=Category.choices, label=_("评价类别"))


class PledgeForm(forms.Form):
    password = forms.CharField(label=_("登录密码"), widget=forms.PasswordInput, strip=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class FinalWithdrawForm(WithdrawForm):
    """After the window closed withdrawing ends the year's application: the password and a typed confirmation."""

    password = forms.CharField(label=_("登录密码"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirmation = forms.CharField(label=_("请输入“放弃本年度申报”以确认"), max_length=50)


def _form_field(model_field) -> forms.Field:
    """An input for one model field; the values are sent to the service as typed."""
    from django.db import models

    label = model_field.verbose_name
    if isinstance(model_field, models.BooleanField):
        return forms.ChoiceField(choices=_YES_NO, label=label, required=False)
    if isinstance(model_field, models.DateField):
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=model_field.help_text)
    field = model_field.formfield(required=False)
    field.help_text = model_field.help_text
    return field


def _initial(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return getattr(value, "pk", value)


class SectionForm(forms.Form):
    """One row of a section; `refusal()` places a service's field errors beside the fields."""

    spec: SectionSpec

    def __init__(self, spec: SectionSpec, *args, item=None, item_id=None, **kwargs):
        # `item_id` without `item`: a posted row the service reads under its lock (autosave reads it once)
        self.spec, self.item = spec, item
        suffix = item.pk if item is not None else (item_id or "new")
        kwargs.setdefault("auto_id", f"id_{spec.name}_{suffix}_%s")
        if item is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {k: _initial(v) for k, v in section_item_values(spec, item).items()}
        super().__init__(*args, **kwargs)
        for name in spec.fields:
            self.fields[name] = _form_field(spec.model._meta.get_field(name))

    def values(self) -> dict[str, Any]:
        """The posted values of the section's fields, as typed; an unchecked box posts nothing and means no.

        Any other field the form did not post keeps its current (or default) value.
        """
        values = {}
        for name in self.spec.fields:
            if name in self.data:
                values[name] = self.data.get(name)
            elif isinstance(self.fields[name], forms.BooleanField | forms.NullBooleanField):
                values[name] = ""
        return values

    def refusal(self, exc: ApplicationError) -> None:
        """Show the refusal: each named field's messages beside it, anything else at the top."""
        errors = ErrorDict()
        for name, messages in (exc.details.get("fields") or {}).items():
            key = name if name in self.fields else "__all__"
            errors.setdefault(key, ErrorList()).extend(messages)
        if not errors:
            errors["__all__"] = ErrorList([exc.message])
        self._errors = errors
