"""Charts without JavaScript (issue 18): participation/charts.py draws a bar in parts as inline
SVG; the kwestie page, the verslag, the plan page and /besluiten/ show them beside their figures.

The demo's charts are checked against counts made here from the source itself: SQL on the
database and the plan's YAML files, never through the functions that drew them.
"""

import datetime
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from participation import consent, demo, i18n, store
from participation.build import build
from participation.charts import chart_legend, stacked_bar
from participation.council import budget_figures
from participation.issues import read_issue

from .conftest import AZC, FUND
from .test_site_build import read, text

PARTS = [("consented", "Ik kan ermee leven", 9), ("concerns", "Met een zorg", 0), ("objected", "Met bezwaar", 1),
         ("no_answer", "Geen antwoord", 4)]


def drawn(svg):
    """{part: count} of the parts the bar draws."""
    return {key: int(count) for key, count in re.findall(r'<rect data-part="([^"]+)" data-count="(\d+)"', svg)}


def widths(svg):
    return [float(w) for w in re.findall(r'<rect data-part="[^"]+" data-count="\d+" x="[^"]+" y="0" width="([\d.]+)%"', svg)]


def fill_of(svg, part):
    return re.search(rf'<rect data-part="{part}"[^>]* fill="([^"]+)"', svg).group(1)


# charts.py on its own --------------------------------------------------------------------------


def test_each_part_is_drawn_in_proportion_and_named_with_its_count():
    svg = stacked_bar(PARTS, id="ronde", title="Zo antwoordde de kring", description="Per afspraak.")
    assert drawn(svg) == {"consented": 9, "objected": 1, "no_answer": 4}
    assert widths(svg) == pytest.approx([100 * 9 / 14, 100 / 14, 100 * 4 / 14], abs=0.001)
    assert '<title id="ronde-title">Zo antwoordde de kring</title>' in svg
    desc = re.search(r'<desc id="ronde-desc">(.*?)</desc>', svg).group(1)
    assert desc == "Per afspraak. Ik kan ermee leven: 9; Met een zorg: 0; Met bezwaar: 1; Geen antwoord: 4."
    assert 'role="img" aria-labelledby="ronde-title ronde-desc"' in svg


def test_silence_is_its_own_part_and_never_looks_like_consent():
    svg = stacked_bar(PARTS, id="r", title="t", description="d")
    consented, silent = fill_of(svg, "consented"), fill_of(svg, "no_answer")
    assert consented != silent
    assert silent.startswith("url(#r-p")  # hatched: a pattern, not a colour
    pattern = re.search(rf'<pattern id="{silent[5:-1]}".*?</pattern>', svg).group(0)
    assert 'fill="#ffffff"' in pattern  # an empty part: white with dark hatching ...
    assert re.search(r'<rect data-part="no_answer"[^>]*stroke="#4a4a4a"', svg)  # ... and outlined
    assert [p["key"] for p in chart_legend(PARTS, id="r")] == ["consented", "concerns", "objected", "no_answer"]


def test_a_zero_part_is_not_drawn_but_listed_with_its_zero():
    legend = chart_legend(PARTS, id="r")
    assert "concerns" not in drawn(stacked_bar(PARTS, id="r", title="t", description="d"))
    assert [(p["label"], p["text"]) for p in legend][1] == ("Met een zorg", "0")
    assert all('aria-hidden="true"' in p["swatch"] for p in legend)


def test_nothing_to_count_gives_an_empty_bar_without_dividing_by_zero():
    parts = [("web", "via de website", 0), ("door", "aan de deur", 0)]
    svg = stacked_bar(parts, id="leeg", title="Bijdragen", description="Nog niets.")
    assert drawn(svg) == {} and 'stroke-dasharray="4 4"' in svg and 'width="100%"' in svg
    assert [p["text"] for p in chart_legend(parts, id="leeg")] == ["0", "0"]


