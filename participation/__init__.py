"""samenplan: a circle of residents makes a plan together, by consent.

Folders by job:
  issues.py     kwesties: read content/kwesties/<slug>/kwestie.md
  settings.py   load Pelican settings (pelicanconf.py) plus samenplan's own
  db.py         the SQLite database: connection, schema, short write transactions
  store.py      contributions: store them, read the public rows back
  forms.py      validation of what residents send
  site/         the Pelican plugin: generator that renders kwestie pages
  rebuild.py    coalescing incremental rebuilds after contributions
  accounts.py   coordinator and professional accounts (hashed passwords)
  audit.py      the append-only audit log of everything done in /beheer/
  phases.py     the phase guard, and rewriting a kwestie's Phase line
  moderation.py what the coordinator sees: contributions including hidden ones
  beheer_forms.py  validation of the /beheer/ forms
  concept_plan.py  the plan page's extras: who answered what in a round, an agreement's ideas
  web/          the Flask app: /deelnemen/, /beheer/ (beheer_plan.py: consent and the plan)
                and serving output/ in the demo
  cli.py        the `samenplan` command
"""

__version__ = "0.1.0"
