"""Search end to end (issue 18): the real `samenplan serve` process over HTTP.

An idea sent through the form is found by the next search, before its page is even rebuilt:
the index is written in the same transaction as the idea. The coordinator hides it through
/beheer/ and the next search no longer finds it. Whatever is typed into the box gets a page.
"""

import re

import pytest
import requests


from .support import AZC, COORDINATOR, Server, form_token_from, wait_for, with_coordinator

USERNAME, PASSWORD = COORDINATOR
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = with_coordinator(Server(tmp_path_factory.mktemp("zoeken")))
    server.start()
    yield server
    server.stop()


def send_idea(server, title, body):
    form = requests.get(f"{server.url}/deelnemen/{AZC}/idee", timeout=5)
    response = requests.post(f"{server.url}/deelnemen/{AZC}/idee", allow_redirects=False, timeout=5,
                             data={"title": title, "body": body, "author_name": "Fatma",
                                   "form_started": form_token_from(form.text)})
    assert response.status_code == 303
    return int(re.search(r"/bedankt/I(\d+)", response.headers["Location"]).group(1))


def search(server, query, **params):
    response = requests.get(f"{server.url}/zoeken/", params={"q": query, **params}, timeout=5)
    assert response.status_code == 200
    return response.text


def test_an_idea_sent_is_found_by_the_next_search_and_its_link_leads_to_it(server):
    number = send_idea(server, "Een speeltuin achter het café", "Met een wipkip en een zandbak.")
    found = search(server, "SPEEL cafe")  # another case, without the accent, the start of a word
    link = f'/kwesties/{AZC}/ideeen/#I{number}'
    assert f'href="{link}"' in found and "<mark>speeltuin</mark>" in found
    # The link goes to the static page, which shows it once the worker rebuilt it.
    page = f"{server.url}/kwesties/{AZC}/ideeen/"
    assert wait_for(lambda: f'id="I{number}"' in requests.get(page, timeout=5).text, timeout=15)


def test_a_hidden_idea_is_not_found_by_the_next_search(server):
    number = send_idea(server, "Een scheldpartij", "Iets kwetsends over de buren.")
    assert f"#I{number}" in search(server, "kwetsends")
    session = requests.Session()
    login = session.get(f"{server.url}/beheer/inloggen", timeout=5).text
    response = session.post(f"{server.url}/beheer/inloggen", allow_redirects=False, timeout=5,
                            data={"csrf_token": CSRF.search(login).group(1), "username": USERNAME,
                                  "password": PASSWORD})
    assert response.status_code == 303
    page = session.get(f"{server.url}/beheer/{AZC}/moderatie", timeout=5).text
    response = session.post(f"{server.url}/beheer/{AZC}/verbergen", allow_redirects=False, timeout=5,
                            data={"csrf_token": CSRF.search(page).group(1), "table": "ideas", "number": number,
                                  "reason": "Kwetsend"})
    assert response.status_code == 303
    assert f"#I{number}" not in search(server, "kwetsends") and "Niets gevonden" in search(server, "kwetsends")


ODD = ['"', 'speel"', '"speel OR (', "NOT", "a AND", "NEAR(speel tuin)", "speel*", "*", "^", "-", "+",
       "title:speel", "{x}", "[", "'", ";", "\\", "%", "\x00", "\u202e\u202d", "🙂🙃", "ﷺ", "ｓｐｅｅｌ",
       "e\u0301", "\ud7ff", "𝔰𝔭𝔢𝔢𝔩", "a" * 1000, " OR ".join(["x"] * 40)]


def test_any_query_gets_a_page_never_a_500(server):
    send_idea(server, "Speeltuin", "Om te spelen.")
    for query in ODD:
        response = requests.get(f"{server.url}/zoeken/", params={"q": query}, timeout=5)
        assert response.status_code == 200, query
        assert "<h1>Zoeken</h1>" in response.text
    # Bytes that are no UTF-8 at all, and parameters that make no sense.
    for raw in ("q=%FF%FE", "q=%ED%A0%80", "pagina=-1&q=speel", "pagina=1e9&q=speel", "kwestie=%00&q=speel",
                "soort[]=idee&q=speel", "q=speel&q=tuin", "volgorde=" + "x" * 5000):
        response = requests.get(f"{server.url}/zoeken/?{raw}", timeout=5)
        assert response.status_code == 200, raw
    assert requests.get(f"{server.url}/en/zoeken/?q=%22", timeout=5).status_code == 200


def test_the_form_in_the_header_of_a_static_page_leads_to_the_search(server):
    home = requests.get(f"{server.url}/", timeout=5).text
    action = re.search(r'<form class="site-search" method="get" action="([^"]+)"', home).group(1)
    assert action == "/zoeken/"  # SAMENPLAN_PARTICIPATION_URL is empty in the demo: the same host
    response = requests.get(server.url + action, params={"q": "zwaan"}, timeout=5)
    assert response.status_code == 200 and f'href="/kwesties/{AZC}/"' in response.text
