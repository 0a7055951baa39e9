#!/usr/bin/env bash
# Set everything up, build the search index (reused when unchanged) and start the
# assistant: the API on http://127.0.0.1:8000 (open mode on loopback unless
# PULJE_API_KEYS is set). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/pulje index
HOST=${PULJE_HOST:-127.0.0.1}
API_PORT=${PULJE_API_PORT:-8000}
echo "API: http://$HOST:$API_PORT/docs"
exec .venv/bin/pulje serve --host "$HOST" --port "$API_PORT"
