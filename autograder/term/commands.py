"""The term's ``dlcourse`` sub-commands: release, collect, gradebook, manual, export,
report, similar. :func:`add_term_commands` registers them on the main parser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course import find_course_root


def _roster(path: str | None):
    from autograder.term.roster import read_roster

    return read_roster(Path(path)) if path else None


def cmd_release(args: argparse.Namespace) -> int:
    """Writes the student edition of the course."""
    from autograder.course import repository_url
    from autograder.term.release import release

    root = find_course_root(args.root)
    repository = args.repository or repository_url(root)
    notebooks = release(root, Path(args.out), repository, args.branch)
    print(f"student edition in {args.out}: {len(notebooks)} notebooks, Colab links to "
          f"{repository} ({args.branch}); no solutions, hidden tests or model answers")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    """Imports an LMS download into SUBMISSIONS/<student_id>/<module>/."""
    from autograder.term.collect import collect

    root = find_course_root(args.root)
    result = collect(Path(args.download), Path(args.submissions), root, _roster(args.roster),
                     args.layout, args.module)
    print(f"{result.layout} download: {len(result.placed)} notebook(s) placed, "
          f"{len(result.unchanged)} unchanged, {len(result.superseded)} superseded, "
          f"{len(result.unplaced)} not placed")
    for student, module, origin in result.placed:
        print(f"  {student}/{module}  <-  {origin}")
    for note in result.notes:
        print(f"  note: {note}")
    for origin, why in result.superseded:
        print(f"  superseded: {origin}: {why}")
    if result.unplaced:
        print(f"error: {len(result.unplaced)} file(s) could not be placed (copies kept in "
              f"{Path(args.submissions) / '.unplaced' / result.layout}):", file=sys.stderr)
        for origin, why in result.unplaced:
            print(f"  {origin}: {why}", file=sys.stderr)
        return 1
    return 0


def cmd_gradebook(args: argparse.Namespace) -> int:
    """Fills nbgrader's gradebook for formgrader from the results."""
    from autograder.term.gradebook import fill_gradebook

    root = find_course_root(args.root)
    roster = _roster(args.roster)
    names = {s.student_id: tuple((s.name.split(" ", 1) + [""])[:2])
             for s in roster.students.values()} if roster else None
    result = fill_gradebook(Path(args.results), Path(args.course), root, names)
    print(f"gradebook {result.db_url}: {result.submissions} submission(s), "
          f"{result.manual_cells} written answer(s) to grade.\nGrade them in formgrader: "
          f"cd {args.course} && jupyter lab (Nbgrader > Formgrader), then run "
          f"`dlcourse manual {args.results} --from-gradebook {args.course}`")
    return 0


