"""invoke tasks: the same functions as the `samenplan` command, plus test and bench.

    invoke demo [--port 8000]   build and serve (what ./dev demo runs)
    invoke build                full build into output/
    invoke serve                same as demo
    invoke new <slug>           a new kwestie
    invoke test                 the whole test suite (what ./dev test and CI run)
    invoke bench                the benchmarks in bench/
"""

import shutil
import sys
from pathlib import Path

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


@task
def bench(c):
    """Run the benchmarks (not part of the test suite)."""
    c.run(f"{sys.executable} bench/rebuild.py", pty=False)
    c.run(f"{sys.executable} bench/plan_yaml.py", pty=False)
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        c.run(f"{sys.executable} bench/submit.py", pty=False)
    else:
        print("bench/submit.py needs gunicorn: pip install -e '.[production]'")
