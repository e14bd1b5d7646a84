"""Shared fixtures: a model trained once per session, and the real servers.

Server fixtures start the real action server (rasa-sdk) and the real Rasa
server (`rasa run`) on free ports, talk to them over HTTP, and stop them.
Their logs go to tests/artifacts/ (also scanned by the privacy test).
"""

import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# `rasa`, started as make run starts it (scripts/rasa_server.py: without JAX).
RASA = [str(BIN / "python"), str(ROOT / "scripts" / "rasa_server.py")]
# The action server, started as make run starts it (scripts/action_server.py).
ACTION_SERVER = [str(BIN / "python"), str(ROOT / "scripts" / "action_server.py"), "--actions", "actions"]
ARTIFACTS = ROOT / "tests" / "artifacts"
DATA = ROOT / "tests" / "data"
PROJECT_ENDPOINTS = yaml.safe_load((ROOT / "endpoints.yml").read_text())
PROJECT_NLG = PROJECT_ENDPOINTS["nlg"]["type"]
PROJECT_STORE = PROJECT_ENDPOINTS["tracker_store"]["type"]
# What the servers count and keep (crisis referrals, unanswered questions) goes
# to a folder of this test run, never to the repository's var/.
TEST_VAR = Path(tempfile.mkdtemp(prefix="faq-tests-var-"))
BASE_ENV = {
    **os.environ,
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "ESCALATION_DB": str(TEST_VAR / "escalations.db"),
    "UNANSWERED_DB": str(TEST_VAR / "unanswered.db"),
    # Every test visitor comes from 127.0.0.1, many times a second: the message
    # limits are off except where tests/test_rate_limit.py turns them on.
    "RATE_LIMIT_PER_SENDER": "0",
    "RATE_LIMIT_PER_IP": "0",
}


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    # Tests that train a model or start servers are marked `slow`;
    # `make test-fast` leaves them out (-m "not slow").
    for item in items:
        if "trained_model" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="session")