def test_bars_on_one_scale_leave_the_rest_of_the_width_empty():
    svg = stacked_bar([("allocated", "In het plan", 25_000), ("free", "Nog vrij", 25_000)], id="b", title="t",
                      description="d", total=200_000, unit="euro")
    assert widths(svg) == pytest.approx([12.5, 12.5])


def test_figures_are_written_the_way_the_page_language_writes_them():
    parts = [("allocated", "In het plan", 238_500), ("free", "Nog vrij", 11_500)]
    assert [p["text"] for p in chart_legend(parts, id="b", unit="euro")] == ["€ 238.500", "€ 11.500"]
    with i18n.using("en"):
        assert [p["text"] for p in chart_legend(parts, id="b", unit="euro")] == ["€238,500", "€11,500"]
        assert chart_legend([("web", "web", 1234)], id="c")[0]["text"] == "1,234"


def test_ids_are_unique_on_a_page_and_the_same_in_every_build():
    page = "".join(stacked_bar(PARTS, id=name, title="t", description="d") + "".join(
        p["swatch"] for p in chart_legend(PARTS, id=name)) for name in ("grafiek-a", "grafiek-b"))
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and all(i.startswith(("grafiek-a-", "grafiek-b-")) for i in ids)
    # Every pattern a swatch or a bar uses is defined on the page.
    assert set(re.findall(r'url\(#([^)]+)\)', page)) <= set(ids)
    assert page == "".join(stacked_bar(PARTS, id=name, title="t", description="d") + "".join(
        p["swatch"] for p in chart_legend(PARTS, id=name)) for name in ("grafiek-a", "grafiek-b"))


def test_text_in_a_chart_is_escaped():
    svg = stacked_bar([("x", "<b>", 1)], id="e", title="<script>", description="a & b")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_the_budget_splits_into_plan_concept_over_and_free():
    assert budget_figures(None, 100) is None
    assert budget_figures(250_000, 238_500) == {"available": 250_000, "allocated": 238_500, "proposed": 0,
                                                "over": 0, "free": 11_500, "spent": 238_500}
    over = budget_figures(250_000, 238_500, proposed=20_000)  # the concept plan would go € 8.500 over
    assert (over["allocated"], over["proposed"], over["over"], over["free"]) == (238_500, 11_500, 8_500, 0)
    spent_too_much = budget_figures(100, 150, proposed=10)
    assert (spent_too_much["allocated"], spent_too_much["proposed"], spent_too_much["over"]) == (100, 0, 60)


# The demo's pages ------------------------------------------------------------------------------

FIGURE = re.compile(r'<figure class="chart[^"]*" id="([^"]+)">(.*?)</figure>', re.S)


def figures(page):
    """{figure id: {"svgs": [svg], "legend": {part: count}, "caption": text, "body": html}}."""
    found = {}
    for figure_id, body in FIGURE.findall(page):
        legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', body, re.S).group(1)
        found[figure_id] = {
            "svgs": re.findall(r"<svg class=\"chart-bar\".*?</svg>", body, re.S),
            "legend": {k: int(c) for k, c in re.findall(r'<li data-part="([^"]+)" data-count="(\d+)">', legend)},
            "legend_text": text(legend),
            "caption": text(re.search(r"<figcaption>(.*?)</figcaption>", body, re.S).group(1)),
            "body": body,
        }
    return found


@pytest.fixture
def demo_site(settings, db):
    """The demo, with a new concept agreement in a round on the village fund (answers from a few
    members, the rest silent) and a member who joined on paper; built in full."""
    demo.seed(db, settings)
    fund = read_issue(Path(settings["PATH"]) / "kwesties" / FUND / "kwestie.md", settings)
    a5 = consent.propose_agreement(db, settings, fund, what="Een AED bij het dorpshuis", cost=3_000)
    a6 = consent.propose_agreement(db, settings, fund, what="Een boekenkast in de bushalte")
    consent.open_round(db, fund, [a5, a6], consent.end_of_day(datetime.date(2999, 12, 31)))
    members = [m for (m,) in db.execute("select id from members where issue = ? order by id", [FUND])]
    for member in members[:5]:
        consent.respond(db, fund, member, "consent")
    consent.respond(db, fund, members[5], "concern", reason="Wie controleert hem?", agreement_number=a5)
    consent.respond(db, fund, members[6], "objection", reason="Te klein.", agreement_number=a6)
    store.add_member(db, AZC, name="Op Papier", relation="other", channel="paper")
    build(settings)
    return settings


