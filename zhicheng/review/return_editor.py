"""The return editor's list: every section of the dossier with its rows, each a box to tick with a note.

A reviewer composes a return by ticking what needs changing (a row, a whole section, or the dossier as a whole)
and writing a note beside it; the page posts `return_pick` = "section:row id" and `return_note:<pick>`, which the
view turns into the items `{section, item_id, message}` the API takes too. Nobody types an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.sections import SECTIONS
from zhicheng.dossiers.selectors import dossier_content_stamp, dossier_section_rows

ROW_LABEL_FIELDS = 3  # the first few filled fields of a row name it well enough to tick


@dataclass
class Target:
    pick: str  # "section:row id", "section:" for the whole section, ":" for the dossier
    label: str
    picked: bool = False
    note: str = ""


@dataclass
class SectionTargets:
    key: str
    label: str
    whole: Target
    rows: list[Target] = field(default_factory=list)


def section_label(key: str) -> str:
    """A section's name in the page's language ("" → the whole dossier)."""
    spec = SECTIONS.get(key or "")
    english = (get_language() or "").startswith("en")
    if spec is None:
        return "Whole dossier" if english else "整体"
    return spec.label_en.capitalize() if english else spec.label_zh


def _row_label(spec, item) -> str:
    shown = []
    for name in spec.fields:
        value = getattr(item, name)
        if value in (None, "", False):
            continue
        model_field = spec.model._meta.get_field(name)
        if model_field.choices:
            value = getattr(item, f"get_{name}_display")()
        shown.append(str(value))
        if len(shown) == ROW_LABEL_FIELDS:
            break
    return " · ".join(shown) or "—"


def return_targets(dossier: Dossier, editor: dict | None = None) -> list[SectionTargets]:
    """The dossier's sections and rows to tick, with what a refused proposal had ticked and written."""
    editor = editor or {}
    picked, notes = set(editor.get("picked", [])), editor.get("notes", {})

    def target(pick: str, label: str) -> Target:
        return Target(pick, label, pick in picked, notes.get(f"return_note:{pick}", ""))

    out = [SectionTargets("", section_label(""), target(":", section_label("")))]
    labels = _row_labels(dossier)
    for key in SECTIONS:
        rows = [target(pick, label) for pick, label in labels[key]]
        out.append(SectionTargets(key, section_label(key), target(f"{key}:", section_label(key)), rows))
    return out


ROW_LABELS_SECONDS = 600


def _row_labels(dossier: Dossier) -> dict[str, list[tuple[str, str]]]:
    """Per section, (pick, label) of each row a return may tick, kept in the cache per content
    (`dossier_content_stamp`: every edit bumps the revision, a return or resubmission changes the state) and
    language: the page's tabs are cached too, so the rows are read only when the content changed (issue 11's query
    budget). What the viewer ticked and wrote is applied per request, never cached."""
    key = f"return-targets:{dossier_content_stamp(dossier)}:{get_language()}"
    labels = cache.get(key)
    if labels is None:
        labels = {section: [] if spec.single else [
            (f"{section}:{item.pk}", _row_label(spec, item))
            for item in dossier_section_rows(dossier, section)  # the rows the tabs read, on a miss (once per request)
        ] for section, spec in SECTIONS.items()}
        cache.set(key, labels, ROW_LABELS_SECONDS)
    return labels


def open_return_requests(dossier: Dossier):
    """The applicant's open return as change requests marked on the dossier's rows (dossiers.hooks provider)."""
    from zhicheng.dossiers.hooks import ChangeRequests

    from .services.returns import return_open_for

    if dossier.state != "returned":
        return None
    request = return_open_for(dossier)
    if request is None:
        return None
    by_target: dict[tuple[str, int | None], list[str]] = {}
    items = []
    for item in request.items.all():
        by_target.setdefault((item.section, item.item_id), []).append(item.message)
        items.append((section_label(item.section), item.message))
    title = _("%(level)s第 %(n)s 次退回") % {"level": request.get_level_display(), "n": request.number}
    return ChangeRequests(title=title, deadline=request.answer_deadline, by_target=by_target,
                          returned_by=request.decision.organisation.name, returned_at=request.created_at,
                          items=tuple(items))


def return_marks_connect() -> None:
    from zhicheng.dossiers.hooks import CHANGE_REQUEST_PROVIDERS

    if open_return_requests not in CHANGE_REQUEST_PROVIDERS:
        CHANGE_REQUEST_PROVIDERS.append(open_return_requests)


def item_target_label(item) -> str:
    """'section · row' of a requested change, the row named by its fields (a deleted row: the section alone)."""
    section, item_id = (item.get("section"), item.get("item_id")) if isinstance(item, dict) else (
        item.section, item.item_id)
    spec = SECTIONS.get(section or "")
    if spec is None or item_id is None or spec.single:
        return section_label(section)
    row = spec.model._default_manager.filter(pk=item_id).first()
    return f"{section_label(section)} · {_row_label(spec, row)}" if row is not None else section_label(section)
