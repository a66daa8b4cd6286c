"""Languages: everything a resident sees, in Dutch (the source) and every language of the site.

    with i18n.using("ar"):
        _("Stuur een idee")        # 'أرسل فكرة'
        formats.date(day)          # dates, numbers and money the Arabic way

Messages are gettext catalogs, one per language, in participation/translations/<lang>/
LC_MESSAGES/messages.po, extracted from the Python code and the theme's templates with
Babel (`invoke translations`). The site's languages are SAMENPLAN_LANGUAGES (settings.py):
adding one is adding its catalog and its code there. The .po files are compiled in memory
at first use, so no binary .mo lives in git and no install step can be forgotten.

The current language is a context variable: the static build sets it per page (site/
writer.py), the Flask app per request from the address (/en/deelnemen/…, web/languages.py).
"""

import contextlib
import contextvars
import functools
import io
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import pass_eval_context
from markupsafe import Markup

SOURCE = "nl"  # the language the messages are written in
FOLDER = Path(__file__).parent / "translations"
DOMAIN = "messages"

_current = contextvars.ContextVar("samenplan_language", default=SOURCE)


def languages(settings):
    """The site's languages, the source first: ('nl', 'en', 'ar', 'uk', 'tr')."""
    codes = [c.strip() for c in str(settings.get("SAMENPLAN_LANGUAGES", SOURCE)).split(",") if c.strip()]
    return (SOURCE, *[c for c in dict.fromkeys(codes) if c != SOURCE])


def current():
    """The language being rendered or answered in."""
    return _current.get()


def set_current(lang):
    """Switch to lang until reset(token): for a request, which starts and ends in two functions."""
    return _current.set(lang)


def reset(token):
    _current.reset(token)


@contextlib.contextmanager
def using(lang):
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(lang):
    return FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang):
    """The compiled catalog of a language; Dutch is the source, so it needs none."""
    if lang == SOURCE:
        return NullTranslations()
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)  # a fuzzy guess is shown as the Dutch source
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def gettext(message):
    return translations(_current.get()).ugettext(message)


def ngettext(singular, plural, n):
    return translations(_current.get()).ungettext(singular, plural, n)


def pgettext(context, message):
    return translations(_current.get()).upgettext(context, message)


_ = gettext


def N_(message):
    """Marks a message for extraction where it is defined (a table of labels); it is
    translated where it is shown, with _()."""
    return message


@functools.cache
def locale(lang):
    return Locale.parse(lang)


def direction(lang):
    """'rtl' for a language written right to left (Arabic), else 'ltr'."""
    return "rtl" if locale(lang).character_order == "right-to-left" else "ltr"


@functools.cache
def own_name(lang):
    """The language's name in itself, so its readers recognise it: العربية, Українська."""
    name = locale(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


def name(lang, in_language=SOURCE):
    """The language's name in another language (CLDR): name('ar') == 'Arabisch'."""
    return locale(in_language).languages.get(lang, lang)


def prefix(lang):
    """The address prefix of a language: '' for Dutch, '/en' for English."""
    return "" if lang == SOURCE else f"/{lang}"


# Texts of the settings (pelicanconf.py) that a catalog may translate: {{ SITESUBTITLE | translated }}.
SETTINGS_TEXTS = (N_("Samen een plan maken"),)


@pass_eval_context
def _template_gettext(eval_ctx, message, **variables):
    """Jinja's newstyle gettext (a message is a %-format; markup in it stays, values are
    escaped), with the result of a message without values kept per language: a page in
    five languages asks for the same few hundred messages thousands of times."""
    if not eval_ctx.autoescape:  # a mail: plain text
        return gettext(message) % variables
    if variables:
        return Markup(gettext(message)) % variables
    return _escaped(_current.get(), message)


@functools.lru_cache(maxsize=16384)
def _escaped(lang, message):
    return Markup(translations(lang).ugettext(message)) % {}


@pass_eval_context
def _template_ngettext(eval_ctx, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = ngettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_pgettext(eval_ctx, context, message, **variables):
    text = pgettext(context, message)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def install(env):
    """Give a Jinja environment _(), gettext() and ngettext() in the current language, as
    jinja2.ext.i18n's newstyle gettext does, and the filter `translated` for a text that is not
    in a template (a setting), without %-formatting."""
    env.filters["translated"] = lambda text: gettext(text) if text else text  # gettext("") is the header
    env.filters["language_name"] = name  # in Dutch: for the coordinator's area
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True  # {% trans %} blocks call gettext(message, **values) too
    env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
                       pgettext=_template_pgettext)
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks as one line, as babel.cfg extracts them


def page_values(settings, lang, base_url, path):
    """What base.html needs to show a page in `lang`: lang and dir for <html>, the prefix for
    its links, and the same page in every language (hreflang links, the language choice).

    base_url: SITEURL for the static site, the participation address for the forms;
    path: the page's address below it, without the language prefix ('kwesties/azc/').
    """
    return {
        "lang": lang,
        "lang_dir": direction(lang),
        "lang_prefix": prefix(lang),
        # On an element that shows what a coordinator typed (always Dutch): a meeting's place, agenda, account.
        "in_source": "" if lang == SOURCE else Markup(f' lang="{SOURCE}" dir="ltr"'),
        "page_languages": [
            {"lang": code, "name": own_name(code), "dir": direction(code), "url": f"{base_url}{prefix(code)}/{path}"}
            for code in languages(settings)
        ],
    }
