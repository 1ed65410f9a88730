"""Append-only, hash-chained audit events: every change leaves a row nobody can silently rewrite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhicheng.core.errors import ApplicationError

_APPEND_ONLY = ("audit_append_only", "审计记录只能追加，不能修改或删除", "Audit events can only be appended")


class AuditEvent(models.Model):
    """One action, at position `seq` of chain `chain` (see chain.py and decision "audit lanes").

    Chain 0 is the legacy chain: hash = SHA-256(previous hash + content), closed at the switch-over.
    Chains 1..N are keyed lanes: hash = HMAC-SHA-256(key, previous hash + content).
    """

    chain = models.PositiveSmallIntegerField(default=0)
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    event_type = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq_unique")]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "seq"])]

    def __str__(self) -> str:
        return f"#{self.chain}.{self.seq} {self.event_type}"

    def save(self, *args, **kwargs):
        """Insert only; the database triggers refuse the UPDATE anyway, this says why sooner."""
        if not self._state.adding:
            raise ApplicationError(*_APPEND_ONLY, status=409)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(*_APPEND_ONLY, status=409)


class AuditChain(models.Model):
    """The head of one chain; a writer locks only the lane it appends to (SKIP LOCKED picks a free one).

    Row 0 is the legacy SHA-256 chain, closed (`closed_at`) by migration 0003: nothing is appended to it
    again, and every keyed lane starts from a genesis hash that seals its last (seq, hash).
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")

    def __str__(self) -> str:
        return f"chain {self.id} head #{self.last_seq}"
