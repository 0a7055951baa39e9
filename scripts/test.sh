#!/usr/bin/env bash
# Set everything up, then run the linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/system.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
# The run must leave the checkout as it found it: generated state (caches, reports,
# screenshots) belongs in ignored folders, not in tracked files.
git_state() { git status --porcelain --untracked-files=all 2>/dev/null || true; }
before=$(git_state)
.venv/bin/ruff check .
.venv/bin/mypy
# pytest exits 5 when it collects no test: that must fail the run, and it does.
.venv/bin/python -m pytest -q "$@"
# The quality gate on the gold set's test split (evals/thresholds.toml), with the report
# in evals/reports/latest/.
.venv/bin/pulje eval --split test --gate --report
after=$(git_state)
if [ "$before" != "$after" ]; then
  echo "Testkørslen ændrede checkoutet (genereret tilstand hører hjemme i ignorerede mapper):" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
