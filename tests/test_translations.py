"""The catalogs: every message of the resident side, translated in every shipped language.

The messages are extracted afresh from the code and the templates (as `invoke translations`
does), so a template that gains a sentence fails here until every catalog has it.
"""

import subprocess
import sys

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from participation import i18n
from participation.settings import load_settings

from .support import ROOT

SHIPPED = [lang for lang in i18n.languages(load_settings(ROOT / "pelicanconf.py")) if lang != i18n.SOURCE]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--mapping-file", "babel.cfg",
                    "--output-file", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        return read_po(f)


def catalog(lang):
    with i18n.catalog_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def test_the_site_speaks_five_languages_and_each_has_a_catalog():
    assert SHIPPED == ["en", "ar", "uk", "tr"]
    for lang in SHIPPED:
        assert i18n.catalog_path(lang).is_file()


def test_the_resident_side_has_its_messages_marked(extracted):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    # One message of each kind of source: a static page, a form, an error, a mail, a label, a plan change.
    for message in ("Stuur een idee", "Doe mee in de kring", "buurtbewoner", "Taal"):
        assert message in ids, message
    assert len(ids) > 300


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(extracted, lang):
    translated = catalog(lang)
    missing, fuzzy, empty = [], [], []
    for message in extracted:
        if not message.id:
            continue
        own = translated.get(message.id)
        if own is None:
            missing.append(message.id)
        elif own.fuzzy:
            fuzzy.append(message.id)
        elif not all(own.string) if isinstance(own.string, tuple) else not own.string:
            empty.append(message.id)
    assert (missing, fuzzy, empty) == ([], [], []), f"{lang}: run `invoke translations` and translate these"


@pytest.mark.parametrize("lang", SHIPPED)
def test_placeholders_and_plural_forms_agree_with_the_dutch(lang):
    translated = catalog(lang)
    problems = [(message.id, [str(e) for e in errors]) for message, errors in translated.check() if errors]
    assert problems == []
    assert translated.num_plurals == get_plural(lang).num_plurals  # the header Babel writes for the language


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_translation_is_not_the_dutch_text_copied(extracted, lang):
    """A message left in Dutch counts as translated for gettext; the long ones must not be."""
    translated = catalog(lang)
    copied = [m.id for m in extracted if isinstance(m.id, str) and len(m.id) > 25
              and (own := translated.get(m.id)) and own.string == m.id]
    assert copied == []
