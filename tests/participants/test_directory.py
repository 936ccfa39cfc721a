"""The directory of organisations: duplicate warnings on create and rename, delete only without history,
and who may use it."""

import pytest
from django.urls import reverse

from participants.directory import PossibleDuplicates, organisation_create, organisation_update
from participants.models import Organisation
from participants.selectors import organisation_duplicates, organisation_name_key
from tests.factories import MembershipFactory, OrganisationFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    user = UserFactory(full_name="Olga Organisatorin")
    SeriesFactory(organisers=[user])
    return user


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Stadt Jena", "Jena"),
        ("Jena, Stadt", "JENA"),
        ("Münster", "Muenster"),
        ("Hansestadt Lübeck", "Luebeck"),
        ("Landkreis Gießen", "Kreis Giessen"),
        ("Gemeinde Bad Dürrheim", "bad duerrheim"),
        ("Stadt Göttingen", "GOETTINGEN"),
        ("Markt Garmisch-Partenkirchen", "Garmisch Partenkirchen"),
    ],
)
def test_organisation_name_key_folds_case_umlauts_and_kind_words(first, second):
    assert organisation_name_key(first) == organisation_name_key(second)


def test_organisation_name_key_keeps_different_places_apart():
    assert organisation_name_key("Stadt Jena") != organisation_name_key("Stadt Jever")
    assert organisation_name_key("Stadt") == "stadt"  # a name of kind words only is kept whole


def test_organisation_duplicates_finds_same_ags_first_then_same_name():
    by_ags = OrganisationFactory(name="Wissenschaftsstadt Bamberg", ags="09461000")
    by_name = OrganisationFactory(name="Stadt Jena")
    OrganisationFactory(name="Stadt Weimar")

    found = organisation_duplicates(name="Jena", ags="09461000")

    assert found == [by_ags, by_name]


def test_organisation_create_same_name_warns_and_keeps_everything_typed(client, organiser):
    existing = OrganisationFactory(name="Stadt Jena")
    client.force_login(organiser)
    data = {"name": "Jena", "kind": "city", "state": "TH", "place": "Jena-Nord", "ags": "", "website": ""}

    response = client.post(reverse("participants:organisation_create"), data)

    content = response.content.decode()
    assert Organisation.objects.filter(name="Jena").exists() is False
    assert response.context["duplicates"] == [existing]
    assert reverse("orga:organisation_detail", kwargs={"slug": existing.slug}) in content
    assert "Diese Organisation gibt es vielleicht schon: Stadt Jena." in response.context["form"].errors["confirmed"][0]
    assert 'value="Jena-Nord"' in content
    assert 'type="checkbox" name="confirmed"' in content


def test_organisation_create_confirmed_creates_the_second_one(client, organiser):
    OrganisationFactory(name="Stadt Jena")
    client.force_login(organiser)
    data = {"name": "Jena", "kind": "city", "state": "TH", "place": "", "ags": "", "website": "", "confirmed": "on"}

    response = client.post(reverse("participants:organisation_create"), data)

    created = Organisation.objects.get(name="Jena")
    assert response["Location"] == reverse("orga:organisation_detail", kwargs={"slug": created.slug})
    assert Organisation.objects.filter(name__icontains="jena").count() == 2


def test_organisation_create_same_ags_refused_next_to_the_field_with_the_existing_one(client, organiser):
    existing = OrganisationFactory(name="Stadt Bamberg", ags="09461000")
    client.force_login(organiser)
    data = {"name": "Bamberg Süd", "kind": "city", "ags": "09461000", "confirmed": "on"}

    response = client.post(reverse("participants:organisation_create"), data)

    form = response.context["form"]
    assert form.errors["ags"] == [
        "Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet."
    ]
    assert Organisation.objects.filter(ags="09461000").get() == existing


def test_organisation_create_same_ags_service_lists_the_existing_one():
    existing = OrganisationFactory(name="Universitätsstadt Tübingen", ags="08416041")

    with pytest.raises(PossibleDuplicates) as raised:
        organisation_create(name="Tuebingen", kind="city", ags=None)

    assert raised.value.duplicates == [existing]


