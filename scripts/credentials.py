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

# connector -> (required variables, {credential key: variable}), optional keys below
CONNECTORS: Dict[str, Dict[str, Any]] = {
    "slack": {
        "required": {"slack_token": "SLACK_BOT_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        "optional": {"slack_channel": "SLACK_CHANNEL"},
    },
    # Rasa's Telegram channel with a start-up fix (channels/telegram.py).
    "channels.telegram.FreshSessionTelegramInput": {
        "required": {"access_token": "TELEGRAM_TOKEN", "verify": "TELEGRAM_BOT_NAME",
                     "webhook_url": "TELEGRAM_WEBHOOK_URL"},
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
            sys.exit(f"{connector.split('.')[-1]}: set {', '.join(missing)} too (or none of its variables)")
        keys = {**spec["required"], **{k: v for k, v in spec["optional"].items() if env.get(v)}}
        config[connector] = {key: "${" + variable + "}" for key, variable in keys.items()}
    return config


if __name__ == "__main__":
    output = Path(sys.argv[1])
    output.parent.mkdir(parents=True, exist_ok=True)
    config = credentials(dict(os.environ))
    output.write_text(yaml.safe_dump(config, sort_keys=False))
    names = {"channels.rest.CheckedRestInput": "rest", "channels.telegram.FreshSessionTelegramInput": "telegram"}
    print("Channels:", ", ".join(names.get(k, k) for k in config))
