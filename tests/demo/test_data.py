import pytest
from django.apps import apps

from demo.data import load_demo_data
from rounds.models import Round, Series

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("participants", "clauses", "rounds")
        for model in apps.get_app_config(app).get_models()
    }


def test_load_demo_data_twice_changes_no_row_count():
    load_demo_data()
    first = _row_counts()

    load_demo_data()

    assert _row_counts() == first


def test_load_demo_data_creates_series_with_three_rounds():
    load_demo_data()

    series = Series.objects.get(slug="klauseln-smart-city-strategien")
    rounds = list(series.rounds.order_by("number").values_list("number", "status"))
    assert rounds == [(1, Round.Status.PUBLISHED), (2, Round.Status.HELD), (3, Round.Status.DRAFT)]
    round2_orgs = set(
        Round.objects.get(series=series, number=2).invitations.values_list("organisation__name", flat=True)
    )
    assert round2_orgs == {"Stadt Bamberg", "Stadt Jena", "Stadt Münster", "EDAG Group", "HafenCity Hamburg GmbH"}


def test_load_demo_data_users_log_in_with_demo_password(client):
    load_demo_data()

    for email in ("admin@example.org", "orga@example.org", "jena@example.org"):
        assert client.login(username=email, password="austausch") is True
