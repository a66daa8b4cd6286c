"""invoke tasks: the same functions as the `samenplan` command, plus test and bench.

    invoke demo [--port 8000]   build and serve (what ./dev demo runs)
    invoke build                full build into output/
    invoke serve                same as demo
    invoke new <slug>           a new kwestie
    invoke test                 the whole test suite (what ./dev test and CI run)
    invoke bench                the benchmarks in bench/
    invoke translations         extract the messages, update every catalog (participation/translations/)
    invoke mutation             mutation testing of the consent method (slow; see bench/README.md)
"""

import sys

from invoke import task

from participation import cli


@task
def build(c, settings=None):
    """Full build of the site into output/."""
    cli.build(settings)


@task(help={"host": "adres (standaard 127.0.0.1)", "port": "poort (standaard 8000)"})
def serve(c, host="127.0.0.1", port=8000, settings=None):
    """Build, then serve the site and the participation endpoint in one process."""
    cli.serve(settings, host, int(port))


@task(help={"host": "adres (standaard 127.0.0.1)", "port": "poort (standaard 8000)"})
def demo(c, host="127.0.0.1", port=8000):
    """The demo: the two example kwesties, served on http://127.0.0.1:8000/ (and /beheer/)."""
    cli.serve(None, host, int(port), demo=True)


@task
def new(c, slug, settings=None):
    """Create a new kwestie (phase draft) from the template."""
    cli.new(slug, settings)


@task(help={"args": "extra arguments for pytest, e.g. '-k site -x'"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(help={"new": "a language code to add a catalog for, e.g. 'fr'"})
def translations(c, new=None):
    """Extract the messages of the resident side and update every language's catalog.

    Then fill in the new and fuzzy messages (tests/test_translations.py names them);
    a new language also needs its code in SAMENPLAN_LANGUAGES.
    """
    babel = f"{sys.executable} -m babel.messages.frontend"
    pot = "participation/translations/messages.pot"
    c.run(f"{babel} extract --mapping-file babel.cfg --no-location --sort-output --omit-header"
          f" --project samenplan --width 100 --output-file {pot} .", pty=False)
    if new:
        c.run(f"{babel} init --input-file {pot} --output-dir participation/translations --locale {new}", pty=False)
    c.run(f"{babel} update --input-file {pot} --output-dir participation/translations --no-wrap"
          " --ignore-obsolete --update-header-comment", pty=False)


@task(help={"args": "extra arguments for bench/production.py, e.g. '--tiny' or '--only submit'"})
def bench(c, args=""):
    """Run the benchmarks (not part of the test suite; production.py takes some 15 minutes)."""
    c.run(f"{sys.executable} bench/rebuild.py", pty=False)
    c.run(f"{sys.executable} bench/plan_yaml.py", pty=False)
    c.run(f"{sys.executable} bench/production.py {args}", pty=False)


@task(help={"report_only": "geen nieuwe run: alleen de scores van de laatste run",
            "survivors": "toon de diff van elke overlevende mutant",
            "excluded": "toon de mutanten die niet meetellen (tekst van een melding, gelijkwaardig) en waarom",
            "max_children": "aantal parallelle processen (standaard: een per core)"})
def mutation(c, report_only=False, survivors=False, excluded=False, max_children=None):
    """Mutation testing of consent.py, phases.py, plan.py, store's erase and moderation, meetings.py and invitations.py: the score per module."""
    flags = [flag for flag, on in (("--report-only", report_only), ("--survivors", survivors),
                                   ("--excluded", excluded)) if on]
    if max_children:
        flags.append(f"--max-children {int(max_children)}")
    c.run(f"{sys.executable} bench/mutation.py {' '.join(flags)}", pty=False)