def source(settings):
    return sqlite3.connect(settings["SAMENPLAN_DATABASE"])


def plan_files(settings, slug):
    return [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((Path(settings["PATH"]) / "kwesties" / slug / "plan").glob("*.yaml"))]


def kwestie_budget(settings, slug):
    found = re.search(r"^Budget:\s*(\d+)", (Path(settings["PATH"]) / "kwesties" / slug / "kwestie.md")
                      .read_text(encoding="utf-8"), re.M)
    return int(found.group(1)) if found else None


RELATION_WORDS = {"buurtbewoner": "resident", "ondernemer": "business", "werkt-in-de-buurt": "works_nearby",
                  "nieuwkomer": "newcomer", "anders": "other"}  # the demo's plan files are in Dutch words


def assert_accessible(figure):
    """role="img", a <title> and a <desc> it points at, and the legend naming every part."""
    for svg in figure["svgs"]:
        ids = re.search(r'role="img" aria-labelledby="([^"]+)"', svg).group(1).split()
        assert [re.search(rf'<(title|desc) id="{i}">', svg).group(1) for i in ids] == ["title", "desc"]
    assert figure["caption"].strip()
    assert figure["legend"]


def assert_chart(figure, expected):
    """The legend lists every part with the expected count; the bar draws exactly the non-zero ones."""
    assert figure["legend"] == expected
    assert_accessible(figure)
    if len(figure["svgs"]) == 1:
        assert drawn(figure["svgs"][0]) == {k: v for k, v in expected.items() if v}


def channels_from_sql(con, slug):
    counts = {"web": 0, "door": 0, "paper": 0, "meeting": 0}
    for table in ("members", "ideas", "questions", "objections"):
        for channel, n in con.execute(f"select channel, count(*) from {table} where issue = ? group by channel", [slug]):
            counts[channel] += n
    return counts


def circle_from_sql(con, slug):
    counts = dict.fromkeys(["resident", "business", "works_nearby", "newcomer", "professional", "other"], 0)
    counts.update(con.execute("select relation, count(*) from members where issue = ? group by relation", [slug]))
    return counts


def statuses_from_files(settings, slug, con):
    files = plan_files(settings, slug)
    counts = {"concept": con.execute("select count(*) from agreements where issue = ? and status = 'concept'",
                                     [slug]).fetchone()[0], "planned": 0, "in_progress": 0, "done": 0, "stopped": 0}
    for a in files[-1]["agreements"] if files else []:
        counts[a["status"]] += 1
    return counts


