"""Writing a kwestie in /beheer/: the form, the preview, the file it writes, and the
rules once a kwestie is open (a change of the question or a kader is dated and shown)."""

import datetime
import email
from pathlib import Path

import pytest

from participation import accounts, audit, issue_file, phases
from participation.issues import read_issue

from .conftest import AZC, FUND
from .test_beheer import PASSWORD, log_in_as, post

NEW = {
    "title": "Speeltuin aan de Dijk",
    "question": "De speeltuin aan de Dijk is oud. We willen samen een plan maken. Wat is er nodig?",
    "summary": "De buurt maakt een plan voor de speeltuin.",
    "place": "Dijkbuurt, Aalvliet",
    "municipality": "Gemeente Aalvliet",
    "coordinator": "Sam Bakker, buurtwerker",
    "opened": "2027-01-04",
    "ideas_until": "28-02-2027",
    "min_circle": "5",
    "constraints": "De speeltuin blijft op dezelfde plek.\r\nHet plan past binnen het budget.\r\n",
    "budget": "€ 40.000",
    "max_cost_per_agreement": "15000",
    "max_agreements": "6",
    "lang_1": "en",
    "text_1": "The playground on the Dijk is old. What is needed?",
    "body": "## Wat er speelt\r\n\r\nDe speeltuin is **oud**.\r\n\r\n- schommel kapot\r\n- zandbak vies\r\n",
}


@pytest.fixture
def coordinator(db, client):
    user_id = accounts.create_user(db, "marieke", PASSWORD, "coordinator", "Marieke Sloot")
    user = accounts.get_user(db, user_id)
    log_in_as(client, user)
    return user


def kwestie_file(settings, slug):
    return Path(settings["PATH"]) / "kwesties" / slug / "kwestie.md"


def test_a_new_kwestie_is_written_as_people_write_it_by_hand(client, settings, coordinator, db):
    response = post(client, "/beheer/nieuw", {**NEW, "action": "save"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/beheer/speeltuin-aan-de-dijk/")
    path = kwestie_file(settings, "speeltuin-aan-de-dijk")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Speeltuin aan de Dijk\nQuestion: De speeltuin aan de Dijk is oud.")
    assert "Question_en: The playground on the Dijk is old. What is needed?\nPhase: draft\n" in text
    assert "Constraints: De speeltuin blijft op dezelfde plek.\n    Het plan past binnen het budget.\n" in text
    assert "\r" not in text
    issue = read_issue(path, settings)
    assert (issue.phase, issue.budget, issue.max_cost_per_agreement, issue.max_agreements, issue.min_circle) == (
        "draft", 40000, 15000, 6, 5)
    assert issue.ideas_until == datetime.date(2027, 2, 28)
    assert [(t.lang, t.text) for t in issue.translations] == [("en", NEW["text_1"])]
    assert "<h2>Wat er speelt</h2>" in issue.body and "<li>schommel kapot</li>" in issue.body
    assert [e["action"] for e in audit.entries(db, limit=1)] == ["create_issue"]


def test_a_hand_written_kwestie_saved_without_changes_stays_byte_identical(client, settings, coordinator):
    for slug in (AZC, FUND):
        path = kwestie_file(settings, slug)
        before = path.read_bytes()
        form = client.get(f"/beheer/{slug}/tekst").get_data(as_text=True)
        fields = form_fields(form)
        # A browser sends a textarea's line ends as CRLF.
        fields = {k: v.replace("\n", "\r\n") for k, v in fields.items()}
        response = post(client, f"/beheer/{slug}/tekst", {**fields, "action": "save"})
        assert response.status_code == 303, response.get_data(as_text=True)
        assert path.read_bytes() == before
        assert not (path.parent / "changes.yaml").exists()


def test_changing_one_field_rewrites_only_its_line(client, settings, coordinator):
    path = kwestie_file(settings, AZC)
    before = path.read_text(encoding="utf-8").splitlines()
    fields = form_fields(client.get(f"/beheer/{AZC}/tekst").get_data(as_text=True))
    post(client, f"/beheer/{AZC}/tekst", {**fields, "place": "Vlietbuurt-Noord, Aalvliet", "action": "save"})
    after = path.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after) if a != b] == [
        ("Place: Vlietbuurt, Aalvliet", "Place: Vlietbuurt-Noord, Aalvliet")]
    assert len(before) == len(after)


