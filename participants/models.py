"""Ground floor: people, organisations and their strategies."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy_exchange.search import SearchIndex, search_vector_field


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The email address is the login."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    full_name = models.CharField(_("Name"), max_length=200, blank=True)
    is_staff = models.BooleanField(_("Mitarbeiter:in"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("Stadt")
        MUNICIPALITY = "municipality", _("Gemeinde")
        DISTRICT = "district", _("Landkreis")
        REGION = "region", _("Region")
        MUNICIPAL_COMPANY = "municipal_company", _("kommunales Unternehmen")
        COMPANY = "company", _("Unternehmen")
        RESEARCH = "research", _("Forschung")
        NETWORK = "network", _("Netzwerk")
        FUNDER = "funder", _("Fördermittelgeber")

    class State(models.TextChoices):
        BW = "BW", "Baden-Württemberg"
        BY = "BY", "Bayern"
        BE = "BE", "Berlin"
        BB = "BB", "Brandenburg"
        HB = "HB", "Bremen"
        HH = "HH", "Hamburg"
        HE = "HE", "Hessen"
        MV = "MV", "Mecklenburg-Vorpommern"
        NI = "NI", "Niedersachsen"
        NW = "NW", "Nordrhein-Westfalen"
        RP = "RP", "Rheinland-Pfalz"
        SL = "SL", "Saarland"
        SN = "SN", "Sachsen"
        ST = "ST", "Sachsen-Anhalt"
        SH = "SH", "Schleswig-Holstein"
        TH = "TH", "Thüringen"

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    state = models.CharField(_("Bundesland"), max_length=2, choices=State.choices, blank=True)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel"),
        max_length=8,
        blank=True,
        null=True,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der AGS besteht aus genau 8 Ziffern."))],
        help_text=_("8 Ziffern, z. B. 09461000 für Bamberg."),
    )
    website = models.URLField(_("Website"), blank=True)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    search_vector = search_vector_field(("name", "A"), ("place", "B"))

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "state"]),
            SearchIndex(fields=["search_vector"], name="organisation_search"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Vertreter:in")
        CONTACT = "contact", _("Hauptansprechpartner:in")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Organisation")
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.REPRESENTATIVE)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_person_org")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


def strategy_upload_to(instance: "Strategy", filename: str) -> str:
    return f"strategies/{instance.organisation_id}/{filename}"


class Strategy(models.Model):
    class TextState(models.TextChoices):
        """How far reading the text of the uploaded PDF has come (empty: no PDF)."""

        PENDING = "pending", _("ausstehend")
        DONE = "done", _("fertig")
        NO_TEXT = "no_text", _("keine Textebene")
        FAILED = "failed", _("fehlgeschlagen")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("Organisation")
    )
    title = models.CharField(_("Titel"), max_length=300)
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    url = models.URLField(_("Link"), max_length=500, blank=True)
    file = models.FileField(_("PDF-Datei"), upload_to=strategy_upload_to, blank=True, max_length=300)
    update_cycle_months = models.PositiveSmallIntegerField(
        _("Aktualisierung alle … Monate"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    update_reminder_sent_for = models.DateField(
        _("Aktualisierungserinnerung gesendet für"), null=True, blank=True, editable=False
    )
    text_state = models.CharField(
        _("Text der PDF-Datei"),
        max_length=10,
        choices=TextState.choices,
        blank=True,
        default="",
        db_default="",  # rows written past the models (bulk loads) have no PDF text either
        editable=False,
    )
    text_page_count = models.PositiveIntegerField(_("Seiten mit Text"), null=True, blank=True, editable=False)
    text_extracted_at = models.DateTimeField(_("Text ausgelesen am"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    search_vector = search_vector_field(("title", "A"))

    class Meta:
        verbose_name = _("Strategie")
        verbose_name_plural = _("Strategien")
        ordering = ["organisation__name", "-adopted_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(file=""), name="strategy_has_link_or_file"),
            models.CheckConstraint(
                condition=Q(update_cycle_months__isnull=True) | Q(update_cycle_months__gte=1),
                name="strategy_update_cycle_positive",
            ),
        ]
        indexes = [SearchIndex(fields=["search_vector"], name="strategy_search")]

    def __str__(self) -> str:
        return self.title

    @property
    def text_message(self) -> str:
        """What the representative reads about the text of their PDF."""
        messages = {
            self.TextState.PENDING: _(
                "Der Text der PDF-Datei wird ausgelesen. Laden Sie die Seite in einigen Minuten neu, "
                "um die Vorschläge aus Ihrer Strategie zu sehen."
            ),
            self.TextState.DONE: _("Der Text der PDF-Datei ist ausgelesen."),
            self.TextState.NO_TEXT: _(
                "Die PDF-Datei enthält keine Textebene, vermutlich ist sie eingescannt. Vorschläge aus Ihrer "
                "Strategie sind daher nicht möglich. Laden Sie, wenn vorhanden, eine PDF-Datei mit Text hoch."
            ),
            self.TextState.FAILED: _(
                "Der Text der PDF-Datei konnte nicht gelesen werden; die Datei ist vermutlich beschädigt "
                "oder verschlüsselt. Bitte laden Sie sie erneut hoch."
            ),
        }
        return str(messages.get(self.text_state, ""))


class StrategyPage(models.Model):
    """The text of one page of a strategy's PDF, read by ``participants.documents``; replaced with every upload.

    ``search_vector`` is generated from the text by the database (PostgreSQL: ``german`` configuration, with
    a GIN index; see ``strategy_exchange.search``): the clause suggestions rank by it, the site search finds it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="pages", verbose_name=_("Strategie"))
    number = models.PositiveIntegerField(_("Seite"), validators=[MinValueValidator(1)])
    text = models.TextField(_("Text"), blank=True)
    search_vector = search_vector_field(("text", "A"))

    class Meta:
        verbose_name = _("Seite einer Strategie")
        verbose_name_plural = _("Seiten von Strategien")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_page_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="strategy_page_number_positive"),
        ]
        indexes = [SearchIndex(fields=["search_vector"], name="strategy_page_search")]

    def __str__(self) -> str:
        return f"{self.strategy} – S. {self.number}"


