"""The iCalendar feed of a series: every planned, held or cancelled round, with the same UID and SEQUENCE
as the invitations, so a subscribed calendar and an invitation describe the same event."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from participants.models import User
from rounds import permissions
from rounds.models import CalendarFeedKey, Round, Series
from rounds.vtimezone import vtimezone, years_around


def feed_token(*, series: Series, user: User) -> str:
    """The person's secret address part of the series' feed (made on first use; renewed by the services)."""
    feed_key, _created = CalendarFeedKey.objects.get_or_create(user=user, series=series)
    return feed_key.key


def feed_reader(*, series: Series, token: str) -> User | None:
    """Whose feed address ``token`` is, while they still organise the series; None for any other token."""
    if len(token) > 64:
        return None
    feed_key = CalendarFeedKey.objects.select_related("user").filter(series=series, key=token).first()
    if feed_key is None or not feed_key.user.is_active or not permissions.is_organiser_of(feed_key.user, series):
        return None
    return feed_key.user


def series_calendar(*, series: Series) -> bytes:
    """Times are local (the platform's time zone, with its VTIMEZONE for the years the rounds span)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Strategie-Austausch//Austauschreihe//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", series.title)
    rounds = list(
        series.rounds.exclude(status=Round.Status.DRAFT).prefetch_related("agenda_items__clause").order_by("starts_at")
    )
    if rounds:
        days = [timezone.localtime(moment, tz).date() for r in rounds for moment in (r.starts_at, r.ends_at)]
        calendar.add_component(vtimezone(settings.TIME_ZONE, years=years_around(*days)))
    dtstamp = timezone.now().astimezone(datetime.UTC)
    for round_ in rounds:
        event = Event()
        event.add("uid", round_.calendar_uid)
        event.add("sequence", round_.calendar_sequence)
        event.add("dtstamp", dtstamp)
        event.add("dtstart", timezone.localtime(round_.starts_at, tz))
        event.add("dtend", timezone.localtime(round_.ends_at, tz))
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
