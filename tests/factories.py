"""One factory per model."""

import datetime

import factory
from django.utils import timezone

from clauses.models import Clause, Position, Suggestion
from participants.models import AccountInvitation, Membership, Organisation, Strategy, StrategyPage, User
from rounds.models import (
    AgendaItem,
    CalendarReply,
    Comment,
    FollowUpReport,
    Invitation,
    MeetingNote,
    MeetingNoteRevision,
    ReminderDelivery,
    Round,
    Series,
)
from strategy_exchange.models import OutboxMessage

PASSWORD = "austausch"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Stadt Beispiel {n}")
    slug = factory.Sequence(lambda n: f"stadt-beispiel-{n}")
    kind = Organisation.Kind.CITY
    state = "BY"
    place = factory.Sequence(lambda n: f"Beispielstadt {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class AccountInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountInvitation

    user = factory.SubFactory(UserFactory, password=None)
    organisation = factory.SubFactory(OrganisationFactory)
    token = factory.Sequence(lambda n: f"account-token-{n}")


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.LazyAttribute(lambda o: f"Smart-City-Strategie {o.organisation.name}")
    adopted_on = datetime.date(2021, 3, 1)
    url = "https://www.example.org/strategie.pdf"
    update_cycle_months = 24


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause

    number = factory.Sequence(lambda n: n + 100)
    title = factory.Sequence(lambda n: f"Klausel {n}")
    typical_wording = "Wir beteiligen alle relevanten Akteure."


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    strategy = factory.SubFactory(StrategyFactory)
    clause = factory.SubFactory(ClauseFactory)
    status = Position.Status.CONTAINS


class StrategyPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyPage

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Für die Erstellung der Strategie haben wir alle relevanten Akteure beteiligt."


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    strategy = factory.SubFactory(StrategyFactory)
    clause = factory.SubFactory(ClauseFactory)
    page = factory.SubFactory(StrategyPageFactory, strategy=factory.SelfAttribute("..strategy"))
    page_number = factory.SelfAttribute("page.number")
    passage = factory.SelfAttribute("page.text")
    digest = factory.Sequence(lambda n: f"{n:064x}")
    score = 0.5


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Austauschreihe {n}")
    slug = factory.Sequence(lambda n: f"reihe-{n}")

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.add(*extracted)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    online_link = "https://konferenz.example.org/runde"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    round = factory.SubFactory(RoundFactory)
    clause = factory.SubFactory(ClauseFactory)
    order = factory.Sequence(lambda n: n)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def invitation_with_message(
    invitation: Invitation,
    *,
    state: str = OutboxMessage.State.QUEUED,
    last_error: str = "",
    attempts: int = 1,
    created_at=None,
    kind: str = "invitation",
) -> OutboxMessage:
    """Give ``invitation`` a message of ``kind`` in the outbox in ``state`` (and the invitation the matching
    delivery status), as the delivery service and the outbox would have left them."""
    message = OutboxMessage.objects.create(
        kind=kind,
        key=f"{kind}:{invitation.pk}:{OutboxMessage.objects.count()}",
        object_id=invitation.pk,
        scope=f"round:{invitation.round_id}",
        state=state,
        attempts=attempts,
        next_attempt_at=timezone.now(),
        last_error=last_error,
    )
    if created_at is not None:
        OutboxMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    delivery = {
        OutboxMessage.State.SENT: Invitation.Delivery.SENT,
        OutboxMessage.State.FAILED: Invitation.Delivery.FAILED,
        OutboxMessage.State.DROPPED: Invitation.Delivery.PENDING,
    }.get(state, Invitation.Delivery.QUEUED)
    Invitation.objects.filter(pk=invitation.pk).update(message=message, delivery=delivery)
    invitation.refresh_from_db()
    return message


class CalendarReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarReply

    message_hash = factory.Sequence(lambda n: f"{n:064x}")
    message_id = factory.Sequence(lambda n: f"<antwort-{n}@example.org>")
    sender = factory.LazyAttribute(lambda o: o.invitation.user.email if o.invitation else "jemand@example.org")
    subject = "Angenommen: Austauschreihe: Runde 1"
    outcome = CalendarReply.Outcome.ACCEPTED
    invitation = factory.SubFactory(InvitationFactory)


class ReminderDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderDelivery

    invitation = factory.SubFactory(InvitationFactory)
    days_before = 7
    round_starts_at = factory.LazyAttribute(lambda o: o.invitation.round.starts_at)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    agenda_item = factory.SubFactory(AgendaItemFactory)
    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    body = factory.Sequence(lambda n: f"Beitrag {n}")


class MeetingNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingNote

    round = factory.SubFactory(RoundFactory)
    body = factory.Sequence(lambda n: f"Notiz {n}")


class MeetingNoteRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingNoteRevision

    note = factory.SubFactory(MeetingNoteFactory)
    version = factory.Sequence(lambda n: n + 1)
    body = "Alte Fassung"


class FollowUpReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpReport

    round = factory.SubFactory(RoundFactory)
    version = factory.Sequence(lambda n: n + 1)


class RoundRoles:
    """One round with the five kinds of people every permission test covers (see ``round_with_roles``)."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


def round_with_roles(*, clause_number: int = 4, **round_kwargs) -> RoundRoles:
    """A round of a series with an organiser, an invited representative (with organisation and membership),
    a representative of an uninvited organisation, and a staff admin; agenda item for one clause."""
    organiser = UserFactory(full_name="Olga Organisatorin")
    series = SeriesFactory(organisers=[organiser])
    round_ = RoundFactory(series=series, status=Round.Status.INVITED, **round_kwargs)
    clause = ClauseFactory(number=clause_number, title="Beteiligung aller relevanten Akteure")
    item = AgendaItemFactory(round=round_, clause=clause, order=1)
    invited_org = OrganisationFactory(name="Stadt Jena", state="TH")
    invited = UserFactory(full_name="Ina Eingeladen")
    MembershipFactory(user=invited, organisation=invited_org)
    invitation = InvitationFactory(round=round_, user=invited, organisation=invited_org)
    outsider_org = OrganisationFactory(name="Stadt Anderswo")
    outsider = UserFactory(full_name="Otto Außenstehend")
    MembershipFactory(user=outsider, organisation=outsider_org)
    admin = UserFactory(full_name="Admin", is_staff=True, is_superuser=True)
    return RoundRoles(
        series=series,
        round=round_,
        clause=clause,
        item=item,
        organiser=organiser,
        invited=invited,
        invited_org=invited_org,
        invitation=invitation,
        outsider=outsider,
        outsider_org=outsider_org,
        admin=admin,
    )
