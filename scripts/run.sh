#!/usr/bin/env bash
# Set everything up, build the search index (reused when unchanged) and search.
# Usage: scripts/run.sh "Kan vi finansiere en masteruddannelse?"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/pulje index
.venv/bin/pulje search "${1:-Kan vi finansiere en masteruddannelse?}"
