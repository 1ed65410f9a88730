"""Template filters for dates in Chinese form: {% load zc_format %} {{ d|zh_date }} {{ t|zh_deadline }}."""

from __future__ import annotations

from django import template
from django.utils import timezone, translation

from zhicheng.reports.permissions import id_number_masked
from zhicheng.web import dates

register = template.Library()


@register.filter
def zh_date(value) -> str:
    """2024年10月10日."""
    return dates.format_date(value)


@register.filter
def zh_datetime(value) -> str:
    """2024年10月11日 08:30."""
    return dates.format_datetime(value)


@register.filter
def zh_deadline(value) -> str:
    """A deadline: midnight shows as the previous day's 24:00 (2024年10月10日 24:00)."""
    return dates.format_datetime(value, deadline=True)


@register.filter
def countdown(value) -> str:
    """距截止还有 N 天, counted from now."""
    if value is None:
        return ""
    return dates.countdown_text(value, timezone.now())


@register.filter
def masked(value) -> str:
    """Show an ID number as 6201**********123X: enough to recognise, not enough to copy (as exports do)."""
    return id_number_masked(value)


# The colour family of each dossier state (zhicheng.css .state-*): whose move it is, or how it ended
STATE_FAMILY = {
    "draft": "applicant", "returned": "applicant",
    "submitted": "review", "unit_passed": "review", "publicity_done": "review", "recommended": "review",
    "dept_returned": "review", "dept_passed": "review", "office_accepted": "review",
    "in_publicity": "public", "result_publicity": "public", "result_public_done": "public",
    "scheduled": "evaluation", "in_meeting": "evaluation", "entrusted_sent": "evaluation",
    "passed": "good", "conferred": "good",
    "not_accepted": "ended", "not_recommended": "ended", "dept_rejected": "ended", "office_rejected": "ended",
    "failed": "ended", "result_objected": "ended", "revoked": "ended",
    "withdrawn": "closed",
}


@register.filter
def state_family(state) -> str:
    """The CSS class of a dossier state's badge (state-review, state-ended …); the words are always shown too."""
    return f"state-{STATE_FAMILY.get(str(state), 'closed')}"


@register.filter
def in_language(value, name: str = "message") -> str:
    """One text of a Chinese/English pair in the page's language: `{{ finding|in_language:"message" }}` shows
    `message_en` on an English page (`message_zh` when it has none) and `message_zh` otherwise. Works on dicts
    (stored findings) and objects (`Decision.reason_zh` / `reason_en`)."""

    def read(suffix: str) -> str:
        key = f"{name}_{suffix}"
        found = value.get(key) if isinstance(value, dict) else getattr(value, key, "")
        return str(found or "")

    if value is None or value == "":
        return ""
    english = (translation.get_language() or "").startswith("en")
    return (read("en") or read("zh")) if english else read("zh")
