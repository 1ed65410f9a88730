"""Reading similarity results: per dossier (for R-PLAGIARISM and the dossier page) and the office's open list."""

from __future__ import annotations

from zhicheng.dossiers.models import Achievement

from .models import SimilarityResult


def similarity_by_paper(dossier) -> dict[int, SimilarityResult]:
    """The current result of each of the dossier's papers, by paper id."""
    rows = SimilarityResult.objects.filter(dossier=dossier).select_related("entered_by", "entered_by_organisation")
    return {r.achievement_id: r for r in rows}


def dossier_papers(dossier) -> list[tuple[Achievement, SimilarityResult | None]]:
    """The dossier's papers with their result (None until the office or unit enters it)."""
    results = similarity_by_paper(dossier)
    papers = Achievement.objects.filter(dossier=dossier, kind=Achievement.Kind.PAPER).order_by("pk")
    return [(p, results.get(p.pk)) for p in papers]
