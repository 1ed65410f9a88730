"""Every code a person may meet has a label in both languages: audit events, roles, dossier states, and every other
choice the models offer (issue 15). A new member without a Chinese label or an English translation fails here."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.models import Role
from zhicheng.audit.events import EventArea, EventType, event_label
from zhicheng.dossiers.models import DossierState

HAN = re.compile(r"[\u4e00-\u9fff]")
# Choices whose labels are the same in both languages on purpose: file formats (PDF, JPEG, PNG)
SAME_IN_BOTH = {"zhicheng.dossiers.models.EvidenceKind"}


def _project_choices() -> list[type[models.TextChoices]]:
    """The TextChoices of the project's own apps (not Django's or a third party's)."""
    assert apps.ready
    found, pending = [], list(models.TextChoices.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        if enum.__module__.startswith("zhicheng.") and ".tests." not in enum.__module__:
            found.append(enum)
    return sorted(found, key=lambda e: f"{e.__module__}.{e.__qualname__}")


def _labels(enum, language: str) -> dict[str, str]:
    with translation.override(language):
        return {member.value: str(member.label) for member in enum}


def _untranslated(enum) -> dict[str, tuple[str, str]]:
    """Members whose Chinese label is not Chinese or whose English label is missing (still Chinese, or empty)."""
    chinese, english = _labels(enum, "zh-hans"), _labels(enum, "en")
    return {
        value: (chinese[value], english[value])
        for value in chinese
        if not HAN.search(chinese[value]) or not english[value].strip() or HAN.search(english[value])
    }


@pytest.mark.parametrize("enum", [EventType, EventArea, Role, DossierState], ids=lambda e: e.__name__)
def test_events_roles_and_states_have_both_labels(enum):
    assert _untranslated(enum) == {}


def test_every_choice_of_the_project_has_both_labels():
    enums = _project_choices()
    assert EventType in enums and Role in enums and DossierState in enums  # the discovery finds them
    names = {f"{e.__module__}.{e.__qualname__}": e for e in enums}
    assert set(names) >= SAME_IN_BOTH
    missing = {name: _untranslated(e) for name, e in names.items() if name not in SAME_IN_BOTH}
    assert {name: members for name, members in missing.items() if members} == {}


# gettext_lazy under a name makemessages does not look for: this label must stay out of the catalogue
not_in_catalogue = _


def test_a_member_without_both_labels_is_caught():
    class Sample(models.TextChoices):
        DRAFT = "draft", _("草稿")  # translated in the catalogue
        NEW = "new_thing", not_in_catalogue("一个尚未翻译的标签")
        CODE = "code", "code"

    assert set(_untranslated(Sample)) == {"new_thing", "code"}


def test_no_label_is_its_own_code():
    for enum in (EventType, Role, DossierState):
        for language in ("zh-hans", "en"):
            assert not {value for value, label in _labels(enum, language).items() if label == value}


def test_event_label_follows_the_language():
    with translation.override("en"):
        assert event_label("dossier.section_changed") != "dossier.section_changed"
        assert not HAN.search(event_label("dossier.section_changed"))
        assert not HAN.search(event_label("dossier.from_a_later_release"))  # an unknown type: the area, in English
    with translation.override("zh-hans"):
        assert event_label("dossier.section_changed") == "修改申报材料内容"


def test_a_bilingual_pair_shows_the_pages_language():
    from zhicheng.core.permissions import deny
    from zhicheng.web.templatetags.zc_format import in_language

    finding = {"message_zh": "社保缴纳不足 12 个月", "message_en": "Fewer than 12 months of contributions"}
    with translation.override("en"):
        assert in_language(finding, "message") == "Fewer than 12 months of contributions"
        assert in_language(deny("不能管理", "You cannot manage this"), "reason") == "You cannot manage this"
        assert in_language({"message_zh": "只有中文"}, "message") == "只有中文"  # better Chinese than nothing
        assert in_language(None) == ""
    with translation.override("zh-hans"):
        assert in_language(finding, "message") == "社保缴纳不足 12 个月"
        assert in_language(deny("不能管理", "You cannot manage this"), "reason") == "不能管理"
