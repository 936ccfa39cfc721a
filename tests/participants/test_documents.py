"""Text of uploaded strategy PDFs: page by page into ``StrategyPage``, states the representative sees."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from participants import documents
from participants.models import Strategy, StrategyPage
from participants.services import strategy_save
from tests.factories import MembershipFactory, OrganisationFactory, StrategyFactory, UserFactory
from tests.pdfs import pdf_with_pages, pdf_without_text

pytestmark = pytest.mark.django_db

PAGES = [
    "Smart City Jena 2030. Vorwort des Oberbürgermeisters.",
    "Die Strategie fügt sich in das integrierte Stadtentwicklungskonzept und den Mobilitätsplan ein.",
    "Für die Erstellung der Strategie haben wir alle relevanten Akteure aus Wissenschaft, Wirtschaft und "
    "Zivilgesellschaft beteiligt.",
]


@pytest.fixture
def member():
    user = UserFactory()
    organisation = OrganisationFactory(name="Stadt Jena", slug="jena")
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def upload(member, content: bytes, strategy: Strategy | None = None) -> Strategy:
    """The representative uploads ``content``; the commit runs the (eager) extraction task."""
    user, organisation = member
    with TestCase.captureOnCommitCallbacks(execute=True):
        return strategy_save(
            organisation=organisation,
            user=user,
            strategy=strategy,
            title="Smart City Jena 2030",
            adopted_on=None,
            url="",
            file=SimpleUploadedFile("strategie.pdf", content, content_type="application/pdf"),
        )


def _texts(strategy: Strategy) -> list[tuple[int, str]]:
    return list(StrategyPage.objects.filter(strategy=strategy).order_by("number").values_list("number", "text"))


def test_upload_stores_each_pages_text_under_its_number(member):
    strategy = upload(member, pdf_with_pages(PAGES))

    strategy.refresh_from_db()
    pages = _texts(strategy)
    assert (strategy.text_state, strategy.text_page_count) == (Strategy.TextState.DONE, 3)
    assert [number for number, _text in pages] == [1, 2, 3]
    assert [" ".join(text.split()) for _number, text in pages] == PAGES


def test_new_upload_replaces_the_pages(member):
    strategy = upload(member, pdf_with_pages(PAGES))

    upload(member, pdf_with_pages(["Nur eine Seite über offene Daten."]), strategy=strategy)

    assert _texts(strategy) == [(1, "Nur eine Seite über offene Daten.")]


def test_pdf_without_text_layer_is_marked_and_keeps_no_pages(member):
    strategy = upload(member, pdf_without_text())

    strategy.refresh_from_db()
    assert (strategy.text_state, strategy.text_page_count, _texts(strategy)) == (Strategy.TextState.NO_TEXT, 2, [])


def test_broken_pdf_is_marked_failed(member):
    strategy = StrategyFactory(organisation=member[1], text_state=Strategy.TextState.PENDING)
    strategy.file.save("kaputt.pdf", ContentFile(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nstartxref\n9\n%%EOF\n"))

    state = documents.strategy_text_extract(strategy_id=strategy.pk)

    strategy.refresh_from_db()
    assert (state, strategy.text_state, _texts(strategy)) == (Strategy.TextState.FAILED,) * 2 + ([],)


def test_extraction_runs_once_perupload(member):
    strategy = upload(member, pdf_with_pages(PAGES))
    StrategyPage.objects.filter(strategy=strategy, number=1).update(text="unverändert")

    again = documents.strategy_text_extract(strategy_id=strategy.pk)

    assert (again, _texts(strategy)[0]) == (None, (1, "unverändert"))


def test_extraction_of_a_strategy_that_is_gone_does_nothing():
    assert documents.strategy_text_extract(strategy_id=987654) is None


def test_removing_the_file_removes_the_pages(member):
    user, organisation = member
    strategy = upload(member, pdf_with_pages(PAGES))

    strategy_save(
        organisation=organisation,
        user=user,
        strategy=strategy,
        title=strategy.title,
        adopted_on=None,
        url="https://www.jena.de/strategie",
        remove_file=True,
    )

    strategy.refresh_from_db()
    assert (strategy.text_state, _texts(strategy)) == ("", [])


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (pdf_without_text, "Die PDF-Datei enthält keine Textebene"),
        (lambda: pdf_with_pages(PAGES), "Der Text der PDF-Datei ist ausgelesen."),
    ],
)
def test_representative_sees_the_state_of_the_text_on_the_strategy_page(client, member, content, shown):
    upload(member, content())
    client.force_login(member[0])

    page = client.get(reverse("participants:strategy")).content.decode()

    assert shown in page


def test_clean_text_drops_nul_bytes_and_folds_spaces():
    assert documents.clean_text("Smart\x00  City\r\n\n\n  Jena ") == "Smart City\n\nJena"
