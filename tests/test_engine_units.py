"""Fast tests of the grading steps that need no kernel: reading, caps, scoring, names."""

from __future__ import annotations

import os

import nbformat
import pytest

from autograder.grading.batch import discover, safe_name
from autograder.grading.execute import MAX_ERROR_CHARS, CellRun, Limits, NotebookRun, _CappedClient
from autograder.grading.reading import UnreadableNotebook, find_submitted_notebook, read_submission
from autograder.grading.assemble import GradedCellSpec
from autograder.grading.score import CellGrade, score_cells
from autograder.grading.status import CellStatus
from tests.conftest import ROOT

MODULE = "01_neuron"


def _notebook_bytes() -> bytes:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])).encode()


def test_reads_a_regular_notebook(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_bytes(_notebook_bytes())
    assert read_submission(path).notebook.cells[0].source == "1"


@pytest.mark.parametrize("content, words", [
    (b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    (b'{"cells": [], "x": ' + b"7" * 5000 + b"}", "not valid notebook JSON"),
    (b'{"cells": [{"cell_type": "code", "source": [1, 2], "metadata": {}, "outputs": []}]}', None),
    (b"", "empty"),
])
def test_hostile_json_is_unreadable_with_a_reason(tmp_path, content, words):
    path = tmp_path / "a.ipynb"
    path.write_bytes(content)
    if words is None:  # odd but harmless: read, with the odd source dropped
        read_submission(path)
        return
    with pytest.raises(UnreadableNotebook, match=words):
        read_submission(path)


def test_links_and_fifos_are_never_read(tmp_path):
    secret = tmp_path / "solution.ipynb"
    secret.write_bytes(_notebook_bytes())
    folder = tmp_path / "student" / MODULE
    folder.mkdir(parents=True)
    (folder / f"{MODULE}.ipynb").symlink_to(secret)
    path, notes = find_submitted_notebook(folder, MODULE)
    assert path is None and any("not a regular file" in n for n in notes)
    with pytest.raises(UnreadableNotebook, match="symbolic link"):
        read_submission(folder / f"{MODULE}.ipynb")
    (folder / f"{MODULE}.ipynb").unlink()
    os.mkfifo(folder / f"{MODULE}.ipynb")
    path, notes = find_submitted_notebook(folder, MODULE)
    assert path is None and any("not a regular file" in n for n in notes)
    with pytest.raises(UnreadableNotebook, match="not a regular file"):
        read_submission(folder / f"{MODULE}.ipynb")  # returns at once: opened non-blocking


def test_safe_names_never_collide():
    twin = "r\u00e9f"
    lookalike = "r_f-" + __import__("hashlib").sha1(twin.encode()).hexdigest()[:8]
    assert safe_name(twin) != safe_name(lookalike)
    assert safe_name("ben") == "ben" and safe_name("..") != ".."


def test_discover_skips_linked_student_folders(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ann" / MODULE).mkdir(parents=True)
    (subs / "bob").symlink_to(subs / "ann", target_is_directory=True)
    tasks, warnings = discover(subs, [MODULE], ROOT)
    assert [t.student_id for t in tasks] == ["ann"]
    assert any("bob" in w and "symbolic link" in w for w in warnings)


class _FakeClient(_CappedClient):
    """The capping logic alone, with no kernel behind it."""

    def __init__(self, limit: int, total: int) -> None:
        super().__init__(nbformat.v4.new_notebook(), max_output_bytes=limit, max_total_bytes=total)


def _message(kind: str, **content) -> dict:
    return {"msg_type": kind, "header": {"msg_type": kind}, "content": content}


def test_caps_count_display_updates_and_trim_errors():
    client = _FakeClient(limit=1000, total=10_000)
    cell = nbformat.v4.new_code_cell("x")
    update = _message("update_display_data", data={"text/plain": "y" * 2000}, metadata={},
                      transient={"display_id": "d"})
    assert not client._admit(update, cell, 0)
    assert 0 in client.overflowed and "output truncated" in cell.outputs[-1]["text"]
    error = _message("error", ename="ValueError", evalue="x" * 10**6, traceback=["t" * 10**6] * 3)
    assert client._admit(error, cell, 1)  # an error always counts for the grade...
    assert len(error["content"]["evalue"]) <= MAX_ERROR_CHARS  # ...but is cut
    assert sum(map(len, error["content"]["traceback"])) <= MAX_ERROR_CHARS + 100


def test_scores_read_the_error_name_not_the_message():
    specs = [GradedCellSpec("test_a", 2.0, False), GradedCellSpec("test_b", 1.0, False)]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {"grade_id": "test_a"}}),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {"grade_id": "test_b"}})])
    runs = [CellRun(CellStatus.ERROR, "AssertionError: looks like a check", ename="ValueError"),
            CellRun(CellStatus.ERROR, "x", ename="CheckFailure")]
    grades = score_cells(NotebookRun(nb, runs), specs)
    assert [g.status for g in grades] == [CellStatus.ERROR, CellStatus.FAILED]
    assert CellGrade("t", "f", 0.0, 1.0, "passed").status is CellStatus.PASSED


def test_limits_make_the_command_line_options():
    from autograder.cli import build_parser

    args = build_parser().parse_args(["grade", "s", "--out", "o", "--timeout", "7", "--memory", "0"])
    from autograder.cli import _limits

    assert _limits(args) == Limits(cell_timeout=7.0, memory_mb=0)


def test_bench_phase_table_accounts_for_the_whole_time():
    from autograder.bench import phase_table

    table = phase_table({"kernel start": 1.0, "imports": 6.0, "test cells": 2.0, "total": 10.0})
    lines = {line.split("  ")[1].strip(): line for line in table.splitlines()[1:]}
    assert "60%" in lines["imports"] and lines["restarts"].split()[-2] == "0.00"
    assert lines["other (scoring, clean-up)"].split()[-2] == "1.00"  # 10 - 9 measured


def test_the_jupyter_internals_the_grader_uses_still_exist():
    """jupyter_adapter is the one place that reaches into jupyter_client and nbclient."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    from autograder.grading import jupyter_adapter

    manager = KernelManager(kernel_name="python3")
    jupyter_adapter.use_kernel_command(manager, ["python", "-m", "x", "{connection_file}"],
                                       "message")
    assert manager.kernel_spec.argv == ["python", "-m", "x", "{connection_file}"]
    assert manager.kernel_spec.interrupt_mode == "message"
    assert callable(getattr(NotebookClient, "_cleanup_kernel", None))
    assert jupyter_adapter.launcher_pid(manager) is None  # nothing launched yet


def test_the_logger_follows_verbosity(capsys):
    from autograder import log

    log.configure(0)
    log.logger.info("hidden step")
    log.logger.warning("warning: shown")
    log.configure(1)
    log.logger.info("a step")
    log.logger.debug("a detail")
    log.configure(0)
    assert capsys.readouterr().err.splitlines() == ["warning: shown", "a step"]
