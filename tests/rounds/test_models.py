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
