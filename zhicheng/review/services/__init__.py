"""Review services: the decision core (decisions.py) and each level's effects (unit, department, office)."""

from .decisions import decision_cancel, decision_confirm, decision_open_for, decision_propose  # noqa: F401


def register_effects() -> None:
    """Fill the effect table from each level's module (called once from ReviewConfig.ready)."""
    from . import department, office, unit

    for module in (unit, department, office):
        module.register()
