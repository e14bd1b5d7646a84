"""Custom actions (rasa-sdk): article answers, small talk, practice contact,
and crisis replies."""

from actions import no_tensorflow  # noqa: F401  (first: before anything imports spaCy)
from practice.config import load_or_exit

# Stop at start-up with a message naming the bad field, rather than fail in the
# middle of a reply.
load_or_exit()
