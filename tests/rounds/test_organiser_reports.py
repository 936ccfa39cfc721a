import pytest
from django.urls import reverse

from rounds.models import FollowUpReport, Round
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_report_request_refused_before_the_round_was_held(client):
    world = build_world()
    client.force_login(world.organiser)

    response = client.post(reverse("orga:report_request", kwargs={"pk": world.round.pk}), follow=True)

    assert "Ein Nachbericht kann erst erstellt werden, wenn die Runde stattgefunden hat." in response.content.decode()
    assert world.round.reports.count() == 1


def test_report_request_and_publish_after_the_round_was_held(client, django_capture_on_commit_callbacks):
    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.HELD)
    client.force_login(world.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orga:report_request", kwargs={"pk": world.round.pk}))
    report = world.round.reports.get(version=2)
    client.post(reverse("orga:report_publish", kwargs={"pk": world.round.pk, "report_pk": report.pk}))

    report.refresh_from_db()
    assert (report.status, Round.objects.get(pk=world.round.pk).status) == ("published", "published")


def test_report_preview_strips_scripts_and_inline_styles(client):
    world = build_world()
    FollowUpReport.objects.filter(pk=world.report.pk).update(
        html='<style>p{color:red}</style><h1 style="color:red">Nachbericht</h1><script>alert(1)</script>'
    )
    client.force_login(world.organiser)

    response = client.get(reverse("orga:report_preview", kwargs={"pk": world.round.pk, "report_pk": world.report.pk}))

    assert '<div class="report-preview"><h1>Nachbericht</h1></div>' in response.content.decode()


def test_report_status_fragment_polls_while_building(client):
    world = build_world()
    FollowUpReport.objects.filter(pk=world.report.pk).update(status=FollowUpReport.Status.BUILDING, progress=40)
    client.force_login(world.organiser)

    response = client.get(reverse("orga:report_status", kwargs={"pk": world.round.pk, "report_pk": world.report.pk}))
    html = response.content.decode()

    assert 'hx-trigger="every 2s"' in html
    assert '<progress class="report-progress" max="100" value="40"' in html
