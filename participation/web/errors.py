"""Error pages in the theme (or JSON): every HTTP error a resident can cause."""

import logging

from flask import jsonify, make_response, render_template
from werkzeug.exceptions import HTTPException

from ..db import Busy
from ..i18n import N_, _
from .negotiate import wants_json

log = logging.getLogger(__name__)

MESSAGES = {
    400: (N_("Dat ging niet goed"), N_("We konden je bericht niet lezen. Probeer het nog een keer.")),
    403: (N_("Geen toegang"), N_("Je mag deze pagina niet gebruiken.")),
    404: (N_("Pagina niet gevonden"), N_("Deze pagina bestaat niet (meer). Kijk op de startpagina welke kwesties er zijn.")),
    405: (N_("Dat kan hier niet"), N_("Deze pagina kan dit verzoek niet verwerken.")),
    409: (N_("Dat kan nu niet"), N_("Dat kan niet in de fase waarin deze kwestie nu is.")),
    413: (N_("Je bericht is te groot"), N_("Maak je tekst korter en probeer het opnieuw. Je kunt tot ongeveer 60.000 tekens sturen.")),
    429: (N_("Even wachten"), N_("Je stuurt veel berichten kort na elkaar. Wacht een minuut en probeer het opnieuw.")),
    503: (N_("Even niet beschikbaar"), N_("Probeer het over een paar minuten opnieuw.")),
    500: (N_("Er ging bij ons iets mis"), N_("Probeer het later nog eens. Lukt het dan nog niet? Vraag de coördinator om hulp.")),
}


def error_response(status, explanation=None, **extra):
    if status in MESSAGES:
        title, default = (_(text) for text in MESSAGES[status])
    else:
        title, default = _("Fout %(status)d") % {"status": status}, ""
    explanation = explanation or default
    if wants_json():
        return jsonify(error=title, explanation=explanation, status=status, **extra), status
    return render_template("error.html", status=status, title=title, explanation=explanation), status


def handle_http_exception(error):
    # abort(404), 405, 413 from Werkzeug: answer in our own words.
    return error_response(error.code or 500)


def handle_busy(error):
    # The write lock stayed taken (database.Busy): nothing was stored; come back in a minute.
    response, status = error_response(503)
    response = make_response(response, status)
    response.headers["Retry-After"] = "60"
    return response


def handle_unexpected(error):
    log.exception("Onverwachte fout", exc_info=error)
    return error_response(500)


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Busy, handle_busy)
    app.register_error_handler(Exception, handle_unexpected)
