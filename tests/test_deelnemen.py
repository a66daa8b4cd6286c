"""HTTP tests of /deelnemen/<slug>/<form> with Flask's test client."""

import re

import pytest

from participation import db as database
from participation import store, tokens
from participation.labels import RELATIONS

from .conftest import AZC, FUND, write_issue

IDEA = f"/deelnemen/{AZC}/idee"
JOIN = f"/deelnemen/{AZC}/kring"
JSON = {"Accept": "application/json"}


def test_get_renders_the_form_in_the_theme(client):
    response = client.get(IDEA)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl" dir="ltr">' in page
    assert f'action="/deelnemen/{AZC}/idee"' in page
    assert '<label for="idee-title">' in page
    assert "/theme/css/samen.css" in page


THANKS = re.compile(rf"^/deelnemen/{AZC}/bedankt/(?P<id>[ILV]\d+)\?t=[\w.-]+#(?P<thanks>bedankt-[a-z-]+)$")


def test_idea_is_stored_and_answered_with_303_to_its_confirmation(send, client, db):
    response = send(IDEA, data={"title": "Koffie op zaterdag", "body": "In het café.", "author_name": "Anna"})
    assert response.status_code == 303
    assert THANKS.match(response.headers["Location"]).group("id", "thanks") == ("I1", "bedankt-idee")
    [idea] = store.ideas(db, AZC)
    assert (idea["number"], idea["title"], idea["body"], idea["author_name"]) == (1, "Koffie op zaterdag", "In het café.", "Anna")
    assert idea["channel"] == "web"
    # The stored row also asks for a rebuild of its kwestie.
    assert store.pending_changes(db)[1] == {AZC}


def test_joining_the_circle(send, db):
    response = send(JOIN, data={"name": "Bram", "relation": "business"})
    assert response.status_code == 303
    assert THANKS.match(response.headers["Location"]).group("id", "thanks") == ("L1", "bedankt-kring")
    assert store.circle(db, AZC) == {"business": 1}


def test_joining_with_relation_other(send, db):
    response = send(JOIN, data={"name": "Cor", "relation": "other", "relation_other": "Ik sport hier"})
    assert response.status_code == 303
    row = db.execute("select relation, relation_other from members").fetchone()
    assert row == ("other", "Ik sport hier")



def test_a_form_from_before_the_english_keys_still_joins(send, db):
    """A page printed or cached before relations were stored in English posts 'nieuwkomer'."""
    assert send(JOIN, data={"name": "Yonas", "relation": "nieuwkomer"}).status_code == 303
    assert store.circle(db, AZC) == {"newcomer": 1}


def test_the_join_form_offers_every_relation_by_its_stored_key(client):
    page = client.get(JOIN).get_data(as_text=True)
    for key, label in RELATIONS.items():
        assert f'value="{key}"' in page and label in page

