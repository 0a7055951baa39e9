"""The ``pulje`` command as a user runs it: a real process, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.common.config import Settings

# Left out of the fast loop (-m "not slow"): real `pulje` processes that load the index and models.
pytestmark = pytest.mark.slow


def _pulje(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULJE_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1",
           "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_search_prints_passages_with_their_sources(settings: Settings) -> None:
    res = _pulje(settings, "search", "Kan vi finansiere en masteruddannelse?", "-k", "3")
    assert res.returncode == 0, res.stderr
    assert "kan ikke anvendes på masteruddannelser" in res.stdout
    assert "Fakta om rammer for udmøntning af opkvalificeringspuljen" in res.stdout
    assert res.stdout.count("[1]") == 1 and "[3]" in res.stdout and "[4]" not in res.stdout


def test_bad_question_exits_2_with_a_danish_message(settings: Settings) -> None:
    res = _pulje(settings, "search", "   ")
    assert res.returncode == 2
    assert "Fejl: Spørgsmålet er tomt" in res.stderr
    res = _pulje(settings, "search", "x" * 2001)
    assert res.returncode == 2 and "højst 2000 tegn" in res.stderr


def test_index_command_reports_reuse(settings: Settings) -> None:
    res = _pulje(settings, "index")
    assert res.returncode == 0, res.stderr
    assert "passager" in res.stdout


def test_corpus_build_writes_the_cleaned_files(tmp_path: Path) -> None:
    seeds = Settings().seeds_dir
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.toml").write_bytes((Settings().corpus_dir / "manifest.toml").read_bytes())
    env = {**os.environ, "PULJE_CORPUS_DIR": str(corpus)}
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "corpus", "build",
                          "--seeds", str(seeds)], env=env, capture_output=True, text=True)
    if not seeds.is_dir():
        assert res.returncode == 2 and "findes ikke" in res.stderr
        return
    assert res.returncode == 0, res.stderr
    assert len(list(corpus.glob("*.txt"))) == 5
