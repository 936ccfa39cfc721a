import pytest
from django.db import IntegrityError, transaction

from tests.factories import MembershipFactory, OrganisationFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_email_duplicate_rejected():
    UserFactory(email="jena@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="jena@example.org")


def test_membership_duplicate_rejected():
    membership = MembershipFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, organisation=membership.organisation)


def test_organisation_ags_duplicate_rejected():
    OrganisationFactory(ags="16053000")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(ags="16053000")


def test_organisation_without_ags_many_allowed():
    OrganisationFactory(ags=None)

    second = OrganisationFactory(ags=None)

    assert second.pk is not None


def test_strategy_without_link_or_file_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyFactory(url="", file="")


def test_strategy_update_cycle_zero_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyFactory(update_cycle_months=0)
