"""Warm kernels: forked from a zygote into their sandbox, they see what a cold kernel sees.

Every grading test on a root grader with bubblewrap already runs its kernels warm (the
hostile cases, the proof tests); these pin what the fork itself must keep: the kernel's
user, capabilities, namespaces, environment and descriptors are the sandbox's, a dead
kernel is seen as dead, and a zygote that fails only makes kernels start cold.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from autograder.grading import sandbox, warm, zygote
from autograder.grading.execute import Limits, NotebookRunner
from autograder.grading.status import CellStatus
from tests.hostile.course import REPO

ROOT = os.geteuid() == 0
needs_warm = pytest.mark.skipif(not sandbox.probe().available,
                                reason="warm kernels need bubblewrap")

SECRET = "dlcourse-test-secret-4711"
# What the kernel reports about itself, as JSON on one line.
PROBE = f"""
import json, os, socket, stat
status = open('/proc/self/status').read()
fds = {{}}
for fd in os.listdir('/proc/self/fd'):
    try:
        info = os.fstat(int(fd))
    except OSError:
        continue
    fds[fd] = [os.readlink(f'/proc/self/fd/{{fd}}'), info.st_ino, stat.S_ISFIFO(info.st_mode)]
try:
    socket.create_connection(('1.1.1.1', 80), timeout=1)
    network = True
except OSError:
    network = False
print(json.dumps({{
    'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(),
    'caps': sorted({{l.split()[1] for l in status.splitlines() if l.startswith('Cap')}}),
    'no_new_privs': [l.split()[1] for l in status.splitlines() if l.startswith('NoNewPrivs')],
    'course': os.path.exists({str(REPO / 'solutions')!r}), 'network': network,
    'hostname': socket.gethostname(), 'cwd': os.getcwd(), 'home': os.environ.get('HOME'),
    'processes': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
    'secret': {SECRET!r} in open('/proc/self/environ').read() + repr(dict(os.environ)),
    'fds': fds, 'root': sorted(os.listdir('/')),
    'limits': [__import__('resource').getrlimit(r) for r in (2, 6, 1)],
}}))
"""


@pytest.fixture(autouse=True)
def _zygote_ready():
    """The first kernel starts the zygote (and starts cold); the tests want it ready."""
    if sandbox.probe().available:
        _run(["pass"])
        for forker in zygote.started():
            assert forker.wait(120), forker.failed


def _run(sources: list[str], **limits) -> tuple[list, NotebookRunner]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    runner = NotebookRunner(notebook, None, Limits(**limits))
    run = runner.run()
    return list(zip(run.notebook.cells, run.cells)), runner


def _report(cell) -> dict:
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def _forks() -> int:
    return sum(z.spawned for z in zygote.started())


@needs_warm
def test_warm_kernel_sees_what_a_cold_kernel_sees(monkeypatch):
    monkeypatch.setenv("DLCOURSE_TEST_SECRET", SECRET)
    before = _forks()
    [(cell, run)], _ = _run([PROBE])
    assert run.status == CellStatus.OK, run.message
    assert _forks() == before + 1  # it was forked, not started cold
    warm_report = _report(cell)
    [(cell, run)], _ = _run([PROBE], warm=False)
    cold = _report(cell)

    if ROOT:  # a user of its own, as a cold kernel has another
        assert warm_report["uid"] >= sandbox.KERNEL_UID_BASE and warm_report["uid"] != cold["uid"]
        assert warm_report["gid"] == warm_report["uid"] and warm_report["groups"] == []
    else:  # the sandbox's user namespace maps the grader to uid 1000
        assert warm_report["uid"] == cold["uid"] == sandbox.SANDBOX_UID
        assert warm_report["groups"] == cold["groups"]
    assert warm_report["caps"] == cold["caps"] == ["0000000000000000"]
    assert warm_report["no_new_privs"] == cold["no_new_privs"] == ["1"]
    for key in ("course", "network", "secret"):
        assert warm_report[key] is cold[key] is False, key
    for key in ("hostname", "root", "limits"):
        assert warm_report[key] == cold[key], key
    assert warm_report["home"] == warm_report["cwd"] != cold["cwd"]
    # Its own PID namespace: the sandbox's init, its holder and the kernel, nothing else.
    assert warm_report["processes"] == [1, 2, 3] and cold["processes"] == [1, 2]
    # Its stdin is /dev/null, not the zygote's control pipe (stdout and stderr are
    # ipykernel's own capture pipes: see the next test).
    assert warm_report["fds"]["0"][0] == "/dev/null"


@needs_warm
def test_warm_kernel_holds_nothing_of_its_zygote():
    before = _forks()
    [(cell, run)], _ = _run([PROBE])
    assert run.status == CellStatus.OK, run.message
    assert _forks() == before + 1
    report = _report(cell)
    pipes = set()
    for forker in zygote.started():
        for stream in (forker.process.stdin, forker.process.stdout):
            pipes.add(os.fstat(stream.fileno()).st_ino)
    held = {inode for _, inode, fifo in report["fds"].values() if fifo}
    assert pipes and not pipes & held


@needs_warm
def test_dead_warm_kernel_is_seen_and_replaced():
    before = _forks()
    cells, _ = _run(["import os\nos._exit(3)", "print(6 * 7)"])
    assert _forks() == before + 2  # the first kernel and the one after its death
    assert cells[0][1].status == CellStatus.KERNEL_DIED
    assert cells[1][1].status == CellStatus.OK
    assert "42" in cells[1][0].outputs[0]["text"]


@needs_warm
def test_zygote_that_cannot_import_leaves_kernels_cold(monkeypatch, caplog):
    env = sandbox.kernel_environment(dict(os.environ), Path("/"))
    broken = zygote.Zygote(("no_such_module_for_a_zygote",), env)
    assert not broken.wait(120)
    assert "no_such_module_for_a_zygote" in broken.failed  # why, in the grader's words
    monkeypatch.setattr(zygote, "shared", lambda imports, env: broken)
    monkeypatch.setattr(warm, "_warned", [])
    [(cell, run)], _ = _run([PROBE])
    assert run.status == CellStatus.OK, run.message
    assert _report(cell)["processes"] == [1, 2]  # started cold, in its sandbox
    assert broken.spawned == 0
    assert any("no zygote to fork kernels from" in r.getMessage() for r in caplog.records)


@needs_warm
def test_failed_fork_starts_the_kernel_cold(monkeypatch, caplog):
    def refuse(self, request):
        raise RuntimeError("no fork today")

    monkeypatch.setattr(zygote.Zygote, "spawn", refuse)
    monkeypatch.setattr(warm, "_warned", [])
    [(cell, run)], _ = _run([PROBE])
    assert run.status == CellStatus.OK, run.message
    report = _report(cell)
    assert report["processes"] == [1, 2]  # the usual kernel, pid 2 under bubblewrap's init
    assert report["caps"] == ["0000000000000000"] and not report["course"]
    assert any("no fork today" in r.getMessage() for r in caplog.records)


def test_read_report_needs_both_the_pid_and_ready():
    def report(text: bytes) -> dict:
        read_end, write_end = os.pipe()
        os.write(write_end, text)
        os.close(write_end)
        return zygote._read_report(read_end)  # noqa: SLF001

    assert report(b"pid 41\nready\n") == {"pid": 41}
    assert "error" in report(b"pid 41\n")  # died before it was ready
    assert report(b"pid 41\nerror OSError(1)\n") == {"error": "OSError(1)"}
