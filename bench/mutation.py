"""Mutation testing of the modules that carry the consent method, with a score per module.

    python bench/mutation.py                 run mutmut, then print the scores
    python bench/mutation.py --report-only   only print the scores of the last run
    python bench/mutation.py --survivors     also print the diff of every surviving mutant
    python bench/mutation.py --excluded      also print the mutants left out of the score, and why

What is mutated (the rules of the method): participation/consent.py, phases.py, plan.py, and
of store.py only the functions that erase and moderate. The tests and the rest of the mutmut
configuration are in pyproject.toml ([tool.mutmut]). How to run it and when: bench/README.md.

The score of a module is killed / (killed + survived), counting only mutants that change
behaviour. Two kinds are left out, and listed with --excluded:

- message mutants: the mutant changes nothing but the text of a string literal that is part
  of a message for people (a Dutch sentence, or the text of an exception). Which literal is a
  message is decided from the code, not by hand: a literal is message text when, going up
  through f-strings, `+`, `" ".join`, `x if c else y`, `a or b`, tuples, dict values and
  the translation calls `_()`, `ngettext()`, `N_()` (the same text in another language), it
  ends in the argument of an exception (ConsentError(...), PlanError(...), ValueError(...),
  super().__init__ of an exception), of reasons.append/insert or lines.append (the Dutch
  sentences of blockers, check_transition and plan.describe), of print, or in the return of
  a function that only makes Dutch text (TEXT_FUNCTIONS); or when it is assigned to a
  variable that is used only in such places. A literal used as a key, in a comparison or
  as an argument of any other call is never a message, so mutating it counts.
- equivalent mutants: judged by hand, listed in EQUIVALENT below with the reason, and
  matched by function and the changed line (not by mutant number, which shifts when the
  code changes). A listed mutant that no longer exists matches nothing; a new one shows up
  as a survivor to be killed or judged.

A mutant with no test that reaches it counts as survived; a timeout counts as killed (the
mutant made the tests hang, so they noticed).
"""

import argparse
import ast
import difflib
import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MODULES = {
    "participation.consent": None,  # None: every function
    "participation.phases": None,
    "participation.plan": None,
    "participation.store": {"x_erase_member", "x_erase_details", "x__same_name", "x_forget_email", "x_set_hidden",
                            "x_remove_name"},
    "participation.meetings": None,  # the rules of a meeting: when it may be announced, chosen, signed up for
    "participation.invitations": None,
}

# Functions whose return value is only Dutch text shown to people.
TEXT_FUNCTIONS = {"participation.plan.x__consent", "participation.plan.x__plain", "participation.plan.x_council_text"}
# Calls whose arguments are messages. Exceptions are recognised by name (…Error, UnrecordedPlan).
MESSAGE_METHODS = {("reasons", "append"), ("reasons", "insert"), ("lines", "append")}
MESSAGE_FUNCTIONS = {"print", "UnrecordedPlan", "NotAllowed"}  # NotAllowed: store's refusal, its text for people
TEXT_METHODS = {"join", "format"}  # "sep".join(parts), "text {}".format(x): the literal is text
# Translation (participation/i18n.py): _("…") is the same text in the reader's language.
TRANSLATION_FUNCTIONS = {"_", "gettext", "ngettext", "N_"}

