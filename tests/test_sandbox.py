"""The sandbox: the real module grades fully inside it, and its absence is said once."""

from __future__ import annotations

import shutil

import pytest

from autograder.grading import rlimits, sandbox
from autograder.grading.batch import grade_batch
from autograder.grading.execute import Limits
from autograder.grading.submission import grade_notebook
from tests.hostile.course import MODULE, REPO, good_submission, make_course

SANDBOXED = sandbox.probe().available


def test_rlimits_wrapper_command():
    command = rlimits.wrap(["python", "-m", "x"], 100, 10, 5, python="py")
    assert command == ["py", "-P", "-s", "-m", "autograder.grading.rlimits", "--memory-mb", "100",
                       "--processes", "10", "--file-mb", "5", "--", "python", "-m", "x"]


def test_kernel_never_imports_from_its_working_directory(tmp_path):
    """``-P``: a module the student writes into the scratch folder is never the launcher."""
    for uid in (None, 1_000_042):
        command = sandbox.kernel_command(["python", "-m", "ipykernel_launcher", "-f", "k.json"],
                                         tmp_path, tmp_path, 100, 10, 5, True, uid)
        launches = [i for i, arg in enumerate(command) if arg == "-m"]
        assert len(launches) == 2  # the limits wrapper, then the kernel
        for i in launches:
            assert command[i - 2:i] == ["-P", "-s"], command


def test_root_kernel_switches_user_with_no_capabilities(tmp_path):
    command = sandbox.bwrap_command(["python"], tmp_path, tmp_path, uid=1_000_042)
    setpriv = next(i for i, arg in enumerate(command) if arg.endswith("setpriv"))
    assert command.index("--") < setpriv  # inside the sandbox, before the kernel
    assert {"--reuid=1000042", "--regid=1000042", "--clear-groups", "--bounding-set=-all",
            "--inh-caps=-all", "--no-new-privs"} <= set(command[setpriv:])
    unprivileged = sandbox.bwrap_command(["python"], tmp_path, tmp_path)
    assert {"--unshare-user", "--cap-drop", "ALL", "--disable-userns"} <= set(unprivileged)


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_kernel_user_holds_no_capability_and_no_host_path(tmp_path):
    """What a kernel's own process sees: its uid, no capabilities, no course files."""
    import subprocess

    workdir = tmp_path / "w"
    workdir.mkdir()
    uid = sandbox.kernel_uid()
    if uid is not None:
        sandbox.give_to(workdir, uid)
    probe = ("import os; s = open('/proc/self/status').read(); "
             "caps = [l.split()[1] for l in s.splitlines() if l.startswith('Cap')]; "
             f"print(os.getuid(), set(caps), os.path.exists({str(REPO / 'solutions')!r}))")
    command = sandbox.kernel_command(["python", "-c", probe], workdir, workdir, 512, 64, 5,
                                     True, uid)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=workdir)
    assert done.returncode == 0, done.stderr
    out = done.stdout.strip()
    assert out.endswith("False"), out  # the course is not there
    assert "{'0000000000000000'}" in out, out  # every capability set empty
    assert int(out.split()[0]) != 0


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_sandbox_hides_the_course_and_the_network(tmp_path):
    command = sandbox.bwrap_command(["true"], tmp_path, tmp_path)
    assert "--unshare-net" in command and "--remount-ro" in command
    bound = {command[i + 1] for i, a in enumerate(command) if a in ("--ro-bind", "--bind")}
    assert str(REPO) not in bound and str(REPO / "solutions") not in bound


@pytest.mark.grading
@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_real_module_with_tensorflow_gets_full_marks_in_the_sandbox(tmp_path):
    root = make_course(tmp_path / "course", lite=False)
    path = tmp_path / f"{MODULE}.ipynb"
    import nbformat

    nbformat.write(good_submission(root), path)
    result = grade_notebook(path, MODULE, "s", root, Limits(cell_timeout=120, sandbox="require"))
    assert result.score == result.max_score, [c for c in result.cells if c.status != "passed"]


@pytest.mark.grading
def test_unsandboxed_batch_warns_once(tmp_path, capfd, caplog):
    root = make_course(tmp_path / "course")
    import nbformat

    for student in ("a", "b", "c"):
        folder = tmp_path / "subs" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(good_submission(root), folder / f"{MODULE}.ipynb")
    result = grade_batch(tmp_path / "subs", tmp_path / "out", root, workers=2,
                         limits=Limits(cell_timeout=10, sandbox="off"), progress=False,
                         feedback=False)
    assert all(g.score == 17 for g in result.grades)
    # One record: on stderr where the CLI set up the "dlcourse" logger, else in pytest's log
    # capture (and on stderr too where another library gave the root logger a handler).
    on_stderr = capfd.readouterr().err.count("will NOT be sandboxed")
    logged = sum("will NOT be sandboxed" in r.getMessage() for r in caplog.records)
    assert max(on_stderr, logged) == 1, (on_stderr, logged)
    shutil.rmtree(tmp_path / "out")
