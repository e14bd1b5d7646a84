"""Custom actions (rasa-sdk): article answers, small talk, practice contact,
and crisis replies."""

import sys

from actions import no_tensorflow  # noqa: F401  (first: before anything imports spaCy)
from practice.config import PracticeConfigError, load

# Stop at start-up with a message naming the bad field, rather than fail in the
# middle of a reply (sys.exit prints the message, not a stack trace).
try:
    load()
except PracticeConfigError as error:
    sys.exit(f"Practice configuration error: {error}")
