"""Custom actions (rasa-sdk): article answers, small talk, practice contact,
and crisis replies."""
import sys

from actions.practice_config import PracticeConfigError, load

# Stop at start-up with a message naming the bad field, rather than fail in the
# middle of a reply (sys.exit prints the message, not a stack trace).
try:
    load()
except PracticeConfigError as error:
    sys.exit(f"Practice configuration error: {error}")

# Load the risk detector and the answers now, while the server starts, so the
# first visitor after a restart does not wait seconds for them (and does not
# run into Rasa's action timeout, ACTION_SERVER_TIMEOUT).
from actions import content, safety  # noqa: E402

safety.detector()
content.answers()
