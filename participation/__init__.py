"""samenplan: a circle of residents makes a plan together, by consent.

Modules by job:

  The kwestie and its settings
    issues.py       kwesties: read content/kwesties/<slug>/kwestie.md
    settings.py     load Pelican settings (pelicanconf.py) plus samenplan's own
    phases.py       the phase guard, and rewriting a kwestie's Phase line

  What residents send, in SQLite
    db.py           the database: connection, schema, short write transactions
    store.py        contributions: store them, read the public rows back
    forms.py        validation of what residents send
    tokens.py       signed links: e-mail confirmation, a member's personal link
    throttle.py     rate limits and login throttling on keyed hashes of IP addresses
    keys.py         the secret key, made once and kept beside the database
    mail.py         SMTP, or the outbox folder;  notify.py  what is mailed to members

  Consent and the plan
    consent.py      the consent rule, rounds, adoption; no override anywhere
    plan.py         the hash-chained YAML versions; plan_commands.py  `samenplan plan ...`
    concept_plan.py who answered what in a round (for /beheer/)

  What the site shows
    site/           the Pelican plugin: the generator that renders every kwestie's pages
    build.py        a full build;  rebuild.py  coalescing incremental rebuilds
    council.py      /besluiten/ and the verslag;  opendata.py  JSON and CSV
    feeds.py        Atom;  poster.py  the A4 poster and its QR code
    templating.py   Jinja filters shared by Pelican and Flask;  dutch.py  dates and euros

  The coordinator
    accounts.py     coordinator and professional accounts (hashed passwords)
    audit.py        the append-only audit log of everything done in /beheer/
    moderation.py   contributions including hidden ones, never an e-mail address
    beheer_forms.py validation of the /beheer/ forms

  web/              the Flask app: deelnemen.py (/deelnemen/), beheer.py and
                    beheer_plan.py (/beheer/), csrf.py, headers.py, and serving
                    output/ in the demo (static_site.py)
  cli.py            the `samenplan` command;  demo.py  the demo's circles
"""

__version__ = "0.1.0"
