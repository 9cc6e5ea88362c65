"""The grading benchmark: ``python -m autograder.bench [--students N] [--modules ...]``.

Generates a class (by default 50 students x every module that has a solution; each
student submits the module's solution notebook, so every test runs to the end), then
grades it

1. with this grader and one worker,
2. (``--without-spares``) with one worker and no spare kernels, as before them,
3. (``--cold``) with one worker and kernels started cold (no zygote), as before warm
   kernels, and the same with one worker per CPU core,
4. with this grader and one worker per CPU core,
5. with plain sequential ``nbgrader autograde`` in a temporary nbgrader course (gradebook,
   ``generate_assignment``, ``submitted/``, ``autograde``),

and prints seconds per submission, submissions per minute, the share of the time spent
starting kernels and importing TensorFlow (measured apart: a bare cold kernel start, a
cold kernel start plus ``import tensorflow``, and a warm one), and the ratio against
nbgrader.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.course import available_modules, find_course_root, solution_path
from autograder.grading import zygote
from autograder.grading.execute import PHASES, Limits, NotebookRunner

NBGRADER_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "bench"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.Execute.timeout = {timeout}
"""


def make_class(root: Path, modules: list[str], students: int, folder: Path) -> int:
    """Writes ``folder/<student>/<module>/<module>.ipynb``; returns the submissions made."""
    for i in range(students):
        for module in modules:
            target = folder / f"s{i:03d}" / module
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(solution_path(root, module), target / f"{module}.ipynb")
    return students * len(modules)


def _timed_kernel(source: str, limits: Limits, repeats: int) -> float:
    """Mean seconds to start a kernel (with the grader's set-up) and run ``source``."""
    total = 0.0
    for _ in range(repeats):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        began = time.monotonic()
        NotebookRunner(notebook, None, limits).run()
        total += time.monotonic() - began
    return total / repeats


def _uses_tensorflow(root: Path, module: str, limits: Limits) -> bool:
    """Whether the module's kernels import TensorFlow (test cells in the judge don't count)."""
    from autograder.grading.submission import kernel_imports, load_source

    return bool(kernel_imports(limits, load_source(root, module)[0]))


def grade_ours(root: Path, submissions: Path, out: Path, workers: int, limits: Limits,
               prestart: bool = True) -> tuple[float, dict[str, float]]:
    """Seconds this grader takes for the class with ``workers`` workers (feedback included).

    ``prestart`` False grades without spare kernels (each kernel started when its notebook
    comes), as the engine did before them.

    Returns:
        The wall time, and the mean seconds per submission of each phase
        (:func:`phase_table` prints them).
    """
    from autograder.grading.batch import grade_batch

    began = time.monotonic()
    result = grade_batch(submissions, out, root, workers=workers, limits=limits,
                         feedback=True, force=True, progress=False, prestart=prestart)
    seconds = time.monotonic() - began
    scores = [g.score for g in result.grades]
    print(f"  graded {len(scores)} submissions, mean score {sum(scores) / max(1, len(scores)):.1f}, "
          f"{result.grader_errors} grader error(s)", flush=True)
    phases: dict[str, float] = {}
    for grade in result.grades:
        for phase, spent in {**grade.phases, "total": grade.seconds}.items():
            phases[phase] = phases.get(phase, 0.0) + spent / max(1, len(result.grades))
    return seconds, phases


def phase_table(phases: dict[str, float]) -> str:
    """The seconds per submission of each phase, with its share of the total."""
    total = phases.get("total", 0.0) or 1.0
    known = ("read", *PHASES, "feedback")
    rows = [(name, phases.get(name, 0.0)) for name in known]
    rows.append(("other (scoring, clean-up)", total - sum(spent for _, spent in rows)))
    lines = [f"  {'phase':<26} {'s/submission':>12} {'share':>6}"]
    lines += [f"  {name:<26} {spent:12.2f} {100 * spent / total:5.0f}%" for name, spent in rows]
    lines.append(f"  {'total':<26} {total:12.2f}")
    return "\n".join(lines)


