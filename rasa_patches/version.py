"""The Rasa version the patches were written against.

Each patch replaces or wraps something inside Rasa (a constant, a private
method, the logging set-up). A newer Rasa may have changed it, so a patch
refuses to install on another version instead of silently doing the wrong
thing: read the patch against the new Rasa's source, then update WRITTEN_FOR.
"""

from importlib.metadata import version

WRITTEN_FOR = "3.6."


class UnsupportedRasaVersion(RuntimeError):
    pass


def require_written_for_version(patch: str) -> None:
    found = version("rasa")
    if not found.startswith(WRITTEN_FOR):
        raise UnsupportedRasaVersion(
            f"rasa_patches.{patch} was written for Rasa {WRITTEN_FOR}x, and this is Rasa {found}. "
            f"Check rasa_patches/{patch}.py against the new Rasa's source, then update "
            "rasa_patches/version.py (docs/development.md)."
        )
