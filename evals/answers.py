"""``python -m evals.answers``: kept as another name for the eval suite (``pulje eval``,
evals/suite.py), which scores the answers on the gold set and much more."""

from evals.suite import main

if __name__ == "__main__":
    raise SystemExit(main())
