"""The import graph runs top-down: web/, site/ and the command line on top, the domain
below them, leaves at the bottom.

Every module of participation/ is read with ast, nothing is imported: imports inside
functions count, and relative imports are resolved to the module they name.
"""

import ast
import re
import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "participation"

# Every module of participation/ and its layer; names are relative to the package
# ("web.auth" is participation/web/auth.py, "__init__" is participation/__init__.py).
# A new module fails test_every_module_has_a_layer until it is added here.
LAYERS = {
    # Top: the Flask app, its blueprints and their helpers (notify.py renders mail with
    # Flask's templates, so it lives here too).
    "web": """web web.auth web.beheer web.beheer_meetings web.beheer_plan web.beheer_tekst web.csrf web.db
              web.deelnemen web.deelnemen_meetings web.errors web.headers web.kwestie web.languages web.negotiate
              web.notify web.resident_forms web.static_site web.zoeken""",
    # Top: the Pelican plugin, and what runs Pelican with it: build.py (a full build,
    # or the generator loaded for rebuilds) and rebuild.py (the worker, through build.py).
    "site": "site site.data site.generator site.pages site.writer build rebuild",
    # Top: the `samenplan` command (click); plan_commands.py is its `plan` group.
    "cli": "cli plan_commands",
    # Below web and site, which both use it: Jinja filters and globals for the theme, and the
    # charts (SVG) the templates draw with them.
    "templating": "templating charts",
    # The domain: what samenplan knows and decides. demo.py is the demo's seed data,
    # made through the domain alone.
    "domain": """accounts audit backup beheer_forms calendar consent council demo digest feeds forms invitations
                 issue_file issues kwestie_page meetings moderation next_steps opendata phases plan search store throttle""",
    # Leaves: import nothing of ours but labels, so anything may import them.
    "leaf": "__init__ db formats i18n keys labels mail photo place poster settings tokens",
}
# labels.py is tables of words and no code: a leaf may read it (db.py's data migration
# renames the values labels.RENAMED lists); i18n.py is the language they are read in
# (formats.py writes dates and amounts in it).
DATA_ONLY = {"participation.labels", "participation.i18n"}
TOP = {"web", "site", "cli"}
LOWER = {"templating", "domain", "leaf"}  # may not import the top, templating, flask or click
FRAMEWORKS = ("flask", "click")  # the web app's and the command line's; never below the top


def full_name(name):
    return "participation" if name == "__init__" else f"participation.{name}"


LAYER = {full_name(name): layer for layer, names in LAYERS.items() for name in names.split()}


