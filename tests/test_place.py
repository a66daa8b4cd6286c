"""Where a kwestie is (issue 18): `Coordinates:` in kwestie.md links the page to OpenStreetMap
and to a phone's map app (geo:), and nothing is loaded from another host unless the operator
configures a static map service of their own (SAMENPLAN_STATIC_MAP_URL)."""

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from participation.build import build
from participation.issues import IssueFileError
from participation.web import create_app

from .conftest import FUND, write_issue
from .support import read_kwestie
from .test_kwestie_text import coordinator, form_fields, kwestie_file  # noqa: F401 (a fixture)
from .test_beheer import post
from .test_site_build import read

BRINK = "bankje-op-de-brink"
OSM = 'href="https://www.openstreetmap.org/?mlat=53.219412&amp;mlon=-6.5#map=17/53.219412/-6.5"'
GEO = 'href="geo:53.219412,-6.5"'
MAP_SERVICE = "https://kaart.example.nl/static?center={lat},{lon}&size={width}x{height}"


def with_coordinates(settings, value="53.2194123456, -6.50"):
    write_issue(settings, BRINK, Place="Brink, Eemswierum", Coordinates=value)


def test_the_page_links_to_the_place_on_openstreetmap_and_in_a_map_app(settings):
    with_coordinates(settings)
    build(settings)
    for page in (f"kwesties/{BRINK}/index.html", f"en/kwesties/{BRINK}/index.html", f"ar/kwesties/{BRINK}/index.html"):
        html = read(settings, page)
        # A dot, at most six decimals, in every language (never the decimal comma of nl).
        assert OSM in html and GEO in html, page
    assert ">open in je kaart-app</a>" in read(settings, f"kwesties/{BRINK}/index.html")


def test_without_coordinates_there_are_no_map_links(settings):
    write_issue(settings, BRINK, Place="Brink, Eemswierum")
    build(settings)
    html = read(settings, f"kwesties/{BRINK}/index.html")
    assert "openstreetmap" not in html and "geo:" not in html and "place-links" not in html


@pytest.mark.parametrize("value", ["53.2194", "91, 0", "53.2, 181", "noord, oost", "53,2194", "53.2 6.5 1"])
def test_coordinates_that_are_not_a_place_on_earth_name_the_field(settings, value):
    with_coordinates(settings, value)
    with pytest.raises(IssueFileError, match=r"kwestie\.md: Coordinates: "):
        read_kwestie(settings, BRINK)


def test_coordinates_at_the_edges_and_written_with_spaces_only_are_read(settings):
    with_coordinates(settings, "-90 180")
    assert read_kwestie(settings, BRINK).coordinates.geo_uri == "geo:-90,180"


class ExternalSources(HTMLParser):
    """What a browser would fetch from another host on its own: src, srcset, <link href>, …
    (a link the reader follows, <a href>, is not fetched)."""

    FETCHED = {"src", "srcset", "href", "action", "data", "poster", "background"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            fetched = (name in self.FETCHED and tag != "a") or (name == "style" and "url(" in (value or ""))
            if fetched and value and ("://" in value or value.startswith("//")):
                self.found.append((tag, name, value))


def external_sources(settings):
    found = []
    for path in sorted(Path(settings["OUTPUT_PATH"]).rglob("*.html")):
        parser = ExternalSources()
        parser.feed(path.read_text(encoding="utf-8"))
        found += [(path.name, *source) for source in parser.found]
    return found


def test_by_default_no_page_loads_anything_from_another_host(settings):
    with_coordinates(settings)
    build(settings)
    assert OSM in read(settings, f"kwesties/{BRINK}/index.html")
    assert 'href="geo:53.3611,6.7452"' in read(settings, f"kwesties/{FUND}/index.html")  # the demo's too
    assert external_sources(settings) == []
    assert "place-map" not in read(settings, f"kwesties/{BRINK}/index.html")


def test_a_configured_static_map_is_shown_with_its_size_and_alt_text(settings):
    with_coordinates(settings)
    settings["SAMENPLAN_STATIC_MAP_URL"] = MAP_SERVICE
    build(settings)
    image = ('<img src="https://kaart.example.nl/static?center=53.219412,-6.5&amp;size=640x320" width="640" '
             'height="320" alt="{}">')
    assert image.format("Kaart: Brink, Eemswierum en omgeving") in read(settings, f"kwesties/{BRINK}/index.html")
    assert image.format("Map: Brink, Eemswierum and the area around it") in read(
        settings, f"en/kwesties/{BRINK}/index.html")  # the place's name is the coordinator's, in Dutch
    assert {host for *_, value in external_sources(settings) for host in [value.split("/")[2]]} == {"kaart.example.nl"}


def test_the_apps_content_security_policy_allows_the_map_host_only_when_configured(settings):
    default = create_app({"TESTING": True}, settings=settings).test_client().get("/beheer/inloggen")
    assert "img-src 'self' data:;" in default.headers["Content-Security-Policy"]
    settings["SAMENPLAN_STATIC_MAP_URL"] = MAP_SERVICE
    with_map = create_app({"TESTING": True}, settings=settings).test_client().get("/beheer/inloggen")
    assert "img-src 'self' data: https://kaart.example.nl;" in with_map.headers["Content-Security-Policy"]
    assert "default-src 'none'" in with_map.headers["Content-Security-Policy"]


def test_the_open_data_carries_the_coordinates(settings):
    with_coordinates(settings)
    write_issue(settings, "zonder-plek")
    build(settings)
    schema = json.loads(read(settings, "schemas/kwestie.schema.json"))
    with_place, without = (json.loads(read(settings, f"kwesties/{slug}.json")) for slug in (BRINK, "zonder-plek"))
    for data in (with_place, without):
        jsonschema.validate(data, schema)
    assert with_place["kwestie"]["coordinates"] == {"latitude": 53.219412, "longitude": -6.5}
    assert without["kwestie"]["coordinates"] is None


def test_the_coordinator_writes_the_coordinates_in_the_form_and_a_wrong_value_is_refused(client, settings,
                                                                                         coordinator):
    with_coordinates(settings, "53.2194, 6.5665")
    path = kwestie_file(settings, BRINK)
    fields = form_fields(client.get(f"/beheer/{BRINK}/tekst").get_data(as_text=True))
    assert fields["coordinates"] == "53.2194, 6.5665"
    refused = post(client, f"/beheer/{BRINK}/tekst", {**fields, "coordinates": "91, 0", "action": "save"})
    assert refused.status_code == 400
    assert "Coördinaten: de breedtegraad (het eerste getal) ligt tussen -90 en 90" in refused.get_data(as_text=True)
    assert "Coordinates: 53.2194, 6.5665\n" in path.read_text(encoding="utf-8")
    saved = post(client, f"/beheer/{BRINK}/tekst", {**fields, "coordinates": "53.3611, 6.7452", "action": "save"})
    assert saved.status_code == 303
    assert read_kwestie(settings, BRINK).coordinates.geo_uri == "geo:53.3611,6.7452"
