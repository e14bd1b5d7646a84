"""The practice page and its chat widget in a real headless Chromium,
against the real Rasa and action servers."""

import json
import re
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from practice import content
from tests.conftest import ARTIFACTS, ROOT, free_port

pytestmark = pytest.mark.slow  # starts Chromium and the servers

# Flags for a machine with no network but localhost (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 30_000


def chromium_path() -> str:
    """Debian's Chromium, installed here when it is missing."""
    path = shutil.which("chromium")
    if not path:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)
        path = shutil.which("chromium")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def open_chat(page, web_page, bot):
    page.goto(f"{web_page.origin}/?server={bot.url}")
    page.get_by_role("button", name="Chat: Questions about therapy").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("automated assistant", timeout=TIMEOUT_MS)  # the welcome
    return log


def say(page, text):
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def test_a_visitor_asks_a_question_and_reads_the_answer(page, web_page, bot):
    log = open_chat(page, web_page, bot)
    say(page, "Do therapists really care about their clients?")
    expect(log).to_contain_text(content.faq_answer("ask_therapists_care"), timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-answer.png"))


def test_a_crisis_message_shows_tappable_numbers(page, web_page, bot):
    # Only links inside the conversation count: the page itself also lists 988.
    log = open_chat(page, web_page, bot)
    say(page, "i wanna kms")
    expect(log.locator("a[href='tel:988']")).to_be_visible(timeout=TIMEOUT_MS)
    expect(log.locator("a[href='tel:911']")).to_be_visible()
    expect(log.locator("a[href^='sms:741741']")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "widget-crisis.png"))


def test_the_conversation_survives_a_reload(page, web_page, bot):
    log = open_chat(page, web_page, bot)
    say(page, "How can I build trust with my therapist?")
    expect(log).to_contain_text(content.faq_answer("ask_build_trust"), timeout=TIMEOUT_MS)
    page.reload()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text(content.faq_answer("ask_build_trust"))
    # ...and it goes on in the same conversation: "tell me more" needs the server's memory of it.
    say(page, "tell me more")
    expect(page.get_by_role("log")).to_contain_text(content.faq_answer("ask_relationship"), timeout=TIMEOUT_MS)


def test_html_in_a_message_is_shown_as_text(page, web_page, bot):
    log = open_chat(page, web_page, bot)
    say(page, "<img src=x onerror=alert(1)>")
    expect(log).to_contain_text("<img src=x onerror=alert(1)>")
    expect(log).to_contain_text("relationship between therapists", timeout=TIMEOUT_MS)  # the bot's reply
    assert page.locator(".tc-log img").count() == 0
    assert page.dialogs == []


def test_the_widget_works_by_keyboard_alone(page, web_page, bot):
    page.goto(f"{web_page.origin}/?server={bot.url}")
    launcher = page.get_by_role("button", name="Chat: Questions about therapy")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Your message")).to_be_focused()
    page.keyboard.type("bye")
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("Goodbye", timeout=TIMEOUT_MS)
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_topic_buttons_send_their_question(page, web_page, bot):
    log = open_chat(page, web_page, bot)
    page.get_by_role("button", name=content.title("ask_therapist_self_care")).first.click()
    expect(log).to_contain_text(content.faq_answer("ask_therapist_self_care"), timeout=TIMEOUT_MS)


def test_on_a_phone_the_chat_fills_the_screen(browser, web_page, bot):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    try:
        open_chat(page, web_page, bot)
        box = page.get_by_role("dialog").bounding_box()
        assert box["width"] == 375 and box["x"] == 0
        expect(page.get_by_label("Your message")).to_be_in_viewport()
        expect(page.get_by_role("button", name="Send")).to_be_visible()
        expect(page.get_by_role("button", name="Chat: Questions about therapy")).to_be_hidden()
        page.screenshot(path=str(ARTIFACTS / "widget-phone.png"))
    finally:
        context.close()