class AccountInvitation(models.Model):
    """A pending account: created when someone without an account is invited by email.

    The person signs up through the link; that sets their password and creates the
    membership in the inviting organisation.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="account_invitation")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Organisation"),
    )
    # The role the person takes in ``organisation`` once they set up the account.
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.REPRESENTATIVE
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Konto-Einladung")
        verbose_name_plural = _("Konto-Einladungen")

    def __str__(self) -> str:
        return str(self.user)


class MembershipProposal(models.Model):
    """An organiser proposes a person as representative; the person becomes a member only by confirming
    through the link sent to them (nobody speaks for an organisation because someone else said so)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="membership_proposals", verbose_name=_("Person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_proposals", verbose_name=_("Organisation")
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.REPRESENTATIVE
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("vorgeschlagen von")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    notified_at = models.DateTimeField(_("benachrichtigt am"), null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    declined_at = models.DateTimeField(_("abgelehnt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Vorschlag als Vertreter:in")
        verbose_name_plural = _("Vorschläge als Vertreter:in")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.declined_at is None and self.expires_at > timezone.now()


class MembershipChange(models.Model):
    """The log of who ended whose membership, and the outbox row of the notice the person receives."""

    class Action(models.TextChoices):
        REMOVED = "removed", _("entfernt")

    user = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="membership_changes", verbose_name=_("Person")
    )
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Organisation")
    )
    action = models.CharField(_("Änderung"), max_length=20, choices=Action.choices)
    changed_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("geändert von")
    )
    created_at = models.DateTimeField(_("am"), auto_now_add=True)
    notified_at = models.DateTimeField(_("benachrichtigt am"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Änderung einer Mitgliedschaft")
        verbose_name_plural = _("Änderungen von Mitgliedschaften")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.user} – {self.organisation}"


class OrganisationMerge(models.Model):
    """The audit entry of a merge: which organisation went into which, who did it and what moved.

    The merged organisation is deleted; its name, short name and AGS stay here."""

    target = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.SET_NULL,
        related_name="merges",
        verbose_name=_("zusammengeführt in"),
    )
    source_pk = models.PositiveBigIntegerField(_("ID der zusammengeführten Organisation"))
    source_name = models.CharField(_("zusammengeführte Organisation"), max_length=200)
    source_slug = models.SlugField(_("Kurzname"), max_length=200)
    source_ags = models.CharField(_("AGS"), max_length=8, blank=True)
    moved = models.JSONField(_("übertragen"), default=dict, blank=True)
    merged_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("zusammengeführt von")
    )
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zusammenführung von Organisationen")
        verbose_name_plural = _("Zusammenführungen von Organisationen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} → {self.target or '–'}"
