"""Extensions loaded by the Rasa server: NLU components (intent classifier,
risk detector) and the practice-aware response generator.

Importing the package also shortens Rasa's wait for the action server
(components/action_timeout.py), because every Rasa server of this project
loads its response generator from here (endpoints.yml).
"""
from components import action_timeout  # noqa: F401  (sets the timeout on import)
