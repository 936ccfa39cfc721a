"""Clause library and how each strategy handles each clause."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participants.models import Strategy
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


class MatrixVersion(models.Model):
    """One counter row: the version of the cached comparison matrix (every page and filter of it).

    It moves on with every change of a position, strategy, organisation or clause (``clauses.freshness``)."""

    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = _("Version der Vergleichsmatrix")
        verbose_name_plural = _("Version der Vergleichsmatrix")

    def __str__(self) -> str:
        return f"Matrix v{self.version}"