def grade_nbgrader(root: Path, modules: list[str], submissions: Path, folder: Path,
                   timeout: float) -> float:
    """Seconds plain sequential ``nbgrader autograde`` takes for the class (set-up excluded)."""
    folder.mkdir(parents=True)
    (folder / "nbgrader_config.py").write_text(
        NBGRADER_CONFIG.format(root=str(folder), timeout=int(timeout)))
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # nbgrader runs `alembic` by name to create the gradebook: the venv's bin must be on PATH.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")])}

    def run(*args: str) -> None:
        done = subprocess.run([*nbgrader, *args], cwd=folder, env=env, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-2000:]}")

    for module in modules:
        (folder / "source" / module).mkdir(parents=True)
        shutil.copy(solution_path(root, module), folder / "source" / module / f"{module}.ipynb")
        run("db", "assignment", "add", module)
        run("generate_assignment", module, "--force")
    for student in sorted(submissions.iterdir()):
        run("db", "student", "add", student.name)
        for module in modules:
            shutil.copytree(student / module, folder / "submitted" / student.name / module)
    began = time.monotonic()
    for module in modules:
        run("autograde", module, "--force")
    seconds = time.monotonic() - began
    run("export")
    with (folder / "grades.csv").open() as handle:
        scores = [float(row["score"]) for row in csv.DictReader(handle)]
    print(f"  nbgrader graded {len(scores)} submissions, mean score "
          f"{sum(scores) / max(1, len(scores)):.1f}", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(prog="python -m autograder.bench", description=__doc__)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--modules", nargs="+", help="default: every module with a solution")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=Limits().cell_timeout)
    parser.add_argument("--no-nbgrader", action="store_true", help="skip plain nbgrader")
    parser.add_argument("--kernel-samples", type=int, default=3)
    parser.add_argument("--without-spares", action="store_true",
                        help="also grade with 1 worker and no spare kernels, for comparison")
    parser.add_argument("--cold", action="store_true",
                        help="also grade with kernels started cold (no zygote), for comparison")
    args = parser.parse_args(argv)

    root = find_course_root()
    modules = args.modules or available_modules(root)
    limits = Limits(cell_timeout=args.timeout)
    work = Path(tempfile.mkdtemp(prefix="dlcourse-bench-"))
    try:
        submissions = work / "submissions"
        count = make_class(root, modules, args.students, submissions)
        print(f"class: {args.students} students x {len(modules)} module(s) = {count} "
              f"submissions ({', '.join(modules)}); {args.workers} worker(s) available", flush=True)

        cold = dataclasses.replace(limits, warm=False)
        start = _timed_kernel("pass", cold, args.kernel_samples)
        with_tf = _timed_kernel("import tensorflow", cold, args.kernel_samples)
        preloaded = dataclasses.replace(limits, preload=("tensorflow",))
        _timed_kernel("pass", preloaded, 1)  # starts the zygote (this kernel starts cold)
        for forker in zygote.started():
            forker.wait(300)
        warm_tf = _timed_kernel("import tensorflow", preloaded, args.kernel_samples)
        tf_modules = sum(_uses_tensorflow(root, m, limits) for m in modules)
        fixed = args.students * (len(modules) * start + tf_modules * (with_tf - start))
        print(f"kernel start (sandboxed={NotebookRunner(nbformat.v4.new_notebook(), None, limits).sandboxed}): "
              f"{start:.2f} s; + import tensorflow: {with_tf - start:.2f} s "
              f"({tf_modules} of {len(modules)} module(s) import it); a warm kernel (forked "
              f"from a zygote) with TensorFlow: {warm_tf:.2f} s",
              flush=True)

        print("grading with 1 worker...", flush=True)
        one, phases = grade_ours(root, submissions, work / "out1", 1, limits)
        bare = None
        if args.without_spares:
            print("grading with 1 worker, no spare kernels...", flush=True)
            bare = grade_ours(root, submissions, work / "out0", 1, limits, prestart=False)
        cold_runs = None
        if args.cold:
            print("grading with 1 worker, kernels started cold...", flush=True)
            cold_one = grade_ours(root, submissions, work / "outC1", 1, cold)
            print(f"grading with {args.workers} workers, kernels started cold...", flush=True)
            cold_many, _ = grade_ours(root, submissions, work / "outCN", args.workers, cold)
            cold_runs = (cold_one, cold_many)
        print(f"grading with {args.workers} workers...", flush=True)
        many, _ = grade_ours(root, submissions, work / "outN", args.workers, limits)
        plain = None
        if not args.no_nbgrader:
            print("grading with plain nbgrader autograde (sequential)...", flush=True)
            plain = grade_nbgrader(root, modules, submissions, work / "nbgrader", args.timeout)

        print("\nresults")
        print(f"  1 worker : {one / count:6.2f} s/submission, {60 * count / one:7.1f} submissions/min")
        print(f"  {args.workers} workers: {many / count:6.2f} s/submission, "
              f"{60 * count / many:7.1f} submissions/min (speed-up {one / many:.2f}x)")
        if bare is not None:
            print(f"  1 worker, no spare kernels: {bare[0] / count:6.2f} s/submission "
                  f"(spares make 1 worker {bare[0] / one:.2f}x as fast)")
        if cold_runs is not None:
            (cold_one, _), cold_many = cold_runs
            print(f"  kernels started cold: 1 worker {cold_one / count:6.2f} s/submission, "
                  f"{args.workers} workers {cold_many / count:6.2f} (speed-up "
                  f"{cold_one / cold_many:.2f}x); warm kernels make 1 worker "
                  f"{cold_one / one:.2f}x and {args.workers} workers {cold_many / many:.2f}x as fast")
        print(f"  started in the worker's path, kernels would cost "
              f"{100 * args.students * len(modules) * start / one:.0f}% and TensorFlow imports "
              f"{100 * (fixed - args.students * len(modules) * start) / one:.0f}% of the 1-worker "
              "time (spare kernels start beside the previous notebook instead)")
        print(f"  one student's whole course ({len(modules)} module(s)), 1 worker: "
              f"{one / args.students:.1f} s")
        if plain is not None:
            print(f"  nbgrader : {plain / count:6.2f} s/submission, {60 * count / plain:7.1f} "
                  f"submissions/min; ours is {plain / one:.2f}x (1 worker) and "
                  f"{plain / many:.2f}x ({args.workers} workers) as fast")
            if cold_runs is not None:
                print(f"  with cold kernels ours would be {plain / cold_runs[0][0]:.2f}x (1 worker) "
                      f"and {plain / cold_runs[1]:.2f}x ({args.workers} workers) as fast")
        print("\nwhere the time goes (1 worker, mean per submission; with a spare, its start-up "
              "is the wait under 'kernel start')")
        print(phase_table(phases))
        if bare is not None:
            print("\nthe same without spare kernels")
            print(phase_table(bare[1]))
        if cold_runs is not None:
            print("\nthe same with kernels started cold")
            print(phase_table(cold_runs[0][1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
