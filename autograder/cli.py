"""The ``dlcourse`` command: build, grade, check, and the term's steps around grading.

Examples::

    dlcourse build                         # exercises/ from solutions/, every module
    dlcourse grade submissions/ --out results/ --workers 2 --timeout 60
    dlcourse check exercises/01_neuron/01_neuron.ipynb
    dlcourse collect moodle.zip submissions/ --roster roster.csv --module 06_softmax
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder.course import MODULE_PATTERN, find_course_root
from autograder import log
from autograder.errors import DlcourseError
from autograder.grading.limits import Limits, limit_options


def _limits(args: argparse.Namespace) -> Limits:
    """The :class:`Limits` given by the limit options (defaults for the others)."""
    return Limits(**{name: getattr(args, name) for _, name, _ in limit_options()})


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    """One option per limit that :class:`Limits` marks as one, with its help text."""
    for flag, name, keywords in limit_options():
        parser.add_argument(flag, dest=name, **keywords)


def cmd_build(args: argparse.Namespace) -> int:
    """Regenerates exercise notebooks from solutions."""
    from autograder.build import build

    root = find_course_root(args.root)
    for path in build(root, args.modules or None, Path(args.out) if args.out else None):
        print(f"built {path.relative_to(root) if path.is_relative_to(root) else path}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    """Grades a class of submissions."""
    from autograder.grading.batch import grade_batch
    from autograder.grading.summary import class_summary

    root = find_course_root(args.root)
    started = time.monotonic()
    executor_factory = None
    if args.scheduler:
        from autograder.grading.distributed import dask_executor_factory

        executor_factory = dask_executor_factory(args.scheduler)
    kwargs = {"executor_factory": executor_factory} if executor_factory else {}
    result = grade_batch(Path(args.submissions), Path(args.out), root, workers=args.workers,
                         limits=_limits(args), modules=args.modules, force=args.force,
                         feedback=not args.no_feedback, progress=not args.quiet,
                         prestart=not args.no_spare, **kwargs)
    print(class_summary(result.grades))
    print(f"\n{result.graded} notebook(s) graded, {result.reused} up to date, in "
          f"{time.monotonic() - started:.1f} s. Grades: {result.csv_path}"
          + ("" if args.no_feedback else f"; feedback: {Path(args.out) / 'feedback'}"))
    if result.grader_errors:
        print(f"error: the grader failed on {result.grader_errors} submission(s); their rows "
              "have status grader_error", file=sys.stderr)
        return 2
    return 0


def _module_of(notebook: Path, root: Path, given: str | None) -> str:
    if given:
        return given
    for candidate in (notebook.stem, notebook.parent.name):
        if MODULE_PATTERN.match(candidate) and (root / "solutions" / candidate).is_dir():
            return candidate
    raise SystemExit(f"error: cannot tell which module {notebook.name} belongs to; "
                     "pass --module NN_name")


def cmd_check(args: argparse.Namespace) -> int:
    """Grades one notebook with the hidden tests and prints a score per exercise."""
    from autograder.selfcheck import format_report, model_answers

    try:
        from autograder.grading.submission import grade_notebook
    except ImportError as error:
        raise SystemExit(f"error: dlcourse check needs the grading tools ({error.name} is "
                         "missing): pip install 'dlcourse[instructor]'. Inside a notebook "
                         "(Colab), run `from autograder.selfcheck import check; check()` "
                         "instead.") from None
    notebook = Path(args.notebook)
    if not notebook.is_file():
        raise SystemExit(f"error: no such notebook: {notebook}")
    root = find_course_root(args.root or notebook.parent)
    module = _module_of(notebook, root, args.module)
    print(f"Checking {notebook} as module {module} (hidden tests included)...", flush=True)
    from autograder.grading.sandbox import warn_if_unsandboxed

    warn_if_unsandboxed(args.sandbox)
    result = grade_notebook(notebook, module, "you", root, _limits(args),
                            Path(args.feedback) if args.feedback else None)
    print(format_report(result.cells, result.notes, result.score, result.max_score,
                        result.seconds))
    if args.show_answers:
        answers = model_answers(notebook, root, module)
        written = [c.grade_id for c in result.cells if c.status == "manual"]
        print("\nModel answers of the written cells you have filled in:" if answers else
              "\nNo model answers shown: fill in a written answer first." if written else
              "\nThis module has no written answers.")
        for grade_id, text in answers:
            print(f"\n--- {grade_id} ---\n{text}")
        hidden = sorted(set(written) - {g for g, _ in answers})
        if answers and hidden:
            print(f"\n(not shown, not answered yet: {', '.join(hidden)})")
    return 0 if result.score == result.max_score else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``dlcourse``."""
    parser = argparse.ArgumentParser(prog="dlcourse", description=__doc__.split("\n")[0])
    parser.add_argument("--root", help="the course repository (default: found from the cwd)")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="say what each step did (-vv: more)")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="generate exercises/ from solutions/ with nbgrader")
    build.add_argument("modules", nargs="*", metavar="MODULE")
    build.add_argument("--out", help="release folder (default: exercises/)")
    build.set_defaults(func=cmd_build)

    grade = sub.add_parser("grade", help="grade a class of submissions")
    grade.add_argument("submissions", help="SUBMISSIONS/<student_id>/<module>/<module>.ipynb")
    grade.add_argument("--out", required=True, help="results folder")
    grade.add_argument("--workers", type=int, default=None,
                       help="submissions graded at once (default: one per CPU core)")
    grade.add_argument("--modules", nargs="+", metavar="MODULE", help="only these modules")
    grade.add_argument("--force", action="store_true", help="regrade up-to-date submissions")
    grade.add_argument("--no-feedback", action="store_true", help="skip the HTML feedback")
    grade.add_argument("--no-spare", action="store_true",
                       help="start each kernel only when its notebook comes (by default each "
                            "worker starts its next kernel early: one more idle kernel's "
                            "memory per worker, about 0.6 GiB with TensorFlow)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="a Dask scheduler (tcp://host:8786) to spread the work over")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_limit_options(grade)
    grade.set_defaults(func=cmd_grade)

    check = sub.add_parser("check", help="grade your own notebook, hidden tests included")
    check.add_argument("notebook")
    check.add_argument("--module", help="the module (default: from the file name)")
    check.add_argument("--feedback", metavar="HTML", help="also write the feedback here")
    check.add_argument("--show-answers", action="store_true",
                       help="after the report, show the model answers of the written "
                            "answers you have filled in (self-learners)")
    _add_limit_options(check)
    check.set_defaults(func=cmd_check)

    from autograder.term.commands import add_term_commands

    add_term_commands(sub)  # release, collect, gradebook, manual, export, report, similar
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the ``dlcourse`` command line.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 1 when ``check`` found failed tests, 2 when the
        grader itself failed.
    """
    args = build_parser().parse_args(argv)
    log.configure(args.verbose)
    try:
        return args.func(args)
    except (DlcourseError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
