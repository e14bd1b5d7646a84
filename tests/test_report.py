"""The practice's report (`make report`, scripts/report.py).

Conversations are held with the real servers (action server and Rasa server),
stored by the project's conversation store in SQLite and in PostgreSQL, and
the crisis referrals counted by the servers in a file of their own; then the
report is built as the practice owner builds it, and the figures they would
read are checked in the page, with no message text and no sender id in it.
The date range, empty stores and an unreachable store are checked on small
stores written here.
"""

import re
import sqlite3
import subprocess
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest
import yaml

from practice import referrals as referral_counts
from scripts import report
from scripts.practice_report import figures, labels
from scripts.practice_report.period import Period
from scripts.practice_report.referrals import Referral
from scripts.practice_report.store import EVENTS, Event, query
from tests.conftest import (
    ACTION_SERVER,
    ARTIFACTS,
    BASE_ENV,
    BIN,
    PROJECT_STORE,
    ROOT,
    ProcessGroup,
    Servers,
    free_port,
    wait_until_up,
)
from tests.test_scale import DB_NAME, DB_USER, Postgres

REPORT = [str(BIN / "python"), str(ROOT / "scripts" / "report.py")]
# (visitor, what they say, the intent meant). "/session_start", Rasa's own command and not a visitor
# message, starts a second conversation for the first visitor, as an hour of silence would.
SESSION_START = "/session_start"
TURNS = [
    (0, "good morning", "greet"),
    (0, "Do psychologists actually care about the people they see?", "ask_therapists_care"),
    (0, "do you take insurance?", "ask_insurance"),  # answered: content/practice.yml sets `insurance`
    (0, SESSION_START, None),
    (0, "what's the address of the office", "ask_location"),  # not answered: `location` is not set
    (1, "can I talk to someone real", "ask_human"),
    (1, "I'd like to book my first session", "ask_booking"),
    (1, "zqxv wplor gnarfle blixt", None),  # gibberish: not understood, or out of scope
    (2, "I want to kill myself", "crisis"),
]
TEXTS = [text for _, text, _ in TURNS if text != SESSION_START]


def converse(bot) -> List[str]:
    """Four conversations from three visitors; returns the sender ids used."""
    senders = [f"report-visitor-{uuid.uuid4().hex[:12]}" for _ in range(3)]
    for visitor, text, _ in TURNS:
        assert bot.say(senders[visitor], text) or text == SESSION_START, f"no reply to {text!r}"
    return senders


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    assert found, f"no figure {name!r} in the report"
    return found.group(1).strip()


def figures_of(html: str, *names: str) -> Tuple[str, ...]:
    return tuple(figure(html, name) for name in names)


def run_report(*args: str, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*REPORT, *args], cwd=ROOT, env={**BASE_ENV, **(env or {})}, capture_output=True, text=True, timeout=120
    )


