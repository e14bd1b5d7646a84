"""Process-wide changes to Rasa 3.6 that its extension points (class paths in
config.yml and endpoints.yml) cannot make.

Each module changes one thing and has `install()`, which first checks that
the installed Rasa is the version the change was written and tested against
(`rasa_patches.version`), and `installed()`. Nothing is applied on import:
the launcher `scripts/rasa_server.py` installs them all before Rasa starts,
and tests install what they exercise. The Rasa server refuses to start
without them (`require_installed`, called by the project's response generator,
which every project Rasa server loads from endpoints.yml).

`no_tensorflow` is not among PATCHES: the launcher installs it only to serve
a model that needs no TensorFlow (`no_tensorflow.install_if_unneeded`).
"""

from importlib import import_module
from typing import List

# Rasa patches, in the order the launcher installs them.
PATCHES = ("action_timeout", "action_response_check", "sqlite_settings", "log_privacy", "gc_freeze")


def _module(name: str):  # type: ignore[no-untyped-def]
    return import_module(f"rasa_patches.{name}")


def install_all() -> None:
    for name in PATCHES:
        _module(name).install()


def missing() -> List[str]:
    return [name for name in PATCHES if not _module(name).installed()]


def require_installed() -> None:
    """Stops the Rasa server's start-up, with a message, when a patch is missing."""
    absent = missing()
    if absent:
        raise RuntimeError(
            f"Rasa was started without the project's patches ({', '.join(absent)}): without them a hung action "
            "server holds a visitor for five minutes and visitors' words reach the logs. Start Rasa with "
            "`.venv/bin/python scripts/rasa_server.py run ...` (what `make run` does), not plain `rasa run`."
        )
