"""Keeps third-party deprecation warnings out of the terminal.

Rasa 3.6's dependencies (pyparsing, click, typer, spaCy, SQLAlchemy,
pkg_resources, ...) print about forty deprecation warnings while the servers
start; a newcomer reads them as errors. They are about the libraries, not
about this project, so they go to the DEBUG log (`--debug` shows them) and
everything else (Rasa's warnings about the training data, for example) is
printed as before. Not a change to Rasa: no version check. The launchers
(scripts/rasa_server.py, scripts/action_server.py) install it before they
import anything that warns.
"""

import logging
import warnings
from typing import Any, Optional, TextIO, Type

LIBRARY_DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
logger = logging.getLogger("py.warnings")
_show_on_terminal = warnings.showwarning


def show_warning(
    message: Warning | str,
    category: Type[Warning],
    filename: str,
    lineno: int,
    file: Optional[TextIO] = None,
    line: Optional[str] = None,
) -> Any:
    if issubclass(category, LIBRARY_DEPRECATIONS):
        logger.debug("%s", warnings.formatwarning(message, category, filename, lineno, line).rstrip())
        return None
    return _show_on_terminal(message, category, filename, lineno, file, line)


def install() -> None:
    warnings.showwarning = show_warning


def installed() -> bool:
    return warnings.showwarning is show_warning