# Equivalent mutants: (function, text in the original line, text in the mutated line) -> why.
EQUIVALENT = {
    ("participation.plan.x_write_version", 'prefix="."', 'prefix="XX.XX"'):
        "the name of the temporary file, which exists only during the write; no reader matches it "
        "(version files are NNNN.yaml, has_plan_versions looks for *.yaml and the suffix stays .tmp)",
    ("participation.plan.x_write_version", 'suffix=".tmp"', 'suffix=".TMP"'):
        "the temporary file's name again: .TMP is no more a version file than .tmp",
    ("participation.plan.x_write_version", 'suffix=".tmp"', 'suffix="XX.tmpXX"'):
        "the temporary file's name again: it still does not end in .yaml",
    ("participation.phases.x_set_phase", 'encoding="utf-8"', 'encoding="UTF-8"'):
        "codec names are case-insensitive: the same codec",
    ("participation.plan.x_dump", '.encode("utf-8")', '.encode("UTF-8")'):
        "codec names are case-insensitive: the same codec",
    ("participation.plan.x_write_version", 'prefix=".", suffix=".tmp"', 'prefix=None'):
        "the temporary file's name again (tmp… instead of .…)",
    ("participation.plan.x_write_version", 'suffix=".tmp"', 'suffix=None'):
        "the temporary file's name again: without a suffix it is no NNNN.yaml either",
    ("participation.plan.x_write_version", 'prefix=".", suffix=".tmp"', 'mkstemp(dir=folder, suffix=".tmp")'):
        "the temporary file's name again (no prefix)",
    ("participation.plan.x_write_version", 'prefix=".", suffix=".tmp"', 'prefix=".", )'):
        "the temporary file's name again (no suffix)",
    ("participation.phases.x__header_end", "match.start() + 1", "match.start() + 2"):
        "the blank line that ends the metadata is at least two characters (\\n\\n): one character more "
        "still ends inside it, before the body, so no line of the body can be taken for the Phase: line",
    ("participation.phases.x_check_transition", 'if target == "closed" and', 'if target == "XXclosedXX" and'):
        "the early return for closed repeats TRANSITIONS (closed is a target of every public phase, "
        "and no condition applies to it): without it the same [] comes from the table",
    ("participation.phases.x_check_transition", 'if target == "closed" and', 'if target == "CLOSED" and'):
        "as above: the early return for closed repeats TRANSITIONS",
}
for before, after in (("c[0]))", "c[1]))"),):
    EQUIVALENT[("participation.plan.x_diff", before, after)] = (
        "the second sort key only orders changes of the same agreement, and an agreement is added, "
        "removed or changed, never two of these: the key never decides")
for key, label in (("review_at", "evaluatiemoment"), ("response", "reactie gemeente"), ("status", "status")):
    for mutated in (f"XX{key}XX", key.upper()):
        EQUIVALENT[("participation.plan.x_describe", f'"{key}": "{label}"', f'"{mutated}": "{label}"')] = (
            f"describe never looks up the label of {key}: that field has its own sentence")
EQUIVALENT[("participation.consent.x_record_responses", "day = None", 'day = ""')] = (
    "day only has to differ from the date given, and a date given is never empty (empty keys are dropped)")
EQUIVALENT[("participation.plan.x_dump", "sort_keys=False", "sort_keys=None")] = (
    "PyYAML only asks whether sort_keys is true: None and False are the same")
EQUIVALENT[("participation.plan.x_verify", "previous = None", 'previous = ""')] = (
    "previous is only asked whether it is set (`if previous`): '' and None are both not set")
EQUIVALENT[("participation.store.x__same_name", '(a or "")', '(a or "XXXX")')] = (
    "an empty signature then matches only a member called 'xxxx', and goes from '' to None: "
    "both are no name, on every page and in every export")
EQUIVALENT[("participation.store.x__same_name", '(b or "")', '(b or "XXXX")')] = (
    "b is the member's name, which joining requires (forms.py): never empty, so the default is never used")
EQUIVALENT[("participation.invitations.x_sent_today", "replace(microsecond=0)", "replace(microsecond=1)")] = (
    "sent_at is stored to the second: '…:00.000001+00:00' and '…:00+00:00' order the same against every "
    "stored moment ('+' sorts before '.', and the second before them decides)")
EQUIVALENT[("participation.invitations.x_record", "PER_DAY) % {", "None) % {")] = (
    "the count given to ngettext only chooses the plural form of the message (a message mutant)")
SQL_CALLS = {"execute", "query"}


def mutant_parts(name):
    """participation.store.x_erase_member__mutmut_3 -> ("participation.store", "x_erase_member")."""
    module, _, function = name.rpartition("__mutmut_")[0].rpartition(".")
    return module, function


def selected(name):
    module, function = mutant_parts(name)
    return module in MODULES and (MODULES[module] is None or function in MODULES[module])


def patterns():
    for module, functions in MODULES.items():
        if functions is None:
            yield f"{module}.*"
        else:
            yield from (f"{module}.{function}__mutmut_*" for function in sorted(functions))


def require_mutmut():
    try:
        import mutmut  # noqa: F401
    except ImportError:
        sys.exit("mutmut ontbreekt: pip install -e '.[mutation]'")