def test_empty_title_gives_400_with_error_summary_and_keeps_input(send, db):
    response = send(IDEA, data={"title": "  ", "body": "Mijn uitleg <b>blijft</b>", "author_name": "Anna"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert '<a href="#idee-title">Titel: geef je idee een korte titel</a>' in page
    assert 'aria-invalid="true"' in page
    assert "Mijn uitleg &lt;b&gt;blijft&lt;/b&gt;</textarea>" in page
    assert 'value="Anna"' in page
    assert page.index("<title>Fout:") >= 0
    assert store.idea_count(db, AZC) == 0


def test_every_invalid_field_is_named_in_the_summary(send):
    response = send(JOIN, data={"name": "", "relation": "koning"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#kring-name"' in page and 'href="#kring-relation"' in page
    assert "Er zijn 2 fouten" in page


def test_too_long_fields_give_400(send):
    response = send(IDEA, data={"title": "x" * 121, "body": "y" * 4001, "author_name": "z" * 61})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("title", "body", "author_name"):
        assert f'href="#idee-{field}"' in page
    assert "maximaal 120 tekens (nu 121)" in page


def test_relation_other_is_required_with_anders(send):
    response = send(JOIN, data={"name": "Dirk", "relation": "other"})
    assert response.status_code == 400
    assert 'href="#kring-relation_other"' in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/deelnemen/bestaat-niet/idee",
    "/deelnemen/bestaat-niet/kring",
    f"/deelnemen/{AZC}/onbekend",
    "/deelnemen/../etc/idee",
])
def test_unknown_kwestie_or_form_is_404(client, url, send):
    assert client.get(url).status_code == 404
    response = send(url, data={"title": "Iets"})
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_draft_kwestie_is_404(send, settings):
    write_issue(settings, "nog-geheim", phase="draft")
    assert send("/deelnemen/nog-geheim/idee", data={"title": "Iets"}).status_code == 404


def test_closed_kwestie_is_409_with_explanation(send, settings, db):
    write_issue(settings, "afgerond", phase="closed")
    response = send("/deelnemen/afgerond/idee", data={"title": "Te laat"})
    assert response.status_code == 409
    assert "gesloten" in response.get_data(as_text=True)
    assert store.idea_count(db, "afgerond") == 0


def test_too_large_body_is_413(send, db):
    response = send(IDEA, data={"title": "Groot", "body": "x" * 70_000})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)
    assert store.idea_count(db, AZC) == 0


def test_json_success_and_errors(send, client):
    ok = send(IDEA, data={"title": "Via JSON"}, headers=JSON)
    assert ok.status_code == 303
    assert ok.json == {"ok": True, "id": "I1", "location": ok.headers["Location"]}
    assert THANKS.match(ok.json["location"])
    # The confirmation, too, is JSON for a JSON client: what was stored.
    confirmation = client.get(ok.headers["Location"].split("#")[0], headers=JSON)
    assert confirmation.status_code == 200
    assert (confirmation.json["ok"], confirmation.json["id"], confirmation.json["title"]) == (True, "I1", "Via JSON")
    bad = send(IDEA, data={"title": ""}, headers=JSON)
    assert bad.status_code == 400
    assert set(bad.json["fields"]) == {"title"}
    missing = send("/deelnemen/bestaat-niet/idee", data={"title": "x"}, headers=JSON)
    assert missing.status_code == 404 and missing.json["status"] == 404


def test_ideas_are_numbered_per_kwestie(send, db):
    for slug in (AZC, FUND, AZC):
        assert send(f"/deelnemen/{slug}/idee", data={"title": "Idee"}).status_code == 303
    assert [i["number"] for i in store.ideas(db, AZC)] == [1, 2]
    assert [i["number"] for i in store.ideas(db, FUND)] == [1]


HOSTILE = [
    ("control characters", {"title": "Koffie\x00\x07\x1b[31m ochtend", "body": "a\x0bb"}, 303),
    ("html and script", {"title": "<script>alert('x')</script>", "author_name": "<img src=x onerror=alert(1)>"}, 303),
    ("only control characters", {"title": "\x00\x01\x02"}, 400),
    ("a list where one value is expected", {"title": ["een", "twee"]}, 303),
    ("unicode", {"title": "Zoë’s idee 🎉 مرحبا"}, 303),
    ("very long single word", {"title": "a" * 5000}, 400),
    # Numbers that \d accepts but int() or SQLite refuses.
    ("superscript digit as cost", {"title": "Koffie", "cost": "²"}, 400),
    ("Arabic-Indic digits as cost", {"title": "Koffie", "cost": "١٢"}, 400),
    ("5000-digit cost", {"title": "Koffie", "cost": "9" * 5000}, 400),
    ("20-digit cost", {"title": "Koffie", "cost": "9" * 20}, 400),
]


@pytest.mark.parametrize("case,data,status", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_never_gives_500(send, case, data, status):
    assert send(IDEA, data=data).status_code == status


def test_control_characters_are_removed_before_storing(send, db):
    send(IDEA, data={"title": "Koffie\x00\x07 ochtend"})
    assert store.ideas(db, AZC)[0]["title"] == "Koffie ochtend"


@pytest.mark.parametrize("content_type,body", [
    ("application/x-www-form-urlencoded", b"title=%FF%FE%80&body=%C3%28"),
    ("application/json", b'{"title": "json"}'),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\nbroken"),
    ("text/plain", b"\xff\xfe\x00"),
])
def test_odd_bodies_never_give_500(client, content_type, body):
    response = client.post(IDEA, data=body, headers={"Content-Type": content_type})
    assert response.status_code in (303, 400)


@pytest.mark.parametrize("url", [f"/deelnemen/{AZC}/idee", f"/deelnemen/{AZC}/bestaat-niet", "/beheer/inloggen"])
def test_every_answer_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none': no scripts
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"  # form tokens and personal data are never cached
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"  # HTTPS only


def test_plain_http_set_ups_get_no_hsts(settings):
    from participation.web import create_app

    app = create_app({"TESTING": True, "SESSION_COOKIE_SECURE": False}, settings=settings)
    assert "Strict-Transport-Security" not in app.test_client().get(IDEA).headers


def test_a_kwestie_file_being_edited_gives_503_and_stores_nothing(send, settings, db):
    """Someone saves kwestie.md with a mistake: residents are told to try again, not shown a 500."""
    write_issue(settings, "in-bewerking", phase="open")
    assert send("/deelnemen/in-bewerking/idee", data={"title": "Koffie"}).status_code == 303
    write_issue(settings, "in-bewerking", phase="misschien")
    response = send("/deelnemen/in-bewerking/idee", data={"title": "Thee"})
    assert response.status_code == 503 and "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert [i["title"] for i in store.ideas(db, "in-bewerking")] == ["Koffie"]


# Issue 14: a forgotten field is a field error; "too fast" only for an otherwise valid form ----------


def test_an_empty_form_sent_at_once_names_the_fields_not_the_speed(client, app, db):
    """A person who opens the form and presses the button at once forgot a field; they are not a robot."""
    fresh = tokens.form_token(app.config["SECRET_KEY"])
    for url, fields in ((IDEA, ["title"]), (JOIN, ["name", "relation"]), (f"/deelnemen/{AZC}/vraag", ["text"])):
        response = client.post(url, data={"form_started": fresh})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "erg snel" not in page
        kind = url.rsplit("/", 1)[1]
        assert all(f'href="#{kind}-{field}"' in page for field in fields)
        assert f"Er {'is' if len(fields) == 1 else 'zijn'} {len(fields)} fout" in page
    assert store.idea_count(db, AZC) == store.question_count(db, AZC) == 0 and store.circle(db, AZC) == {}


def test_after_a_field_error_the_fill_time_keeps_counting(client, app, db):
    """The form comes back with its own token, so fixing one field quickly is not 'too fast';
    a forged or missing token is replaced by a fresh one."""
    secret = app.config["SECRET_KEY"]
    shown = tokens.form_token(secret)
    page = client.post(IDEA, data={"form_started": shown, "body": "Uitleg"}).get_data(as_text=True)
    assert f'name="form_started" value="{shown}"' in page
    forged = client.post(IDEA, data={"form_started": "MTIz.abc"}).get_data(as_text=True)
    assert 'name="form_started" value="MTIz.abc"' not in forged and 'name="form_started" value="' in forged
    trapped = client.post(IDEA, data={"form_started": shown, "website": "x"}).get_data(as_text=True)
    assert f'name="form_started" value="{shown}"' not in trapped  # a filled honeypot gets a fresh token


def test_a_fast_valid_form_is_too_fast_and_stores_nothing(client, app, db):
    """What a robot sends (valid, at once) is still refused, with the form-level message only."""
    fresh = tokens.form_token(app.config["SECRET_KEY"])
    response = client.post(IDEA, data={"title": "Goedkope horloges", "form_started": fresh})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "erg snel" in page and "Er is 1 fout" in page
    assert store.idea_count(db, AZC) == 0
    as_json = client.post(IDEA, data={"title": "Snel", "form_started": fresh}, headers=JSON)
    assert as_json.status_code == 400 and set(as_json.json["fields"]) == {"_form"}
    # Invalid and fast: only the fields; valid and fast: only the speed. Neither is stored.
    assert set(client.post(IDEA, data={"form_started": fresh}, headers=JSON).json["fields"]) == {"title"}
    assert store.idea_count(db, AZC) == 0


# Issue 14: the confirmation shows what was stored, to its sender only --------------------------------


def confirmation_of(client, response):
    assert response.status_code == 303
    return client.get(response.headers["Location"].split("#")[0])


def test_the_idea_confirmation_shows_the_stored_idea(send, client, db):
    response = send(IDEA, data={"title": "Koffie <op> zaterdag", "body": "In het café.", "cost": "1.200",
                                "author_name": "Anna"})
    page = confirmation_of(client, response)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<h1 id=\"bedankt-idee\"" in html and "je idee is opgeslagen" in html
    assert "I1: Koffie &lt;op&gt; zaterdag" in html and "In het café." in html and "€ 1.200" in html
    assert "Anna" in html and f'href="/kwesties/{AZC}/"' in html
    assert "over een paar seconden" not in html.lower()


def test_the_question_confirmation_shows_the_question(send, client):
    page = confirmation_of(client, send(f"/deelnemen/{AZC}/vraag",
                                        data={"text": "Hoeveel mensen komen er?", "author_name": "Piet"}))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="bedankt-vraag"' in html
    assert "Hoeveel mensen komen er?" in html and "Piet" in html and "V1" in html


def test_the_circle_confirmation_says_what_happens_next_without_the_address(send, client, db):
    with_mail = confirmation_of(client, send(JOIN, data={"name": "Ans", "relation": "resident",
                                                         "email": "ans@example.org"})).get_data(as_text=True)
    assert 'id="bedankt-kring"' in with_mail and "Ans" in with_mail and "buurtbewoner" in with_mail
    assert "Klik op de link in die mail" in with_mail
    assert "ans@example.org" not in with_mail and "@" not in with_mail.split("<main", 1)[1]
    without = confirmation_of(client, send(JOIN, data={"name": "Bo", "relation": "other",
                                                       "relation_other": "Ik sport hier"})).get_data(as_text=True)
    assert "Je gaf geen e-mailadres" in without and "Ik sport hier" in without
    token = tokens.thanks_token(client.application.config["SECRET_KEY"], AZC, "L1", "bedankt-kring")
    as_json = client.get(f"/deelnemen/{AZC}/bedankt/L1?t={token}", headers=JSON).json
    assert as_json["name"] == "Ans" and as_json["email_given"] is True
    assert "ans@example.org" not in str(as_json)


def test_a_confirmation_cannot_be_had_by_guessing(send, client, app, db):
    """Another person's contribution is not shown by changing the id, nor by a token of one's own."""
    send(IDEA, data={"title": "Van Anna", "author_name": "Anna"})
    mine = send(IDEA, data={"title": "Van Bo", "author_name": "Bo"}).headers["Location"].split("#")[0]
    token = mine.split("?t=")[1]
    secret = app.config["SECRET_KEY"]
    for url in (f"/deelnemen/{AZC}/bedankt/I1?t={token}",  # my token, another id
                f"/deelnemen/{AZC}/bedankt/I1",  # no token
                f"/deelnemen/{AZC}/bedankt/I1?t=" + tokens.thanks_token("een-ander-geheim", AZC, "I1", "bedankt-idee"),
                f"/deelnemen/{FUND}/bedankt/I2?t={token}",  # another kwestie
                f"/deelnemen/{AZC}/bedankt/I1?t=" + tokens.form_token(secret)):  # another kind of token
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Van Anna" not in response.get_data(as_text=True)
    assert client.get(mine).status_code == 200
    # A signed id that does not exist (any more) is no page either.
    assert client.get(f"/deelnemen/{AZC}/bedankt/I9?t=" + tokens.thanks_token(secret, AZC, "I9", "bedankt-idee")).status_code == 400


def test_a_confirmation_is_gone_after_a_week(send, client, db):
    location = send(IDEA, data={"title": "Oud idee"}).headers["Location"].split("#")[0]
    with database.write(db):
        db.execute("update ideas set created_at = '2020-01-01T00:00:00+00:00'")
    response = client.get(location)
    assert response.status_code == 400 and "Oud idee" not in response.get_data(as_text=True)


def test_a_hidden_idea_is_not_shown_on_its_confirmation(send, client, db):
    location = send(IDEA, data={"title": "Iets lelijks"}).headers["Location"].split("#")[0]
    with database.write(db):
        db.execute("update ideas set hidden_at = ?, hidden_reason = 'Scheldwoord'", [database.now()])
    html = client.get(location).get_data(as_text=True)
    assert "Iets lelijks" not in html and "Scheldwoord" in html


def test_the_circle_confirmation_says_when_the_mail_did_not_go(send, client, settings):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.update(SAMENPLAN_SMTP_HOST="127.0.0.1", SAMENPLAN_SMTP_PORT=port, SAMENPLAN_SMTP_SECURITY="none")
    response = send(JOIN, data={"name": "Bo", "relation": "newcomer", "email": "bo@example.org"})
    assert THANKS.match(response.headers["Location"]).group("thanks") == "bedankt-kring-zonder-mail"
    html = confirmation_of(client, response).get_data(as_text=True)
    assert "We konden je nu geen e-mail sturen" in html and "Je staat wel in de kring" in html
    assert "bo@example.org" not in html
