"""Several Rasa servers behind a load balancer serve one conversation: the
conversations in PostgreSQL, the conversation locks in Redis (docs/operations.md,
"Running on several machines"), configured by scripts/endpoints.py from DB_*/REDIS_*.

The tests start their own PostgreSQL cluster and redis-server (Debian's
packages, installed here when missing) on free local ports, and two Rasa
servers, each with its own action server, as two machines would have.
"""

import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import psycopg2
import pytest
import redis
import yaml

from practice import config as practice_config
from practice import content, notice, referrals
from tests.conftest import (
    ACTION_SERVER,
    ARTIFACTS,
    BASE_ENV,
    BIN,
    RASA,
    ROOT,
    Bot,
    ProcessGroup,
    free_port,
    wait_until_up,
)

pytestmark = pytest.mark.slow  # starts Rasa servers, Redis and PostgreSQL

DB_NAME, DB_USER = "conversations", "bot"


def binary(name: str, package: str) -> str:
    """A server binary from Debian's package, installed when missing (as tests/test_browser.py does)."""

    def find() -> Optional[str]:
        found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
        return found if isinstance(found, str) else (found[-1] if found else None)

    if not find():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", package],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    path = find()
    assert path, f"{name} not found after installing {package}"
    return path


class Postgres:
    """A throw-away PostgreSQL cluster on a free port. PostgreSQL refuses to run
    as root, so as root it runs as Debian's `postgres` user."""

    def __init__(self) -> None:
        initdb, postgres = binary("initdb", "postgresql"), binary("postgres", "postgresql")
        self.dir = Path(tempfile.mkdtemp(prefix="test-scale-pg-"))
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self.port, self.password = free_port(), secrets.token_hex(12)
        (self.dir / "socket").mkdir()
        (self.dir / "superuser-password").write_text(secrets.token_hex(12))
        if self.user:
            for path in [self.dir, self.dir / "socket", self.dir / "superuser-password"]:
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        run_as = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []} if self.user else {}
        subprocess.run(
            [
                initdb,
                "-D",
                str(self.dir / "data"),
                "-U",
                "postgres",
                "--pwfile",
                str(self.dir / "superuser-password"),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            **run_as,
        )
        # Never log a failing statement: with psycopg2 it carries the values, which can be message text.
        self.process = subprocess.Popen(
            [
                postgres,
                "-D",
                str(self.dir / "data"),
                "-p",
                str(self.port),
                "-k",
                str(self.dir / "socket"),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "log_min_error_statement=panic",
            ],
            stdout=open(self.dir / "postgres.log", "w"),
            stderr=subprocess.STDOUT,
            **run_as,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                admin = psycopg2.connect(
                    host=str(self.dir / "socket"), port=self.port, user="postgres", dbname="postgres"
                )
                break
            except psycopg2.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "PostgreSQL did not start: " + (self.dir / "postgres.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.2)
        admin.autocommit = True
        with admin.cursor() as cursor:  # the bot's own unprivileged user and database
            cursor.execute(f"CREATE ROLE {DB_USER} LOGIN PASSWORD %s", (self.password,))
            cursor.execute(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")
        admin.close()

    def connect(self):
        return psycopg2.connect(host="127.0.0.1", port=self.port, dbname=DB_NAME, user=DB_USER, password=self.password)

    def events(self, sender: str) -> List[Tuple[str, dict]]:
        """(type_name, data) of every stored event of one conversation, in stored order."""
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [(type_name, json.loads(data)) for type_name, data in cursor.fetchall()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # "fast" shutdown: closes the servers' connections
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A throw-away redis-server on a free port, with a password and no persistence."""

    def __init__(self) -> None:
        self.port, self.password = free_port(), secrets.token_hex(12)
        self.dir = Path(tempfile.mkdtemp(prefix="test-scale-redis-"))
        self.process = subprocess.Popen(
            [
                binary("redis-server", "redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--requirepass",
                self.password,
                "--dir",
                str(self.dir),
            ],
            stdout=open(self.dir / "redis.log", "w"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, password=self.password)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "redis-server did not start: " + (self.dir / "redis.log").read_text()[-2000:]
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    server = Postgres()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[Redis]:
    server = Redis()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def store_env(postgres, redis_server) -> Dict[str, str]:
    """The variables an operator sets on every machine (docs/operations.md)."""
    return {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_NAME": DB_NAME,
        "DB_USER": DB_USER,
        "DB_PASSWORD": postgres.password,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis_server.port),
        "REDIS_PASSWORD": redis_server.password,
    }


def endpoints_script(output: Path, env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "python"), "scripts/endpoints.py", str(output), *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class Machine(ProcessGroup):
    """One "machine": an action server and a Rasa server, with the endpoints
    scripts/endpoints.py generated (the action server's address replaced)."""

    def __init__(self, name: str, model: Path, endpoints: Dict, env: Dict[str, str], tmp: Path) -> None:
        self.processes: List[subprocess.Popen] = []
        self.logs = [ARTIFACTS / f"{name}-actions.log", ARTIFACTS / f"{name}-rasa.log"]
        try:
            self._start_all(model, endpoints, env, tmp / f"{name}-endpoints.yml")
        except Exception:
            self.stop()
            raise

    def _start_all(self, model: Path, endpoints: Dict, env: Dict[str, str], own: Path) -> None:
        actions_port, rasa_port = free_port(), free_port()
        self._start(
            [*ACTION_SERVER, "--port", str(actions_port)],
            self.logs[0],
            BASE_ENV,
        )
        action_endpoint = {"url": f"http://127.0.0.1:{actions_port}/webhook"}
        own.write_text(yaml.safe_dump({**endpoints, "action_endpoint": action_endpoint}))
        rasa = self._start(
            [
                *RASA,
                "run",
                "-m",
                str(model),
                "--port",
                str(rasa_port),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--endpoints",
                str(own),
            ],
            self.logs[1],
            {**BASE_ENV, **env},
        )
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", self.processes[0])
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa)
        self.bot = Bot(f"http://127.0.0.1:{rasa_port}")


@pytest.fixture(scope="module")
def machines(trained_model, store_env, tmp_path_factory) -> Iterator[List[Machine]]:
    tmp = tmp_path_factory.mktemp("scale")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = endpoints_script(tmp / "endpoints.yml", store_env)
    assert result.returncode == 0, result.stderr[-2000:]
    generated = (tmp / "endpoints.yml").read_text()
    assert store_env["DB_PASSWORD"] not in generated and store_env["REDIS_PASSWORD"] not in generated
    endpoints = yaml.safe_load(generated)
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "components.lock_store.AtomicRedisLockStore"
    with ThreadPoolExecutor(2) as pool:  # both start at once, as after a deployment
        futures = [pool.submit(Machine, f"scale-{n}", trained_model, endpoints, store_env, tmp) for n in "ab"]
    started = [f.result() for f in futures if not f.exception()]
    if len(started) < len(futures):
        for machine in started:
            machine.stop()
        raise next(f.exception() for f in futures if f.exception())
    yield started
    for machine in started:
        machine.terminate()  # both at once
    for machine in started:
        machine.stop()


def answer(intent: str) -> str:
    return content.faq_answer(intent)


def question(intent: str) -> str:
    return content.answers()["faq"][intent]["question"]


# One visitor's conversation, turn by turn: what they say and what the reply must be.
# "Tell me more" answers from the last topic (the last_topic slot), so each one
# shows that the server answering saw the turn the other server answered.
CONVERSATION = [
    ("hello", lambda reply: "automated assistant" in reply),
    (question("ask_build_trust"), lambda reply: reply == answer("ask_build_trust")),
    ("tell me more", lambda reply: reply == answer("ask_relationship")),
    ("tell me more", lambda reply: reply == answer("ask_empathy")),
    ("tell me more", lambda reply: reply == answer("ask_sign_active_listening")),
    (question("ask_personal_connection"), lambda reply: reply == answer("ask_personal_connection")),
    ("tell me more", lambda reply: reply == answer("ask_boundaries")),
    ("tell me more", lambda reply: reply == answer("ask_personal_connection")),
    ("thanks", lambda reply: reply == content.answers()["small_talk"]["thank"]),
    # A goodbye is not an answer: it ends with the crisis line (tests/test_safety_net.py).
    ("bye", lambda reply: reply.startswith(content.answers()["small_talk"]["goodbye"])),
]


def test_one_conversation_alternating_between_two_servers_loses_and_reorders_nothing(machines, postgres):
    sender = f"visitor-{uuid.uuid4().hex[:8]}"
    for turn, (text, is_right) in enumerate(CONVERSATION):
        machine = machines[turn % 2]
        reply = Bot.texts(machine.bot.say(sender, text))
        assert is_right(reply), f"turn {turn + 1} ({text!r}) on server {'ab'[turn % 2]}: {reply[:200]!r}"

    events = postgres.events(sender)
    assert [data["text"] for kind, data in events if kind == "user"] == [text for text, _ in CONVERSATION]
    # Each user message is followed by its own reply, before the next user message.
    turns = _turns(events)
    for (said, replies), (text, is_right) in zip(turns, CONVERSATION):
        assert said == text and is_right("\n\n".join(replies))

    # No message text in the servers' logs (the privacy rule holds on this set-up too).
    for machine in machines:
        for log in machine.logs:
            logged = log.read_text(errors="replace")
            assert "tell me more" not in logged and question("ask_build_trust") not in logged


def _turns(events: List[Tuple[str, dict]]) -> List[Tuple[str, List[str]]]:
    """[(user text, [bot texts that followed it])] in stored order."""
    turns: List[Tuple[str, List[str]]] = []
    for kind, data in events:
        if kind == "user":
            turns.append((data["text"], []))
        elif kind == "bot" and turns and data.get("text"):
            turns[-1][1].append(data["text"])
    return turns


def test_messages_sent_to_both_servers_at_once_are_answered_one_after_another(machines, postgres):
    """The Redis lock: a visitor who sends again before the reply (or two tabs)
    may reach both servers at once; each message is still a whole turn."""
    sender = f"visitor-{uuid.uuid4().hex[:8]}"
    intents = [
        "ask_therapists_care",
        "ask_build_trust",
        "ask_personal_connection",
        "ask_not_feeling_cared_for",
        "ask_therapist_self_care",
        "ask_therapists_care",
    ]
    machines[0].bot.say(sender, "hello")  # the conversation exists before the burst

    def send(n: int) -> str:
        return Bot.texts(machines[n % 2].bot.say(sender, question(intents[n])))

    with ThreadPoolExecutor(len(intents)) as pool:
        replies = list(pool.map(send, range(len(intents))))
    assert replies == [answer(intent) for intent in intents]

    turns = _turns(postgres.events(sender))
    assert len(turns) == 1 + len(intents), [said for said, _ in turns]
    expected = {question(intent): answer(intent) for intent in intents}
    for said, bot_texts in turns[1:]:
        assert bot_texts == [expected[said]], f"{said!r} was answered with {bot_texts!r}"
    assert sorted(said for said, _ in turns[1:]) == sorted(question(intent) for intent in intents)


# Two "servers" (processes) take the lock of one conversation 3 times each at
# the same moment, in bursts; inside the lock a turn reads a count, waits and
# writes it back. Any two turns inside at once lose an update.
LOCK_WORKER = """
import asyncio, importlib.util, sys, time
import redis
from rasa.utils.endpoints import EndpointConfig

# The module alone: the components package would import much of Rasa (seconds).
spec = importlib.util.spec_from_file_location("lock_store", "components/lock_store.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
AtomicRedisLockStore = module.AtomicRedisLockStore
port, password, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, password=password, db=2))
client = redis.Redis(port=port, password=password, db=3)

async def turn(conversation):
    async with store.lock(conversation, wait_time_in_seconds=0.02):
        count = int(client.get(conversation) or 0)
        await asyncio.sleep(0.01)
        client.set(conversation, count + 1)

async def main():
    client.incr("ready")
    while not client.get("start"):
        await asyncio.sleep(0.01)
    start = float(client.get("start"))
    for n in range(rounds):
        await asyncio.sleep(max(0.0, start + n * 0.25 - time.time()))
        await asyncio.gather(*(turn(f"burst-{n}") for _ in range(3)))

asyncio.run(main())
"""


def test_the_lock_store_lets_one_server_at_a_time_into_a_conversation(redis_server):
    """Rasa 3.6's own RedisLockStore lost about 2 of these 6 turns in every burst."""
    rounds = 12
    client = redis.Redis(port=redis_server.port, password=redis_server.password, db=3)
    workers = [
        subprocess.Popen(
            [str(BIN / "python"), "-c", LOCK_WORKER, str(redis_server.port), redis_server.password, str(rounds)],
            cwd=ROOT,
            env=BASE_ENV,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    deadline = time.monotonic() + 60
    while int(client.get("ready") or 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    client.set("start", time.time() + 0.5)
    for worker in workers:
        _, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr[-2000:]
    assert [int(client.get(f"burst-{n}") or 0) for n in range(rounds)] == [6] * rounds


def test_forgetting_a_visitor_works_on_postgresql(machines, postgres, store_env):
    keep, forget = f"visitor-{uuid.uuid4().hex[:8]}", f"visitor-{uuid.uuid4().hex[:8]}"
    machines[0].bot.say(keep, "hello")
    machines[1].bot.say(forget, "hello")
    result = subprocess.run(
        [str(BIN / "python"), "scripts/retention.py", "--sender", forget],
        cwd=ROOT,
        env={**BASE_ENV, **store_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert postgres.events(forget) == [] and postgres.events(keep)


@pytest.mark.parametrize(
    "change, names",
    [
        ({"DB_PASSWORD": "wrong"}, "DB_USER/DB_PASSWORD"),
        ({"DB_NAME": "nowhere"}, "DB_NAME"),
        ({"REDIS_PASSWORD": "wrong"}, "REDIS_PASSWORD"),
        ({"REDIS_PORT": "closed"}, "REDIS_HOST/REDIS_PORT"),
    ],
    ids=["db-password", "db-name", "redis-password", "redis-port"],
)
def test_a_wrong_setting_is_named_in_one_line(store_env, tmp_path, change, names):
    if change.get("REDIS_PORT") == "closed":
        change = {"REDIS_PORT": str(free_port())}
    result = endpoints_script(tmp_path / "endpoints.yml", {**store_env, **change})
    assert result.returncode == 1
    assert f"(set by {names})" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "endpoints.yml").exists()


def test_without_db_or_redis_variables_the_sqlite_store_of_endpoints_yml_is_used(tmp_path):
    result = endpoints_script(tmp_path / "endpoints.yml", {})
    assert result.returncode == 0, result.stderr
    generated = yaml.safe_load((tmp_path / "endpoints.yml").read_text())
    assert generated == yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert "lock_store" not in generated


def test_an_unreachable_database_stops_start_up_with_one_clear_line(tmp_path):
    """Rasa 3.6 alone would retry forever, logging a stack trace-like warning every 5 s."""
    closed = free_port()
    env = {
        **BASE_ENV,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(closed),
        "DB_NAME": "rasa",
        "DB_USER": "rasa",
        "RASA_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
    }
    started = time.monotonic()
    process = subprocess.Popen(
        ["scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        stdout, stderr = process.communicate()
        pytest.fail(f"start-up did not stop: {stdout[-1000:]} {stderr[-1000:]}")
    elapsed = time.monotonic() - started
    assert process.returncode != 0
    assert f"Cannot reach the PostgreSQL conversation store at 127.0.0.1:{closed} (set by DB_HOST/DB_PORT)" in stderr, (
        stderr[-2000:]
    )
    assert "Traceback" not in stdout + stderr
    # The check itself answers within its 5 s timeout (run.sh's earlier steps take the rest).
    quick = time.monotonic()
    db_only = {k: env[k] for k in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER")}
    result = endpoints_script(tmp_path / "endpoints.yml", db_only)
    assert result.returncode == 1 and time.monotonic() - quick < 6
    print(f"run.sh stopped after {elapsed:.1f} s")


def test_when_redis_goes_away_a_visitor_gets_an_apology_or_the_crisis_reply(trained_model, tmp_path):
    # Rasa 3.6 answers an empty list when handling fails (channels/failure.py).
    lock_redis = Redis()
    machine = None
    try:
        env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(lock_redis.port), "REDIS_PASSWORD": lock_redis.password}
        result = endpoints_script(tmp_path / "endpoints.yml", env)
        env["ESCALATION_DB"] = str(tmp_path / "escalations.db")  # the Rasa server's referral counts
        assert result.returncode == 0, result.stderr[-2000:]
        endpoints = yaml.safe_load((tmp_path / "endpoints.yml").read_text())
        endpoints["tracker_store"]["db"] = str(tmp_path / "tracker.db")
        machine = Machine("redis-down", trained_model, endpoints, env, tmp_path)
        before = machine.bot.texts(machine.bot.say("visitor-1", question("ask_therapists_care")))
        lock_redis.stop()
        question_reply = machine.bot.texts(machine.bot.say("visitor-2", question("ask_build_trust")))
        crisis_reply = machine.bot.texts(machine.bot.say("visitor-3", "I want to kill myself"))
    finally:
        if machine:
            machine.stop()
        lock_redis.stop()
    assert before == f"{notice.text()}\n\n{answer('ask_therapists_care')}"
    assert question_reply.startswith("Sorry, I can't answer right now")
    assert practice_config.load()["phone"] in question_reply
    assert "911" in crisis_reply and "988" in crisis_reply and "Sorry" not in crisis_reply
    # The channel's crisis reply is counted as a referral, without text or sender.
    assert [row[1:] for row in referrals.rows(tmp_path / "escalations.db")] == [
        ("suicide", "hard", "channel_failure", "rest")
    ]