def cmd_manual(args: argparse.Namespace) -> int:
    """Merges hand-given scores into grades.csv and the feedback."""
    from autograder.term.gradebook import db_url
    from autograder.term.manual import KEPT, from_gradebook, merge_manual, read_manual_csv

    root = find_course_root(args.root)
    scores = []
    if args.from_gradebook:
        course = Path(args.from_gradebook)
        if not (course / "gradebook.db").is_file():
            raise FileNotFoundError(f"no gradebook.db in {course}; run `dlcourse gradebook` first")
        scores += from_gradebook(db_url(course))
    if args.csv:
        scores += read_manual_csv(Path(args.csv))
    if not (args.from_gradebook or args.csv or (Path(args.results) / KEPT).is_file()):
        raise ValueError("give --from-gradebook COURSE or --csv MANUAL.csv (or both); with "
                         f"neither, the scores kept in RESULTS/{KEPT} are applied again")
    changed = merge_manual(Path(args.results), root, scores, feedback=not args.no_feedback)
    print(f"{len(scores)} hand-given score(s) read; {len(changed)} submission(s) updated in "
          f"{Path(args.results) / 'grades.csv'} and their feedback")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Writes the grades in an LMS's import format."""
    from autograder.term.export import export

    out = Path(args.out or Path(args.results) / f"export-{args.format}.csv")
    names = dict(item.split("=", 1) for item in args.name or [])
    warnings = export(Path(args.results), out, args.format, _roster(args.roster), names)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Writes RESULTS/report.html."""
    from autograder.term.report import build_report

    print(f"wrote {build_report(Path(args.results), args.threshold)}")
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    """Ranks pairs of students with alike solution code."""
    from autograder.term.similar import find_similar, write_similar

    root = find_course_root(args.root)
    pairs, notes, prints = find_similar(Path(args.submissions), root, args.modules,
                                        args.threshold)
    index = write_similar(pairs, prints, Path(args.out), args.top)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for pair in pairs[:args.top]:
        if pair.flagged or pair.score > 0:
            print(f"  {'FLAG' if pair.flagged else '    '} {pair.score:5.0%}  {pair.a} / "
                  f"{pair.b}  ({pair.shared_tokens} tokens shared)")
    print(f"{sum(p.flagged for p in pairs)} pair(s) flagged; side by side: {index}")
    return 0


def add_term_commands(sub: argparse._SubParsersAction) -> None:
    """Adds the term's sub-commands to ``dlcourse``'s sub-parsers."""
    p = sub.add_parser("release", help="write the student edition (no solutions) to OUT")
    p.add_argument("out")
    p.add_argument("--repository", help="URL the class clones (default: pyproject's setting)")
    p.add_argument("--branch", default="main")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("collect", help="import an LMS download into SUBMISSIONS")
    p.add_argument("download", help="Moodle/Canvas zip or folder, or an nbgrader exchange")
    p.add_argument("submissions", help="SUBMISSIONS folder to fill")
    p.add_argument("--roster", help="CSV: student_id,name,email,moodle_id,canvas_id,...")
    p.add_argument("--layout", default="auto", choices=("auto", "moodle", "canvas", "nbgrader"))
    p.add_argument("--module", help="the module of a Moodle or Canvas assignment download")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("gradebook", help="fill nbgrader's gradebook for formgrader")
    p.add_argument("results")
    p.add_argument("--course", required=True, help="nbgrader course folder to create/update")
    p.add_argument("--roster", help="roster CSV (names for formgrader)")
    p.set_defaults(func=cmd_gradebook)

    p = sub.add_parser("manual", help="merge hand-given scores into grades.csv and feedback")
    p.add_argument("results")
    p.add_argument("--from-gradebook", metavar="COURSE", help="nbgrader course of `gradebook`")
    p.add_argument("--csv", help="CSV: student_id,assignment,grade_id,score,comment")
    p.add_argument("--no-feedback", action="store_true", help="do not re-render feedback")
    p.set_defaults(func=cmd_manual)

    p = sub.add_parser("export", help="grades for Canvas, Moodle or a wide CSV")
    p.add_argument("results")
    p.add_argument("--format", required=True, choices=("canvas", "moodle", "wide"))
    p.add_argument("--out", help="file to write (default RESULTS/export-FORMAT.csv)")
    p.add_argument("--roster", help="roster CSV (names, e-mails, LMS ids)")
    p.add_argument("--name", action="append", metavar="MODULE=HEADING",
                   help="the LMS column of a module, e.g. '01_neuron=Neuron (1234)'")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="write RESULTS/report.html")
    p.add_argument("results")
    p.add_argument("--threshold", type=float, default=50.0,
                   help="list students below this percentage (default %(default)s)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("similar", help="rank pairs of students with alike solution code")
    p.add_argument("submissions")
    p.add_argument("--out", required=True, help="folder for index.html and side-by-side pages")
    p.add_argument("--modules", nargs="+", metavar="MODULE")
    p.add_argument("--threshold", type=float, default=0.6,
                   help="share of own code in common that flags a pair (default %(default)s)")
    p.add_argument("--top", type=int, default=50, help="pairs shown (default %(default)s)")
    p.set_defaults(func=cmd_similar)
