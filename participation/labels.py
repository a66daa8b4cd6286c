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
# How a contribution reached us.
CHANNELS = {
    "web": "via de website",
    "deur": "aan de deur",
    "papier": "op papier",
    "bijeenkomst": "op een bijeenkomst",
}
# A member's relation to the situation.
RELATIONS = {
    "buurtbewoner": "buurtbewoner",
    "ondernemer": "ondernemer",
    "werkt-in-de-buurt": "werkt in de buurt",
    "nieuwkomer": "nieuwkomer",
    "professional": "professional",
    "anders": "anders",
}
# Follow-up of an adopted agreement.
AGREEMENT_STATUSES = {"planned": "gepland", "in_progress": "bezig", "done": "klaar", "stopped": "gestopt"}
# The municipality's response to an adopted agreement.
DECISIONS = {
    "uitvoeren": "de gemeente voert het uit",
    "financieren": "de gemeente betaalt het",
    "deels": "de gemeente doet het deels",
    "niet": "de gemeente kan het niet doen",
}
OBJECTION_STATUSES = {
    "open": "open, de afspraak kan zo niet in het plan",
    "withdrawn": "ingetrokken",
    "resolved": "opgelost",
}