def crisis_corpus() -> Dict[str, Any]:
    return load_yaml(DATA / "crisis_corpus.yml")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def poll_until(condition: Callable[[], bool], timeout: float, interval: float) -> None:
    """Returns when condition() holds or timeout seconds have passed; the caller checks which."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(interval)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up in {timeout} s")


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """Trains the project's model from scratch (no cache) once per session."""
    out = tmp_path_factory.mktemp("models")
    env = {**BASE_ENV, "RASA_CACHE_DIRECTORY": str(tmp_path_factory.mktemp("rasa-cache"))}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACTS / "train.log", "w") as log:
        subprocess.run(
            [*RASA, "train", "--fixed-model-name", "test", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return out / "test.tar.gz"


class Bot:
    """The REST channel of a running Rasa server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.webhook = f"{url}/webhooks/rest/webhook"

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        response = requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    @staticmethod
    def texts(messages: List[Dict[str, Any]]) -> str:
        return "\n\n".join(m["text"] for m in messages if m.get("text"))


def after_notice(replies: List[Any]) -> List[Any]:
    """A new conversation's replies after the automated-assistant notice that
    must start them, or all of them when the first says it itself (the
    greeting). Replies as dicts or texts; tests/test_notice.py checks the
    notice on every channel."""
    from practice import notice

    texts = [r.get("text") if isinstance(r, dict) else r for r in replies]
    assert texts, "no reply at all"
    if texts[0] == notice.text():
        return replies[1:]
    assert notice.already_said_in(texts[0]), f"no notice first: {texts[0][:80]!r}"
    return replies


class ProcessGroup:
    """Server processes started from the project folder, logged to files, stopped together."""

    processes: List[subprocess.Popen]

    def _start(self, args: List[str], log: Path, env: Dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def terminate(self) -> None:
        for process in self.processes:
            process.terminate()

    def stop(self) -> None:
        self.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Servers(ProcessGroup):
    """Starts an action server (optional) and a Rasa server; stops both."""

    def __init__(
        self,
        name: str,
        model: Path,
        tmp: Path,
        action_env: Optional[Dict[str, str]] = None,
        with_actions: bool = True,
        tracker_db: Optional[Path] = None,
        cors: Optional[List[str]] = None,
        credentials: Optional[Path] = None,
        rasa_env: Optional[Dict[str, str]] = None,
        rasa_args: Optional[List[str]] = None,
        action_url: Optional[str] = None,
        stock_rasa: bool = False,
    ) -> None:
        """stock_rasa: plain `rasa run` with Rasa's own SQL store and responses,
        none of the project's Rasa extensions (components/): the benchmark's
        "what a Rasa user gets" baseline."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.processes: List[subprocess.Popen] = []
        self.logs = [ARTIFACTS / f"{name}-actions.log", ARTIFACTS / f"{name}-rasa.log"]
        actions_port = free_port()
        if with_actions:
            actions = self._start(
                [*ACTION_SERVER, "--port", str(actions_port)],
                self.logs[0],
                {**BASE_ENV, **(action_env or {})},
            )
            wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions)
        endpoints = tmp / f"{name}-endpoints.yml"
        action_url = action_url or f"http://127.0.0.1:{actions_port}/webhook"
        self.tracker_db = tracker_db or tmp / f"{name}-tracker.db"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{action_url}"\n'
            f'tracker_store:\n  type: {"SQL" if stock_rasa else PROJECT_STORE}\n  dialect: "sqlite"\n'
            f'  db: "{self.tracker_db}"\n' + ("" if stock_rasa else f"nlg:\n  type: {PROJECT_NLG}\n")
        )
        rasa_port = free_port()
        launcher = [str(BIN / "rasa")] if stock_rasa else RASA
        rasa = self._start(
            [
                *launcher,
                "run",
                "-m",
                str(model),
                "--port",
                str(rasa_port),
                "--credentials",
                str(credentials or ROOT / "credentials.yml"),
                "--endpoints",
                str(endpoints),
            ]
            + (["--cors", *cors] if cors else [])
            + (rasa_args or []),
            self.logs[1],
            rasa_env or BASE_ENV,
        )
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa)
        self.bot = Bot(f"http://127.0.0.1:{rasa_port}")


def serve_in_background(handler: Any) -> Tuple[ThreadingHTTPServer, str]:
    """A local HTTP server on a free port, in a daemon thread: (server, origin)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class StaffWebhook:
    """A local HTTP receiver standing in for the practice's alert webhook."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.hang_seconds = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(json.loads(body))
                time.sleep(receiver.hang_seconds)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server, origin = serve_in_background(Handler)
        self.url = f"{origin}/alert"

    def wait_for(self, count: int, timeout: float = 10) -> None:
        poll_until(lambda: len(self.received) >= count, timeout, 0.05)


@pytest.fixture(scope="session")
def staff_webhook() -> Iterator[StaffWebhook]:
    webhook = StaffWebhook()
    yield webhook
    webhook.server.shutdown()


@pytest.fixture(scope="session")
def escalation_db() -> Path:
    """The referral counts both test servers write (BASE_ENV)."""
    return Path(BASE_ENV["ESCALATION_DB"])


class WebPage:
    """Serves web/ (the practice page and the widget) on a free local port."""

    def __init__(self) -> None:
        handler = functools.partial(QuietStaticHandler, directory=str(ROOT / "web"))
        self.server, self.origin = serve_in_background(handler)


class QuietStaticHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def web_page() -> Iterator[WebPage]:
    page = WebPage()
    yield page
    page.server.shutdown()


