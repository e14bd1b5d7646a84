"""Checks the action server's replies against Rasa's schema with a validator
built once, instead of once per reply.

Rasa 3.6 checks every reply of the action server with `jsonschema.validate`,
which first checks the schema itself against JSON Schema's 2020-12
meta-schema: about 35 ms of CPU per action on this project's 2-core machine,
more than NLU and dialogue policies together, and the server's event loop can
do nothing else meanwhile (`make bench` found it with a profiler). The same
schema, the same validator class and the same ValidationError message; only
the repeated meta-schema check is gone (the schema is Rasa's own constant).
"""

from functools import lru_cache
from typing import Any, Dict, Text

import jsonschema_rs
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from rasa_patches.version import UnsupportedRasaVersion, require_written_for_version


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    return jsonschema_rs.validator_for(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if _fast_validator().is_valid(result):
        return True
    # What jsonschema.validate does after its schema check.
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    if isinstance(error, ValidationError):  # Rasa's own message, as in RemoteAction
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
    raise error


def install() -> None:
    require_written_for_version("action_response_check")
    if not callable(getattr(RemoteAction, "_validate_action_result", None)):  # the private method replaced here
        raise UnsupportedRasaVersion("RemoteAction._validate_action_result, which this patch replaces, is gone")
    RemoteAction._validate_action_result = _validate_action_result


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
