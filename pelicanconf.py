"""Pelican settings for samenplan (development and the demo).

Everything samenplan adds is prefixed SAMENPLAN_; the rest is plain Pelican.
Paths are relative to this file.
"""

AUTHOR = "samenplan"
SITENAME = "samenplan"
SITESUBTITLE = "Samen een plan maken"
SITEURL = ""
DEFAULT_LANG = "nl"
TIMEZONE = "Europe/Amsterdam"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "themes/samen"

PLUGINS = ["participation.site"]
# Residents' text reaches the templates: escape everything unless marked safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Kwesties are not blog articles: the plugin's generator reads them from
# content/kwesties/ and writes the home page itself.
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
DIRECT_TEMPLATES = []
PAGE_URL = "{slug}/"
# The plugin writes the pages, in every language (a translation: over.en.md with Lang: en).
PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = ""
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

# samenplan: the defaults and what each means are in participation/settings.py.
# An environment variable of the same name wins over this file.
SAMENPLAN_DATABASE = "instance/samenplan.db"
SAMENPLAN_LANGUAGES = "nl,en,ar,uk,tr"  # the resident side; each needs its catalog in participation/translations/
SAMENPLAN_PARTICIPATION_URL = ""  # where /deelnemen/ lives; "" = same host
SAMENPLAN_TRUSTED_PROXIES = 0  # reverse proxies in front of gunicorn (e.g. 1 for nginx); 0 = trust no X-Forwarded-* header
SAMENPLAN_STATIC_MAP_URL = ""  # a map image from a service of your own, with {lat} and {lon}; "" = links only
