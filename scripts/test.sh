#!/usr/bin/env bash
# Runs the whole test suite. pytest's exit 5 ("no tests ran") is a failure.
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
.venv/bin/python -m pytest "$@"
rc=$?
if [[ $rc -eq 5 ]]; then
  echo "FAILED: pytest collected no tests" >&2
  exit 1
fi
exit $rc
