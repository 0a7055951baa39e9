"""Hypothesis settings shared by the redaction property tests."""

from __future__ import annotations

from hypothesis import settings

FAST = settings(max_examples=200, deadline=None, database=None)  # no .hypothesis writes
