"""The plumbing every app shares: the outbox of outgoing messages and the workers' heartbeat.

Nothing here knows a domain object: a message names its kind, the id of the row it is about and a
``scope`` (for example ``round:12``) by which the pages that show delivery status find it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One outgoing email: rendered from the row it is about when it is sent, claimed by a guarded UPDATE."""

    class State(models.TextChoices):
        QUEUED = "queued", _("in Warteschlange")
        SENDING = "sending", _("wird versandt")
        SENT = "sent", _("versandt")
        FAILED = "failed", _("fehlgeschlagen")
        DROPPED = "dropped", _("nicht mehr nötig")

    kind = models.CharField(_("Art"), max_length=40)
    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    object_id = models.PositiveBigIntegerField(_("betrifft"))
    scope = models.CharField(_("Bereich"), max_length=60, blank=True, db_index=True)
    state = models.CharField(_("Zustand"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"))
    claimed_at = models.DateTimeField(_("übernommen am"), null=True, blank=True)
    # Set by the claim that moved the row to "sending": only that claim stores the attempt's outcome.
    claim_token = models.CharField(_("Übernahme"), max_length=32, blank=True, default="", editable=False)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("ausgehende Nachricht")
        verbose_name_plural = _("ausgehende Nachrichten")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process, written by the worker itself (not through the cache)."""

    hostname = models.CharField(_("Worker"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("letztes Lebenszeichen"))

    class Meta:
        verbose_name = _("Lebenszeichen eines Workers")
        verbose_name_plural = _("Lebenszeichen der Worker")

    def __str__(self) -> str:
        return self.hostname
