"""Reading kwestie.md files."""

import pytest

from participation.issues import IssueFileError, IssueLookup, load_public_issues, new_issue, read_issue

from .conftest import AZC, FUND, write_issue


def test_demo_kwesties_have_question_phase_and_constraints(settings):
    issues = {i.slug: i for i in load_public_issues(settings)}
    assert set(issues) >= {AZC, FUND}
    azc = issues[AZC]
    assert "Het kan zijn dat er een AZC komt in het café." in azc.question
    assert azc.phase == "open"
    assert len(azc.constraints) >= 2
    assert issues[FUND].budget == 250000
    assert "<h2" in azc.body  # Markdown rendered by Pelican's reader


def test_the_question_in_other_languages(settings):
    path = write_issue(settings, "talen", Question_ar="ما رأيك؟", Question_en="What do you think?")
    issue = read_issue(path, settings)
    assert [(t.lang, t.text, t.dir) for t in issue.translations] == [
        ("ar", "ما رأيك؟", "rtl"), ("en", "What do you think?", "ltr")]
    assert [(t.name, t.own_name) for t in issue.translations] == [("Arabisch", "العربية"), ("Engels", "English")]


@pytest.mark.parametrize("metadata,message", [
    ({"Question_xq": "Wat?"}, "Question_xq: 'xq' is geen taalcode"),
    ({"Question_en": " "}, "Question_en is leeg"),
])
def test_a_wrong_translation_names_file_and_field(settings, metadata, message):
    path = write_issue(settings, "talen", **metadata)
    with pytest.raises(IssueFileError, match=message):
        read_issue(path, settings)


def test_unknown_phase_names_file_and_field(settings):
    path = write_issue(settings, "kapot", phase="misschien")
    with pytest.raises(IssueFileError, match="Phase"):
        read_issue(path, settings)


def test_draft_kwestie_is_not_public(settings):
    write_issue(settings, "nog-geheim", phase="draft")
    assert "nog-geheim" not in {i.slug for i in load_public_issues(settings)}
    assert IssueLookup(settings).get("nog-geheim") is None


def test_lookup_rereads_a_changed_file(settings):
    path = write_issue(settings, "wisselend", phase="open")
    lookup = IssueLookup(settings)
    assert lookup.get("wisselend").phase == "open"
    write_issue(settings, "wisselend", phase="closed")
    import os

    os.utime(path, ns=(1, 10**18))  # a different mtime, however fast the test runs
    assert lookup.get("wisselend").phase == "closed"


@pytest.mark.parametrize("slug", ["../etc", ".verborgen", "a/b", ""])
def test_lookup_refuses_paths(settings, slug):
    assert IssueLookup(settings).get(slug) is None


def test_new_issue_starts_as_draft(settings):
    path = new_issue(settings, "nieuwe-speeltuin")
    issue = read_issue(path, settings)
    assert issue.phase == "draft"
    with pytest.raises(FileExistsError):
        new_issue(settings, "nieuwe-speeltuin")
    with pytest.raises(ValueError):
        new_issue(settings, "Geen Goede Naam")
