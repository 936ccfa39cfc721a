"""The shared form templates: a label for every field, an error summary linked to the fields, and
invalid fields that point assistive technology at their error text."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.test.html import parse_html

from strategy_exchange.forms import QuickSelect


class SampleForm(forms.Form):
    title = forms.CharField(label="Titel", help_text="Ein kurzer Titel.")
    visibility = forms.ChoiceField(
        label="Sichtbarkeit", choices=[("team", "Team"), ("public", "öffentlich")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Themen", choices=[("data", "Daten"), ("mobility", "Mobilität")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="Einverstanden")
    kind = forms.ChoiceField(label="Art", choices=[("", "–"), ("city", "Stadt")])
    note = forms.CharField(label="Notiz", required=False, widget=forms.Textarea)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class Elements(HTMLParser):
    """Every element with its attributes, and the text inside each element that has an id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag not in ("input", "br", "img"):
            self._open.append(attributes.get("id"))
            if attributes.get("id"):
                self.text[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "img") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.text[element_id] += data

    def ids(self) -> set[str]:
        return {attributes["id"] for _tag, attributes in self.elements if attributes.get("id")}

    def by_id(self, element_id: str) -> tuple[str, dict]:
        return next((tag, attributes) for tag, attributes in self.elements if attributes.get("id") == element_id)

    def fields(self) -> list[dict]:
        return [
            attributes
            for tag, attributes in self.elements
            if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden"
        ]


def test_form_with_field_errors_has_summary_linking_to_existing_fields():
    form = SampleForm(data={})

    page = Elements(str(form))

    assert any("error-summary" in attributes.get("class", "") for _tag, attributes in page.elements)
    summary_links = [attributes["href"] for tag, attributes in page.elements if tag == "a"]
    assert summary_links == ["#id_title", "#id_visibility_0", "#id_topics_0", "#id_agree", "#id_kind"]
    assert {href.removeprefix("#") for href in summary_links} <= page.ids()


def test_error_summary_lists_errors_of_the_whole_form():
    form = SampleForm(data={"title": "Runde", "visibility": "team", "topics": ["data"], "agree": "on", "kind": "city"})
    form.is_valid()
    form.add_error(None, "Die Angaben passen nicht zusammen.")

    html = str(form)

    assert html.count("error-summary") == 1
    assert "<li>Die Angaben passen nicht zusammen.</li>" in html


def test_invalid_fields_are_marked_and_described_by_their_error():
    form = SampleForm(data={})

    page = Elements(str(form))

    for name in ("title", "agree", "kind"):
        _tag, field = page.by_id(f"id_{name}")
        assert field["aria-invalid"] == "true", name
        assert f"id_{name}_error" in field["aria-describedby"].split(), name
        assert page.text[f"id_{name}_error"].strip() == "Dieses Feld ist zwingend erforderlich.", name
    assert page.by_id("id_title")[1]["aria-describedby"].split() == ["id_title_error", "id_title_helptext"]
    for name in ("visibility", "topics"):
        tag, group = page.by_id(f"id_{name}")
        assert (tag, group["aria-describedby"]) == ("fieldset", f"id_{name}_error"), name
        options = [field for field in page.fields() if field["name"] == name]
        assert [option["aria-invalid"] for option in options] == ["true", "true"], name
    assert "aria-invalid" not in page.by_id("id_note")[1]


def test_every_visible_field_has_a_label():
    page = Elements(str(SampleForm()))

    labelled = {attributes["for"] for tag, attributes in page.elements if tag == "label"}
    assert [field["id"] for field in page.fields() if field["id"] not in labelled] == []
    assert page.by_id("id_title")[1]["aria-describedby"] == "id_title_helptext"


def test_valid_form_has_no_error_summary():
    form = SampleForm(data={"title": "Runde", "visibility": "team", "topics": ["data"], "agree": "on", "kind": "city"})

    assert form.is_valid()
    assert "error-summary" not in str(form)
    assert "aria-invalid" not in str(form)


@pytest.mark.parametrize("value", [None, "", "2", ["3"]])
def test_quick_select_writes_what_djangos_select_renders(value):
    choices = [("", "alle"), (1, "Eins & <zwei>"), ("Gruppe", [(2, "Zwei"), (3, "Drei")]), (4, "Vier")]
    attrs = {"id": "id_round", "class": "kern-form-input__select"}

    quick = QuickSelect(choices=choices).render("round", value, attrs=attrs)
    django = forms.Select(choices=choices).render("round", value, attrs=attrs)

    assert parse_html(quick) == parse_html(django)
    assert "<optgroup" in quick
