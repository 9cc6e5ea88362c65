"""`dlcourse collect`: Moodle, Canvas and nbgrader downloads into the grading layout."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.course import find_course_root
from autograder.term.collect import CollectError, collect
from autograder.term.roster import RosterError, read_roster
from tests.term_class import ROSTER, canvas_name, moodle_name, notebooks, zip_download

ROOT = find_course_root(Path(__file__))


@pytest.fixture(scope="module")
def nbs() -> dict[tuple[str, str], bytes]:
    return {key: nbformat.writes(nb).encode() for key, nb in notebooks(ROOT).items()}


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_moodle_zip_places_renamed_and_misplaced_notebooks_and_lists_the_rest(tmp_path, nbs):
    download = zip_download({
        moodle_name("ada", 1201, "06_softmax.ipynb"): nbs[("ada", "06_softmax")],
        moodle_name("fay", 1202, "my softmax (final).ipynb"): nbs[("fay", "06_softmax")],
        # hal uploaded his module-01 notebook to the 06 assignment
        moodle_name("hal", 1203, "06_softmax.ipynb"): nbs[("hal", "01_neuron")],
        moodle_name("ivy", 1204, "notes.pdf"): b"%PDF-1.4",
        "Zed Unknown_1299_assignsubmission_file_/06_softmax.ipynb": nbs[("ada", "06_softmax")],
    }, tmp_path / "moodle.zip")
    subs = tmp_path / "subs"
    result = collect(download, subs, ROOT, read_roster(ROSTER), module="06_softmax")
    assert result.layout == "moodle"
    assert {(s, m) for s, m, _ in result.placed} == {
        ("ada", "06_softmax"), ("fay", "06_softmax"), ("hal", "01_neuron")}
    assert (subs / "fay/06_softmax/06_softmax.ipynb").read_bytes() == nbs[("fay", "06_softmax")]
    assert any("hal/01_neuron: submitted as 06_softmax but the notebook is 01_neuron" in n
               for n in result.notes)
    reasons = dict(result.unplaced)
    assert reasons["Ivy Baker_1204_assignsubmission_file_/notes.pdf"] == "not a notebook"
    assert "Zed Unknown (Moodle participant 1299) is not in the roster" in \
        reasons["Zed Unknown_1299_assignsubmission_file_/06_softmax.ipynb"]
    kept = _files(subs / ".unplaced")  # nothing dropped: the unplaced files are copied
    assert kept == {"moodle/Ivy Baker_1204_assignsubmission_file_/notes.pdf",
                    "moodle/Zed Unknown_1299_assignsubmission_file_/06_softmax.ipynb"}


def test_moodle_flat_download_without_folders(tmp_path, nbs):
    download = tmp_path / "moodle"
    download.mkdir()
    (download / "Ivy Baker_1204_assignsubmission_file_01_neuron.ipynb").write_bytes(
        nbs[("ivy", "01_neuron")])
    (download / "Ivy Baker_1204_assignsubmission_onlinetext_onlinetext.html").write_text("<p>")
    result = collect(download, tmp_path / "subs", ROOT, read_roster(ROSTER))
    assert result.layout == "moodle"
    assert [(s, m) for s, m, _ in result.placed] == [("ivy", "01_neuron")]
    assert result.unplaced == [("Ivy Baker_1204_assignsubmission_onlinetext_onlinetext.html",
                                "not a notebook")]


def test_canvas_folder_matches_user_ids_and_notes_late_submissions(tmp_path, nbs):
    download = tmp_path / "canvas"
    download.mkdir()
    (download / canvas_name("ada", 9001, "01_neuron.ipynb")).write_bytes(nbs[("ada", "01_neuron")])
    (download / canvas_name("gus", 9005, "01_neuron-1.ipynb", late=True)).write_bytes(
        nbs[("gus", "01_neuron")])
    subs = tmp_path / "subs"
    result = collect(download, subs, ROOT, read_roster(ROSTER))
    assert result.layout == "canvas" and not result.unplaced
    assert _files(subs) == {"ada/01_neuron/01_neuron.ipynb", "gus/01_neuron/01_neuron.ipynb"}
    assert "gus/01_neuron: submitted late (Canvas)" in result.notes
    # collecting the same download again changes nothing
    again = collect(download, subs, ROOT, read_roster(ROSTER))
    assert not again.placed and len(again.unchanged) == 2


def test_nbgrader_exchange_takes_the_newest_submission(tmp_path, nbs):
    inbound = tmp_path / "exchange" / "dlcourse" / "inbound"
    old = inbound / "ivy+01_neuron+2026-11-01 09:00:00.000000 UTC+a1b2c3"
    new = inbound / "ivy+01_neuron+2026-11-02 18:30:00.000000 UTC+d4e5f6"
    for folder, data in ((old, nbs[("ada", "01_neuron")]), (new, nbs[("ivy", "01_neuron")])):
        folder.mkdir(parents=True)
        (folder / "01_neuron.ipynb").write_bytes(data)
    submitted = tmp_path / "exchange" / "submitted" / "hal" / "01_neuron"
    submitted.mkdir(parents=True)
    (submitted / "01_neuron.ipynb").write_bytes(nbs[("hal", "01_neuron")])
    subs = tmp_path / "subs"
    result = collect(tmp_path / "exchange", subs, ROOT, None)
    assert result.layout == "nbgrader"
    assert (subs / "ivy/01_neuron/01_neuron.ipynb").read_bytes() == nbs[("ivy", "01_neuron")]
    assert (subs / "hal/01_neuron/01_neuron.ipynb").is_file()
    assert [origin for origin, _ in result.superseded] == [
        str((old / "01_neuron.ipynb").relative_to(tmp_path / "exchange"))]


def test_a_changed_resubmission_keeps_the_previous_notebook(tmp_path, nbs):
    download = tmp_path / "canvas"
    download.mkdir()
    name = download / canvas_name("ada", 9001, "01_neuron.ipynb")
    name.write_bytes(nbs[("ada", "01_neuron")])
    subs = tmp_path / "subs"
    collect(download, subs, ROOT, read_roster(ROSTER))
    name.write_bytes(nbs[("hal", "01_neuron")])
    result = collect(download, subs, ROOT, read_roster(ROSTER))
    assert result.placed and any("previous notebook kept" in n for n in result.notes)
    backups = list((subs / ".replaced").rglob("01_neuron.ipynb"))
    assert [b.read_bytes() for b in backups] == [nbs[("ada", "01_neuron")]]


def test_corrupt_zip_is_refused_and_nothing_is_written(tmp_path, nbs, capsys):
    good = zip_download({moodle_name("ada", 1, "06_softmax.ipynb"): nbs[("ada", "06_softmax")]},
                        tmp_path / "good.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    subs = tmp_path / "subs"
    with pytest.raises(CollectError, match="not a readable zip archive.*Nothing was collected"):
        collect(broken, subs, ROOT, read_roster(ROSTER))
    assert not subs.exists()
    assert main(["collect", str(broken), str(subs), "--roster", str(ROSTER)]) == 2
    assert "download it again" in capsys.readouterr().err


def test_unknown_layout_names_the_expected_ones(tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    (download / "homework.ipynb").write_text("{}")
    with pytest.raises(CollectError, match="unknown layout.*Moodle.*Canvas.*nbgrader.*"
                                           "homework.ipynb"):
        collect(download, tmp_path / "subs", ROOT, read_roster(ROSTER))
    assert not (tmp_path / "subs").exists()


def test_a_student_missing_from_the_roster_is_an_error_that_loses_nothing(tmp_path, nbs,
                                                                          capsys):
    download = tmp_path / "canvas"
    download.mkdir()
    (download / canvas_name("ada", 9001, "01_neuron.ipynb")).write_bytes(nbs[("ada", "01_neuron")])
    (download / "doejane_777_9009_01_neuron.ipynb").write_bytes(nbs[("ivy", "01_neuron")])
    subs = tmp_path / "subs"
    assert main(["collect", str(download), str(subs), "--roster", str(ROSTER)]) == 1
    err = capsys.readouterr().err
    assert "doejane (Canvas user 777) is not in the roster" in err
    assert (subs / "ada/01_neuron/01_neuron.ipynb").is_file()
    assert (subs / ".unplaced/canvas/doejane_777_9009_01_neuron.ipynb").read_bytes() == \
        nbs[("ivy", "01_neuron")]


def test_roster_rejects_duplicates_and_missing_columns(tmp_path):
    duplicate = tmp_path / "dup.csv"
    duplicate.write_text("student_id,name,canvas_id\nada,Ada Lovelace,501\nada,Ada L,502\n")
    with pytest.raises(RosterError, match="line 3: duplicate student_id 'ada'"):
        read_roster(duplicate)
    same_lms = tmp_path / "lms.csv"
    same_lms.write_text("student_id,name,canvas_id\nada,Ada Lovelace,501\nben,Ben O,501\n")
    with pytest.raises(RosterError, match="duplicate canvas_id '501'"):
        read_roster(same_lms)
    no_id = tmp_path / "noid.csv"
    no_id.write_text("name,email\nAda,ada@x\n")
    with pytest.raises(RosterError, match="expected a header with a student_id column"):
        read_roster(no_id)
