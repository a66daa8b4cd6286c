"""What the stored values mean, in Dutch: one table per kind of value.

The keys are what the database, the plan files and the open data hold; the
values are what a resident reads. A leaf module: it imports nothing of ours,
so the domain (store, plan, consent, phases) and the templates can all use it.

The labels are messages, marked with N_ for extraction: a table is read at import,
when the language is not known yet, so a label is translated where it is shown, with
i18n's _() (the templates' label filters, Issue.phase_label, …).
"""


def N_(message):
    """i18n.N_, here so this leaf imports nothing of ours: marks a message for extraction."""
    return message


# Phase -> label. Order is the life of a kwestie.
PHASES = {
    "draft": N_("voorbereiding"),
    "open": N_("We willen samen een plan maken"),
    "proposing": N_("concept-plan"),
    "adopted": N_("gedragen plan"),
    "closed": N_("gesloten"),
}
# Public phase -> its short name as a step in "Waar staan we?" on the kwestie page.
PHASE_STEPS = {
    "open": N_("Ideeën"),
    "proposing": N_("Concept-plan"),
    "adopted": N_("Gedragen plan"),
    "closed": N_("Gesloten"),
}
# How a contribution reached us.
CHANNELS = {
    "web": N_("via de website"),
    "door": N_("aan de deur"),
    "paper": N_("op papier"),
    "meeting": N_("op een bijeenkomst"),
}
# A member's relation to the situation.
RELATIONS = {
    "resident": N_("buurtbewoner"),
    "business": N_("ondernemer"),
    "works_nearby": N_("werkt in de buurt"),
    "newcomer": N_("nieuwkomer"),
    "professional": N_("professional"),
    "other": N_("anders"),
}
# Follow-up of an adopted agreement.
AGREEMENT_STATUSES = {"planned": N_("gepland"), "in_progress": N_("bezig"), "done": N_("klaar"), "stopped": N_("gestopt")}
# The municipality's response to an adopted agreement.
DECISIONS = {
    "carry_out": N_("de gemeente voert het uit"),
    "fund": N_("de gemeente betaalt het"),
    "partly": N_("de gemeente doet het deels"),
    "decline": N_("de gemeente kan het niet doen"),
}
OBJECTION_STATUSES = {
    "open": N_("open, de afspraak kan zo niet in het plan"),
    "withdrawn": N_("ingetrokken"),
    "resolved": N_("opgelost"),
}

# Until November 2026 channels, relations and decisions were stored in Dutch.
# db.py migrates the database once; plan files keep their words (their hash is
# the record) and plan.py reads them in today's keys.
RENAMED = {
    "deur": "door", "papier": "paper", "bijeenkomst": "meeting",
    "buurtbewoner": "resident", "ondernemer": "business", "werkt-in-de-buurt": "works_nearby",
    "nieuwkomer": "newcomer", "anders": "other",
    "uitvoeren": "carry_out", "financieren": "fund", "deels": "partly", "niet": "decline",
}


def current(value):
    """Today's key for a value stored before the keys were English ('deur' -> 'door')."""
    return RENAMED.get(value, value)
