"""What an audit event is about, in words a person reads: "动态口令设备（用户 张三）", not `otp_totp.totpdevice #6`.

Events keep only the object's model label and id (the row may since have changed or gone), so the description is
looked up when the page is shown: one query per kind of object on the page. Models are found through the app
registry, so audit imports none of the apps it describes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

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
