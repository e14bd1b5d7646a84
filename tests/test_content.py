"""The content data files say what the article and the resources say."""

import re

from practice import content
from tests.conftest import ROOT, load_yaml

# A copy of the article the bot answers from (../shared/seed/article.txt).
ARTICLE = ROOT / "content" / "article.txt"
FAQ_INTENTS = [
    "ask_therapists_care",
    "ask_build_trust",
    "ask_personal_connection",
    "ask_not_feeling_cared_for",
    "ask_therapist_self_care",
]


def _article_faq() -> dict:
    """The article's FAQ section: {question: answer}, parsed from the text."""
    text = ARTICLE.read_text(encoding="utf-8")
    faq = text.split("FAQs About Therapists’ Care for Clients", 1)[1].split("\nConclusion", 1)[0]
    pairs = re.findall(r"^\d\. (.+?)\n(.+?)$", faq.strip(), flags=re.M)
    return dict(pairs)


def test_every_answer_is_the_articles_answer_word_for_word():
    article = _article_faq()
    assert len(article) == 5
    stored = content.answers()["faq"]
    assert sorted(stored) == sorted(FAQ_INTENTS)
    for intent in FAQ_INTENTS:
        assert stored[intent]["question"] in article, intent
        assert stored[intent]["answer"] == article[stored[intent]["question"]], intent


def _squash(text: str) -> str:
    return " ".join(text.replace("•", " ").split())


def test_every_article_section_answer_is_quoted_from_the_article():
    article = _squash(ARTICLE.read_text(encoding="utf-8"))
    for intent, item in content.answers()["article"].items():
        for line in item["answer"].splitlines():
            assert _squash(line) in article, (intent, line)


def test_follow_ups_and_menu_point_at_real_topics():
    answers = content.answers()
    topics = content.topics()
    for source, target in answers["follow_up"].items():
        assert source in topics and target in topics and source != target
    assert all(content.title(intent) for intent in answers["menu"])


def test_the_fail_closed_response_lists_the_checked_numbers():
    """utter_crisis_fallback (domain.yml) must agree with crisis_resources.yml."""
    fallback = load_yaml(ROOT / "domain.yml")["responses"]["utter_crisis_fallback"][0]["text"]
    regions = content.crisis_resources()["regions"]
    for region in ("US", "UK", "IE", "AU"):
        for key in ("emergency", "call"):
            assert regions[region][key]["number"] in fallback, (region, key)
    assert "741741" in fallback and "findahelpline.com" in fallback


def test_resources_have_a_source_and_no_discontinued_option():
    text = (ROOT / "content" / "crisis_resources.yml").read_text()
    assert "press 3" not in text.replace('"press 3" option ended', "")
    for name, region in content.crisis_resources()["regions"].items():
        for key in ("emergency", "call", "text"):
            if region[key]:
                assert region[key]["source"].startswith("https://"), (name, key)


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_no_reply_says_commit_suicide():
    # (the lexicon is not a reply: it must recognise the phrase)
    for path in [ROOT / "content" / n for n in ("answers.yml", "crisis_resources.yml", "practice.yml")] + [
        ROOT / "domain.yml"
    ]:
        for text in _strings(load_yaml(path)):
            assert "commit suicide" not in text.lower(), path
