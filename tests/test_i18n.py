"""Translations: a complete English catalogue, the language switch, and formal German for allauth."""

import ast
import gettext
import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rounds.models import Round
from tests.factories import RoundFactory, SeriesFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
ALLAUTH_GERMAN = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _german_afterwards():
    """A request in English leaves English active in this thread; later tests expect German."""
    yield
    translation.deactivate()


def po_entries(path: Path) -> list[dict]:
    """The live entries of a .po file as dicts (msgctxt, msgid, msgid_plural, msgstr…, flags)."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        elif not line.startswith("#"):
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def catalogue_key(entry: dict) -> str:
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = [entry for entry in po_entries(CATALOGUE) if entry["msgid"]]

    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]

    assert len(entries) > 500
    assert untranslated == []
    assert fuzzy == []


def test_english_catalogue_is_compiled():
    with CATALOGUE.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    entries = [entry for entry in po_entries(CATALOGUE) if entry["msgid"]]

    stale = [
        entry["msgid"]
        for entry in entries
        if "msgid_plural" not in entry and compiled.get(catalogue_key(entry)) != entry["msgstr"]
    ]

    assert stale == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("home", "Exchange rounds on the clauses of Smart City strategies"),
        ("account_login", "Sign in"),
    ],
)
def test_page_after_switching_to_english_is_english(client, url_name, heading):
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    content = client.get(reverse(url_name)).content.decode()

    assert '<html lang="en"' in content
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in content


@pytest.mark.django_db
def test_home_without_choice_is_german_despite_english_browser(client):
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="de"' in content


@pytest.mark.django_db
def test_home_in_english_names_rounds_in_english(client):
    RoundFactory(series=SeriesFactory(title="Smart City clauses"), number=1, status=Round.Status.INVITED)
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    content = client.get(reverse("home")).content.decode()

    assert "Round 1" in content
    assert "Runde " not in content


def test_allauth_failed_login_limit_is_formal_german():
    with translation.override("de"):
        message = translation.gettext("Too many failed login attempts. Try again later.")

    assert message == "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut."


def test_no_allauth_message_addresses_people_as_du():
    informal = []
    with translation.override("de"):
        for entry in po_entries(ALLAUTH_GERMAN):
            if not entry["msgid"]:
                continue
            if "msgid_plural" in entry:
                context = entry.get("msgctxt")
                texts = [
                    translation.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                    if context
                    else translation.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    for n in (1, 2)
                ]
            elif "msgctxt" in entry:
                texts = [translation.pgettext(entry["msgctxt"], entry["msgid"])]
            else:
                texts = [translation.gettext(entry["msgid"])]
            informal += [text for text in texts if INFORMAL.search(text)]

    assert informal == []
