"""The workflow guard eligibility owns: no blocking finding left unresolved (registered by name in dossiers.guards)."""

from __future__ import annotations

from zhicheng.core.permissions import ALLOW, Decision
from zhicheng.dossiers.guards import GuardContext, guard_register, refuse
from zhicheng.dossiers.models import DossierVersion

from .rules import REGISTRY
from .services import eligibility_evaluate, unresolved_blocking


@guard_register("eligibility_clear")
def eligibility_clear(ctx: GuardContext) -> Decision:
    """The rules, evaluated now (and stored with the version being submitted), leave no blocking finding that a
    reviewer has not set aside and no exemption covers (§三, §四)."""
    number = ctx.data.get("version")
    version = DossierVersion.objects.filter(dossier_id=ctx.dossier.pk, number=number).first() if number else None
    blocked = unresolved_blocking(eligibility_evaluate(dossier=ctx.dossier, version=version))
    if not blocked:
        return ALLOW
    # named as the checklist names them (the rule's title, never its id), in both languages of the refusal
    names = {f["rule"]: REGISTRY[f["rule"]] for f in blocked if f["rule"] in REGISTRY}
    rules_zh = "；".join(f"{names[f['rule']].title_zh if f['rule'] in names else '申报条件'}（{f.get('clause', '')}）："
                        f"{f.get('message_zh', '')}" for f in blocked)
    rules_en = "; ".join(f"{names[f['rule']].title_en if f['rule'] in names else 'Condition'} ({f.get('clause', '')}): "
                         f"{f.get('message_en', '')}" for f in blocked)
    blocking = [{k: f.get(k) for k in ("rule", "subject", "clause")} for f in blocked]
    if ctx.actor is not None and ctx.actor.pk == ctx.dossier.applicant_id:  # the applicant is told how to fix it
        return refuse(
            "eligibility_blocked", f"以下资格条件不符合，不能提交（可修改材料，或对不适用的项目声明豁免）：{rules_zh}",
            f"Not eligible, cannot submit (fix the dossier or declare an exemption): {rules_en}", blocking=blocking,
        )
    return refuse("qualification_blocked", f"资格审查未通过，尚有不符合条件的项目：{rules_zh}",
                  f"Qualification check failed: blocking findings remain: {rules_en}",
                  blocking=blocking, findings=[f.get("rule") for f in blocked])
