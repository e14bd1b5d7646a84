"""Once the Rasa server has loaded its model, Python's garbage collector
leaves what was loaded alone (`gc.freeze()`).

At start-up the server holds about 290,000 objects (Rasa, spaCy, the model)
that live as long as the process. Every full collection walks all of them:
measured under `make soak`'s load (2026-12-04), one every ~120 messages,
~135 ms each, 7 % of the server's CPU, and every visitor waits while it runs.
Frozen once the model is loaded, they are left out of later collections
(~9 ms each). Frozen objects are still freed when nothing refers to them;
only reference cycles among them are never collected, which matters only for
a model replaced through Rasa's HTTP API (its old cycles stay in memory).
"""

import gc
import logging
from functools import wraps
from typing import Any

import rasa.core.run

from rasa_patches.version import require_written_for_version

logger = logging.getLogger(__name__)
_ORIGINAL = rasa.core.run.load_agent_on_start


@wraps(_ORIGINAL)
async def _load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
    loaded = await _ORIGINAL(*args, **kwargs)
    gc.collect()  # what loading left as garbage is freed, not frozen
    gc.freeze()
    logger.debug("Froze %d objects loaded at start-up", gc.get_freeze_count())
    return loaded


def install() -> None:
    require_written_for_version("gc_freeze")
    # serve_application() looks the listener up in rasa.core.run when it starts.
    rasa.core.run.load_agent_on_start = _load_agent_then_freeze


def installed() -> bool:
    return rasa.core.run.load_agent_on_start is _load_agent_then_freeze
