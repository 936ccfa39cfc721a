"""Top floor: series, rounds, agenda, invitations, discussion, notes and reports."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clauses.models import Clause, ClauseRevision
from participants.markup import render_markdown
from participants.models import Organisation
from strategy_exchange.fragments import Versioned
from strategy_exchange.search import SearchIndex, search_vector_field

User = settings.AUTH_USER_MODEL


def default_reminder_days() -> list[int]:
    return [7, 1]


MAX_REMINDER_DAYS = 365
FIRST_ROUND_YEAR, LAST_ROUND_YEAR = 2000, 2100  # rounds are planned within these years (forms refuse others)


def validate_reminder_days(value) -> None:
    """A list of whole days before the round, each between 0 and MAX_REMINDER_DAYS."""
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= MAX_REMINDER_DAYS for day in value
    ):
        raise ValidationError(
            _("Bitte geben Sie eine Liste ganzer Tage zwischen 0 und %(max)d an, z. B. [7, 1]."),
            code="reminder_days",  # not "invalid": the field would put its own message in place of this one
            params={"max": MAX_REMINDER_DAYS},
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Series(models.Model):
    class ReportVisibility(models.TextChoices):
        PARTICIPANTS = "participants", _("nur Teilnehmende")
        PUBLIC = "public", _("öffentlich")

    class Licence(models.TextChoices):
        """Licences of the open data of a public series (names as their publishers write them)."""

        CC_BY_4_0 = "CC-BY-4.0", "CC BY 4.0"
        CC0_1_0 = "CC0-1.0", "CC0 1.0"
        DL_DE_BY_2_0 = "dl-de/by-2-0", "Datenlizenz Deutschland – Namensnennung – Version 2.0"
        DL_DE_ZERO_2_0 = "dl-de/zero-2-0", "Datenlizenz Deutschland – Zero – Version 2.0"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Montag")
        TUESDAY = 1, _("Dienstag")
        WEDNESDAY = 2, _("Mittwoch")
        THURSDAY = 3, _("Donnerstag")
        FRIDAY = 4, _("Freitag")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    organisers = models.ManyToManyField(User, related_name="organised_series", verbose_name=_("Organisator:innen"))
    cadence_months = models.PositiveSmallIntegerField(
        _("Rhythmus in Monaten"), default=3, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    cadence_weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices, null=True, blank=True)
    cadence_week = models.SmallIntegerField(
        _("Woche im Monat"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 bis 4, z. B. 2 für „am 2. Dienstag“."),
    )
    default_start_time = models.TimeField(_("übliche Uhrzeit"), default="10:00")
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("übliche Dauer in Minuten"), default=120, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    default_online_link = models.URLField(_("üblicher Online-Link"), max_length=500, blank=True)
    report_visibility = models.CharField(
        _("Sichtbarkeit der Nachberichte"),
        max_length=20,
        choices=ReportVisibility.choices,
        default=ReportVisibility.PARTICIPANTS,
    )
    licence = models.CharField(
        _("Lizenz der offenen Daten"),
        max_length=20,
        choices=Licence.choices,
        default=Licence.CC_BY_4_0,
        help_text=_(
            "Unter dieser Lizenz stehen die Umsetzungen der Teilnehmenden einer öffentlichen Reihe als offene Daten."
        ),
    )
    reminder_days = models.JSONField(
        _("Erinnerungen (Tage vorher)"), default=default_reminder_days, blank=True, validators=[validate_reminder_days]
    )
    comment_days_before = models.PositiveSmallIntegerField(_("Kommentare ab … Tage vorher"), default=14)
    comment_days_after = models.PositiveSmallIntegerField(_("Kommentare bis … Tage danach"), default=7)
    last_proposed_for = models.DateField(_("zuletzt vorgeschlagen für"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Austauschreihe")
        verbose_name_plural = _("Austauschreihen")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")


LICENCE_URLS = {
    Series.Licence.CC_BY_4_0: "https://creativecommons.org/licenses/by/4.0/deed.de",
    Series.Licence.CC0_1_0: "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
    Series.Licence.DL_DE_BY_2_0: "https://www.govdata.de/dl-de/by-2-0",
    Series.Licence.DL_DE_ZERO_2_0: "https://www.govdata.de/dl-de/zero-2-0",
}


class Round(Versioned):
    """One meeting of a series; ``version`` keys the cached agenda and participants of its page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SCHEDULED = "scheduled", _("geplant")
        INVITED = "invited", _("Einladungen versandt")
        HELD = "held", _("durchgeführt")
        PUBLISHED = "published", _("Nachbericht veröffentlicht")
        CANCELLED = "cancelled", _("abgesagt")

    TOOK_PLACE = (Status.HELD, Status.PUBLISHED)  # the meeting has happened

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("Reihe"))
    number = models.PositiveSmallIntegerField(_("Nummer"), validators=[MinValueValidator(1)])
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    online_link = models.URLField(_("Online-Link"), max_length=500, blank=True)
    venue = models.CharField(_("Ort"), max_length=300, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.TextField(_("Grund der Absage"), blank=True)
    # A round that took place before it was entered here: held from the start, nobody is ever mailed about it.
    recorded_afterwards = models.BooleanField(
        _("nachträglich erfasst"), default=False, db_default=False, editable=False
    )
    calendar_sequence = models.PositiveIntegerField(_("Kalender-Version"), default=0, editable=False)
    organiser_nudged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Runde")
        verbose_name_plural = _("Runden")
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="round_unique_number_in_series"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="round_ends_after_start"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.series} – Runde {self.number}"

    @property
    def calendar_uid(self) -> str:
        return f"round-{self.pk}@strategie-austausch"


