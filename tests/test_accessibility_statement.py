"""The accessibility statement (Erklärung zur Barrierefreiheit) has the parts BITV 2.0 asks for."""

import re

from django.urls import reverse


def test_accessibility_statement_has_the_sections_of_bitv(client):
    response = client.get(reverse("accessibility"))

    html = response.content.decode()
    headings = [re.sub(r"\s+", " ", heading) for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert headings == [
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung zur Barrierefreiheit",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren: Schlichtungsstelle nach § 16 BGG",
    ]
    assert "Diese Erklärung wurde am 26.11.2026 erstellt und zuletzt am 27.11.2026 überprüft." in html
    assert f'href="{reverse("imprint")}"' in html
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in html
