"""Optional alert to the practice's staff when a conversation escalates.

Enabled by STAFF_ALERT_WEBHOOK_URL. Posts JSON {category, tier, time,
conversation_id}: never the message text. Sent in the background with a short
timeout, so a slow or dead webhook never delays the crisis reply.
"""

import asyncio
import logging
import os
from datetime import datetime, timezone
from typing import Set

import aiohttp

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = float(os.environ.get("STAFF_ALERT_TIMEOUT", "5"))
_pending: Set[asyncio.Task] = set()  # keeps fire-and-forget tasks alive


def notify(category: str, tier: str, conversation_id: str) -> None:
    url = os.environ.get("STAFF_ALERT_WEBHOOK_URL")
    if not url:
        return
    payload = {
        "category": category,
        "tier": tier,
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "conversation_id": conversation_id,
    }
    task = asyncio.get_running_loop().create_task(_post(url, payload))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _post(url: str, payload: dict) -> None:
    try:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, json=payload) as response:
                if response.status >= 400:
                    logger.warning("Staff alert webhook answered HTTP %s", response.status)
    except Exception as error:  # noqa: BLE001 - an alert must never break the bot
        logger.warning("Staff alert webhook failed: %s", type(error).__name__)