def test_the_verslag_charts_match_the_database_and_the_plan_files(demo_site):
    con = source(demo_site)
    for slug in (FUND, AZC):
        found = figures(read(demo_site, f"kwesties/{slug}/verslag/index.html"))
        assert_chart(found["grafiek-kanalen"], channels_from_sql(con, slug))
        assert_chart(found["grafiek-kring"], circle_from_sql(con, slug))
        statuses = statuses_from_files(demo_site, slug, con)
        if any(statuses.values()):
            assert_chart(found["grafiek-status"], statuses)
        else:  # no plan and no concept: nothing to chart
            assert "grafiek-status" not in found
        files = plan_files(demo_site, slug)
        budget = kwestie_budget(demo_site, slug)
        if budget is None:
            assert "grafiek-budget" not in found
        else:
            allocated = sum(a["cost"] or 0 for a in files[-1]["agreements"])
            assert_chart(found["grafiek-budget"], {"allocated": allocated, "over": max(0, allocated - budget),
                                                   "free": max(0, budget - allocated)})
        rounds = [f for f in files if f["kind"] == "adoption" and f["consent_round"]]
        for f in rounds:
            r = f["consent_round"]
            assert r["consented"] + r["concerns"] + r["objected"] + r["no_answer"] == f["circle"]["members"]
            assert_chart(found[f"grafiek-ronde-versie-{f['version']}"],
                         {"consented": r["consented"], "concerns": r["concerns"], "objected": r["objected"],
                          "no_answer": r["no_answer"]})
    # The round that is open now, counted from the answers: members who answered every agreement of
    # the round by their weightiest answer; the others said nothing.
    members = con.execute("select count(*) from members where issue = ?", [FUND]).fetchone()[0]
    weight = {"consent": 0, "concern": 1, "objection": 2}
    answers = {}
    for member, answer in con.execute("select member_id, answer from round_answers"):
        answers.setdefault(member, []).append(answer)
    complete = [max(a, key=weight.get) for a in answers.values() if len(a) == 2]
    expected = {"consented": complete.count("consent"), "concerns": complete.count("concern"),
                "objected": complete.count("objection"), "no_answer": members - len(complete)}
    assert expected == {"consented": 5, "concerns": 0, "objected": 0, "no_answer": 9}  # A5 or A6 left open
    assert_chart(figures(read(demo_site, f"kwesties/{FUND}/verslag/index.html"))["grafiek-ronde-nu"], expected)


def test_the_kwestie_page_charts_match_the_source(demo_site):
    con = source(demo_site)
    members = con.execute("select count(*) from members where issue = ?", [FUND]).fetchone()[0]
    found = figures(read(demo_site, f"kwesties/{FUND}/index.html"))
    assert_chart(found["grafiek-kring"], circle_from_sql(con, FUND))
    budget = kwestie_budget(demo_site, FUND)
    allocated = sum(a["cost"] or 0 for a in plan_files(demo_site, FUND)[-1]["agreements"])
    proposed = con.execute("select coalesce(sum(cost), 0) from agreements where issue = ? and status = 'concept'",
                           [FUND]).fetchone()[0]
    assert proposed == 3_000
    assert_chart(found["grafiek-budget"], {"allocated": allocated, "proposed": proposed, "over": 0,
                                           "free": budget - allocated - proposed})
    for number in (5, 6):
        given = dict(con.execute("select answer, count(*) from round_answers where agreement_number = ? "
                                 "group by answer", [number]))
        expected = {"consented": given.get("consent", 0), "concerns": given.get("concern", 0),
                    "objected": given.get("objection", 0)}
        expected["no_answer"] = members - sum(expected.values())
        assert_chart(found[f"grafiek-ronde-A{number}"], expected)
    # Silence is never consent: 14 members, 6 answered A5.
    assert found["grafiek-ronde-A5"]["legend"] == {"consented": 5, "concerns": 1, "objected": 0, "no_answer": 8}
    assert "Geen antwoord: 8" in found["grafiek-ronde-A5"]["legend_text"]
    # The open kwestie has no budget: no budget chart, and its circle.
    azc = figures(read(demo_site, f"kwesties/{AZC}/index.html"))
    assert "grafiek-budget" not in azc
    assert_chart(azc["grafiek-kring"], circle_from_sql(con, AZC))


def test_the_plan_page_charts_match_the_newest_plan_file(demo_site):
    newest = plan_files(demo_site, FUND)[-1]
    found = figures(read(demo_site, f"kwesties/{FUND}/plan/index.html"))
    available, allocated = newest["budget"]["available"], sum(a["cost"] or 0 for a in newest["agreements"])
    assert_chart(found["grafiek-budget"], {"allocated": allocated, "over": 0, "free": available - allocated})
    statuses = {"planned": 0, "in_progress": 0, "done": 0, "stopped": 0}
    for a in newest["agreements"]:
        statuses[a["status"]] += 1
    assert_chart(found["grafiek-status"], statuses)
    assert "grafiek-status" not in figures(read(demo_site, f"kwesties/{AZC}/plan/index.html"))  # no plan yet


