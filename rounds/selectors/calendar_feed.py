"""The iCalendar feed of a series: every planned, held or cancelled round, with the same UID and SEQUENCE
as the invitations, so a subscribed calendar and an invitation describe the same event."""

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from rounds.models import Round, Series

SALT = "rounds.series-feed"


def feed_token(*, series: Series) -> str:
    return salted_hmac(SALT, f"{series.pk}:{series.slug}").hexdigest()[:32]


def feed_token_valid(*, series: Series, token: str) -> bool:
    return constant_time_compare(feed_token(series=series), token)


def series_calendar(*, series: Series) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Strategie-Austausch//Austauschreihe//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", series.title)
    rounds = series.rounds.exclude(status=Round.Status.DRAFT).prefetch_related("agenda_items__clause")
    for round_ in rounds.order_by("starts_at"):
        event = Event()
        event.add("uid", round_.calendar_uid)
        event.add("sequence", round_.calendar_sequence)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", round_.starts_at)
        event.add("dtend", round_.ends_at)
        summary = f"{series.title}: Runde {round_.number}"
        event.add("summary", f"{summary} – {round_.title}" if round_.title else summary)
        clauses = [f"§ {i.clause.number} {i.clause.title}" for i in round_.agenda_items.all()]
        description = "\n".join(["Tagesordnung:", *clauses]) if clauses else ""
        if round_.online_link:
            description = f"{description}\n\nOnline: {round_.online_link}".strip()
        if description:
            event.add("description", description)
        location = round_.venue or round_.online_link
        if location:
            event.add("location", location)
        if round_.status == Round.Status.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