def test_organisation_rename_to_a_known_name_warns(client, organiser):
    OrganisationFactory(name="Stadt Jena")
    weimar = OrganisationFactory(name="Stadt Weimar")
    client.force_login(organiser)
    url = reverse("participants:organisation_edit", kwargs={"slug": weimar.slug})

    response = client.post(url, {"name": "JENA", "kind": "city"})

    weimar.refresh_from_db()
    assert weimar.name == "Stadt Weimar"
    assert [o.name for o in response.context["duplicates"]] == ["Stadt Jena"]
    assert 'value="JENA"' in response.content.decode()


def test_organisation_rename_confirmed_is_saved(client, organiser):
    OrganisationFactory(name="Stadt Jena")
    weimar = OrganisationFactory(name="Stadt Weimar")
    client.force_login(organiser)
    url = reverse("participants:organisation_edit", kwargs={"slug": weimar.slug})

    client.post(url, {"name": "Jena", "kind": "city", "confirmed": "on"})

    weimar.refresh_from_db()
    assert weimar.name == "Jena"


def test_organisation_update_without_new_name_never_warns():
    OrganisationFactory(name="Stadt Jena")
    second = OrganisationFactory(name="Jena")

    organisation_update(organisation=second, name="Jena", kind="city", place="Jena", confirmed=False)

    second.refresh_from_db()
    assert second.place == "Jena"


def test_organisation_delete_without_history_deletes(client, organiser):
    empty = OrganisationFactory(name="Stadt Doppelt")
    client.force_login(organiser)

    response = client.post(reverse("participants:organisation_delete", kwargs={"slug": empty.slug}))

    assert response["Location"] == reverse("participants:organisation_list")
    assert Organisation.objects.filter(pk=empty.pk).exists() is False


def test_organisation_delete_with_history_is_refused_in_german(client, organiser):
    organisation = OrganisationFactory(name="Stadt Jena")
    MembershipFactory(organisation=organisation)
    client.force_login(organiser)

    response = client.post(reverse("participants:organisation_delete", kwargs={"slug": organisation.slug}))

    assert response.status_code == 409
    assert response.context["error"] == (
        "Stadt Jena hat bereits eine Geschichte (Mitgliedschaften (Vertreter:innen): 1) und kann nicht gelöscht "
        "werden. Führen Sie sie stattdessen mit der richtigen Organisation zusammen."
    )
    assert Organisation.objects.filter(pk=organisation.pk).exists()


DIRECTORY_PAGES = [
    ("participants:organisation_list", False),
    ("participants:organisation_create", False),
    ("participants:organisation_edit", True),
    ("participants:organisation_merge", True),
    ("participants:organisation_delete", True),
]


@pytest.mark.parametrize(("name", "by_slug"), DIRECTORY_PAGES)
def test_directory_pages_answer_organisers(client, organiser, name, by_slug):
    organisation = OrganisationFactory(name="Stadt Jena")
    client.force_login(organiser)

    response = client.get(reverse(name, kwargs={"slug": organisation.slug} if by_slug else {}))

    assert response.status_code == 200
    assert response.context["user"] == organiser


@pytest.mark.parametrize(("name", "by_slug"), DIRECTORY_PAGES)
def test_directory_pages_refuse_representatives(client, name, by_slug):
    membership = MembershipFactory()
    client.force_login(membership.user)

    get = client.get(reverse(name, kwargs={"slug": membership.organisation.slug} if by_slug else {}))
    post = client.post(reverse(name, kwargs={"slug": membership.organisation.slug} if by_slug else {}))

    assert (get.status_code, post.status_code) == (403, 403 if name != "participants:organisation_list" else 405)
    assert Organisation.objects.filter(pk=membership.organisation.pk).exists()


@pytest.mark.parametrize(("name", "by_slug"), DIRECTORY_PAGES)
def test_directory_pages_send_anonymous_visitors_to_login(client, name, by_slug):
    organisation = OrganisationFactory(name="Stadt Jena")
    url = reverse(name, kwargs={"slug": organisation.slug} if by_slug else {})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
