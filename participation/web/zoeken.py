"""/zoeken/?q=…: find a kwestie, idea, question, agreement or meeting across the site.

A plain GET form (on every page, in the header) answered here, since static pages cannot
search. What it finds is what the site shows (search.py keeps the index current); the results
link to the static pages. Whatever is typed gets results or an empty list: the words are cut
out of the query, never passed on as FTS5 syntax.
"""

from flask import Blueprint, current_app, render_template, request

from .. import i18n, search
from ..i18n import N_
from .db import get_db
from .kwestie import settings

bp = Blueprint("zoeken", __name__, url_prefix="/zoeken")

# Kinds by their word in the address (?soort=idee) and what a result of each is called.
KINDS = {"kwestie": "kwestie", "idee": "idea", "vraag": "question", "afspraak": "agreement",
         "bijeenkomst": "meeting"}
KIND_LABELS = {"kwestie": N_("Kwestie"), "idea": N_("Idee"), "question": N_("Vraag"),
               "agreement": N_("Afspraak"), "meeting": N_("Bijeenkomst")}
ORDER_LABELS = {"relevant": N_("Best passend"), "nieuw": N_("Nieuwste eerst"),
                "besproken": N_("Meest besproken eerst")}
PREFIXES = {"idea": "I", "question": "V", "agreement": "A"}
LISTED_KWESTIES = 50  # more public kwesties than this: no list of them all in the form


@bp.get("/")
def results():
    db = get_db()
    issues = current_app.extensions["samenplan.issues"]
    public = search.public_issues(db)
    args = request.args
    kwestie = args.get("kwestie") if args.get("kwestie") in public else None
    kind = KINDS.get(args.get("soort", ""))
    order = args.get("volgorde") if args.get("volgorde") in ORDER_LABELS else "relevant"
    page = int(args["pagina"]) if args.get("pagina", "").isascii() and args.get("pagina", "").isdigit() \
        and len(args["pagina"]) < 7 else 1
    query = args.get("q", "")
    found = search.search(db, query, kwestie=kwestie, kind=kind, order=order, page=page)
    groups = []
    for slug, rows in search.grouped(found["results"]):
        issue = issues.get(slug)
        if issue is not None:  # made a draft since the last build
            groups.append((issue, [dict(r, url=result_url(issue, r)) for r in rows]))
    # A choice of kwestie while there are few; with many, the one asked for (from its ideas page).
    listed = public if len(public) <= LISTED_KWESTIES else [kwestie] if kwestie else []
    titles = [(slug, issues.get(slug)) for slug in listed]
    return render_template(
        "zoeken.html", query=query[:search.MAX_QUERY], found=found, groups=groups, kwestie=kwestie,
        kind=args.get("soort") if kind else "", order=order, kind_labels=KIND_LABELS, order_labels=ORDER_LABELS,
        kinds=KINDS, prefixes=PREFIXES, searchable=[(slug, i) for slug, i in titles if i is not None])


def result_url(issue, row):
    """The static page that shows a result, in the current language, at its place."""
    s = settings()
    kwestie = f"{s['SITEURL']}{i18n.prefix(i18n.current())}/kwesties/{issue.slug}/"
    number = row["number"]
    if row["kind"] in ("idea", "question"):
        page = search.page_of(number, s["SAMENPLAN_IDEAS_PER_PAGE"])
        folder = "ideeen" if row["kind"] == "idea" else "vragen"
        return f"{kwestie}{folder}/{page if page > 1 else ''}{'/' if page > 1 else ''}#{PREFIXES[row['kind']]}{number}"
    if row["kind"] == "agreement":
        return f"{kwestie}#A{number}"
    if row["kind"] == "meeting":
        return f"{kwestie}bijeenkomsten/{number}/"
    return kwestie
