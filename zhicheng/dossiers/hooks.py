"""The notice dossiers sends to the apps above it (which it must not import).

`dossier_changed` is sent after every change of a dossier's content or target (inside the change's transaction);
eligibility listens, re-evaluates and stores what it found beside the dossier (`Dossier.eligibility_status`).
What may happen to a dossier's state is decided by the named guards of workflow.py's rows (guards.py), and what
follows a change of state listens to `workflow.dossier_state_changed`.
"""

from __future__ import annotations

from django.dispatch import Signal

dossier_changed = Signal()  # keyword arguments: dossier, actor
