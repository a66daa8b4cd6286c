"""Issue 12: no header is trusted at the login unless a proxy is configured, the login
throttle cannot be raced, and /beheer/ sessions end at logout, a new password or when
the account is disabled (web and command line)."""

import subprocess
import threading

import pytest
from flask import request

from participation import accounts, audit, cli, throttle
from participation.settings import load_settings
from participation.web import create_app

from .conftest import AZC, ROOT
from .support import as_person
from .test_beheer import (PASSWORD, as_coordinator, audit_actions, coordinator, csrf_token,  # noqa: F401 (fixtures)
                          log_in_as, login, post, professional)
from .test_cli import run

PROXY = "10.0.0.1"  # the reverse proxy: every request reaches the app from this address
WRONG = "verkeerd-wachtwoord"
NEW_PASSWORD = "een-heel-nieuw-wachtwoord"


def proxied_app(settings, proxies, **config):
    return create_app({"TESTING": True, "RATE_LIMIT": 10_000, "TRUSTED_PROXIES": proxies, **config},
                      settings=settings)


def from_client(address):
    """As a request arrives through the proxy: its own address, the client's in X-Forwarded-For."""
    return {"environ_base": {"REMOTE_ADDR": PROXY}, "headers": {"X-Forwarded-For": address}}


def send_idea(app, client, address, title):
    data = as_person(app.config["SECRET_KEY"], {"title": title})
    return client.post(f"/deelnemen/{AZC}/idee", data=data, **from_client(address)).status_code


def login_from(client, address, username, password):
    token = csrf_token(client)
    return client.post("/beheer/inloggen", data={"csrf_token": token, "username": username, "password": password},
                       **from_client(address)).status_code


def copy_cookie(source, target):
    """The session cookie of one client into another, as a thief would."""
    cookie = source.get_cookie("samenplan_beheer")
    target.set_cookie(cookie.key, cookie.value)


# SAMENPLAN_TRUSTED_PROXIES ---------------------------------------------------------


