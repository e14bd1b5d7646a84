"""Extensions loaded by the Rasa server: NLU components (intent classifier,
risk detector) and the practice-aware response generator.

Importing the package also shortens Rasa's wait for the action server
(components/action_timeout.py), because every Rasa server of this project
loads its response generator from here (endpoints.yml); so does the quicker
check of the action server's replies (components/action_response_check.py) and
the SQLite settings of the conversation store (components/sqlite_settings.py)
and the redaction of visitors' words from the logs (components/log_privacy.py).
"""
from components import action_timeout  # noqa: F401  (sets the timeout on import)
from components import action_response_check  # noqa: F401  (replaces Rasa's check on import)
from components import sqlite_settings  # noqa: F401  (applies to each new SQLite connection)
from components import log_privacy  # noqa: F401  (redacts visitor text from INFO+ logs)
