"""What the stored values mean, in Dutch: one table per kind of value.

The keys are what the database, the plan files and the open data hold; the
values are what a resident reads. A leaf module: it imports nothing of ours,
so the domain (store, plan, consent, phases) and the templates can all use it.
"""

# Phase -> label. Order is the life of a kwestie.
PHASES = {
    "draft": "voorbereiding",
    "open": "We willen samen een plan maken",
    "proposing": "concept-plan",
    "adopted": "gedragen plan",
    "closed": "gesloten",
}
# Public phase -> its short name as a step in "Waar staan we?" on the kwestie page.
PHASE_STEPS = {
    "open": "Ideeën",
    "proposing": "Concept-plan",
    "adopted": "Gedragen plan",
    "closed": "Gesloten",
}
# How a contribution reached us.
CHANNELS = {
    "web": "via de website",
    "door": "aan de deur",
    "paper": "op papier",
    "meeting": "op een bijeenkomst",
}
# A member's relation to the situation.
RELATIONS = {
    "resident": "buurtbewoner",
    "business": "ondernemer",
    "works_nearby": "werkt in de buurt",
    "newcomer": "nieuwkomer",
    "professional": "professional",
    "other": "anders",
}
# Follow-up of an adopted agreement.
AGREEMENT_STATUSES = {"planned": "gepland", "in_progress": "bezig", "done": "klaar", "stopped": "gestopt"}
# The municipality's response to an adopted agreement.
DECISIONS = {
    "carry_out": "de gemeente voert het uit",
    "fund": "de gemeente betaalt het",
    "partly": "de gemeente doet het deels",
    "decline": "de gemeente kan het niet doen",
}
OBJECTION_STATUSES = {
    "open": "open, de afspraak kan zo niet in het plan",
    "withdrawn": "ingetrokken",
    "resolved": "opgelost",
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
