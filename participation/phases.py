"""The phase guard (docs/design.md, "Phases of a kwestie") and changing a kwestie's phase.

The phase lives in kwestie.md (content/ is the source of truth for kwesties),
so a change rewrites that file's `Phase:` line and nothing else.
"""

import datetime
import re

from .formats import LOCAL_TIME, datum
from .issue_file import write_file
from .issues import PUBLIC_PHASES, IssueFileError, issues_folder
from .i18n import _
from .labels import PHASES

# Where each phase may go; the guard below adds the conditions.
TRANSITIONS = {
    "draft": ("open",),
    "open": ("proposing", "closed"),
    "proposing": ("open", "adopted", "closed"),
    "adopted": ("closed",),
    "closed": (),
}
# The metadata line only (before the first empty line); keys are case-insensitive.
PHASE_LINE = re.compile(r"^phase[ \t]*:[ \t]*([^\r\n]*)", re.IGNORECASE | re.MULTILINE)


def today():
    """Today's date where the kwesties are (an idea period ends at local midnight)."""
    return datetime.datetime.now(LOCAL_TIME).date()


def check_transition(issue, target, *, circle_size, today, has_plan_versions):
    """Reasons (in the current language) why `issue` may not move to phase `target`; empty when it may."""
    if target not in PHASES:
        return [_("De fase ‘%(phase)s’ bestaat niet.") % {"phase": target}]
    if target == issue.phase:
        return [_("De kwestie is al in de fase ‘%(phase)s’.") % {"phase": _(PHASES[target])}]
    if issue.phase == "closed":
        return [_("De kwestie is gesloten. Dat is de laatste fase: er kan niets meer veranderen.")]
    if target == "closed" and issue.phase in PUBLIC_PHASES:
        return []
    if target not in TRANSITIONS[issue.phase]:
        return [_("Van ‘%(old)s’ naar ‘%(new)s’ kan niet.") % {"old": _(PHASES[issue.phase]), "new": _(PHASES[target])}]
    reasons = []
    if target == "open":
        if issue.phase == "draft":
            if not issue.question:
                reasons.append(_("De open vraag ontbreekt (Question in kwestie.md)."))
            if not issue.constraints:
                reasons.append(_("De kaders ontbreken: schrijf op wat vastligt (Constraints in kwestie.md)."))
            if not issue.coordinator:
                reasons.append(_("Er is nog geen coördinator (Coordinator in kwestie.md)."))
    elif target == "proposing":
        if circle_size < issue.min_circle:
            reasons.append(_("De kring is nog te klein: %(size)s van de minstens %(minimum)s mensen.")
                           % {"size": circle_size, "minimum": issue.min_circle})
        if issue.ideas_until is not None and today <= issue.ideas_until:
            reasons.append(_("Ideeën insturen kan nog tot en met %(date)s. Wacht tot die dag voorbij is.")
                           % {"date": datum(issue.ideas_until)})
    elif target == "adopted" and not has_plan_versions:
        reasons.append(_("Er is nog geen vastgestelde versie van het plan."))
    return reasons


def has_plan_versions(settings, slug):
    """True when content/kwesties/<slug>/plan/ holds at least one version file."""
    return any((issues_folder(settings) / slug / "plan").glob("*.yaml"))


def set_phase(settings, issue, target):
    """Rewrite the `Phase:` line of the kwestie's file; other bytes stay as they were.

    Written to a temporary file beside it and renamed, so the site generator
    never reads half a file. Call store.mark_changed afterwards.
    """
    if target not in PHASES:
        raise ValueError(f"unknown phase {target!r}")
    path = issues_folder(settings) / issue.slug / "kwestie.md"
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    match = PHASE_LINE.search(text, 0, _header_end(text))
    if match is None:
        raise IssueFileError(f"{path}: geen regel ‘Phase:’ gevonden")
    write_file(path, text[:match.start(1)] + target + text[match.end(1):])


def _header_end(text):
    """Where the metadata ends: at the first empty line."""
    match = re.search(r"\r?\n[ \t]*\r?\n", text)
    return match.start() + 1 if match else len(text)
