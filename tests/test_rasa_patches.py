"""The project's changes to Rasa are explicit: importing the project's Rasa
extensions applies none of them, the launcher applies all of them, each checks
the Rasa version it was written for, and Rasa started without them refuses
to run."""

import subprocess
import sys

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import rasa_patches
from rasa_patches import version
from tests.conftest import ARTIFACTS, BASE_ENV, BIN, ROOT


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=BASE_ENV, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.slow  # a fresh Python
def test_importing_the_projects_rasa_extensions_changes_nothing_in_rasa():
    missing = run_python(
        "import warnings; shown = warnings.showwarning\n"
        "import components, components.practice_responses, components.conversation_store, "
        "components.intent_classifier, components.risk_component, channels.rest, channels.checks\n"
        "import rasa_patches, sys\n"
        "print(','.join(rasa_patches.missing()), warnings.showwarning is shown, 'actions' in sys.modules)"
    )
    # No patch applied, warnings untouched, and the action server's package not loaded.
    assert missing == ",".join(rasa_patches.PATCHES) + " True False"


@pytest.mark.slow  # a fresh Python
def test_the_launcher_installs_every_patch():
    missing = run_python(
        "import runpy, sys; sys.argv = ['rasa_server.py', '--version']\n"
        "runpy.run_path('scripts/rasa_server.py', run_name='launcher')\n"  # its set-up, not main()
        "import rasa_patches; print(rasa_patches.missing())"
    )
    assert missing == "[]"


@pytest.mark.parametrize("patch", rasa_patches.PATCHES)
def test_a_patch_refuses_another_rasa_version_and_says_what_to_check(patch, monkeypatch):
    monkeypatch.setattr(version, "version", lambda package: "3.7.0")  # the installed package's metadata
    with pytest.raises(
        version.UnsupportedRasaVersion,
        match=f"written for Rasa 3.6.x, and this is Rasa 3.7.0. Check rasa_patches/{patch}.py",
    ):
        rasa_patches._module(patch).install()


def test_plain_rasa_run_refuses_to_start_without_the_patches(trained_model):
    with open(ARTIFACTS / "plain-rasa-run.log", "w") as log:
        done = subprocess.run(
            [str(BIN / "rasa"), "run", "-m", str(trained_model), "--port", "0", "--endpoints", "endpoints.yml"],
            cwd=ROOT,
            env=BASE_ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=240,
        )
    printed = (ARTIFACTS / "plain-rasa-run.log").read_text()
    assert done.returncode != 0
    assert "started without the project's patches" in printed and "scripts/rasa_server.py" in printed


def test_sqlite_connections_write_ahead_and_wait_for_a_locked_store(tmp_path):
    import sqlalchemy as sa

    from rasa_patches import sqlite_settings

    sqlite_settings.install()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'conversations.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == sqlite_settings.BUSY_TIMEOUT_MS


@pytest.mark.slow  # a fresh Python that loads the model
def test_the_server_freezes_what_it_loaded_before_it_serves(trained_model):
    # Rasa's own start-up listener, as `rasa run` calls it, after the launcher's set-up.
    frozen = run_python(
        "import runpy, sys; sys.argv = ['rasa_server.py', 'run']\n"
        "runpy.run_path('scripts/rasa_server.py', run_name='launcher')\n"
        "import asyncio, gc, types, rasa.core.run\n"
        "app = types.SimpleNamespace(ctx=types.SimpleNamespace())\n"
        "before = gc.get_freeze_count()\n"
        f"asyncio.run(rasa.core.run.load_agent_on_start({str(trained_model)!r}, None, None, app, None))\n"
        "print(before, gc.get_freeze_count(), app.ctx.agent.is_ready())"
    )
    before, after, ready = frozen.split()
    assert before == "0" and int(after) > 100_000 and ready == "True"


VALID_REPLIES = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "last_topic", "value": "build_trust", "timestamp": None},
            {"event": "bot", "text": "Trust grows…", "data": {"buttons": [{"title": "More", "payload": "/more"}]}},
        ],
        "responses": [{"text": "Trust grows…"}],
    },
    {"events": [{"event": "followup", "name": "action_crisis"}, {"event": "action", "name": "action_listen"}]},
]
MALFORMED_REPLIES = [
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "last_topic", "value": 1}]},  # no event type
    {"events": [{"event": "slot", "name": "last_topic", "timestamp": "yesterday"}]},
    {"events": {"event": "bot"}},  # not a list
]


@pytest.mark.parametrize("reply", VALID_REPLIES)
def test_the_action_server_reply_check_accepts_what_rasa_accepts(reply):
    from rasa_patches import action_response_check

    jsonschema.validate(reply, RemoteAction.action_response_format_spec())  # Rasa's own check passes
    assert action_response_check._validate_action_result(None, reply) is True


@pytest.mark.parametrize("reply", MALFORMED_REPLIES)
def test_the_action_server_reply_check_rejects_what_rasa_rejects_with_rasas_message(reply):
    from rasa_patches import action_response_check

    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response") as error:
        action_response_check._validate_action_result(None, reply)
    assert error.value.message.startswith(rasa_error.value.message)
