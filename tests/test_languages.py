"""The resident side in every language: the static site under /en/, /ar/, …, the forms under
/<lang>/deelnemen/ answering in that language (errors and JSON included), and mail in the
language a member joined in.

The expected texts come from the catalogs (i18n.using), never typed out here, so the tests
hold for any wording a translator chooses; each also checks the text is not the Dutch one.
"""

import email
import re
from pathlib import Path

import pytest

from participation import accounts, i18n, store
from participation.build import build

from .conftest import AZC, FUND
from .test_beheer import log_in_as

LANGUAGES = ["nl", "en", "ar", "uk", "tr"]
DIRECTION = {"nl": "ltr", "en": "ltr", "ar": "rtl", "uk": "ltr", "tr": "ltr"}


def prefix(lang):
    return "" if lang == "nl" else f"/{lang}"


def in_(lang, message, **values):
    with i18n.using(lang):
        return i18n.gettext(message) % values if values else i18n.gettext(message)


def translated(lang, message):
    """The message in lang, checked to differ from the Dutch source (but for Dutch itself)."""
    text = in_(lang, message)
    assert lang == "nl" or text != message, f"{message!r} is not translated into {lang}"
    return text


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One full build of the demo content for the module (read only)."""
    import shutil

    from participation.settings import load_settings

    from .support import ROOT

    folder = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "content", folder / "content")
    settings = load_settings(ROOT / "pelicanconf.py", override={
        "PATH": str(folder / "content"), "OUTPUT_PATH": str(folder / "output"), "CACHE_PATH": str(folder / "cache"),
        "SAMENPLAN_DATABASE": str(folder / "samenplan.db"), "SAMENPLAN_PUBLIC_URL": "http://localhost"})
    build(settings)
    return Path(settings["OUTPUT_PATH"])


PAGES = ["", "kwesties/{azc}/", "kwesties/{azc}/ideeen/", "kwesties/{azc}/vragen/", "kwesties/{fund}/plan/",
         "kwesties/{fund}/verslag/", "besluiten/", "kwesties/{azc}/poster/", "kwesties/{azc}/papier/",
         "privacy/", "toegankelijkheid/", "over/"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_is_built_in_every_language_with_lang_dir_and_alternates(site, lang):
    for page in PAGES:
        path = page.format(azc=AZC, fund=FUND)
        html = (site / prefix(lang).lstrip("/") / path / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}" dir="{DIRECTION[lang]}">' in html, path
        for other in LANGUAGES:  # hreflang alternates, and the language choice in each language's own name
            assert f'<link rel="alternate" hreflang="{other}" href="{prefix(other)}/{path}">' in html, (path, other)
            assert re.search(f'lang="{other}" dir="{DIRECTION[other]}"[^>]*>{i18n.own_name(other)}</a>', html), (path, other)
        assert f'hreflang="{lang}" lang="{lang}" dir="{DIRECTION[lang]}" aria-current="page"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_kwestie_page_speaks_the_language_and_links_within_it(site, lang):
    html = (site / prefix(lang).lstrip("/") / "kwesties" / AZC / "index.html").read_text(encoding="utf-8")
    assert translated(lang, "Doe mee in de kring") in html
    assert f'href="{prefix(lang)}/deelnemen/{AZC}/kring"' in html  # the form in the same language
    assert f'href="{prefix(lang)}/kwesties/{AZC}/verslag/"' in html


def test_the_names_of_the_languages_are_their_own():
    assert [i18n.own_name(lang) for lang in LANGUAGES] == ["Nederlands", "English", "العربية", "Українська", "Türkçe"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_idea_form_and_its_errors_answer_in_the_language(client, lang):
    form = client.get(f"{prefix(lang)}/deelnemen/{AZC}/idee").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{DIRECTION[lang]}">' in form
    assert f'action="{prefix(lang)}/deelnemen/{AZC}/idee"' in form
    errors = client.post(f"{prefix(lang)}/deelnemen/{AZC}/idee", data={"title": ""},
                         headers={"Accept": "application/json"}).get_json()["fields"]
    response = client.post(f"{prefix(lang)}/deelnemen/{AZC}/idee", data={"title": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{DIRECTION[lang]}">' in page
    with i18n.using(lang):
        heading = i18n.ngettext("Er is %(num)d fout in het formulier", "Er zijn %(num)d fouten in het formulier",
                                len(errors)) % {"num": len(errors)}
    assert lang == "nl" or "fout" not in heading
    assert heading in page
    assert errors and all(message in page for message in errors.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_member_joins_in_their_language_and_mail_and_personal_page_follow(send, client, settings, db, lang):
    response = send(f"{prefix(lang)}/deelnemen/{AZC}/kring",
                    data={"name": "Ans & Bo", "relation": "resident", "email": "ans@example.org"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{prefix(lang)}/deelnemen/{AZC}/bedankt/")
    [member] = list(db.query("select * from members"))
    assert member["language"] == lang
    [mail] = sorted(Path(settings["SAMENPLAN_OUTBOX"]).glob("*.eml"))
    message = email.message_from_bytes(mail.read_bytes())
    text = message.get_payload(decode=True).decode()
    link = re.search(r"http://localhost(\S+/bevestigen/\S+)", text).group(1)
    assert link.startswith(f"{prefix(lang)}/deelnemen/{AZC}/")
    assert translated(lang, "Klik op deze link om je e-mailadres te bevestigen:") in text
    assert "Ans & Bo" in text and "&amp;" not in text  # a mail is plain text: nothing HTML-escaped
    confirmed = client.get(link)
    assert confirmed.status_code == 200
    assert f'<html lang="{lang}" dir="{DIRECTION[lang]}">' in confirmed.get_data(as_text=True)
    assert store.member(db, member["id"])["email_confirmed_at"]


def test_the_coordinator_sees_in_dutch_which_language_a_resident_wrote_in(send, client, db):
    assert send(f"/ar/deelnemen/{AZC}/kring", data={"name": "Nour", "relation": "newcomer"}).status_code == 303
    assert send(f"/ar/deelnemen/{AZC}/idee", data={"title": "مكان للقاء", "body": "مقهى صغير"}).status_code == 303
    assert send(f"/deelnemen/{AZC}/vraag", data={"text": "Hoe laat?"}).status_code == 303
    assert [r["language"] for r in db.query("select language from ideas")] == ["ar"]
    assert [r["language"] for r in db.query("select language from questions")] == ["nl"]
    log_in_as(client, accounts.get_user(db, accounts.create_user(db, "marieke", "een-lang-wachtwoord",
                                                                   "coordinator", "Marieke")))
    page = client.get(f"/beheer/{AZC}/bijdragen").get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in page  # the coordinator's area stays Dutch
    assert '<span lang="ar">مكان للقاء</span>' in page and '<p class="idea-body" lang="ar">مقهى صغير</p>' in page
    assert page.count("in het Arabisch gestuurd") == 1  # the idea; the Dutch question has no note
    circle = client.get(f"/beheer/{AZC}/kring").get_data(as_text=True)
    assert "in het Arabisch gestuurd" in circle
