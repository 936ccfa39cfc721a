import pytest
from django.db import IntegrityError, transaction

from tests.factories import ClauseFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_clause_number_duplicate_rejected():
    ClauseFactory(number=4)

    with pytest.raises(IntegrityError), transaction.atomic():
        ClauseFactory(number=4)


def test_clause_number_zero_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClauseFactory(number=0)


def test_position_duplicate_strategy_clause_rejected():
    position = PositionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(strategy=position.strategy, clause=position.clause)