def run_mutmut(max_children):
    # mutmut keeps which tests reach which function from its first run, and does not see a test
    # reach a function that is new or newly called: collect that afresh (a minute) every run.
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    command = [str(Path(sys.executable).parent / "mutmut"), "run", *patterns()]
    if max_children:
        command[2:2] = ["--max-children", str(max_children)]
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def results():
    """{mutant name: status} of the selected mutants, from mutmut's result files."""
    from mutmut.stats import status_by_exit_code

    found = {}
    for module in MODULES:
        meta = ROOT / "mutants" / (module.replace(".", "/") + ".py.meta")
        if not meta.exists():
            sys.exit(f"{meta.relative_to(ROOT)} ontbreekt: draai eerst `invoke mutation` (zonder --report-only).")
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if selected(name):
                found[name] = status_by_exit_code[code]
    return found


_LINES = {}


def functions_of(name):
    """The original and the mutated function's source, read from mutants/ as `mutmut show` reads
    them (through mutmut's line index of the mutated file), both under the function's own name."""
    from mutmut.mutation.data import MutantLineSpans

    module, function = mutant_parts(name)
    path = module.replace(".", "/") + ".py"
    if path not in _LINES:
        spans = MutantLineSpans.load(path)
        if spans is None:
            raise SystemExit(f"mutants/{path}.spans is missing: run mutmut again")
        _LINES[path] = (spans.span_by_function_name, (ROOT / "mutants" / path).read_text().split("\n"))
    spans, lines = _LINES[path]
    generated = name.rpartition(".")[2]
    own = function.rpartition("ǁ")[2] if "ǁ" in function else function[2:]
    sources = []
    for key in (function + "__mutmut_orig", generated):
        span = spans[key]
        code = textwrap.dedent("\n".join(lines[span.start - 1:span.end]))
        sources.append(code.replace(f"def {key}(", f"def {own}(", 1))
    return tuple(sources)


def differences(a, b, path=()):
    """Where two ASTs differ: [(path to the differing value, before, after)]. Positions are ignored."""
    if type(a) is not type(b):
        return [(path, a, b)]
    if isinstance(a, ast.AST):
        found = []
        for field in a._fields:
            found += differences(getattr(a, field, None), getattr(b, field, None), path + ((a, field),))
        return found
    if isinstance(a, list):
        if len(a) != len(b):
            return [(path, a, b)]
        found = []
        for index, (x, y) in enumerate(zip(a, b)):
            found += differences(x, y, path + ((a, index),))
        return found
    return [] if a == b else [(path, a, b)]


def is_exception(func):
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in MESSAGE_FUNCTIONS or name.endswith("Error"):
        return True
    # super().__init__(…) in an exception class (plan.UnrecordedPlan)
    return (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super")


def message_sink(call, field):
    """True when `field` of `call` is the message of a message call."""
    func = call.func
    if field != "args":
        return False
    if is_exception(func):
        return True
    return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and (func.value.id, func.attr) in MESSAGE_METHODS)


def in_sql(path):
    """The literal is (part of) the SQL text of db.execute(…) / db.query(…)."""
    for node, field in reversed(path[:-1]):
        if isinstance(node, (list, ast.JoinedStr)):
            continue
        return (isinstance(node, ast.Call) and field == "args" and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS)
    return False


WRITES = {"insert", "update", "_insert"}  # sqlite-utils' table.insert/update, store._insert(db, table, row)


def _write_call(call):
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in WRITES


def column_of_insert(path, function=None):
    """The literal is a column name: a key of the dict given to a write (table.insert({…}),
    store._insert(db, "table", {…}), table.update(id, {…})), or of a dict assigned to a name
    that such a write is given (row = {…}; _insert(db, "t", row)); or the table name of _insert."""
    nodes = [(node, field) for node, field in path[:-1] if not isinstance(node, list)]
    if len(nodes) >= 1 and isinstance(nodes[-1][0], ast.Call) and nodes[-1][1] == "args" and _write_call(nodes[-1][0]):
        return True  # _insert(db, "meeting_signups", row): the table's name
    if not (len(nodes) >= 2 and isinstance(nodes[-1][0], ast.Dict) and nodes[-1][1] == "keys"):
        return False
    parent, field = nodes[-2]
    if isinstance(parent, ast.Call) and field == "args" and _write_call(parent):
        return True
    if isinstance(parent, ast.Assign) and field == "value" and function is not None:
        names = {t.id for t in parent.targets if isinstance(t, ast.Name)}
        return any(isinstance(node, ast.Call) and _write_call(node)
                   and any(isinstance(arg, ast.Name) and arg.id in names for arg in node.args)
                   for node in ast.walk(function))
    return False


