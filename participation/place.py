"""Where a kwestie is: `Coordinates: 53.2194, 6.5665` in kwestie.md (WGS84, decimal degrees).

The page links to the place (OpenStreetMap, and a geo: URI for phones, RFC 5870) and loads
no map from elsewhere, unless the operator configures a static map service of their own
(SAMENPLAN_STATIC_MAP_URL). Numbers are always written with a dot, whatever the page's
language: they go into URLs, not into sentences.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

NUMBER = re.compile(r"^[+-]?\d{1,3}(?:\.\d+)?$")
EXAMPLE = "53.2194, 6.5665"
# The static map's size in CSS pixels: the image's width and height, and {width}/{height} in the URL.
MAP_WIDTH, MAP_HEIGHT = 640, 320
OSM_ZOOM = 17  # a street and its houses


def number(value):
    """A degree as text for a URL: a dot, at most 6 decimals (about 10 cm), no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Coordinates:
    latitude: float
    longitude: float
    map_width, map_height = MAP_WIDTH, MAP_HEIGHT  # (not fields: class attributes)

    @property
    def lat(self):
        return number(self.latitude)

    @property
    def lon(self):
        return number(self.longitude)

    @property
    def text(self):
        """As written in kwestie.md: '53.2194, 6.5665'."""
        return f"{self.lat}, {self.lon}"

    @property
    def osm_url(self):
        return f"https://www.openstreetmap.org/?mlat={self.lat}&mlon={self.lon}#map={OSM_ZOOM}/{self.lat}/{self.lon}"

    @property
    def geo_uri(self):
        return f"geo:{self.lat},{self.lon}"

    def static_map_url(self, template):
        """SAMENPLAN_STATIC_MAP_URL filled in; replace(), not format(): a URL may hold other braces."""
        for name, value in (("{lat}", self.lat), ("{lon}", self.lon), ("{width}", str(MAP_WIDTH)),
                            ("{height}", str(MAP_HEIGHT))):
            template = template.replace(name, value)
        return template


def parse(text):
    """Coordinates from 'lat, lon' (a comma or spaces between); None when empty.
    ValueError with a Dutch message (to follow "<field name>: ") when it is not two numbers
    within range."""
    text = (text or "").strip()
    if not text:
        return None
    parts = [p for p in re.split(r"\s*,\s*|\s+", text) if p]
    comma_decimal = re.fullmatch(r"[+-]?\d+,\d+", text)  # '53,21': one number, with a decimal comma
    if len(parts) != 2 or comma_decimal or not all(NUMBER.match(p) for p in parts):
        raise ValueError(f"schrijf twee getallen met een punt, breedtegraad en lengtegraad, "
                         f"zoals {EXAMPLE} (niet {text!r})")
    latitude, longitude = (float(p) for p in parts)
    if not -90 <= latitude <= 90:
        raise ValueError(f"de breedtegraad (het eerste getal) ligt tussen -90 en 90, niet {parts[0]}")
    if not -180 <= longitude <= 180:
        raise ValueError(f"de lengtegraad (het tweede getal) ligt tussen -180 en 180, niet {parts[1]}")
    return Coordinates(latitude, longitude)


def map_origin(template):
    """The scheme and host a static map comes from ('https://kaart.example.nl'), for the
    Content-Security-Policy's img-src; '' when none is configured."""
    parts = urlsplit(template or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
