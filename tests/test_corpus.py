from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.common.config import Settings
from assistant.common.errors import CorpusError
from assistant.corpus.documents import (
    DocumentMeta,
    build_corpus,
    clean_extracted,
    load_corpus,
    load_manifest,
)
from tests.servers import CORPUS, PROJECT_ROOT

META = DocumentMeta("d", "d.txt", "s.txt", "Titel", "Pub", "2023", "faktaark", "rules")


def test_line_end_hyphen_is_joined_and_real_hyphens_stay() -> None:
    raw = (
        "Formål\nAt un-\nderstøtte PAU-\neleven i 2023-\n2025 med AMU-kurser og tro- og lo-"
        "\nveerklæring.\n"
    )
    text = clean_extracted(raw, META)
    assert "understøtte PAU-eleven i 2023-2025 med AMU-kurser og tro- og loveerklæring." in text


def test_lost_soft_hyphen_is_joined_but_ordinary_line_breaks_get_a_space() -> None:
    raw = "Deltagere fra dele af dagtilbuds\nområdet og fra \nkommunerne.\n"
    assert "dele af dagtilbudsområdet og fra kommunerne." in clean_extracted(raw, META)


def test_headings_become_markdown_and_bullets_become_dashes() -> None:
    raw = "Formål\nDet er sådan.\n\n\u2022 første punkt\n\u2022 andet punkt\n"
    text = clean_extracted(raw, META)
    assert text.startswith("# Titel\n\n## Formål\n\nDet er sådan.\n\n- første punkt\n\n- andet")


def test_page_furniture_is_dropped() -> None:
    meta = DocumentMeta("d", "d.txt", "s", "Titel", "p", "2023", "k", "rules",
                        drop_lines=(r"^EAN-nummer$", r"^\d{13}$"))
    raw = "Det er en sætning der \nEAN-nummer\n5798009382160\nfortsætter her.\n"
    assert "Det er en sætning der fortsætter her." in clean_extracted(raw, meta)


def test_blank_line_inside_a_sentence_is_glued() -> None:
    raw = "Det forberedes til \n\neventuelt senere at kunne gennemføre PAU.\n"
    assert "Det forberedes til eventuelt senere" in clean_extracted(raw, META)


def test_committed_corpus_is_what_the_cleaning_makes_from_the_seeds(tmp_path: Path) -> None:
    seeds = Settings().seeds_dir
    if not seeds.is_dir():
        pytest.skip(f"kildefilerne findes ikke i {seeds}: sæt PULJE_SEEDS_DIR til mappen med "
                    "de fem kildefiler for at sammenligne korpus med dem")
    work = tmp_path / "corpus"
    work.mkdir()
    shutil.copy(CORPUS / "manifest.toml", work / "manifest.toml")
    for path in build_corpus(seeds, work):
        assert path.read_text(encoding="utf-8") == (CORPUS / path.name).read_text(
            encoding="utf-8"
        ), f"{path.name} afviger: kør 'pulje corpus build'"


def test_cleaned_corpus_has_no_pdf_artefacts() -> None:
    for doc in load_corpus(CORPUS):
        assert "\uf0b7" not in doc.text and "  " not in doc.text.replace("\n  - ", "\n- ")
        if doc.meta.authority == "rules":  # FOA's layout has a genuine "praktik- steder"
            assert not re.search(r"[a-zæøå]- (?!og |eller |til )[a-zæøå]", doc.text), doc.id
        assert doc.text.startswith(f"# {doc.meta.title}\n")


def test_manifest_gives_every_document_its_authority() -> None:
    metas = {m.id: m for m in load_manifest(CORPUS)}
    assert metas["faktaark"].authority == "rules"
    assert metas["foa-rapport"].authority == "opinion"
    assert {m.authority for m in metas.values()} == {"rules", "official", "municipal", "opinion"}


def test_missing_or_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="Manifest mangler"):
        load_manifest(tmp_path)
    (tmp_path / "manifest.toml").write_text('[[document]]\nid = "x"\nauthority = "law"\n')
    with pytest.raises(CorpusError, match="authority 'law'"):
        load_manifest(tmp_path)


def test_missing_document_file_names_the_command_to_run(small_corpus: Path) -> None:
    next(small_corpus.glob("pressemeddelelse*.txt")).unlink()
    with pytest.raises(CorpusError, match="pulje corpus build"):
        load_corpus(small_corpus)


@pytest.mark.slow  # a second pytest process
def test_without_the_seeds_the_skip_says_why_and_names_the_setting(tmp_path: Path) -> None:
    """Outside the usual layout the corpus-vs-seeds check skips, and the run's summary says
    why and which setting points at the seeds (a silent skip would hide a missed check)."""
    env = {**os.environ, "PULJE_SEEDS_DIR": str(tmp_path / "ingen-kilder")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_corpus.py::test_committed_corpus_is_what_the_cleaning_makes_from_the_seeds"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    summary = run.stdout.splitlines()
    skipped = [line for line in summary if line.startswith("SKIPPED")]
    assert run.returncode == 0 and len(skipped) == 1, run.stdout[-2000:]
    assert "ingen-kilder" in skipped[0] and "PULJE_SEEDS_DIR" in skipped[0]