class AgendaItem(Versioned):
    """A clause on a round's agenda; ``version`` keys the cached pages of its discussion thread."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("Runde"))
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("Klausel"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # The version of the clause the round discussed, fixed once the round has taken place (the one in force
    # when it began); empty before that, while the round will discuss whatever the clause says then.
    clause_revision = models.ForeignKey(
        ClauseRevision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name=_("besprochene Fassung"),
    )
    carried_from = models.ForeignKey(
        "MeetingNote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        verbose_name=_("Wiedervorlage aus"),
    )

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["round", "order", "clause__number"]
        constraints = [models.UniqueConstraint(fields=["round", "clause"], name="agenda_clause_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round}: {self.clause}"


class Invitation(models.Model):
    class Rsvp(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("zugesagt")
        # Context: "abgesagt" also labels a cancelled round; in English the two differ.
        DECLINED = "declined", pgettext_lazy("invitation response", "abgesagt")

    class Delivery(models.TextChoices):
        """Where the invitee's latest message stands; its outbox row (``message``) has the attempts and errors.
        Written in the same transaction as that row's state (``rounds.services.delivery``)."""

        PENDING = "pending", _("nicht versandt")
        QUEUED = "queued", _("in Warteschlange")  # queued or being sent: on its way
        SENT = "sent", _("versandt")
        FAILED = "failed", _("Zustellung fehlgeschlagen")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("Runde"))
    # Empty once the person deleted their account: an invitation to a round that took place stays, without
    # the person, as the record that their organisation was invited and took part.
    user = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations", verbose_name=_("Person")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        verbose_name=_("Organisation"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    rsvp = models.CharField(_("Rückmeldung"), max_length=10, choices=Rsvp.choices, default=Rsvp.OPEN)
    delivery = models.CharField(_("Zustellung"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    # The invitee's latest message (invitation, calendar update or cancellation) in the outbox.
    message = models.ForeignKey(
        "strategy_exchange.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("letzte Nachricht"),
    )
    sent_sequence = models.IntegerField(_("versandte Kalender-Version"), null=True, blank=True)
    stand_in_for = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stand_ins",
        verbose_name=_("Vertretung für"),
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("eingeladen von")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    responded_at = models.DateTimeField(_("geantwortet am"), null=True, blank=True)
    attended_at = models.DateTimeField(_("teilgenommen"), null=True, blank=True)
    # A withdrawn invitation no longer names its person (so it grants nothing), keeps the address its
    # calendar cancellation goes to, and is deleted once that cancellation is sent.
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True, editable=False)
    withdrawn_email = models.EmailField(_("zurückgezogen für"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["round", "organisation__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="invitation_once_per_person_round")]
        indexes = [models.Index(fields=["delivery", "sent_sequence"])]

    def __str__(self) -> str:
        return f"{self.person_label} → {self.round}"

    @property
    def person_label(self) -> str:
        """The invited person's name, or a neutral label once they deleted their account."""
        if self.withdrawn_at is not None:
            return str(_("%(email)s (zurückgezogen)")) % {"email": self.withdrawn_email}
        return str(self.user) if self.user_id else str(_("ehemalige:r Vertreter:in"))


class ReminderDelivery(models.Model):
    """One reminder for one invitation, for one date of the round: sent at most once."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField(_("Tage vorher"))
    round_starts_at = models.DateTimeField(_("für Beginn"))
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "days_before", "round_starts_at"], name="reminder_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.days_before} Tage vorher"


class Comment(models.Model):
    class Confidentiality(models.TextChoices):
        QUOTABLE = "quotable", _("zitierfähig mit Organisation")
        ANONYMISED = "anonymised", _("nur anonymisiert verwendbar")
        INTERNAL = "internal", _("intern für die Teilnehmenden der Runde")

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("sichtbar")
        HIDDEN = "hidden", _("ausgeblendet")

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Tagesordnungspunkt")
    )
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", verbose_name=_("Autor:in")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("Organisation"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("Antwort auf")
    )
    # The first comment of the thread (empty for that one): a page of threads is fetched by its roots.
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False)
    body = models.TextField(_("Text"))
    # The body as sanitised HTML, rendered when it is written (participants.markup).
    body_html = models.TextField(blank=True, default="", editable=False)
    confidentiality = models.CharField(
        _("Vertraulichkeit"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.QUOTABLE
    )
    moderation = models.CharField(
        _("Moderation"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    hidden_reason = models.TextField(_("Grund für das Ausblenden"), blank=True)
    highlighted = models.BooleanField(_("hervorgehoben"), default=False)
    created_at = models.DateTimeField(_("geschrieben am"), auto_now_add=True)
    edited_at = models.DateTimeField(_("bearbeitet am"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = search_vector_field(("body", "D"))

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["agenda_item", "created_at"]),
            models.Index(
                fields=["agenda_item", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_thread_roots",
            ),
            SearchIndex(fields=["search_vector"], name="comment_search"),
        ]

    def __str__(self) -> str:
        return f"{self.author or '–'}: {self.body[:50]}"

    def save(self, *args, **kwargs) -> None:
        """The stored HTML of the body and the thread's first comment go with every write of the row, the
        admin's included."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_markdown(self.body) if self.body else ""
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        if update_fields is None:
            self.root_id = (self.parent.root_id or self.parent_id) if self.parent_id else None
        super().save(*args, **kwargs)


class MeetingNote(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notes", verbose_name=_("Runde"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("Tagesordnungspunkt"),
        help_text=_("Leer für die allgemeine Notiz."),
    )
    body = models.TextField(_("Text"), blank=True)
    is_key_finding = models.BooleanField(_("Kernergebnis"), default=False)
    is_open_question = models.BooleanField(_("offene Frage (Wiedervorlage)"), default=False)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Autor:in")
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    search_vector = search_vector_field(("body", "D"))

    class Meta:
        verbose_name = _("Protokollnotiz")
        verbose_name_plural = _("Protokollnotizen")
        ordering = ["round", "agenda_item__order", "created_at", "id"]
        indexes = [SearchIndex(fields=["search_vector"], name="meeting_note_search")]

    def __str__(self) -> str:
        return self.body[:60] or str(_("(leer)"))


class MeetingNoteRevision(models.Model):
    note = models.ForeignKey(MeetingNote, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("Version"))
    body = models.TextField(_("Text"), blank=True)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    editor = models.CharField(
        _("Bearbeitungsfenster"),
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text=_("Kennung des Formulars, aus dem gespeichert wurde (ein Browser-Tab)."),
    )
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Notiz-Version")
        verbose_name_plural = _("Notiz-Versionen")
        ordering = ["note", "-version"]
        constraints = [models.UniqueConstraint(fields=["note", "version"], name="note_revision_unique_version")]

    def __str__(self) -> str:
        return f"{self.note} (v{self.version})"


def report_upload_to(instance: "FollowUpReport", filename: str) -> str:
    return f"reports/{instance.round_id}/{filename}"


class FollowUpReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("in Warteschlange")
        BUILDING = "building", _("wird erstellt")
        BUILT = "built", _("erstellt")
        FAILED = "failed", _("fehlgeschlagen")
        PUBLISHED = "published", _("veröffentlicht")
        SUPERSEDED = "superseded", _("ersetzt durch eine neuere Version")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Runde"))
    version = models.PositiveIntegerField(_("Version"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    # Counted when a build is claimed, before it can crash (see rounds.services.reports.report_build).
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    html = models.TextField(_("HTML"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True, max_length=300)
    # A report published elsewhere (the article on the series' website): this version only links to it.
    external_url = models.URLField(
        _("Link zum veröffentlichten Nachbericht"), max_length=500, blank=True, default="", db_default=""
    )
    error = models.TextField(_("Fehler"), blank=True)
    requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    built_at = models.DateTimeField(_("erstellt am"), null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    notified_at = models.DateTimeField(_("Teilnehmende benachrichtigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Nachbericht")
        verbose_name_plural = _("Nachberichte")
        ordering = ["round", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="report_unique_version"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(status="published"), name="report_one_published_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – Nachbericht v{self.version}"


class ReportDelivery(models.Model):
    """The email announcing one published report to one participant: sent exactly once.

    A send task claims the row (``claimed_at``) before sending; the periodic sweep re-enqueues rows
    that are unsent and unclaimed, or whose claim is older than the sending timeout."""

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Versand des Nachberichts")
        verbose_name_plural = _("Versand der Nachberichte")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_delivery_once_per_person")]
        indexes = [models.Index(fields=["sent_at", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.report} → {self.user}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedKey(models.Model):
    """One person's secret address of one series' calendar feed; renewing it ends the old address."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feed_keys")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="calendar_feed_keys")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kalender-Adresse")
        verbose_name_plural = _("Kalender-Adressen")
        constraints = [models.UniqueConstraint(fields=["user", "series"], name="feed_key_once_per_person_series")]

    def __str__(self) -> str:
        return f"{self.user} – {self.series}"


class CalendarReply(models.Model):
    """One message read from the reply mailbox (README "Antworten aus Kalenderprogrammen"): what it said and
    what became of it. ``message_hash`` makes each message count once, however often the mailbox shows it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Zusage übernommen")
        DECLINED = "declined", _("Absage übernommen")
        STAND_IN = "stand_in", _("Vertretung benannt")
        NOT_A_REPLY = "not_a_reply", _("keine Kalenderantwort")
        UNKNOWN_EVENT = "unknown_event", _("unbekannter Termin (UID)")
        UNKNOWN_ATTENDEE = "unknown_attendee", _("Teilnehmer:in nicht eingeladen")
        WRONG_SENDER = "wrong_sender", _("Absender passt nicht zur Teilnehmer:in")
        OUTDATED = "outdated", _("Antwort auf eine ältere Fassung")
        UNSUPPORTED = "unsupported", _("Antwort nicht übernehmbar")
        REFUSED = "refused", _("abgelehnt")

    APPLIED = (Outcome.ACCEPTED, Outcome.DECLINED, Outcome.STAND_IN)

    message_hash = models.CharField(max_length=64, unique=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sender = models.CharField(_("Absender"), max_length=254, blank=True)
    subject = models.CharField(_("Betreff"), max_length=300, blank=True)
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices)
    detail = models.CharField(_("Einzelheiten"), max_length=500, blank=True)
    invitation = models.ForeignKey(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_replies",
        verbose_name=_("Einladung"),
    )
    received_at = models.DateTimeField(_("gelesen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kalenderantwort")
        verbose_name_plural = _("Kalenderantworten")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.get_outcome_display()}"
