"""The public page web/about.html (scripts/build_about_page.py): the region's
crisis numbers and the practice's contact from the content files, and the
sentences that depend on the set-up (staff alert, keep_unanswered_days)."""

import subprocess

import pytest
import yaml
from markupsafe import escape

from practice import config as practice_config
from practice import content
from practice.crisis_resources import safety_line
from scripts import build_about_page
from tests.conftest import BASE_ENV, BIN, ROOT

ALERT_SENTENCE = "staff get an automatic alert"
NOBODY_SENTENCE = "Nobody is alerted"
UNANSWERED_SENTENCE = "The text of a question the assistant could not answer is"


def html_text(text: str) -> str:
    """How the autoescaped page writes a text ("you're" as "you&#39;re")."""
    return str(escape(text))


def render(**env: str) -> str:
    """The page, its lines joined: a sentence may wrap in the template."""
    return " ".join(build_about_page.render(env=env).split())


@pytest.fixture
def practice_in(tmp_path, monkeypatch):
    """The example practice moved to another region, with extra fields (PRACTICE_CONFIG)."""

    def use(region: str, **fields):
        data = {**practice_config.load(practice_config.DEFAULT_PATH), "region": region, **fields}
        path = tmp_path / "practice.yml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        monkeypatch.setenv("PRACTICE_CONFIG", str(path))
        content.practice.cache_clear()
        return content.practice()

    yield use
    content.practice.cache_clear()


def numbers(resources: dict) -> list:
    """Every number a region's resources name: emergency, call, text and by category."""
    entries = [resources["emergency"], resources["call"], resources["text"]]
    entries += [r for by in (resources.get("by_category") or {}).values() for r in by]
    return [r["number"] for r in entries if r and r.get("number")]


@pytest.mark.parametrize("region, other", [("US", "UK"), ("UK", "US")])
def test_the_page_shows_the_regions_numbers_and_the_practices_contact(practice_in, region, other):
    practice = practice_in(region, name="Test Practice", phone="+44 20 7946 0000", email="desk@test.example")
    regions = content.crisis_resources()["regions"]
    page = render()
    for number in numbers(regions[region]):
        assert number in page, f"{region}: {number} missing"
    assert f'href="{regions[region]["emergency"]["href"]}"' in page
    assert html_text(safety_line()) in page  # the line every non-answer ends with
    assert regions[other]["emergency"]["number"] not in page  # 911 on a UK page would be wrong
    assert practice["phone"] in page and practice["email"] in page and html_text(practice["hours"]) in page
    assert 'href="tel:+442079460000"' in page and f'href="mailto:{practice["email"]}"' in page
    assert '<html lang="en">' in page and "<title>About this assistant · Test Practice</title>" in page


def test_the_template_holds_no_number_or_contact_of_its_own():
    template = (build_about_page.TEMPLATES / build_about_page.TEMPLATE).read_text(encoding="utf-8")
    for region, resources in content.crisis_resources()["regions"].items():
        for number in numbers(resources):
            assert number not in template, f"{region}'s {number} is written in the template"
    practice = content.practice()
    assert practice["phone"] not in template and practice["email"] not in template


def test_the_staff_alert_sentence_follows_the_environment():
    url = "https://alerts.example/hook-secret-123"
    with_alert = render(STAFF_ALERT_WEBHOOK_URL=url)
    without = render()
    assert ALERT_SENTENCE in with_alert and NOBODY_SENTENCE not in with_alert
    assert NOBODY_SENTENCE in without and ALERT_SENTENCE not in without
    assert "hook-secret" not in with_alert  # the page never shows the webhook's address
    assert NOBODY_SENTENCE in render(STAFF_ALERT_WEBHOOK_URL="  ")


def test_unanswered_questions_are_named_only_when_kept(practice_in):
    practice_in("US")
    assert UNANSWERED_SENTENCE not in render()
    practice_in("US", keep_unanswered_days=0)  # 0 days: nothing is kept
    assert UNANSWERED_SENTENCE not in render()
    practice_in("US", keep_unanswered_days=30)
    page = render()
    assert UNANSWERED_SENTENCE in page and "kept for 30 days" in page
    assert "A message with any sign of risk is never kept this way" in page


def test_the_script_writes_the_page_with_its_environment(tmp_path, practice_in):
    practice_in("UK")  # the script reads PRACTICE_CONFIG from its environment
    out = tmp_path / "about.html"
    env = {**BASE_ENV, "STAFF_ALERT_WEBHOOK_URL": "https://alerts.example/hook"}
    env["PRACTICE_CONFIG"] = str(tmp_path / "practice.yml")
    subprocess.run(
        [str(BIN / "python"), "scripts/build_about_page.py", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    page = " ".join(out.read_text(encoding="utf-8").split())
    assert ALERT_SENTENCE in page and "116 123" in page and "999" in page
