"""Other Pelican plugins hear of every file the site plugin writes (content_written).

A third-party plugin such as pelican-sitemap connects to content_written, turns
`path` into a URL with os.path.relpath(path, output_path) and reads `context`.
The listener below is loaded the way Pelican loads such a plugin: by name,
from PLUGIN_PATHS.
"""

import os
import sys
from pathlib import Path

import pytest
from pelican import signals
from pelican.utils import sanitised_join

from participation import demo, plan, store
from participation.build import build
from participation.issues import load_public_issues
from participation.rebuild import Rebuilder

from .conftest import AZC, FUND

PLUGIN_NAME = "written_files_listener"
PLUGIN = '''\
"""Records what content_written reports, and the file as it is at that moment."""
from pelican import signals

reports = []


def record(path, context):
    with open(path, "rb") as f:
        reports.append((path, context, f.read()))


def register():
    signals.content_written.connect(record)
'''


class Listener:
    def __init__(self, output_path):
        self.output_path = output_path

    def reports(self):
        """[(path relative to the output folder, absolute path, context, bytes at signal time)]."""
        return [(os.path.relpath(path, self.output_path), path, context, data)
                for path, context, data in sys.modules[PLUGIN_NAME].reports]

    def paths(self):
        return [relative for relative, *_ in self.reports()]

    def by_path(self):
        return {relative: (context, data) for relative, _, context, data in self.reports()}

    def clear(self):
        sys.modules[PLUGIN_NAME].reports.clear()


@pytest.fixture
def listener(settings, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / f"{PLUGIN_NAME}.py").write_text(PLUGIN, encoding="utf-8")
    settings["PLUGIN_PATHS"] = [str(folder)]
    settings["PLUGINS"] = [*settings["PLUGINS"], PLUGIN_NAME]
    yield Listener(settings["OUTPUT_PATH"])
    module = sys.modules.pop(PLUGIN_NAME, None)
    if module is not None:  # blinker signals are global: leave none behind for other tests
        signals.content_written.disconnect(module.record)


def output_files(settings):
    """Every file in the output folder, relative; the theme's static files left out (Pelican copies them)."""
    output = Path(settings["OUTPUT_PATH"])
    return {p.relative_to(output).as_posix() for p in output.rglob("*")
            if p.is_file() and not p.relative_to(output).as_posix().startswith("theme/")}


def test_every_page_feed_and_export_of_a_build_is_reported(settings, db, listener):
    demo.seed(db, settings)
    build(settings)
    reported = listener.by_path()
    assert len(listener.paths()) == len(reported), "a file reported twice ends up twice in a sitemap"
    assert set(reported) == output_files(settings)
    issues = load_public_issues(settings)
    assert {AZC, FUND} <= {issue.slug for issue in issues}
    for issue in issues:
        for name in ("index.html", "plan/index.html", "poster/index.html", "ideeen/index.html"):
            context, _ = reported[f"kwesties/{issue.slug}/{name}"]
            assert context["issue"].slug == issue.slug
        for name in (f"kwesties/{issue.slug}.json", f"kwesties/{issue.slug}.csv", f"feeds/{issue.slug}.atom.xml"):
            assert name in reported
    for version in plan.verify(plan.plan_folder(settings, FUND), FUND):
        assert f"kwesties/{FUND}/plan/{version.filename}" in reported
    for name in ("index.html", "besluiten/index.html", "feeds/all.atom.xml", "besluiten.csv",
                 "schemas/plan-version.schema.json"):
        assert name in reported


def test_reports_have_the_shape_of_pelicans_own(settings, listener):
    build(settings)
    output = Path(settings["OUTPUT_PATH"])
    reports = listener.reports()
    # Pelican's own Writer reports the content pages (privacy/ …): the reference shape.
    assert {"privacy/index.html", f"kwesties/{AZC}/index.html", f"kwesties/{AZC}.csv"} <= {r[0] for r in reports}
    for relative, path, context, data in reports:
        assert os.path.isabs(path) and path == sanitised_join(str(output), relative)
        assert context["output_file"] == relative
        assert context["localsiteurl"] == settings["SITEURL"]
        assert context["SITENAME"] == settings["SITENAME"]
        assert data == (output / relative).read_bytes(), f"{relative} reported before it was written"


def test_unchanged_files_are_reported_again_but_not_rewritten(settings, listener):
    build(settings)
    inodes = {name: (Path(settings["OUTPUT_PATH"]) / name).stat().st_ino
              for name in (f"kwesties/{AZC}/index.html", f"kwesties/{FUND}.json", "feeds/all.atom.xml")}
    first = sorted(listener.paths())
    listener.clear()
    build(settings)
    assert sorted(listener.paths()) == first
    assert set(inodes) <= set(first)
    for name, inode in inodes.items():
        assert (Path(settings["OUTPUT_PATH"]) / name).stat().st_ino == inode, f"{name} was rewritten"


def test_the_rebuild_worker_reports_what_it_renders(settings, db, listener):
    build(settings)
    rebuilder = Rebuilder(settings)
    listener.clear()
    store.add_idea(db, AZC, title="Een bankje bij de brug")
    rendered = rebuilder.rebuild_pending()
    assert sorted(listener.paths()) == sorted(rendered)
    reported = listener.by_path()
    assert {f"kwesties/{AZC}/index.html", f"kwesties/{AZC}/plan/index.html", f"kwesties/{AZC}.json",
            f"feeds/{AZC}.atom.xml", "feeds/all.atom.xml"} <= set(reported)
    assert not [name for name in reported if name.startswith(f"kwesties/{FUND}")]
    context, data = reported[f"kwesties/{AZC}/index.html"]
    assert context["issue"].slug == AZC
    assert "Een bankje bij de brug" in data.decode("utf-8")
