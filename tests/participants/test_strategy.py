"""Our strategy: title, date, link or PDF (≤ 20 MB, checked by content), update cycle."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.models import Strategy
from participants.validators import validate_pdf
from tests.factories import MembershipFactory, OrganisationFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db


def minimal_pdf() -> bytes:
    """A small but structurally valid PDF: header, one page, xref table, trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def member():
    user = UserFactory()
    organisation = OrganisationFactory(name="Stadt Bamberg", slug="bamberg")
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def _post(client, data, file=None):
    payload = {
        "title": "Smart City Bamberg",
        "adopted_on": "2021-03-25",
        "url": "",
        "update_cycle_months": "24",
        **data,
    }
    if file is not None:
        payload["file"] = file
    return client.post(reverse("participants:strategy"), payload)


def test_validate_pdf_accepts_real_pdf_whatever_its_name():
    validate_pdf(SimpleUploadedFile("strategie.txt", minimal_pdf()))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Die Datei ist kein PDF-Dokument."),
        (b"PK\x03\x04 word document", "Die Datei ist kein PDF-Dokument."),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "Die PDF-Datei ist beschädigt oder unvollständig"),
        (b"%PDF-1.4\n%%EOF\nstartxref\n99999\n%%EOF\n", "Die PDF-Datei ist beschädigt oder unvollständig"),
    ],
)
def test_validate_pdf_rejects_by_content(content, message):
    with pytest.raises(ValidationError) as error:
        validate_pdf(SimpleUploadedFile("strategie.pdf", content, content_type="application/pdf"))

    assert error.value.messages[0].startswith(message)


def test_validate_pdf_rejects_oversize(settings):
    settings.STRATEGY_PDF_MAX_BYTES = 1024 * 1024
    pdf = minimal_pdf()
    big = pdf[:9] + b"%" + b"x" * (1024 * 1024) + b"\n" + pdf[9:]

    with pytest.raises(ValidationError) as error:
        validate_pdf(SimpleUploadedFile("gross.pdf", big))

    assert error.value.messages == ["Die Datei ist 1,0 MB groß; erlaubt sind höchstens 1 MB."]


def test_strategy_create_with_link(client, member):
    user, organisation = member
    client.force_login(user)

    response = _post(client, {"url": "www.stadt.bamberg.de/smart-city"})

    strategy = Strategy.objects.get(organisation=organisation)
    assert response.url == reverse("participants:strategy")
    assert (strategy.title, strategy.url, strategy.update_cycle_months) == (
        "Smart City Bamberg", "https://www.stadt.bamberg.de/smart-city", 24
    )  # fmt: skip


def test_strategy_upload_pdf_stored_under_own_name(client, member):
    user, organisation = member
    client.force_login(user)

    _post(client, {}, SimpleUploadedFile("../../evil name.pdf", minimal_pdf(), content_type="application/pdf"))

    strategy = Strategy.objects.get(organisation=organisation)
    assert strategy.file.name.startswith(f"strategies/{organisation.pk}/strategie-bamberg-")
    assert strategy.file.read() == minimal_pdf()


def test_strategy_upload_non_pdf_shows_german_error_and_keeps_input(client, member):
    user, _organisation = member
    client.force_login(user)

    response = _post(client, {"title": "Mein Titel"}, SimpleUploadedFile("strategie.pdf", b"\xff\xd8\xff\xe0 JPEG"))

    content = response.content.decode()
    assert "Die Datei ist kein PDF-Dokument." in content
    assert "Aus Sicherheitsgründen müssen Sie die PDF-Datei erneut auswählen." in content
    assert 'value="Mein Titel"' in content
    assert not Strategy.objects.exists()


def test_strategy_upload_oversize_shows_german_error(client, member, settings):
    settings.STRATEGY_PDF_MAX_BYTES = 1024 * 1024
    user, _organisation = member
    client.force_login(user)

    response = _post(client, {}, SimpleUploadedFile("strategie.pdf", minimal_pdf() + b"%" + b"x" * 2 * 1024 * 1024))

    assert "Die Datei ist 2,0 MB groß; erlaubt sind höchstens 1 MB." in response.content.decode()
    assert not Strategy.objects.exists()


def test_strategy_without_link_or_file_shows_german_error(client, member):
    user, _organisation = member
    client.force_login(user)

    response = _post(client, {})

    assert "Bitte geben Sie einen Link zur Strategie an oder laden Sie sie als PDF hoch." in response.content.decode()


def test_strategy_adopted_in_future_refused(client, member):
    user, _organisation = member
    client.force_login(user)

    response = _post(client, {"url": "https://example.org", "adopted_on": "2999-01-01"})

    assert "Das Beschlussdatum darf nicht in der Zukunft liegen." in response.content.decode()


def test_strategy_edit_updates_current_and_removes_file(client, member):
    user, organisation = member
    strategy = StrategyFactory(organisation=organisation, url="", file=SimpleUploadedFile("alt.pdf", minimal_pdf()))
    client.force_login(user)

    _post(client, {"url": "https://example.org/neu", "remove_file": "on"})

    strategy.refresh_from_db()
    assert (strategy.url, strategy.file.name) == ("https://example.org/neu", "")
    assert Strategy.objects.count() == 1


def test_strategy_remove_only_file_without_link_refused(client, member):
    user, organisation = member
    strategy = StrategyFactory(organisation=organisation, url="", file=SimpleUploadedFile("alt.pdf", minimal_pdf()))
    client.force_login(user)

    response = _post(client, {"remove_file": "on"})

    strategy.refresh_from_db()
    assert "Bitte geben Sie einen Link" in response.content.decode()
    assert strategy.file.name != ""


@pytest.mark.parametrize(("role", "expected"), [("no_membership", 403), ("staff", 403), ("anonymous", 302)])
def test_strategy_page_without_organisation(client, role, expected):
    if role == "no_membership":
        client.force_login(UserFactory())
    elif role == "staff":
        client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("participants:strategy"))

    assert response.status_code == expected


def test_strategy_page_foreign_organisation_404(client, member):
    user, _organisation = member
    other = OrganisationFactory()
    client.force_login(user)

    response = client.get(reverse("participants:strategy"), {"organisation": other.slug})

    assert response.status_code == 404


def test_strategy_file_download_for_signed_in(client, member):
    _user, organisation = member
    strategy = StrategyFactory(organisation=organisation)
    strategy.file.save("s.pdf", SimpleUploadedFile("s.pdf", minimal_pdf()))
    client.force_login(UserFactory())

    response = client.get(reverse("participants:strategy_file", kwargs={"pk": strategy.pk}))

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == minimal_pdf()


def test_strategy_file_anonymous_redirected(client, member):
    strategy = StrategyFactory(organisation=member[1])

    response = client.get(reverse("participants:strategy_file", kwargs={"pk": strategy.pk}))

    assert response.url.startswith(reverse("account_login"))
