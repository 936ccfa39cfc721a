"""Series settings in the UI: cadence, reminder days, comment window, report visibility and organisers, each
validated with a German error next to the field and nothing typed lost."""

import pytest
from django.urls import reverse

from rounds.models import Series
from rounds.services.series import series_update
from strategy_exchange.errors import DomainError
from tests.factories import MembershipFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    organiser = UserFactory(full_name="Olga Organisatorin", email="olga@example.org")
    series = SeriesFactory(organisers=[organiser], title="Klauseln der Smart-City-Strategien")
    return organiser, series


def _data(**changes) -> dict:
    data = {
        "title": "Klauseln der Smart-City-Strategien",
        "description": "",
        "cadence_months": "3",
        "cadence_weekday": "1",
        "cadence_week": "2",
        "default_start_time": "10:00",
        "default_duration_minutes": "120",
        "default_online_link": "",
        "report_visibility": "public",
        "reminder_days": "1, 14, 7, 7",
        "comment_days_before": "21",
        "comment_days_after": "10",
        "co_organisers": "",
    }
    return {**data, **changes}


def _edit(client, setup, **changes):
    organiser, series = setup
    client.force_login(organiser)
    return client.post(reverse("orga:series_edit", kwargs={"slug": series.slug}), _data(**changes))


def test_series_settings_are_saved(client, setup):
    response = _edit(client, setup)

    series = Series.objects.get(pk=setup[1].pk)
    assert response.status_code == 302
    assert (series.reminder_days, series.comment_days_before, series.comment_days_after) == ([14, 7, 1], 21, 10)
    assert (series.cadence_weekday, series.cadence_week, series.report_visibility) == (1, 2, "public")


def test_series_settings_empty_reminders_mean_none_and_empty_window_keeps_the_stored_one(client, setup):
    Series.objects.filter(pk=setup[1].pk).update(comment_days_before=5)

    _edit(client, setup, reminder_days="", comment_days_before="", comment_days_after="")

    series = Series.objects.get(pk=setup[1].pk)
    assert (series.reminder_days, series.comment_days_before, series.comment_days_after) == ([], 5, 7)


def test_series_edit_page_shows_the_stored_settings(client, setup):
    organiser, series = setup
    Series.objects.filter(pk=series.pk).update(reminder_days=[10, 2], comment_days_before=30)
    client.force_login(organiser)

    content = client.get(reverse("orga:series_edit", kwargs={"slug": series.slug})).content.decode()

    assert 'name="reminder_days" value="10, 2"' in content
    assert 'name="comment_days_before" value="30"' in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "reminder_days",
            "7, morgen",
            "„morgen“ ist keine ganze Zahl. Bitte geben Sie die Tage als Zahlen an, z. B. „7, 1“.",
        ),
        ("reminder_days", "7, 400", "Erinnerungen sind 1 bis 365 Tage vor der Runde möglich."),
        ("reminder_days", "0", "Erinnerungen sind 1 bis 365 Tage vor der Runde möglich."),
        ("comment_days_before", "-1", "Die Zahl der Tage kann nicht negativ sein."),
        ("comment_days_before", "vierzehn", "Bitte geben Sie eine ganze Zahl von Tagen an."),
        ("comment_days_after", "366", "Bitte geben Sie höchstens 365 Tage an."),
        ("cadence_months", "0", "Der Rhythmus beträgt mindestens einen Monat."),
        ("cadence_months", "25", "Der Rhythmus beträgt höchstens 24 Monate."),
        ("cadence_week", "", "Bitte geben Sie Wochentag und Woche im Monat zusammen an – oder keins von beiden."),
        ("report_visibility", "alle", "Bitte wählen Sie, wer die Nachberichte sehen darf."),
        ("co_organisers", "niemand@example.org", None),
    ],
)
def test_series_settings_errors_are_german_next_to_the_field_and_keep_the_input(client, setup, field, value, message):
    response = _edit(client, setup, **{field: value, "title": "Neuer Titel"})

    form = response.context["form"]
    assert list(form.errors) == [field]
    if message is not None:
        assert form.errors[field] == [message]
    content = response.content.decode()
    assert 'value="Neuer Titel"' in content
    assert 'value="1, 14, 7, 7"' in content or field == "reminder_days"
    if field == "reminder_days":
        assert f'value="{value}"' in content
    assert Series.objects.get(pk=setup[1].pk).title == "Klauseln der Smart-City-Strategien"


def test_series_update_service_refuses_bad_reminder_days(setup):
    organiser, series = setup

    with pytest.raises(DomainError) as raised:
        series_update(series=series, user=organiser, co_organisers=[], reminder_days=[7, -1])

    assert raised.value.field == "reminder_days"
    assert Series.objects.get(pk=series.pk).reminder_days == [7, 1]


def test_series_update_service_refuses_a_negative_comment_window(setup):
    organiser, series = setup

    with pytest.raises(DomainError) as raised:
        series_update(series=series, user=organiser, co_organisers=[], comment_days_after=-3)

    assert raised.value.field == "comment_days_after"


def test_series_settings_refused_to_representatives_and_anonymous(client, setup):
    series = setup[1]
    url = reverse("orga:series_edit", kwargs={"slug": series.slug})
    anonymous = client.get(url)
    client.force_login(MembershipFactory().user)

    response = client.post(url, _data(reminder_days="3"))

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    assert response.status_code in (403, 404)
    assert Series.objects.get(pk=series.pk).reminder_days == [7, 1]