def test_an_unreachable_server_shows_where_to_get_help(page, web_page):
    page.goto(f"{web_page.origin}/?server=http://127.0.0.1:{free_port()}")
    page.get_by_role("button", name="Chat: Questions about therapy").click()
    expect(page.get_by_role("alert")).to_contain_text("988", timeout=TIMEOUT_MS)


def test_the_header_shows_the_practice_regions_crisis_line(page, web_page, bot):
    open_chat(page, web_page, bot)
    header = json.loads((ROOT / "web" / "crisis-line.json").read_text(encoding="utf-8"))["header"]
    assert "988" in header and "911" in header  # the example practice is in the US
    expect(page.locator(".tc-note")).to_have_text(header, timeout=TIMEOUT_MS)


def axe_violations(page) -> str:
    """axe-core's report of the page's accessibility violations; empty when there are none."""
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else ""


def test_the_about_link_is_reached_by_keyboard_and_opens_the_page(page, web_page, bot):
    page.goto(f"{web_page.origin}/?server={bot.url}")
    launcher = page.get_by_role("button", name="Chat: Questions about therapy")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.get_by_role("log")).to_contain_text("automated assistant", timeout=TIMEOUT_MS)  # the welcome
    session_id = page.evaluate("sessionStorage.getItem('therapy-chat-session')")
    # In the panel's tab order the link comes right after the close button.
    page.get_by_role("button", name="Close chat").focus()
    page.keyboard.press("Tab")
    about = page.get_by_role("dialog").get_by_role("link", name="About this assistant")
    expect(about).to_be_focused()
    expect(about).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/about\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About this assistant")
    # The conversation's reference, for a deletion request, from this tab's chat.
    assert session_id
    expect(page.locator("#reference")).to_contain_text(session_id)
    page.go_back()  # back on the practice page, the chat is open where it was
    expect(page.get_by_role("dialog")).to_be_visible()


def test_the_about_page_shows_the_regions_crisis_line_and_the_practices_contact(page, web_page):
    practice = content.practice()
    resources = content.crisis_resources()["regions"][practice["region"]]
    page.goto(f"{web_page.origin}/about.html")
    help_now = page.get_by_role("region", name="If you need help now")
    expect(help_now).to_be_visible()
    expect(help_now.get_by_role("link", name=resources["call"]["label"])).to_have_attribute(
        "href", resources["call"]["href"]
    )
    expect(help_now).to_contain_text(resources["call"]["detail"])
    expect(help_now).to_contain_text(f"call {resources['emergency']['number']}")
    expect(help_now.locator(f"a[href='{resources['emergency']['href']}']")).to_be_visible()
    contact = page.get_by_role("region", name=f"Contact {practice['name']}")
    for field in ("phone", "email", "hours", "website", "booking_url"):
        expect(contact).to_contain_text(practice[field])
    expect(contact.get_by_role("link", name=practice["email"])).to_have_attribute("href", f"mailto:{practice['email']}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "about.png"), full_page=True)


def test_the_practice_page_links_to_the_about_page(page, web_page):
    page.goto(f"{web_page.origin}/")
    page.get_by_role("main").get_by_role("link", name="About this assistant").click()
    expect(page).to_have_url(re.compile(r"/about\.html$"))


def test_axe_finds_no_accessibility_violations_on_the_about_page(browser, web_page):
    for viewport in ({"width": 1280, "height": 800}, {"width": 375, "height": 667}):
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            page.goto(f"{web_page.origin}/about.html")
            report = axe_violations(page)
            assert not report, f"{viewport['width']} px wide:\n{report}"
        finally:
            context.close()


def test_axe_finds_no_accessibility_violations_with_the_chat_open(page, web_page, bot):
    log = open_chat(page, web_page, bot)
    say(page, "Do therapists really care about their clients?")
    expect(log).to_contain_text(content.faq_answer("ask_therapists_care"), timeout=TIMEOUT_MS)
    report = axe_violations(page)
    assert not report, report