@pytest.fixture(scope="session")
def servers(trained_model, staff_webhook, escalation_db, web_page, tmp_path_factory) -> Iterator[Servers]:
    env = {
        "STAFF_ALERT_WEBHOOK_URL": staff_webhook.url,
        "STAFF_ALERT_TIMEOUT": "5",
        "ESCALATION_DB": str(escalation_db),
    }
    running = Servers("bot", trained_model, tmp_path_factory.mktemp("servers"), env, cors=[web_page.origin])
    yield running
    running.stop()


@pytest.fixture(scope="session")
def bot(servers) -> Bot:
    return servers.bot


# Slack and Telegram: Rasa's real connectors against local fakes of their Web
# APIs (tests/fake_apis/). Shared by tests/test_channels.py and
# tests/test_channel_input.py, so one server serves both.
SIGNING_SECRET = "test-signing-secret"
TELEGRAM_TOKEN = "123456:TEST-token-for-the-fake-telegram-api"
BOT_NAME = "maple_grove_test_bot"
BLOCKED_CHAT_ID = 403  # the fake Telegram refuses to send to this chat, as when a visitor blocked the bot


class FakeApi:
    """Records every call and answers like Slack's or Telegram's Web API."""

    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                body = self._parse(raw)
                method = self.path.rstrip("/").split("/")[-1]
                api.calls.append({"method": method, "body": body})
                self._reply(api.answer(method, body))

            do_GET = do_POST  # noqa: N815

            def _parse(self, raw: str) -> Dict[str, Any]:
                import re
                from urllib.parse import parse_qs

                if self.headers.get("Content-Type", "").startswith("application/json"):
                    return json.loads(raw or "{}")
                if "multipart/form-data" in self.headers.get("Content-Type", ""):
                    return dict(re.findall(r'name="([^"]+)"\r\n\r\n(.*?)\r\n', raw, flags=re.S))
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def _reply(self, payload: Dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server, self.url = serve_in_background(Handler)

    def answer(self, method: str, body: Dict[str, Any]) -> Dict[str, Any]:
        if method == "getMe":
            return {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Bot", "username": BOT_NAME}}
        if method == "sendMessage" and str(body.get("chat_id")) == str(BLOCKED_CHAT_ID):
            return {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if method == "sendMessage":
            return {
                "ok": True,
                "result": {
                    "message_id": len(self.calls),
                    "date": 0,
                    "chat": {"id": int(body.get("chat_id", 1)), "type": "private"},
                    "text": body.get("text", ""),
                },
            }
        return {"ok": True, "result": True}

    def sent_texts(self, method: str) -> List[str]:
        return [c["body"].get("text", "") for c in self.calls if c["method"] == method]

    def wait_for(self, method: str, count: int, timeout: float = 20) -> List[str]:
        poll_until(lambda: len(self.sent_texts(method)) >= count, timeout, 0.1)
        return self.sent_texts(method)


@pytest.fixture(scope="session")
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi()
    yield api
    api.server.shutdown()


def start_channel_servers(name: str, model: Path, fake_api: "FakeApi", tmp: Path, **extra_env: str) -> Servers:
    """Rasa with REST, socket.io, Slack and Telegram (against the fake APIs), as `make run` configures it."""
    env = {
        **BASE_ENV,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_NAME": BOT_NAME,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
        "FAKE_SLACK_API": fake_api.url + "/api/",
        "FAKE_TELEGRAM_API": fake_api.url,
        "PYTHONPATH": str(ROOT / "tests" / "fake_apis"),
        **extra_env,
    }
    credentials = tmp / "credentials.yml"
    subprocess.run([str(BIN / "python"), "scripts/credentials.py", str(credentials)], cwd=ROOT, env=env, check=True)
    return Servers(name, model, tmp, credentials=credentials, rasa_env=env)


@pytest.fixture(scope="session")
def channel_servers(trained_model, fake_api, tmp_path_factory) -> Iterator[Servers]:
    running = start_channel_servers("channels", trained_model, fake_api, tmp_path_factory.mktemp("channels"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def chat_servers(channel_servers) -> Bot:
    return channel_servers.bot