def test_the_preview_shows_the_site_page_and_stores_nothing(client, settings, coordinator):
    response = post(client, "/beheer/nieuw", {**NEW, "action": "preview"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Voorbeeld: zo komt de kwestie op de site" in page
    assert '<p class="question">De speeltuin aan de Dijk is oud.' in page
    assert "Er is maximaal <strong>€ 40.000</strong> te besteden." in page
    assert "<li>zandbak vies</li>" in page
    assert not kwestie_file(settings, "speeltuin-aan-de-dijk").parent.exists()
    # Saving from the preview writes what was previewed.
    fields = form_fields(page)
    assert post(client, "/beheer/nieuw", {**fields, "action": "save"}).status_code == 303
    assert read_issue(kwestie_file(settings, "speeltuin-aan-de-dijk"), settings).budget == 40000


def test_bad_input_names_the_fields_and_keeps_what_was_typed(client, settings, coordinator):
    response = post(client, "/beheer/nieuw", {**NEW, "title": "", "budget": "veel", "lang_1": "xx",
                                              "opened": "31-02-2027", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#kwestie-title">Titel: geef de kwestie een titel' in page
    assert 'href="#kwestie-budget">Budget: vul een heel getal in' in page
    assert 'href="#kwestie-lang_1">' in page and 'href="#kwestie-opened">' in page
    assert "De speeltuin blijft op dezelfde plek.\nHet plan past binnen het budget." in page
    assert 'value="veel"' in page and "zandbak vies" in page
    assert not (Path(settings["PATH"]) / "kwesties" / "speeltuin-aan-de-dijk").exists()


def test_a_taken_address_is_refused_and_a_proposed_one_is_numbered(client, settings, coordinator):
    response = post(client, "/beheer/nieuw", {**NEW, "slug": AZC, "action": "save"})
    assert response.status_code == 409
    assert "Er is al een kwestie met de naam" in response.get_data(as_text=True)
    assert post(client, "/beheer/nieuw", {**NEW, "title": "Misschien een AZC in café De Zwaan",
                                          "action": "save"}).headers["Location"].endswith(
        "/beheer/misschien-een-azc-in-cafe-de-zwaan/")


def test_a_draft_can_be_published_and_its_address_changes_only_while_it_is_a_draft(client, settings, coordinator):
    post(client, "/beheer/nieuw", {**NEW, "action": "save"})
    fields = form_fields(client.get("/beheer/speeltuin-aan-de-dijk/tekst").get_data(as_text=True))
    response = post(client, "/beheer/speeltuin-aan-de-dijk/tekst", {**fields, "slug": "speeltuin-dijk",
                                                                    "action": "save"})
    assert response.status_code == 303
    assert kwestie_file(settings, "speeltuin-dijk").exists()
    assert not kwestie_file(settings, "speeltuin-aan-de-dijk").parent.exists()
    assert post(client, "/beheer/speeltuin-dijk/fase", {"phase": "open"}).status_code == 303
    fields = form_fields(client.get("/beheer/speeltuin-dijk/tekst").get_data(as_text=True))
    post(client, "/beheer/speeltuin-dijk/tekst", {**fields, "slug": "iets-anders", "action": "save"})
    assert kwestie_file(settings, "speeltuin-dijk").exists()
    assert not kwestie_file(settings, "iets-anders").parent.exists()


def test_changing_the_question_of_an_open_kwestie_is_dated_shown_and_mailed(client, app, settings, coordinator, db):
    from participation import store
    from participation.db import now
    member = store.add_member(db, AZC, name="Anna", relation="resident", email="anna@example.org")
    db.execute("update members set email_confirmed_at = ? where id = ?", [now(), member])
    db.conn.commit()
    old_question = read_issue(kwestie_file(settings, AZC), settings).question
    fields = form_fields(client.get(f"/beheer/{AZC}/tekst").get_data(as_text=True))
    new_question = "Er komt misschien een AZC in het café. Wat is er nodig om hier goed samen te wonen?"
    response = post(client, f"/beheer/{AZC}/tekst", {**fields, "question": new_question,
                                                     "budget": "10.000", "action": "save"})
    assert response.status_code == 303
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 lid kreeg daarover een mail" in flashed
    issue = read_issue(kwestie_file(settings, AZC), settings)
    assert issue.question == new_question
    today = phases.today()
    assert [(c.date, c.field, c.old, c.new) for c in issue.changes] == [
        (today, "question", old_question, new_question), (today, "budget", None, 10000)]
    mails = list(Path(settings["SAMENPLAN_OUTBOX"]).glob("*.eml"))
    assert len(mails) == 1
    message = email.message_from_bytes(mails[0].read_bytes())
    body = message.get_payload(decode=True).decode()
    assert old_question[:40] in body and "Eerst stond dit er niet." in body
    # The site shows it, with the old text.
    from participation.build import build
    build(settings)
    page = (Path(settings["OUTPUT_PATH"]) / "kwesties" / AZC / "index.html").read_text(encoding="utf-8")
    from markupsafe import escape
    assert 'id="veranderd"' in page and str(escape(old_question)) in page


def test_a_draft_changes_without_a_record(client, settings, coordinator):
    post(client, "/beheer/nieuw", {**NEW, "action": "save"})
    fields = form_fields(client.get("/beheer/speeltuin-aan-de-dijk/tekst").get_data(as_text=True))
    post(client, "/beheer/speeltuin-aan-de-dijk/tekst", {**fields, "question": "Een andere vraag?", "action": "save"})
    assert read_issue(kwestie_file(settings, "speeltuin-aan-de-dijk"), settings).changes == ()


def test_a_closed_kwestie_is_an_archive(settings):
    path = kwestie_file(settings, FUND)
    phases.set_phase(settings, read_issue(path, settings), "closed")
    issue = read_issue(path, settings)
    values = issue_file.text_values(path.read_text(encoding="utf-8"))
    with pytest.raises(issue_file.IssueTextError, match="gesloten"):
        issue_file.save_issue(settings, {**values, "question": "Nieuw?"}, slug=FUND, issue=issue,
                              today=phases.today())


def test_the_end_of_the_idea_period_changes_with_its_own_logged_form(client, settings, coordinator, db):
    path = kwestie_file(settings, AZC)
    before = path.read_text(encoding="utf-8")
    response = post(client, f"/beheer/{AZC}/ideeen-tot", {"action": "today"})
    assert response.status_code == 303
    today = phases.today()
    assert read_issue(path, settings).ideas_until == today
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("Ideas_until: 2027-01-31", f"Ideas_until: {today.isoformat()}")
    assert (audit.entries(db, limit=1)[0]["action"], audit.entries(db, limit=1)[0]["detail"]) == (
        "ideas_until", today.isoformat())
    assert post(client, f"/beheer/{AZC}/ideeen-tot", {"ideas_until": "gisteren"}).status_code == 400
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert post(client, f"/beheer/{AZC}/ideeen-tot", {"ideas_until": yesterday}).status_code == 409
    assert read_issue(path, settings).ideas_until == today


def test_professionals_cannot_write_kwesties(client, db):
    user = accounts.get_user(db, accounts.create_user(db, "wijkagent", PASSWORD, "professional", "Sanne"))
    log_in_as(client, user)
    assert client.get("/beheer/nieuw").status_code == 403
    assert post(client, f"/beheer/{AZC}/tekst", {**NEW, "action": "save"}).status_code == 403


# issue_file on its own -----------------------------------------------------------------


def test_render_keeps_unknown_lines_and_inserts_new_fields_in_order():
    text = "Title: A\nQuestion: B?\nPhase: open\nTags: buurt\nCoordinator: C\n\nTekst.\n"
    values = issue_file.text_values(text)
    out = issue_file.render({**values, "budget": 500, "translations": {"tr": "B tr?"}}, text)
    assert out == ("Title: A\nQuestion: B?\nQuestion_tr: B tr?\nPhase: open\nBudget: 500\nTags: buurt\n"
                   "Coordinator: C\n\nTekst.\n")


def test_a_translation_taken_away_is_removed():
    text = "Title: A\nQuestion: B?\nQuestion_en: B en?\nPhase: open\n\nTekst.\n"
    values = issue_file.text_values(text)
    assert issue_file.render({**values, "translations": {}}, text) == "Title: A\nQuestion: B?\nPhase: open\n\nTekst.\n"


def test_propose_slug_folds_accents_and_punctuation():
    assert issue_file.propose_slug("Café De Zwaan: wat nu?") == "cafe-de-zwaan-wat-nu"
    assert issue_file.propose_slug("!!!") == "kwestie"


def form_fields(page):
    """The values a browser would send back from the kwestie form on `page` (inputs, selects, textareas)."""
    import html
    import re
    fields = {}
    forms = [f for f in page.split("<form")[1:] if 'value="save"' in f]
    form = forms[0][:forms[0].index("</form>")]
    for name, value in re.findall(r'<input type="(?:text|date|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"',
                                  form):
        fields[name] = html.unescape(value)
    for name, body in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = html.unescape(body)
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields.pop("csrf_token", None)
    return fields


def test_a_save_based_on_an_older_text_is_refused_and_keeps_what_was_typed(client, settings, coordinator):
    mine = form_fields(client.get(f"/beheer/{AZC}/tekst").get_data(as_text=True))
    theirs = form_fields(client.get(f"/beheer/{AZC}/tekst").get_data(as_text=True))
    assert post(client, f"/beheer/{AZC}/tekst", {**theirs, "place": "Hun plek", "action": "save"}).status_code == 303
    response = post(client, f"/beheer/{AZC}/tekst", {**mine, "summary": "Mijn samenvatting", "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft de tekst van deze kwestie veranderd" in page
    assert 'value="Mijn samenvatting"' in page
    path = kwestie_file(settings, AZC)
    assert read_issue(path, settings).place == "Hun plek"
    # Saving again from the refused form is a choice made knowingly: it is written.
    again = form_fields(page)
    assert post(client, f"/beheer/{AZC}/tekst", {**again, "action": "save"}).status_code == 303
    assert read_issue(path, settings).summary.striptags() == "Mijn samenvatting"


def test_a_kwestie_made_by_samenplan_new_saved_unchanged_stays_byte_identical(client, settings, coordinator):
    from participation.issues import new_issue
    path = new_issue(settings, "uit-de-terminal")
    before = path.read_bytes()
    fields = form_fields(client.get("/beheer/uit-de-terminal/tekst").get_data(as_text=True))
    assert post(client, "/beheer/uit-de-terminal/tekst", {**fields, "action": "save"}).status_code == 303
    assert path.read_bytes() == before
