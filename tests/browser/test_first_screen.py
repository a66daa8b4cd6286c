"""On a phone (375 × 667) and on a laptop (1280 × 800) the kwestie page shows, without
scrolling, the question and what a resident can do in this phase (issue 14)."""

import re

import pytest

from ..support import AZC, FUND

VIEWPORTS = [(375, 667), (1280, 800)]
# Each public phase, with the calls to action it must show on the first screen.
TAKE_PART = ["Doe mee", "Geef een idee", "Stel een vraag"]
KWESTIES = [
    ("open", AZC, TAKE_PART),
    ("proposing", "kwestie-proposing", ["Bekijk het concept-plan", "Geef een idee"]),
    ("adopted with a plan", FUND, TAKE_PART),
    ("adopted", "kwestie-adopted", TAKE_PART),
    ("closed", "kwestie-closed", ["Deze kwestie is gesloten. Meedoen kan niet meer.", re.compile("verslag")]),
]


@pytest.fixture(params=VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def sized_page(request, browser):
    width, height = request.param
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": height}, bypass_csp=True)
    yield context.new_page(), height
    context.close()


def first_screen_bottom(locator, height):
    """How far below the first screen the element ends (0 or less: it is on it)."""
    box = locator.bounding_box()
    assert box is not None, "not shown"
    return box["y"] + box["height"] - height


@pytest.mark.parametrize("phase,slug,calls", KWESTIES, ids=[k[0] for k in KWESTIES])
def test_the_question_and_what_to_do_now_are_on_the_first_screen(sized_page, site, phase, slug, calls):
    page, height = sized_page
    assert page.goto(f"{site.url}/kwesties/{slug}/").status == 200
    main = page.locator("main")
    assert first_screen_bottom(main.locator("p.question"), height) <= 0
    for call in calls:
        if isinstance(call, str) and call.endswith("."):
            target = main.get_by_text(call).first
        else:
            target = main.get_by_role("link", name=call).first
        assert first_screen_bottom(target, height) <= 0, f"{call} is below the first screen"
    # Where there is nothing to take part in, the page offers no form to do so.
    assert (main.locator("a[href*='/deelnemen/']").count() == 0) == (phase == "closed")


def test_the_current_step_reads_without_colour(sized_page, site):
    page, _ = sized_page
    page.goto(f"{site.url}/kwesties/kwestie-proposing/")
    current = page.locator("main .steps li[aria-current='step']")
    assert current.count() == 1
    assert current.inner_text().startswith("Concept-plan (nu)")
