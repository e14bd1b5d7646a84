"""Writes the channel configuration the Rasa server starts with.

credentials.yml holds the channels that need no secrets (REST, socket.io).
Slack and Telegram are added only when their environment variables are set,
so `make run` works without them (Telegram's connector calls Telegram at
start-up). Secrets are written as ${VARIABLE} references that Rasa expands
when it reads the file: they never land on disk.

Usage: python scripts/credentials.py OUTPUT_FILE
"""

import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The channels' names for people: the classes in channels/ extend Rasa's.
NAMES = {
    "channels.rest.CheckedRestInput": "rest",
    "channels.socketio.CheckedSocketIOInput": "socketio",
    "channels.slack.CheckedSlackInput": "slack",
    "channels.telegram.CheckedTelegramInput": "telegram",
}

# connector -> (required variables, {credential key: variable}), optional keys below
CONNECTORS: Dict[str, Dict[str, Any]] = {
    # Rasa's Slack channel with signed requests checked (channels/slack.py).
    "channels.slack.CheckedSlackInput": {
        "required": {"slack_token": "SLACK_BOT_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        "optional": {"slack_channel": "SLACK_CHANNEL"},
    },
    # Rasa's Telegram channel with a start-up fix and updates checked (channels/telegram.py).
    "channels.telegram.CheckedTelegramInput": {
        "required": {
            "access_token": "TELEGRAM_TOKEN",
            "verify": "TELEGRAM_BOT_NAME",
            "webhook_url": "TELEGRAM_WEBHOOK_URL",
        },
        "optional": {},
    },
}


def credentials(env: Dict[str, str]) -> Dict[str, Any]:
    config = yaml.safe_load((ROOT / "credentials.yml").read_text())
    for connector, spec in CONNECTORS.items():
        missing: List[str] = [v for v in spec["required"].values() if not env.get(v)]
        if len(missing) == len(spec["required"]):
            continue  # not configured: leave it out
        if missing:
            sys.exit(f"{NAMES[connector]}: set {', '.join(missing)} too (or none of its variables)")
        keys = {**spec["required"], **{k: v for k, v in spec["optional"].items() if env.get(v)}}
        config[connector] = {key: "${" + variable + "}" for key, variable in keys.items()}
    return config


if __name__ == "__main__":
    output = Path(sys.argv[1])
    output.parent.mkdir(parents=True, exist_ok=True)
    config = credentials(dict(os.environ))
    output.write_text(yaml.safe_dump(config, sort_keys=False))
    print("Channels:", ", ".join(NAMES.get(k, k) for k in config))
