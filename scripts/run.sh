#!/usr/bin/env bash
# Starts the action server and the Rasa server; stops both on Ctrl-C.
#   scripts/run.sh          REST + socket.io channels on RASA_PORT (5005)
#   scripts/run.sh shell    `rasa shell` in this terminal
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=5055  # endpoints.yml points Rasa here
WEB_PORT=${WEB_PORT:-8080}
# Web pages allowed to talk to the bot (CORS, REST and socket.io), space-separated.
ALLOWED_ORIGINS=${ALLOWED_ORIGINS:-"http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT"}
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore

# Check the practice's configuration first: a clear message, not a stack trace.
"$BIN/python" -m practice.config
# The public page web/about.html, with this environment's staff alert setting.
"$BIN/python" scripts/build_about_page.py >/dev/null

mkdir -p var  # the SQLite conversation store (endpoints.yml)
# Channels: REST and socket.io, plus Slack/Telegram when their variables are set.
"$BIN/python" scripts/credentials.py var/credentials.yml
# Conversations: SQLite, or PostgreSQL + Redis when DB_HOST / REDIS_HOST are set
# (docs/operations.md); stops here, with one line, if one does not answer.
"$BIN/python" scripts/endpoints.py var/endpoints.yml

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM

"$BIN/python" scripts/action_server.py --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$ACTIONS_PORT/health" >/dev/null && break
  sleep 0.5
done

if [[ "${1:-}" == "shell" ]]; then
  "$BIN/python" scripts/rasa_server.py shell -m models/faq.tar.gz --endpoints var/endpoints.yml
  exit 0
fi

echo "Starting the bot (about 15 s)..."
# Rasa's HTTP API (trackers, model) stays off unless a token is set for it.
api_args=()
if [[ -n "${RASA_API_TOKEN:-}" ]]; then api_args=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
# shellcheck disable=SC2086  # one --cors value per origin
"$BIN/python" scripts/rasa_server.py run -m models/faq.tar.gz --port "$RASA_PORT" "${api_args[@]}" \
  --credentials var/credentials.yml --endpoints var/endpoints.yml --cors $ALLOWED_ORIGINS &
pids+=($!)
# The practice page with the chat widget (web/).
"$BIN/python" -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  curl -sf "http://localhost:$RASA_PORT/" >/dev/null && break
  sleep 0.5
done
cat <<MSG

  The bot is ready.
  Web page:   http://localhost:$WEB_PORT/?server=http://localhost:$RASA_PORT
  REST:       curl -s localhost:$RASA_PORT/webhooks/rest/webhook \\
                -d '{"sender": "me", "message": "Do therapists really care about their clients?"}'
  socket.io:  http://localhost:$RASA_PORT/socket.io
  Stop with Ctrl-C.

MSG
wait -n
