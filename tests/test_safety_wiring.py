"""Guards against switching the crisis path off by accident."""

import pytest

from practice import crisis_resources
from tests.conftest import ROOT, load_yaml


def test_the_risk_detector_runs_last_in_the_pipeline():
    pipeline = load_yaml(ROOT / "config.yml")["pipeline"]
    assert pipeline[-1]["name"] == "components.risk_component.RiskDetectorComponent"


def test_crisis_rules_exist_for_both_the_reply_and_the_fail_closed_response():
    rules = load_yaml(ROOT / "data" / "rules.yml")["rules"]
    crisis_rules = [r for r in rules if r["steps"][0] == {"intent": "crisis"}]
    actions = [[s["action"] for s in r["steps"] if "action" in s] for r in crisis_rules]
    assert ["action_crisis_reply"] in actions
    assert ["action_crisis_reply", "utter_crisis_fallback"] in actions


@pytest.mark.parametrize(
    "region, expected",
    [
        ("US", ["911", "988", "741741"]),
        ("UK", ["999", "116 123", "85258"]),
        ("CA", ["911", "9-8-8"]),
        ("AU", ["000", "13 11 14"]),
        ("IE", ["112", "116 123", "50808"]),
        ("EU", ["112", "findahelpline.com"]),
        ("OTHER", ["your local emergency number", "findahelpline.com"]),
        ("XX", ["your local emergency number", "findahelpline.com"]),
    ],
)
def test_the_reply_uses_the_practice_regions_resources(region, expected):
    text, links = crisis_resources.compose(["suicide"], region)
    for needle in expected:
        assert needle in text, (region, needle)
    if region == "UK":
        assert "911" not in text and "988" not in text
        assert {"label": "Call 999 · Emergency services", "href": "tel:999"} in links


def test_abuse_outside_the_us_gets_no_us_hotline():
    text, _ = crisis_resources.compose(["abuse"], "UK")
    assert "1-800" not in text and "999" in text
