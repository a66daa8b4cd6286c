"""samenplan: a circle of residents makes a plan together, by consent.

Modules by layer, each with its one job. Imports only go down a layer: the top
uses the domain and the leaves, the domain the leaves, a leaf nothing of ours
(tests/test_layers.py checks it).

  Top: what serves, builds and runs
    web/            the Flask app: blueprints deelnemen.py and deelnemen_meetings.py (/deelnemen/),
                    beheer.py, beheer_plan.py, beheer_meetings.py and beheer_tekst.py (/beheer/),
                    zoeken.py (/zoeken/, search), static_site.py (output/, in the demo); kwestie.py and resident_forms.py
                    what they share, so none imports another; notify.py
                    what is mailed to members; auth.py, csrf.py, db.py, errors.py,
                    headers.py, negotiate.py
    site/           the Pelican plugin: generator.py decides what to write, pages.py
                    renders the HTML, data.py feeds and open data, writer.py writes
                    every file (atomically, announced with content_written)
    build.py        a full build;  rebuild.py  coalescing incremental rebuilds
    cli.py          the `samenplan` command (click);  plan_commands.py  `samenplan plan ...`
    templating.py   registers the Jinja filters and globals on Pelican's and Flask's env
    charts.py       the charts as inline SVG (a bar in parts, with patterns), for the templates

  Domain
    issues.py       kwesties: read content/kwesties/<slug>/kwestie.md
    issue_file.py   write kwestie.md from the /beheer/ form, as people write it by hand
    kwestie_page.py what a kwestie's page shows, for the site and for the preview
    phases.py       the phase guard, and rewriting a kwestie's Phase line
    store.py        contributions: store them, read the public rows back
    forms.py        what residents send, validated;  beheer_forms.py  the /beheer/ forms
    throttle.py     rate limits and login throttling on keyed hashes of IP addresses
    consent.py      the consent rule, rounds, adoption; no override anywhere
    plan.py         the hash-chained YAML plan versions
    council.py      /besluiten/ and the verslag;  opendata.py  JSON and CSV;  feeds.py  Atom
    meetings.py     meetings: announced, their date chosen, signed up for, recorded
    invitations.py  "Wie vindt dit ook belangrijk?": invitations counted, never to whom
    calendar.py     iCalendar files of a kwestie's meetings
    search.py       search: the words of a query, the index of kwesties, ranked results
    accounts.py     coordinator and professional accounts (hashed passwords)
    audit.py        the append-only audit log of everything done in /beheer/
    moderation.py   contributions including hidden ones, never an e-mail address
    next_steps.py   what the coordinator should do next for a kwestie ("Wat nu?")
    digest.py       the weekly digest: what happened in a kwestie between two moments
    demo.py         the demo's circles

  Leaves
    db.py           the database: connection, schema, migrations, short write transactions
    labels.py       the Dutch label of every stored value (phase, channel, relation, ...)
    formats.py      dates, times and euros in the reader's language (Babel)
    i18n.py         the languages, the current one, gettext
    settings.py     Pelican settings (pelicanconf.py) plus samenplan's own
    tokens.py       signed links: e-mail confirmation, a member's personal link, forms
    keys.py         the secret key, made once and kept beside the database
    mail.py         SMTP, or the outbox folder
    poster.py       the poster's public address and QR code
    photo.py        the kwestie's photo: scaled down, upright, without metadata (Pillow)
    place.py        where a kwestie is: its coordinates, the map links, the static map's URL
"""

__version__ = "0.1.0"