def scan(package):
    """{module: {"file", "imports": [(imported module, line)], "blueprint": bool}} for every .py file."""
    paths = {}
    for path in sorted(package.rglob("*.py")):
        parts = (package.name, *path.relative_to(package).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        paths[name] = (path, parts[:-1])  # the package that relative imports start from
    modules = {}
    for name, (path, package_parts) in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports, blueprint = [], False
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imports += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # from . import x, from ..site import y
                    base = list(package_parts[: len(package_parts) - node.level + 1])
                    base = ".".join(base + ([node.module] if node.module else []))
                else:
                    base = node.module
                for alias in node.names:
                    # from participation import labels imports the module participation.labels;
                    # from participation.labels import PHASES imports participation.labels.
                    submodule = f"{base}.{alias.name}"
                    imports.append((submodule if submodule in paths else base, node.lineno))
            elif isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                blueprint = blueprint or called == "Blueprint"
        file = path.relative_to(package.parent).as_posix()
        modules[name] = {"file": file, "imports": imports, "blueprint": blueprint}
    return modules


def layer_of(imported):
    """The layer of an imported participation module (its longest known prefix), or None."""
    parts = imported.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYER:
            return LAYER[".".join(parts[:end])]
    return None


def ours(imported):
    return imported == "participation" or imported.startswith("participation.")


UPWARD, LEAF, TEMPLATING, BLUEPRINT, SIDE_BY_SIDE = "upward", "leaf", "templating", "blueprint", "side by side"


def violations(modules):
    """[(rule, one readable line)] for every import that breaks a rule."""
    found = []

    def report(rule, name, imported, line, why):
        found.append((rule, f"{name} ({modules[name]['file']}:{line}) imports {imported}: {why}"))

    blueprints = {name for name, module in modules.items()
                  if module["blueprint"] and name.startswith("participation.web.")}
    for name, module in modules.items():
        layer = LAYER.get(name)
        for imported, line in module["imports"]:
            target = layer_of(imported) if ours(imported) else None
            framework = imported.split(".")[0]
            if layer in LOWER and framework in FRAMEWORKS:
                report(UPWARD, name, imported, line, f"the {layer} layer may not use {framework}")
            elif layer in LOWER and (target in TOP or (target == "templating" and layer != "templating")):
                report(UPWARD, name, imported, line, f"the {layer} layer may not import the {target} layer")
            if layer == "leaf" and ours(imported) and imported not in (name, *DATA_ONLY):
                report(LEAF, name, imported, line, "a leaf imports no other participation module but labels")
            if layer == "templating" and ours(imported) and target not in ("leaf", "templating"):
                report(TEMPLATING, name, imported, line, f"templating imports only leaves, not {target or 'unknown'}")
            if {layer, target} == {"web", "site"}:
                report(SIDE_BY_SIDE, name, imported, line, "web and site sit side by side; neither imports the other")
            if name in blueprints and any(imported == bp or imported.startswith(bp + ".") for bp in blueprints - {name}):
                report(BLUEPRINT, name, imported, line,
                       "a blueprint imports no other blueprint (share code through web/kwestie.py)")
    return found


def broken(modules, rule):
    return [line for kind, line in violations(modules) if kind == rule]


def unlisted(modules):
    """(modules without a layer, LAYERS entries that are no module)."""
    return sorted(set(modules) - set(LAYER)), sorted(set(LAYER) - set(modules))


def assert_kept(rule):
    found = broken(scan(PACKAGE), rule)
    assert not found, "Imports that go against the layers:\n  " + "\n  ".join(found)


# The real package --------------------------------------------------------------------


def test_every_module_has_a_layer():
    missing, stale = unlisted(scan(PACKAGE))
    assert not missing, f"Modules without a layer; add them to LAYERS in {Path(__file__).name}: {missing}"
    assert not stale, f"LAYERS in {Path(__file__).name} names modules that do not exist: {stale}"


def test_domain_and_leaves_import_nothing_above_them():
    assert_kept(UPWARD)


def test_leaves_import_nothing_of_ours():
    assert_kept(LEAF)


def test_templating_imports_only_leaves():
    assert_kept(TEMPLATING)


def test_no_blueprint_imports_another():
    blueprints = {name for name, module in scan(PACKAGE).items() if module["blueprint"]}
    # Without this the rule could pass because no blueprint was recognised at all.
    assert {"participation.web.deelnemen", "participation.web.beheer", "participation.web.beheer_plan"} <= blueprints
    assert_kept(BLUEPRINT)


def test_web_and_site_do_not_import_each_other():
    assert_kept(SIDE_BY_SIDE)


# The rules themselves: each catches the import it is there for --------------------


def copy_of_package(tmp_path):
    copy = tmp_path / "participation"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def add_line(path, line):
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef later():\n    " + line + "\n", encoding="utf-8")


def rule_broken_by(tmp_path, file, line, rule):
    """What `line`, added inside a function of a copy of `file`, newly breaks of `rule`."""
    copy = copy_of_package(tmp_path)
    before = set(broken(scan(copy), rule))
    add_line(copy / file, line)
    return sorted(set(broken(scan(copy), rule)) - before)


def test_a_domain_module_importing_web_or_flask_is_caught(tmp_path):
    found = rule_broken_by(tmp_path / "a", "consent.py", "from .web import kwestie", UPWARD)
    assert len(found) == 1 and re.fullmatch(
        r"participation\.consent \(participation/consent\.py:\d+\) imports participation\.web\.kwestie: "
        r"the domain layer may not import the web layer", found[0]), found
    assert any("participation.store " in v and "may not use flask" in v
               for v in rule_broken_by(tmp_path / "b", "store.py", "import flask", UPWARD))
    assert any("participation.plan " in v and "templating layer" in v
               for v in rule_broken_by(tmp_path / "c", "plan.py", "from participation import templating", UPWARD))
    assert any("participation.council " in v and "site layer" in v
               for v in rule_broken_by(tmp_path / "d", "council.py", "from .site.pages import list_pages", UPWARD))
    assert any("participation.mail " in v and "the leaf layer may not import the web layer" in v
               for v in rule_broken_by(tmp_path / "e", "mail.py", "from .web import notify", UPWARD))


def test_a_leaf_importing_our_code_is_caught(tmp_path):
    found = rule_broken_by(tmp_path, "formats.py", "from . import tokens", LEAF)
    assert any("participation.formats " in v and "participation.tokens" in v for v in found)


def test_templating_importing_the_domain_is_caught(tmp_path):
    found = rule_broken_by(tmp_path, "templating.py", "from .store import public_ideas", TEMPLATING)
    assert any("participation.templating " in v and "participation.store" in v for v in found)


def test_a_blueprint_importing_another_is_caught(tmp_path):
    found = rule_broken_by(tmp_path, "web/beheer.py", "from ..web import deelnemen", BLUEPRINT)
    assert any("participation.web.beheer " in v and "participation.web.deelnemen" in v for v in found)


def test_a_new_module_needs_a_layer_and_a_new_blueprint_is_covered(tmp_path):
    copy = copy_of_package(tmp_path)
    (copy / "web" / "raad.py").write_text(
        "from flask import Blueprint\nfrom .beheer import bp as beheer\n\nbp = Blueprint('raad', __name__)\n",
        encoding="utf-8")
    (copy / "keys.py").unlink()
    modules = scan(copy)
    assert unlisted(modules) == (["participation.web.raad"], ["participation.keys"])
    assert any("participation.web.raad " in v and "participation.web.beheer" in v for v in broken(modules, BLUEPRINT))


def test_web_and_site_importing_each_other_is_caught(tmp_path):
    found = rule_broken_by(tmp_path, "site/pages.py", "from ..web.kwestie import back_to_kwestie", SIDE_BY_SIDE)
    assert any("participation.site.pages " in v and "side by side" in v for v in found)
