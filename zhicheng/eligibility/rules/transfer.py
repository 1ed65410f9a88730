"""R-TRANSFER: series transfers (§六(十一)): unit assessment, no higher level in the transfer year, ≥ 1 year after."""

from __future__ import annotations

from zhicheng.eligibility.facts import CampaignParams, DossierFacts, Finding, TransferFact
from zhicheng.eligibility.months import seniority_months

from ._base import Rule, highest_title, iso

TRANSFER = Rule("R-TRANSFER", "§六(十一)")
TRANSFER_CATEGORY = "transfer"
MIN_MONTHS_IN_NEW_SERIES = 12


def rule_transfer(facts: DossierFacts, params: CampaignParams) -> list[Finding]:
    target = facts.target
    held = highest_title(facts.titles)
    held_rank = held.level_rank if held else 0
    higher = target.level_rank > held_rank
    cross = held is not None and not any(
        t.series == target.series and t.level_rank == held_rank for t in facts.titles)
    if target.category == TRANSFER_CATEGORY or (cross and facts.transfers):
        return _with_transfer(facts, params, held_rank, higher)
    if held is not None and cross and higher:
        return [TRANSFER.block(f"现有最高职称为{held.series}系列{held.title}，未办理转系列不得跨系列申报"
                               f"{target.series}系列{target.title}",
                               f"Holds {held.title} in {held.series}: no cross-series promotion to {target.title} "
                               "without a series transfer",
                               {"held_series": held.series, "target_series": target.series})]
    return [TRANSFER.ok("不涉及转系列", "No series transfer involved")]


def _with_transfer(facts: DossierFacts, params: CampaignParams, held_rank: int, higher: bool) -> list[Finding]:
    if not facts.transfers:
        return [TRANSFER.missing(("series_transfer",), "转系列申报须填写转系列信息并上传单位考核合格证明",
                                 "a series transfer needs its transfer entry and the unit's assessment")]
    if any(t.transferred_on is None for t in facts.transfers):
        return [TRANSFER.missing(("series_transfer.transferred_on",), "未填写转系列时间", "transfer date missing")]
    latest: TransferFact = max(facts.transfers, key=lambda t: (t.transferred_on, t.has_unit_assessment))
    out: list[Finding] = []
    if not all(t.has_unit_assessment for t in facts.transfers):
        out.append(TRANSFER.missing(("series_transfer.unit_assessment",), "转系列须上传单位考核合格证明",
                                    "a series transfer needs the unit's assessment", "assessment"))
    transferred_on = latest.transferred_on
    assert transferred_on is not None  # every transfer is dated (checked above)
    months = seniority_months(transferred_on, params.seniority_date)
    used = {"transferred_on": iso(transferred_on), "held_level": held_rank,
            "target_level": facts.target.level_rank, "months_in_new_series": months}
    if higher and transferred_on.year == params.year:
        out.append(TRANSFER.block(f"{latest.transferred_on} 转系列，转系列当年不得申报高一级职称",
                                  f"Transferred on {latest.transferred_on}: no higher level in the transfer year",
                                  used, "year"))
    elif higher and months < MIN_MONTHS_IN_NEW_SERIES:
        out.append(TRANSFER.block(f"{latest.transferred_on} 转系列，至 {params.seniority_date} 在新系列仅 "
                                  f"{months} 个月，须满 1 年方可申报高一级",
                                  f"Only {months} months in the new series up to {params.seniority_date}; "
                                  "12 needed before a higher level", used, "months"))
    if not out:
        note_zh = "同级转评" if not higher else f"转系列后已满 {months} 个月"
        note_en = "same-level transfer" if not higher else f"{months} months in the new series"
        out.append(TRANSFER.ok(f"{latest.transferred_on} 转系列，{note_zh}，资历连续计算",
                               f"Transferred on {latest.transferred_on}: {note_en}; seniority carries over", used))
    return out
