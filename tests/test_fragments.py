import pytest

from strategy_exchange import fragments


def test_version_starts_at_one_and_bump_increments():
    assert fragments.version("round", 7) == 1

    fragments.bump("round", 7)
    fragments.bump("round", 7)

    assert fragments.version("round", 7) == 3
    assert fragments.versions_of([("round", 7), ("round", 8)]) == [3, 1]


def test_bump_of_unknown_key_makes_it_differ_from_default():
    fragments.bump("matrix", "all")

    assert fragments.version("matrix", "all") == 2


@pytest.mark.django_db(transaction=True)
def test_bump_inside_transaction_bumps_again_after_commit():
    from django.db import transaction

    with transaction.atomic():
        fragments.bump("thread", 5)
        inside = fragments.version("thread", 5)

    assert (inside, fragments.version("thread", 5)) == (2, 3)


def test_versions_of_pairs_of_several_namespaces_in_order():
    fragments.bump("round", 7)
    fragments.bump("names", "all")
    fragments.bump("names", "all")

    assert fragments.versions_of([("round", 7), ("findings", 7), ("names", "all")]) == [2, 1, 3]