def test_the_setting_defaults_to_off_and_comes_from_the_environment(monkeypatch):
    assert load_settings(ROOT / "pelicanconf.py")["SAMENPLAN_TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("SAMENPLAN_TRUSTED_PROXIES", "1")
    assert load_settings(ROOT / "pelicanconf.py")["SAMENPLAN_TRUSTED_PROXIES"] == 1


def test_behind_a_proxy_each_resident_has_their_own_rate_limit(settings):
    app = proxied_app(settings, 1, RATE_LIMIT=2, RATE_WINDOW=60)
    client = app.test_client()
    first = [send_idea(app, client, "203.0.113.7", f"Idee {n}") for n in range(3)]
    assert first == [303, 303, 429]
    assert send_idea(app, client, "203.0.113.8", "Ander idee") == 303  # another resident, the same proxy


def test_without_the_setting_x_forwarded_for_is_ignored(settings):
    app = proxied_app(settings, 0, RATE_LIMIT=2, RATE_WINDOW=60)
    client = app.test_client()
    # A client cannot dodge the limit by sending a new header each time.
    statuses = [send_idea(app, client, f"203.0.113.{n}", f"Idee {n}") for n in range(3)]
    assert statuses == [303, 303, 429]


def test_behind_a_proxy_the_login_throttle_counts_each_client(settings, coordinator, db):
    app = proxied_app(settings, 1)
    attacker, colleague = app.test_client(), app.test_client()
    assert [login_from(attacker, "203.0.113.66", f"naam{n}", WRONG) for n in range(6)] == [400] * 5 + [429]
    assert login_from(colleague, "203.0.113.10", "marieke", PASSWORD) == 303  # not blocked by the attacker


def test_without_the_setting_the_login_throttle_ignores_x_forwarded_for(settings, coordinator):
    app = proxied_app(settings, 0)
    client = app.test_client()
    statuses = [login_from(client, f"203.0.113.{n}", f"naam{n}", WRONG) for n in range(6)]
    assert statuses == [400] * 5 + [429]


def test_behind_a_proxy_the_scheme_comes_from_x_forwarded_proto(settings):
    app = proxied_app(settings, 1)
    seen = {}

    @app.get("/adres")
    def address():
        seen.update(remote=request.remote_addr, scheme=request.scheme)
        return ""

    app.test_client().get("/adres", environ_base={"REMOTE_ADDR": PROXY},
               headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"})
    assert seen == {"remote": "203.0.113.7", "scheme": "https"}  # one proxy: only the last hop counts


# The login throttle cannot be raced ------------------------------------------------------


def test_parallel_wrong_passwords_check_at_most_the_limit(app, coordinator, db, monkeypatch):
    checked = []
    real = accounts.authenticate

    def counting(*args, **kwargs):
        checked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts, "authenticate", counting)
    threads_count = 20
    clients = [app.test_client() for _ in range(threads_count)]
    tokens = [csrf_token(c) for c in clients]
    barrier = threading.Barrier(threads_count)
    statuses = []

    def attempt(client, token):
        barrier.wait()
        response = client.post("/beheer/inloggen", data={"csrf_token": token, "username": "marieke",
                                                        "password": WRONG})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == threads_count
    assert len(checked) <= throttle.LOGIN_ATTEMPTS
    assert statuses.count(400) == len(checked) and statuses.count(429) == threads_count - len(checked)
    assert db["login_failures"].count == len(checked)


def test_a_counted_attempt_is_taken_back_by_a_good_login(db):
    for n in range(throttle.LOGIN_ATTEMPTS):
        assert throttle.login_attempt(db, "anna", "client", now=1000.0 + n)
    assert not throttle.login_attempt(db, "anna", "ander", now=1010.0)  # the name is blocked, from anywhere
    assert db["login_failures"].count == throttle.LOGIN_ATTEMPTS  # a refused attempt is not counted
    assert throttle.login_attempt(db, "anna", "client", now=1000.0 + throttle.LOGIN_WINDOW + 5)  # window over
    throttle.clear_login_failures(db, "anna")
    assert db["login_failures"].count == 0


# Sessions that end ------------------------------------------------------------------------


def test_a_cookie_saved_before_logout_is_refused_after_it(app, client, coordinator, db):
    assert login(client, "marieke", PASSWORD).status_code == 303
    thief = app.test_client()
    copy_cookie(client, thief)
    assert thief.get("/beheer/").status_code == 200  # the copy works while the session lasts
    post(client, "/beheer/uitloggen")
    response = thief.get("/beheer/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/beheer/inloggen")
    assert login(client, "marieke", PASSWORD).status_code == 303  # a new login works
    assert client.get("/beheer/").status_code == 200
    assert thief.get("/beheer/").status_code == 303


def test_a_session_from_before_the_column_existed_counts_as_version_0(client, coordinator, db):
    db.execute("update users set session_version = null")
    log_in_as(client, coordinator)  # a session without a version
    assert client.get("/beheer/").status_code == 200
    assert accounts.end_sessions(db, coordinator["id"]) == 1
    assert client.get("/beheer/").status_code == 303


def test_a_new_password_ends_the_other_sessions(app, client, coordinator, professional, db):
    expert = app.test_client()
    assert login(expert, "wijkagent", PASSWORD).status_code == 303
    assert login(client, "marieke", PASSWORD).status_code == 303
    own_copy = app.test_client()
    copy_cookie(client, own_copy)
    response = post(client, f"/beheer/gebruikers/{professional['id']}/wachtwoord",
                    {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#account-{professional['id']}")
    assert expert.get("/beheer/").status_code == 303  # the professional's session ended
    assert login(expert, "wijkagent", PASSWORD).status_code == 400
    assert login(expert, "wijkagent", NEW_PASSWORD).status_code == 303
    # A coordinator's own new password keeps this session and ends the others.
    assert post(client, f"/beheer/gebruikers/{coordinator['id']}/wachtwoord",
                {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 303
    assert client.get("/beheer/").status_code == 200
    assert own_copy.get("/beheer/").status_code == 303
    entries = [(e["action"], e["detail"]) for e in reversed(audit.entries(db))]
    assert ("set_password", "wijkagent") in entries and ("set_password", "marieke") in entries
    assert not any(NEW_PASSWORD in str(e) or PASSWORD in str(e) for e in audit.entries(db))


@pytest.mark.parametrize("data,field", [
    ({"password": "kort", "password_again": "kort"}, "password"),
    ({"password": NEW_PASSWORD, "password_again": "iets-anders-dan-dat"}, "password_again"),
])
def test_an_invalid_new_password_is_400(as_coordinator, professional, db, data, field):
    response = post(as_coordinator, f"/beheer/gebruikers/{professional['id']}/wachtwoord", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#wachtwoord-{professional["id"]}-{field}"' in page and "<title>Fout: " in page
    assert data["password"] not in page
    assert accounts.authenticate(db, "wijkagent", PASSWORD) is not None


def test_a_disabled_account_cannot_log_in_and_its_session_ends(app, client, coordinator, professional, db):
    expert = app.test_client()
    assert login(expert, "wijkagent", PASSWORD).status_code == 303
    log_in_as(client, coordinator)
    page = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert f'action="/beheer/gebruikers/{professional["id"]}/uitzetten"' in page
    assert f'action="/beheer/gebruikers/{coordinator["id"]}/uitzetten"' not in page  # not one's own
    assert f'action="/beheer/gebruikers/{professional["id"]}/wachtwoord"' in page
    assert post(client, f"/beheer/gebruikers/{professional['id']}/uitzetten").status_code == 303
    assert expert.get("/beheer/").status_code == 303
    response = login(expert, "wijkagent", PASSWORD)
    assert response.status_code == 403 and "Dit account is uitgezet" in response.get_data(as_text=True)
    assert login(expert, "wijkagent", WRONG).status_code == 400  # says nothing without the password
    assert accounts.authenticate(db, "wijkagent", PASSWORD) is None
    page = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert "uitgezet op" in page and f'action="/beheer/gebruikers/{professional["id"]}/aanzetten"' in page
    assert post(client, f"/beheer/gebruikers/{professional['id']}/aanzetten").status_code == 303
    assert login(expert, "wijkagent", PASSWORD).status_code == 303
    assert [(a[1], d) for a, d in zip(audit_actions(db), [e["detail"] for e in reversed(audit.entries(db))])
            if a[1] in ("disable_user", "enable_user")] == [("disable_user", "wijkagent"), ("enable_user", "wijkagent")]


def test_a_coordinator_cannot_disable_their_own_account(as_coordinator, coordinator, db):
    response = post(as_coordinator, f"/beheer/gebruikers/{coordinator['id']}/uitzetten")
    assert response.status_code == 409 and "eigen account" in response.get_data(as_text=True)
    assert accounts.get_user(db, coordinator["id"])["disabled_at"] is None
    assert as_coordinator.get("/beheer/").status_code == 200


@pytest.mark.parametrize("action", ["uitzetten", "aanzetten", "wachtwoord"])
def test_account_actions_need_a_coordinator_and_an_account(client, as_coordinator, coordinator, professional,
                                                            action):
    assert post(client, f"/beheer/gebruikers/999/{action}",
                {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 404
    log_in_as(client, professional)
    assert post(client, f"/beheer/gebruikers/{coordinator['id']}/{action}",
                {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 403


def test_account_actions_need_the_csrf_token(as_coordinator, professional, db):
    assert as_coordinator.post(f"/beheer/gebruikers/{professional['id']}/uitzetten").status_code == 400
    assert accounts.get_user(db, professional["id"])["disabled_at"] is None


# The command line ---------------------------------------------------------------------------


def test_cli_disable_enable_and_password(settings, db, professional, monkeypatch, capsys):
    monkeypatch.setenv("SAMENPLAN_DATABASE", settings["SAMENPLAN_DATABASE"])
    assert cli.main(["user", "disable", "Wijkagent"]) == 0
    assert "wijkagent is uitgezet" in capsys.readouterr().out
    assert accounts.authenticate(db, "wijkagent", PASSWORD) is None
    assert accounts.get_user(db, professional["id"])["session_version"] == 1
    assert cli.main(["user", "enable", "wijkagent"]) == 0
    assert accounts.authenticate(db, "wijkagent", PASSWORD) is not None
    monkeypatch.setenv("SAMENPLAN_PASSWORD", NEW_PASSWORD)
    assert cli.main(["user", "password", "wijkagent"]) == 0
    assert "nieuw wachtwoord" in capsys.readouterr().out
    assert accounts.authenticate(db, "wijkagent", NEW_PASSWORD) is not None
    assert accounts.get_user(db, professional["id"])["session_version"] == 2
    assert [(e["username"], e["action"], e["detail"]) for e in reversed(audit.entries(db))] == [
        ("systeem", "disable_user", "wijkagent"), ("systeem", "enable_user", "wijkagent"),
        ("systeem", "set_password", "wijkagent")]
    for command in ("disable", "enable", "password"):
        assert cli.main(["user", command, "niemand"]) == 1
        assert "samenplan: Account 'niemand' bestaat niet" in capsys.readouterr().err
    monkeypatch.setenv("SAMENPLAN_PASSWORD", "kort")
    assert cli.main(["user", "password", "wijkagent"]) == 1
    assert "minstens 12 tekens" in capsys.readouterr().err


def test_cli_password_asks_twice(settings, db, professional, monkeypatch, capsys):
    monkeypatch.setenv("SAMENPLAN_DATABASE", settings["SAMENPLAN_DATABASE"])
    monkeypatch.delenv("SAMENPLAN_PASSWORD", raising=False)
    answers = iter([NEW_PASSWORD, NEW_PASSWORD + "x"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.main(["user", "password", "wijkagent"]) == 1
    assert "niet hetzelfde" in capsys.readouterr().err
    answers = iter([NEW_PASSWORD, NEW_PASSWORD])
    assert cli.main(["user", "password", "wijkagent"]) == 0
    assert accounts.authenticate(db, "wijkagent", NEW_PASSWORD) is not None


def test_cli_user_commands_through_the_console_script(tmp_path):
    settings_file = str(ROOT / "pelicanconf.py")
    assert run("--settings", settings_file, "user", "add", "anna", folder=tmp_path).returncode == 0
    for command in ("disable", "enable", "password"):
        result = run("--settings", settings_file, "user", command, "anna", folder=tmp_path)
        assert result.returncode == 0, result.stderr
        unknown = run("--settings", settings_file, "user", command, "niemand", folder=tmp_path)
        assert unknown.returncode == 1 and unknown.stderr == "samenplan: Account 'niemand' bestaat niet\n"
    listed = run("user", "--help", folder=tmp_path)
    assert isinstance(listed, subprocess.CompletedProcess) and listed.returncode == 0
    assert {"add", "disable", "enable", "password"} <= set(listed.stdout.split("Commands:", 1)[1].split())
