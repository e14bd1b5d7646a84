"""Loads the risk detector and the answers while the action server starts.

The action server imports every module of this package at start-up, so this
runs before it accepts requests: the first visitor after a restart does not
wait seconds for the lexicon (and does not run into Rasa's action timeout,
ACTION_SERVER_TIMEOUT). Scripts that only import `actions` skip it.
"""

from actions import risk_check
from practice import content

risk_check.assessor()
content.answers()
