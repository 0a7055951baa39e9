#!/usr/bin/env bash
# Set everything up, build the search index (reused when unchanged) and start the
# assistant: the API on http://127.0.0.1:8000 and the chat on http://127.0.0.1:8501.
# Open mode on loopback unless PULJE_API_KEYS is set. Stop both with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/pulje index
HOST=${PULJE_HOST:-127.0.0.1}
API_PORT=${PULJE_API_PORT:-8000}
CHAT_PORT=${PULJE_CHAT_PORT:-8501}

.venv/bin/pulje serve --host "$HOST" --port "$API_PORT" &
API_PID=$!
CHAT_PID=""
stop() { kill $API_PID $CHAT_PID 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$API_PID" 2>/dev/null; then echo "API'et startede ikke." >&2; exit 1; fi
  sleep 0.5
done
export PULJE_API_URL="http://127.0.0.1:$API_PORT"
# The chat uses the first configured key, if any ("navn:nøgle" or just "nøgle").
if [ -n "${PULJE_API_KEYS:-}" ] && [ -z "${PULJE_API_KEY:-}" ]; then
  first=${PULJE_API_KEYS%%,*}
  export PULJE_API_KEY=${first#*:}
fi
echo "API:  http://$HOST:$API_PORT/docs"
echo "Chat: http://$HOST:$CHAT_PORT"
.venv/bin/python -m streamlit run ui/app.py --server.headless true \
  --server.address "$HOST" --server.port "$CHAT_PORT" \
  --browser.gatherUsageStats false --client.toolbarMode minimal &
CHAT_PID=$!
# Whichever stops first (or Ctrl-C) stops the other.
wait -n "$API_PID" "$CHAT_PID"
