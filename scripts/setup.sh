#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with its pinned dependencies.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && \
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$candidate; break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "Puljeassistenten kræver Python 3.11 (sæt PYTHON=/sti/til/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# torch is pinned in pyproject.toml (2.13.0). On Linux, plain PyPI's torch==2.13.0 is the
# CUDA build (several GB); PULJE_TORCH_INDEX (e.g. https://download.pytorch.org/whl/cpu)
# adds an index with the CPU wheels, which pip then prefers (2.13.0+cpu). Unset: pip's
# usual sources, unchanged (a wheel that lies on disk here is the CPU build).
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "${PULJE_TORCH_INDEX:-}" ] && ! .venv/bin/python -c "import torch" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet "torch==2.13.0" --extra-index-url "$PULJE_TORCH_INDEX"
fi
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "Installeret i .venv"