class Messages:
    """Decides, within one function, whether an expression only ever ends up in a message."""

    def __init__(self, function, qualified):
        self.function = function
        self.text_function = qualified in TEXT_FUNCTIONS
        self.parents = {}
        for node in ast.walk(function):
            for field, value in ast.iter_fields(node):
                for child in (value if isinstance(value, list) else [value]):
                    if isinstance(child, ast.AST):
                        self.parents[id(child)] = (node, field)
        self.deciding = set()

    def is_message(self, node):
        """Going up from node through text-building expressions, do we reach a message?"""
        while True:
            parent, field = self.parents.get(id(node), (None, None))
            if parent is None:
                return False
            if isinstance(parent, ast.Call) and message_sink(parent, field):
                return True
            if isinstance(parent, ast.Return):
                return self.text_function
            if isinstance(parent, ast.arguments) and field in ("defaults", "kw_defaults"):
                return self.variable_is_message(self.parameter_of(parent, field, node))
            if isinstance(parent, (ast.Assign, ast.AugAssign)) and field == "value":
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                names = []
                for target in targets:  # only to plain names: x = …, a, b = …
                    elements = target.elts if isinstance(target, ast.Tuple) else [target]
                    if not all(isinstance(e, ast.Name) for e in elements):
                        return False
                    names += [e.id for e in elements]
                return all(self.variable_is_message(n) for n in names)
            passes = (
                isinstance(parent, (ast.JoinedStr, ast.FormattedValue, ast.BoolOp))
                or (isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)))
                or (isinstance(parent, ast.IfExp) and field in ("body", "orelse"))
                or (isinstance(parent, ast.Tuple) and isinstance(parent.ctx, ast.Load))
                or (isinstance(parent, ast.Dict) and field == "values")
                or (isinstance(parent, ast.Subscript) and field == "value")  # {state: message}[state]
                or (isinstance(parent, ast.Attribute) and field == "value" and parent.attr in TEXT_METHODS | {"get"}
                    and (parent.attr != "get" or isinstance(node, ast.Name)))
                or (isinstance(parent, ast.Call) and field == "func")
                or (isinstance(parent, ast.Call) and field == "args" and isinstance(parent.func, ast.Attribute)
                    and parent.func.attr in TEXT_METHODS)
                or (isinstance(parent, ast.Call) and field == "args" and isinstance(parent.func, ast.Name)
                    and parent.func.id in TRANSLATION_FUNCTIONS)
            )
            if not passes:
                return False
            node = parent

    @staticmethod
    def parameter_of(arguments, field, default):
        """The name of the parameter whose default value `default` is."""
        values = getattr(arguments, field)
        index = next(i for i, value in enumerate(values) if value is default)
        if field == "kw_defaults":
            return arguments.kwonlyargs[index].arg
        positional = arguments.posonlyargs + arguments.args
        return positional[len(positional) - len(values) + index].arg

    def variable_is_message(self, name):
        """Every use of the variable ends up in a message (and it is used at all)."""
        if name in self.deciding:
            return True  # text += …: judged by its other uses
        self.deciding.add(name)
        try:
            uses = [n for n in ast.walk(self.function)
                    if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
            augmented = [n for n in ast.walk(self.function) if isinstance(n, ast.AugAssign)
                         and isinstance(n.target, ast.Name) and n.target.id == name]
            return bool(uses) and all(self.is_message(u) for u in uses) and all(
                self.is_message(a.value) for a in augmented)
        finally:
            self.deciding.discard(name)


def classify(name):
    """(kind, why, diff): kind is "message", "equivalent" or "behaviour"; diff as `mutmut show` prints it."""
    module, function = mutant_parts(name)
    qualified = f"{module}.{function}"
    original_code, mutated_code = functions_of(name)
    path = module.replace(".", "/") + ".py"
    diff = "\n".join(difflib.unified_diff(original_code.strip().split("\n"), mutated_code.strip().split("\n"),
                                          fromfile=path, tofile=path, lineterm=""))
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    for (where, before, after), why in EQUIVALENT.items():
        if where == qualified and len(removed) == len(added) == 1 and before in removed[0] and after in added[0]:
            return "equivalent", why, diff
    original, mutated = (ast.parse(code).body[0] for code in (original_code, mutated_code))
    changes = differences(original, mutated)
    if len(changes) == 1:
        path, before, after = changes[0]
        if isinstance(before, str) and isinstance(after, str) and path and isinstance(path[-1][0], ast.Constant):
            constant = path[-1][0]
            if before.lower() == after.lower() and "'" not in before and in_sql(path):
                return "equivalent", "SQL keywords and names are case-insensitive in SQLite (no quoted value here)", diff
            if before.lower() == after.lower() and column_of_insert(path, original):
                return "equivalent", "a column name in table.insert({…}): SQLite column names are case-insensitive", diff
            if Messages(original, qualified).is_message(constant):
                return "message", f"{before!r} -> {after!r}", diff
        if isinstance(before, str) and after is None and path and isinstance(path[-1][0], ast.Constant) \
                and Messages(original, qualified).is_message(path[-1][0]):
            return "message", f"{before!r} -> None", diff  # _(None): the message, gone
        if isinstance(after, ast.Constant) and after.value is None and isinstance(before, (ast.Constant, ast.JoinedStr,
                                                                                           ast.Call)):
            call = next((node for node, _field in reversed(path) if not isinstance(node, list)), None)
            if isinstance(call, ast.Call) and message_sink(call, "args"):
                return "message", "the message of an exception, replaced by None", diff
    return "behaviour", None, diff


def report(show_survivors, show_excluded):
    os.chdir(ROOT)  # mutmut reads mutants/ relative to the project
    sys.path.insert(0, str(ROOT))
    found = results()
    rows, survivors, excluded = [], [], []
    for module in MODULES:
        count = Counter()
        for name, status in sorted(found.items(), key=lambda item: (item[0].rpartition("__mutmut_")[0],
                                                                     int(item[0].rpartition("_")[2]))):
            if mutant_parts(name)[0] != module:
                continue
            count["total"] += 1
            kind, why, diff = classify(name)
            if kind != "behaviour":
                count[kind] += 1
                excluded.append((name, status, kind, why, diff))
            elif status in ("killed", "timeout"):
                count["killed"] += 1
            elif status in ("survived", "no tests"):
                count["survived"] += 1
                survivors.append((name, status, diff))
            else:
                count[status] += 1  # not checked, suspicious, segfault: the run is not complete
        counted = count["killed"] + count["survived"]
        score = f"{100 * count['killed'] / counted:.1f} %" if counted else "-"
        other = {k: v for k, v in count.items() if k not in ("total", "message", "equivalent", "killed", "survived")}
        rows.append((module, count["total"], count["message"], count["equivalent"], count["killed"],
                     count["survived"], score, ", ".join(f"{k}: {v}" for k, v in other.items())))

    if show_excluded:
        for name, status, kind, why, diff in excluded:
            print(f"\n# {name} ({status}; {kind}: {why})\n{diff}")
    if show_survivors:
        for name, status, diff in survivors:
            print(f"\n# {name} ({status})\n{diff}")
    print()
    header = ("module", "mutants", "message", "equivalent", "killed", "survived", "score", "not complete")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) if i in (0, 7) else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
    print("\nscore = killed / (killed + survived), message and equivalent mutants left out; "
          "'no tests' counts as survived, a timeout as killed.")
    incomplete = [r for r in rows if r[7]]
    return 1 if incomplete else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-only", action="store_true", help="do not run mutmut, report the last run")
    parser.add_argument("--survivors", action="store_true", help="print the diff of every surviving mutant")
    parser.add_argument("--excluded", action="store_true", help="print the message and equivalent mutants")
    parser.add_argument("--max-children", type=int, help="parallel workers (mutmut's default: one per core)")
    args = parser.parse_args()
    require_mutmut()
    if not args.report_only:
        code = run_mutmut(args.max_children)
        if code:
            return code
    return report(args.survivors, args.excluded)


if __name__ == "__main__":
    sys.exit(main())
