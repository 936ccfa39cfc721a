"""Clause library and how each strategy handles each clause."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Strategy, StrategyPage
from strategy_exchange.fragments import Versioned
from strategy_exchange.search import SearchIndex, search_vector_field


class Clause(Versioned):
    """``version`` keys the cached history of the clause across rounds."""

    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True, validators=[MinValueValidator(1)])
    title = models.CharField(_("Titel"), max_length=300)
    typical_wording = models.TextField(_("typische Formulierung"), blank=True)
    explanation = models.TextField(_("Erläuterung"), blank=True)
    keywords = models.TextField(_("Schlagwörter"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    search_vector = search_vector_field(
        ("title", "A"), ("typical_wording", "B"), ("keywords", "B"), ("explanation", "C")
    )

    class Meta:
        verbose_name = _("Klausel")
        verbose_name_plural = _("Klauseln")
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="clause_number_positive")]
        indexes = [SearchIndex(fields=["search_vector"], name="clause_search")]

    def __str__(self) -> str:
        return f"§ {self.number} {self.title}"


class ClauseRevision(models.Model):
    """One stored version of a clause: what it said after a change, who changed it, when and which fields.

    Written by ``clauses.services`` with every create and edit; the clause page shows the wording's history
    and which version a round discussed (the one in force when the round began)."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("Klausel"))
    revision = models.PositiveIntegerField(_("Fassung"))
    number = models.PositiveSmallIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=300)
    typical_wording = models.TextField(_("typische Formulierung"), blank=True)
    explanation = models.TextField(_("Erläuterung"), blank=True)
    keywords = models.TextField(_("Schlagwörter"), blank=True)
    changed_fields = models.JSONField(_("geänderte Felder"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("geändert von"),
    )
    created_at = models.DateTimeField(_("gespeichert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Fassung einer Klausel")
        verbose_name_plural = _("Fassungen von Klauseln")
        ordering = ["clause", "-revision"]
        constraints = [models.UniqueConstraint(fields=["clause", "revision"], name="clause_revision_unique")]

    def __str__(self) -> str:
        return f"§ {self.number} {self.title} (Fassung {self.revision})"


class Position(models.Model):
    """How one strategy handles one clause."""

    class Status(models.TextChoices):
        CONTAINS = "contains", _("enthalten")
        PARTLY = "partly", _("teilweise")
        ABSENT = "absent", _("nicht enthalten")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="positions", verbose_name=_("Strategie")
    )
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="positions", verbose_name=_("Klausel"))
    status = models.CharField(_("Umsetzung"), max_length=10, choices=Status.choices)
    quote = models.TextField(_("Zitat"), blank=True)
    page = models.PositiveIntegerField(_("Seite"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("zuletzt geändert von"),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    search_vector = search_vector_field(("quote", "B"))

    class Meta:
        verbose_name = _("Umsetzung in der Strategie")
        verbose_name_plural = _("Umsetzungen in Strategien")
        ordering = ["clause__number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "clause"], name="position_unique_strategy_clause"),
        ]
        indexes = [
            models.Index(fields=["clause", "status"]),
            SearchIndex(fields=["search_vector"], name="position_search"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} – {self.clause}: {self.get_status_display()}"


class Suggestion(models.Model):
    """A passage of a strategy's PDF proposed for a clause ("Vorschläge aus Ihrer Strategie").

    Open suggestions are replaced whenever the strategy's text is read again (``suggestions_refresh``); an
    accepted one has become a position; a dismissed one is kept so that the same passage (``digest``) is
    never proposed for that clause again. ``page`` is emptied when the page is replaced by a new upload."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("übernommen")
        DISMISSED = "dismissed", _("verworfen")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("Strategie")
    )
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("Klausel"))
    page = models.ForeignKey(
        StrategyPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        verbose_name=_("Seite der Strategie"),
    )
    page_number = models.PositiveIntegerField(_("Seite"))
    passage = models.TextField(_("Textstelle"))
    digest = models.CharField(max_length=64, editable=False)
    score = models.FloatField(_("Treffergüte"))
    rank = models.PositiveSmallIntegerField(_("Rang"), default=1)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Vorschlag aus einer Strategie")
        verbose_name_plural = _("Vorschläge aus Strategien")
        ordering = ["clause__number", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "clause", "digest"], name="suggestion_unique_passage"),
        ]
        indexes = [models.Index(fields=["strategy", "status"]), models.Index(fields=["clause", "status"])]

    def __str__(self) -> str:
        return f"{self.strategy} – {self.clause}: S. {self.page_number}"


class MatrixVersion(models.Model):
    """One counter row: the version of the cached comparison matrix (every page and filter of it).

    It moves on with every change of a position, strategy, organisation or clause (``clauses.freshness``)."""

    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("Version der Vergleichsmatrix")
        verbose_name_plural = _("Version der Vergleichsmatrix")

    def __str__(self) -> str:
        return f"Matrix v{self.version}"
