import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    AgendaItemFactory,
    FollowUpReportFactory,
    InvitationFactory,
    RoundFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db


def test_round_number_duplicate_in_series_rejected():
    series = SeriesFactory()
    RoundFactory(series=series, number=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(series=series, number=1)


def test_round_number_same_in_other_series_allowed():
    RoundFactory(number=1)

    other = RoundFactory(number=1)

    assert other.pk is not None


def test_round_end_before_start_rejected():
    round_ = RoundFactory.build(series=SeriesFactory())
    round_.ends_at = round_.starts_at - datetime.timedelta(minutes=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        round_.save()


def test_round_end_equal_start_rejected():
    round_ = RoundFactory.build(series=SeriesFactory())
    round_.ends_at = round_.starts_at

    with pytest.raises(IntegrityError), transaction.atomic():
        round_.save()


def test_invitation_duplicate_person_round_rejected():
    invitation = InvitationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(round=invitation.round, user=invitation.user)


def test_agenda_clause_twice_in_round_rejected():
    item = AgendaItemFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(round=item.round, clause=item.clause)


def test_report_version_duplicate_rejected():
    report = FollowUpReportFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpReportFactory(round=report.round, version=report.version)


def test_report_second_published_version_rejected():
    report = FollowUpReportFactory(status="published")

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpReportFactory(round=report.round, status="published")


def test_comment_stores_rendered_body_and_thread_root_when_written():
    from rounds.models import Comment
    from tests.factories import CommentFactory

    root = CommentFactory(body="**Anfang**")
    reply = CommentFactory(agenda_item=root.agenda_item, parent=root, body="Antwort")
    deeper = CommentFactory(agenda_item=root.agenda_item, parent=reply, body="<script>x</script>Tiefer")
    deeper.body = "Geändert im _Admin_"
    deeper.save()

    rows = {c.pk: (c.root_id, c.body_html) for c in Comment.objects.all()}
    assert rows == {
        root.pk: (None, "<p><strong>Anfang</strong></p>"),
        reply.pk: (root.pk, "<p>Antwort</p>"),
        deeper.pk: (root.pk, "<p>Geändert im <em>Admin</em></p>"),
    }


def test_versioned_save_moves_the_version_on_in_sql_even_from_a_stale_instance():
    from rounds.models import Round
    from strategy_exchange.fragments import rows_changed
    from tests.factories import RoundFactory

    round_ = RoundFactory()
    stale = Round.objects.get(pk=round_.pk)
    rows_changed(Round, [round_.pk])  # 2
    round_.title = "Neu"
    round_.save()
    after_save = round_.version  # read again from the row on first use

    stale.save()  # loaded at 1, but writes version + 1 in SQL

    assert after_save == 3
    assert Round.objects.get(pk=round_.pk).version == 4
