"""What an audit event is about, in words a person reads: "动态口令设备（用户 张三）", not `otp_totp.totpdevice #6`.

Events keep only the object's model label and id (the row may since have changed or gone), so the description is
looked up when the page is shown: one query per kind of object on the page. Models are found through the app
registry, so audit imports none of the apps it describes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Nouns for models whose own verbose_name is not in Chinese (a third-party app's, or left in English)
NOUNS = {
    "otp_totp.totpdevice": gettext_lazy("动态口令设备"),
    "accounts.apitoken": gettext_lazy("接口令牌"),
}
UNKNOWN_NOUN = gettext_lazy("其他对象")


def _owner(obj) -> str:
    return _("用户 %(name)s") % {"name": obj.user}


def _dossier(obj) -> str:
    return _("%(name)s，编号 %(id)s") % {"name": obj.applicant, "id": obj.pk}


# label -> (what to load with it, what to say about it); a model not listed is named by its noun and id only,
# because its __str__ is written for developers
DETAILS: dict[str, tuple[tuple[str, ...], Callable[[object], str]]] = {
    "otp_totp.totpdevice": (("user",), _owner),
    "accounts.apitoken": (("user",), _owner),
    "accounts.user": ((), str),
    "accounts.organisation": ((), str),
    "accounts.membership": (("user", "organisation"), str),
    "accounts.staffrosterentry": (("organisation",), str),
    "campaigns.campaign": ((), str),
    "catalog.condition": (("series", "level"), str),
    "catalog.specialty": ((), str),
    "catalog.waiverachievement": ((), str),
    "core.holidayoverride": ((), str),
    "core.calendaryearschedule": ((), lambda obj: _("%(year)s 年") % {"year": obj.year}),
    "dossiers.dossier": (("applicant",), _dossier),
    "publicity.publicitybatch": (("organisation",), str),
    "socialsecurity.contributionimport": ((), str),
}


def object_noun(object_type: str) -> str:
    """The Chinese noun for a stored model label."""
    if object_type in NOUNS:
        return str(NOUNS[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return str(UNKNOWN_NOUN)


def _loaded(object_type: str, ids: set[str]) -> dict[str, object]:
    """The rows still there, by their id as stored (a text)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    related = DETAILS.get(object_type, ((), str))[0]
    wanted = [i for i in ids if i.isdigit() and len(i) <= 18]  # every audited model has an integer key
    rows = model._default_manager.select_related(*related).filter(pk__in=wanted)
    return {str(row.pk): row for row in rows}


def object_descriptions(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """For each (object_type, object_id) an event refers to: its noun and who or what it is."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        if object_type:
            wanted[object_type].add(object_id)
    described = {}
    for object_type, ids in wanted.items():
        noun, rows = object_noun(object_type), _loaded(object_type, ids)
        say = DETAILS.get(object_type, ((), None))[1]
        for object_id in ids:
            row = rows.get(object_id)
            if row is None:
                detail = _("编号 %(id)s，已不存在") % {"id": object_id}
            else:
                detail = say(row) if say else _("编号 %(id)s") % {"id": object_id}
            described[object_type, object_id] = _("%(noun)s（%(detail)s）") % {"noun": noun, "detail": detail}
    return described


def object_description(object_type: str, object_id: str) -> str:
    """One event's object described ("" when the event is about no object)."""
    return object_descriptions([(object_type, object_id)]).get((object_type, object_id), "")


def object_type_choices(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """The stored model labels as choices named by their nouns, for the page's filter."""
    return sorted(((t, object_noun(t)) for t in object_types if t), key=lambda choice: choice[1])


@cache
def _coded_values() -> dict[str, object]:
    """Every stored code with an underscore or a dot that a model field offers as a choice (a state, a role, a
    status), and every event type, with its (lazy) label. Plain words ("draft", "email") are left as they are:
    they read as words and several vocabularies share them with different labels."""
    from .events import EventType

    labels: dict[str, object] = {member.value: member.label for member in EventType}
    for model in apps.get_models():
        if not model.__module__.startswith("zhicheng."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and ("_" in value or "." in value):
                    labels.setdefault(value, label)
    return labels


# Keys whose plain-word values are codes of one vocabulary: a dossier's states, a membership's roles
KEYED_CHOICES = {
    "from": ("dossiers.Dossier", "state"), "to": ("dossiers.Dossier", "state"), "state": ("dossiers.Dossier", "state"),
    "role": ("accounts.Membership", "role"), "roles": ("accounts.Membership", "role"),
}


@cache
def _choices_of(model_label: str, field: str) -> dict[str, object]:
    try:
        return {str(v): label for v, label in apps.get_model(model_label)._meta.get_field(field).flatchoices}
    except (LookupError, ValueError):
        return {}


def _in_words(value, key: str = ""):
    if isinstance(value, str):
        keyed = _choices_of(*KEYED_CHOICES[key]) if key in KEYED_CHOICES else {}
        label = keyed.get(value, _coded_values().get(value))
        return str(label) if label is not None else value
    if isinstance(value, list):
        return [_in_words(v, key) for v in value]
    if isinstance(value, dict):  # keys may be codes too ({"org_admin": [names]})
        return {_key_in_words(k): _in_words(v, k) for k, v in value.items()}
    return value


def _key_in_words(key: str) -> str:
    label = _coded_values().get(key)
    return str(label) if label is not None else key


def data_rows(data: dict) -> list[tuple[str, str]]:
    """An event's data as (key, value) rows a person reads: stored codes replaced by their labels, lists joined.
    The stored JSON itself (what the hash covers) stays available to the API for verification."""
    rows = []
    for key in sorted(data):
        value = _in_words(data[key], key)
        if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
            text = "、".join(str(v) for v in value)
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, bool):
            text = str(_("是") if value else _("否"))
        else:
            text = "—" if value is None else str(value)
        rows.append((_key_in_words(key), text))
    return rows
