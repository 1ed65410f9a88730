"""Publicity services: publish and close batches (unit and result publicity); file and decide objections."""

from .batches import CloseResult, PublishPlan, PublishResult, publicity_close, publicity_plan, publicity_publish
from .objections import objection_decide, objection_file
from .results import ResultPublishResult, result_publicity_end, result_publicity_plan, result_publicity_publish

__all__ = [
    "CloseResult", "PublishPlan", "PublishResult", "ResultPublishResult", "objection_decide", "objection_file",
    "publicity_close", "publicity_plan", "publicity_publish", "result_publicity_end", "result_publicity_plan",
    "result_publicity_publish",
]