def test_besluiten_charts_match_the_source(demo_site):
    con = source(demo_site)
    page = read(demo_site, "besluiten/index.html")
    found = figures(page)
    rows = found["grafiek-budget-kwesties"]
    expected_rows = {}
    for slug in (FUND, AZC):
        budget, files = kwestie_budget(demo_site, slug), plan_files(demo_site, slug)
        if budget is not None:
            expected_rows[slug] = (budget, sum(a["cost"] or 0 for a in files[-1]["agreements"]) if files else 0)
    shown = {slug: drawn(svg) for slug, svg in re.findall(r'<li data-issue="([^"]+)">.*?(<svg.*?</svg>)',
                                                          rows["body"], re.S)}
    assert set(shown) == set(expected_rows) == {FUND}
    for slug, (budget, allocated) in expected_rows.items():
        assert shown[slug] == {k: v for k, v in {"allocated": min(budget, allocated), "over": max(0, allocated - budget),
                                                 "free": max(0, budget - allocated)}.items() if v}
    assert_accessible(rows)
    totals = {"concept": 0, "planned": 0, "in_progress": 0, "done": 0, "stopped": 0}
    for slug in (FUND, AZC):
        for key, count in statuses_from_files(demo_site, slug, con).items():
            totals[key] += count
    assert totals["concept"] == 2
    assert_chart(found["grafiek-status-samen"], totals)


def test_every_chart_has_a_text_equivalent_with_the_same_figures_in_every_language(demo_site):
    pages = [f"kwesties/{FUND}/", f"kwesties/{FUND}/verslag/", f"kwesties/{FUND}/plan/", "besluiten/",
             f"kwesties/{AZC}/", f"kwesties/{AZC}/verslag/"]
    for path in pages:
        dutch = figures(read(demo_site, path + "index.html"))
        assert dutch, path
        for figure_id, figure in dutch.items():
            assert_accessible(figure)
            # The legend says each figure in words: the text equivalent.
            for item in re.findall(r"<li data-part.*?</li>", figure["body"], re.S):
                count = int(re.search(r'data-count="(\d+)"', item).group(1))
                assert re.search(r": (€ )?" + f"{count:,}".replace(",", r"\.") + r"$", text(item).strip()), item
        arabic = figures(read(demo_site, "ar/" + path + "index.html"))
        assert {k: f["legend"] for k, f in arabic.items()} == {k: f["legend"] for k, f in dutch.items()}
        assert '<html lang="ar" dir="rtl">' in read(demo_site, "ar/" + path + "index.html")
        ids = re.findall(r' id="([^"]+)"', read(demo_site, path + "index.html"))
        assert len(ids) == len(set(ids)), path


def test_two_builds_give_the_same_charts_byte_for_byte(demo_site):
    paths = [f"kwesties/{FUND}/index.html", f"kwesties/{FUND}/verslag/index.html", f"kwesties/{FUND}/plan/index.html",
             "besluiten/index.html", f"ar/kwesties/{FUND}/verslag/index.html"]
    first = {p: (Path(demo_site["OUTPUT_PATH"]) / p).read_bytes() for p in paths}
    assert all(b"<svg class=\"chart-bar\"" in page for page in first.values())
    build(demo_site)
    assert {p: (Path(demo_site["OUTPUT_PATH"]) / p).read_bytes() for p in paths} == first


def test_print_keeps_the_charts_colours():
    css = (Path(__file__).resolve().parent.parent / "themes/samen/static/css/samen.css").read_text(encoding="utf-8")
    rule = re.search(r"\.chart svg \{([^}]*)\}", css).group(1)
    assert "print-color-adjust: exact" in rule
