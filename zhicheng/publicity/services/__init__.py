"""Publicity services: publish and close batches; file and decide objections."""

from .batches import CloseResult, PublishPlan, PublishResult, publicity_close, publicity_plan, publicity_publish
from .objections import objection_decide, objection_file

__all__ = [
    "CloseResult", "PublishPlan", "PublishResult", "objection_decide", "objection_file", "publicity_close",
    "publicity_plan", "publicity_publish",
]
