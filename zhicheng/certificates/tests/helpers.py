"""Moving passed results through result publicity and the title document at a chosen clock."""

from __future__ import annotations

import datetime as dt

from zhicheng.certificates.models import TitleDocument
from zhicheng.certificates.services import certificates_issue_start, title_document_approve
from zhicheng.dossiers.tests.factories import at
from zhicheng.publicity.models import PublicityBatch
from zhicheng.publicity.services import publicity_close, result_publicity_publish

PUBLISH_AT = "2024-12-20T09:00:00+08:00"  # Friday; the publicity starts Monday 2024-12-23
START = dt.date(2024, 12, 23)
AFTER_END = "2024-12-28T09:00:00+08:00"  # the end was Friday 2024-12-27 24:00


def published(tree, dossiers, *, starts_on: dt.date = START) -> PublicityBatch:
    with at(PUBLISH_AT):
        outcome = result_publicity_publish(actor=tree["office_staff"], dossiers=dossiers, starts_on=starts_on)
    assert not outcome.skipped, [i.refusal.message for i in outcome.skipped]
    return outcome.batches[0]


def closed(tree, batch: PublicityBatch, when: str = AFTER_END):
    with at(when):
        return publicity_close(actor=tree["office_staff"], batch=batch)


def approved(tree, dossiers, *, number: str = "新组发〔2024〕21号", when: str = "2024-12-30T10:00:00+08:00"
             ) -> TitleDocument:
    for d in dossiers:
        d.refresh_from_db()
    with at(when):
        return title_document_approve(actor=tree["office_leader"], dossiers=dossiers, number=number,
                                      issued_on=dt.date(2024, 12, 30))


def conferred(tree, dossiers, **kwargs) -> TitleDocument:
    closed(tree, published(tree, dossiers))
    return approved(tree, dossiers, **kwargs)


def issued(tree, dossiers, **kwargs) -> TitleDocument:
    """Through publicity and the document, then the batch issue (the immediate task backend runs it at once)."""
    document = conferred(tree, dossiers, **kwargs)
    certificates_issue_start(actor=tree["office_staff"], document=document)
    return document