def build_page(tmp: Path, *args: str, env: Optional[Dict[str, str]] = None) -> str:
    """The report, built by the command line as `make report` builds it; its HTML."""
    output = tmp / f"report-{uuid.uuid4().hex[:6]}.html"
    result = run_report(*args, "--output", str(output), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert str(output.resolve()) in result.stdout.strip().splitlines()[-1]  # the path, printed at the end
    return output.read_text(encoding="utf-8")


def assert_owner_figures(html: str, senders: List[str]) -> None:
    """The figures of the four conversations above, as the practice owner reads them."""
    assert figure(html, "conversations") == "4"
    assert figure(html, "messages") == str(len(TEXTS))
    for intent in [intent for _, _, intent in TURNS if intent]:
        assert figure(html, f"intent-{intent}") == "1", intent
    assert figure(html, "practice-ask_insurance") == "1" and figure(html, "practice-ask_location") == "1"
    # Not answered: the gibberish and the address (no `location` in practice.yml today); not insurance.
    not_understood = int(figure(html, "not-answered-fallback")) + int(figure(html, "not-answered-out-of-scope"))
    assert (not_understood, *figures_of(html, "not-answered-practice", "not-answered")) == (1, "1", "2")
    assert figure(html, "not-answered-share") == f"{100 * 2 / len(TEXTS):.1f} %"
    assert figures_of(html, "contact-ask_human", "contact-ask_booking", "contact-total") == ("1", "1", "2")
    # The crisis message: one referral, the action's crisis reply, on the REST channel.
    assert figures_of(html, "referrals", "referrals-category-suicide") == ("1", "1")
    assert figure(html, "referrals-tier-hard") == "1" and figure(html, "referrals-tier-soft") == "0"
    assert figure(html, "referrals-kind-crisis_reply") == "1" and figure(html, "referrals-kind-fail_closed") == "0"
    assert figure(html, "referrals-channel-rest") == "1"
    assert figure(html, f"year-{datetime.now(timezone.utc).year}-total") == "1"
    assert_private(html, senders)


def assert_private(html: str, senders: List[str]) -> None:
    lowered = html.lower()
    for text in TEXTS:
        assert text.lower() not in lowered, f"message text in the report: {text!r}"
    for sender in senders:
        assert sender not in html, "a sender id in the report"
    assert "report-visitor" not in html


def assert_self_contained(html: str) -> None:
    """Opens offline: nothing loaded from elsewhere, plots inside the page."""
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{500,}"', html)


# --- The report from conversations held with the real servers -------------------------------------------


@pytest.fixture(scope="module")
def sqlite_bot(trained_model, tmp_path_factory) -> Iterator[Tuple[Servers, Path, List[str]]]:
    """The servers on an SQLite store, after the conversations: (servers, referrals file, senders)."""
    tmp = tmp_path_factory.mktemp("report-sqlite")
    env = {"ESCALATION_DB": str(tmp / "escalations.db")}
    servers = Servers("report-sqlite", trained_model, tmp, action_env=env, rasa_env={**BASE_ENV, **env})
    try:
        senders = converse(servers.bot)
        yield servers, tmp / "escalations.db", senders
    finally:
        servers.stop()


def test_report_from_the_sqlite_store(sqlite_bot, tmp_path):
    servers, referrals, senders = sqlite_bot
    endpoints = servers.tracker_db.parent / "report-sqlite-endpoints.yml"  # the one the Rasa server runs with
    html = build_page(tmp_path, "--endpoints", str(endpoints), "--referrals", str(referrals))
    assert_owner_figures(html, senders)
    assert_self_contained(html)
    (ARTIFACTS / "practice-report-sqlite.html").write_text(html, encoding="utf-8")  # to look at
    # A range without the conversations: a report that says there is no data.
    args = ("--endpoints", str(endpoints), "--referrals", str(referrals), "--since", "2020-01-01")
    html = build_page(tmp_path, *args, "--until", "2020-12-31")
    assert figure(html, "conversations") == "0" and figure(html, "referrals") == "0"
    assert "No conversations are stored for this period" in html
    assert figure(html, "year-2020-total") == "0"


class ActionServer(ProcessGroup):
    """The real action server on a free port, for a Rasa server started with endpoints of our own."""

    def __init__(self, name: str, env: Dict[str, str]) -> None:
        self.processes = []
        port = free_port()
        process = self._start([*ACTION_SERVER, "--port", str(port)], ARTIFACTS / f"{name}-actions.log", env)
        wait_until_up(f"http://127.0.0.1:{port}/health", process)
        self.url = f"http://127.0.0.1:{port}/webhook"


@pytest.fixture(scope="module")
def postgres_bot(trained_model, tmp_path_factory) -> Iterator[Tuple[Path, Dict[str, str], Path, List[str]]]:
    """The servers on a PostgreSQL store (tests/test_scale.py's), after the conversations:
    (endpoints file, its environment, referrals file, senders)."""
    tmp = tmp_path_factory.mktemp("report-postgres")
    postgres = Postgres()
    group: List[ProcessGroup] = []
    try:
        env = {"ESCALATION_DB": str(tmp / "escalations.db"), "DB_PASSWORD": postgres.password}
        group.append(ActionServer("report-postgres", {**BASE_ENV, **env}))
        endpoints = tmp / "postgres-endpoints.yml"
        store = {"type": PROJECT_STORE, "dialect": "postgresql", "url": "127.0.0.1", "port": postgres.port}
        store.update(db=DB_NAME, username=DB_USER, password="${DB_PASSWORD}")  # expanded from the environment
        endpoints.write_text(yaml.safe_dump({"action_endpoint": {"url": group[0].url}, "tracker_store": store}))
        # The Rasa server's own SQLite endpoints file is replaced by this one (the last --endpoints counts).
        rasa = {"rasa_env": {**BASE_ENV, **env}, "rasa_args": ["--endpoints", str(endpoints)]}
        servers = Servers("report-postgres", trained_model, tmp, with_actions=False, action_url=group[0].url, **rasa)
        group.append(servers)
        senders = converse(servers.bot)
        assert not servers.tracker_db.exists(), "the Rasa server used SQLite, not PostgreSQL"
        yield endpoints, env, tmp / "escalations.db", senders
    finally:
        for running in reversed(group):
            running.stop()
        postgres.stop()


def test_report_from_the_postgresql_store(postgres_bot, tmp_path):
    endpoints, env, referrals, senders = postgres_bot
    html = build_page(tmp_path, "--endpoints", str(endpoints), "--referrals", str(referrals), env=env)
    assert_owner_figures(html, senders)
    assert "PostgreSQL" in html and env["DB_PASSWORD"] not in html
    # Without --endpoints: PostgreSQL from DB_*, as `make run` uses it.
    store = yaml.safe_load(endpoints.read_text())["tracker_store"]
    db_env = {"DB_HOST": "127.0.0.1", "DB_PORT": str(store["port"]), "DB_NAME": DB_NAME, "DB_USER": DB_USER}
    html = build_page(tmp_path, "--referrals", str(referrals), env={**env, **db_env})
    assert_owner_figures(html, senders)


# --- Date range, empty and unreachable stores, on stores written here -----------------------------------

DAY = 86400
T0 = datetime(2025, 12, 30, 12, tzinfo=timezone.utc).timestamp()  # a Tuesday; the year ends on Wednesday


def write_store(path: Path, events: List[Tuple[str, str, float, Optional[str]]]) -> Path:
    """An SQLite store with Rasa's `events` table: (sender, type, timestamp, intent) rows, message text included."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp FLOAT,"
            " intent_name TEXT, action_name TEXT, data TEXT)"
        )
        conn.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) VALUES (?, ?, ?, ?, ?)",
            [(s, t, ts, i, f'{{"text": "secret words of {s}"}}') for s, t, ts, i in events],
        )
    endpoints = path.with_suffix(".yml")
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(path)}}))
    return endpoints


def write_referrals(path: Path, rows: List[Tuple[str, str, str, str, str]]) -> Path:
    with referral_counts.connect(path) as conn:
        conn.executemany("INSERT INTO escalations (at, category, tier, kind, channel) VALUES (?, ?, ?, ?, ?)", rows)
    return path


def session(sender: str, start: float, intents: List[str]) -> List[Tuple[str, str, float, Optional[str]]]:
    return [(sender, "session_started", start, None)] + [
        (sender, "user", start + 60 * (n + 1), intent) for n, intent in enumerate(intents)
    ]


@pytest.fixture
def small_store(tmp_path) -> Tuple[Path, Path]:
    """Three days around New Year 2026: sessions on 30 Dec, 31 Dec (two) and 1 Jan; referrals on 31 Dec and 1 Jan."""
    events = (
        session("alice", T0, ["greet", "ask_fees"])
        + session("bob", T0 + DAY, ["ask_location", "nlu_fallback", "ask_human"])
        + session("alice", T0 + DAY + 7200, ["ask_booking"])
        + session("carol", T0 + 2 * DAY, ["crisis", "out_of_scope"])
    )
    referrals = [
        ("2025-12-31T11:00:00+00:00", "self_harm", "soft", "resources_line", "socketio"),
        ("2026-01-01T12:00:00+00:00", "suicide", "hard", "crisis_reply", "rest"),
        ("2026-01-01T12:00:05+00:00", "suicide", "hard", "fail_closed", "telegram"),
    ]
    return write_store(tmp_path / "tracker.db", events), write_referrals(tmp_path / "escalations.db", referrals)


def test_the_date_range_is_whole_utc_days_both_included():
    period = Period(date(2025, 12, 31), date(2025, 12, 31))
    start = datetime(2025, 12, 31, tzinfo=timezone.utc).timestamp()
    assert period.contains(start) and period.contains(start + DAY - 0.001)
    assert not period.contains(start - 0.001) and not period.contains(start + DAY)
    assert Period().contains(0) and Period(until=date(2025, 12, 31)).contains(start - 365 * DAY)
    with pytest.raises(ValueError):
        Period(date(2026, 1, 2), date(2026, 1, 1))


def test_the_command_refuses_a_bad_range(capsys):
    for args in (["--since", "2026-13-01"], ["--since", "2026-02-01", "--until", "2026-01-31"]):
        with pytest.raises(SystemExit) as exited:
            report.parse_args(args)
        assert exited.value.code == 2
    assert "is after" in capsys.readouterr().err


def test_report_counts_only_the_days_asked_for(small_store, tmp_path):
    endpoints, referrals = small_store
    args = ["--endpoints", str(endpoints), "--referrals", str(referrals)]
    whole = build_in_process(tmp_path, *args)
    assert figures_of(whole, "conversations", "messages", "referrals") == ("4", "8", "3")
    assert figure(whole, "year-2025-total") == "1" and figure(whole, "year-2026-total") == "2"
    one_day = build_in_process(tmp_path, *args, "--since", "2025-12-31", "--until", "2025-12-31")
    assert figures_of(one_day, "conversations", "messages") == ("2", "4")
    assert figure(one_day, "referrals") == "1" and figure(one_day, "referrals-kind-resources_line") == "1"
    assert figure(one_day, "not-answered") == "2"  # the fallback and the address (practice.yml sets no location)
    assert figure(one_day, "contact-total") == "2"
    assert "2026" not in figure(one_day, "period") and "year-2026-total" not in one_day
    new_year = build_in_process(tmp_path, *args, "--since", "2026-01-01")
    assert figures_of(new_year, "conversations", "messages", "referrals") == ("1", "2", "2")
    assert figure(new_year, "referrals-category-suicide") == "2" and "year-2025-total" not in new_year
    assert "secret words" not in whole + one_day + new_year


def build_in_process(tmp: Path, *args: str) -> str:
    output = tmp / f"report-{uuid.uuid4().hex[:6]}.html"
    report.main([*args, "--output", str(output)])
    return output.read_text(encoding="utf-8")


def test_the_yearly_table_adds_up():
    def on(year: int, month: int, *rest: str) -> Referral:
        return Referral(datetime(year, month, 1, tzinfo=timezone.utc).timestamp(), *rest)

    rows = [
        on(2025, 3, "suicide", "hard", "crisis_reply", "rest"),
        on(2025, 6, "suicide", "hard", "fail_closed", "rest"),
        on(2025, 7, "abuse", "soft", "resources_line", "slack"),
        on(2026, 1, "abuse", "hard", "channel_failure", "rest"),
    ]
    y2024, y2025, y2026 = figures.yearly(rows, [2024, 2025, 2026])
    assert (y2024["rows"], y2024["total"], sum(y2024["totals"])) == ([], 0, 0)
    assert y2025["total"] == 3 == sum(y2025["totals"]) == sum(r["total"] for r in y2025["rows"])
    assert [r["category"] for r in y2025["rows"]] == ["Suicide", "Abuse"]
    assert y2025["totals"] == [1, 1, 1, 0]  # in the order of practice/referrals.py KINDS
    assert y2026["total"] == 1 and y2026["totals"] == [0, 0, 0, 1]


def test_a_conversation_is_a_session_of_one_visitor():
    events = [
        Event(0, "session_started", 1, None),
        Event(0, "user", 2, "greet"),
        Event(0, "user", 3, "ask_fees"),
        Event(0, "session_started", 4, None),  # a session without a message is no conversation
        Event(0, "session_started", 5, None),
        Event(0, "user", 6, "ask_fees"),
        Event(1, "user", 7, "ask_hours"),  # messages before any session start (a range starting mid-session)
        Event(1, "user", 8, "session_start"),  # Rasa's command: a new session, not a message
        Event(1, "session_started", 9, None),
        Event(1, "user", 10, "thank"),
    ]
    assert figures.conversation_starts(events) == [2, 6, 7, 10]
    assert len(figures.messages(events)) == 5


def test_weeks_without_conversations_are_listed():
    monday = datetime(2026, 3, 2, 9, tzinfo=timezone.utc).timestamp()
    events = [Event(0, "user", monday, "greet"), Event(1, "user", monday + 15 * DAY, "thank")]
    found = figures.compute(events, [], Period(), today=date(2026, 3, 25))
    weeks = [(w["week"].isoformat(), w["conversations"], w["messages"]) for w in found["weeks"]]
    assert weeks == [("2026-03-02", 1, 1), ("2026-03-09", 0, 0), ("2026-03-16", 1, 1), ("2026-03-23", 0, 0)]
    assert found["years"] and found["years"][0]["year"] == 2026 and found["years"][0]["total"] == 0


def test_the_store_is_read_without_the_message_text():
    assert "data" not in EVENTS.c
    read = [c.name for c in query(Period(date(2026, 1, 1))).selected_columns]
    assert read == ["sender_id", "type_name", "timestamp", "intent_name"]


def test_every_intent_has_a_readable_name():
    intents = yaml.safe_load((ROOT / "domain.yml").read_text())["intents"] + [labels.FALLBACK]
    unnamed = [i for i in intents if labels.intent(i) == i.replace("_", " ").capitalize()]
    assert not unnamed
    assert labels.intent("ask_therapists_care") == "Do therapists really care about their clients?"


def test_no_store_and_no_referrals_yet_give_a_report_that_says_so(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": PROJECT_STORE, "db": str(tmp_path / "none.db")}}))
    html = build_in_process(tmp_path, "--endpoints", str(endpoints), "--referrals", str(tmp_path / "none-esc.db"))
    assert figure(html, "conversations") == "0" and figure(html, "not-answered-share") == "–"
    assert "has not been created yet" in html and "no referral has been recorded yet" in html
    assert "No data in this period" in html
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "none-esc.db").exists()  # reading creates nothing


def test_empty_store_and_empty_referrals_file(tmp_path):
    endpoints = write_store(tmp_path / "tracker.db", [])
    referrals = write_referrals(tmp_path / "escalations.db", [])
    args = ("--endpoints", str(endpoints), "--referrals", str(referrals))
    html = build_in_process(tmp_path, *args)
    assert figure(html, "conversations") == "0" and figure(html, "referrals") == "0"
    assert figure(html, "no-conversations") and figure(html, "no-referrals")
    sqlite3.connect(tmp_path / "no-table.db").close()  # a database file without the events table
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "db": str(tmp_path / "no-table.db")}}))
    html = build_in_process(tmp_path, *args, "--until", "2026-01-01")
    assert figure(html, "conversations") == "0"


def test_an_unreachable_store_is_one_line_and_a_failure(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    store = {"type": "SQL", "dialect": "postgresql", "url": "127.0.0.1", "port": free_port(), "db": "conversations"}
    endpoints.write_text(yaml.safe_dump({"tracker_store": {**store, "username": "bot", "password": "s3cret-pw"}}))
    result = run_report("--endpoints", str(endpoints), "--output", str(tmp_path / "r.html"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot read the conversation store, the PostgreSQL database")
    assert "s3cret-pw" not in result.stderr and not (tmp_path / "r.html").exists()
    missing = run_report("--endpoints", str(tmp_path / "nowhere.yml"))
    assert missing.returncode == 1 and "no such endpoints file" in missing.stderr
