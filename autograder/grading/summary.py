"""The class summary printed after a batch: students x modules, and what the class missed."""

from __future__ import annotations

from collections import defaultdict

from autograder.grading.score import SubmissionGrade
from autograder.grading.status import CellStatus


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def class_summary(grades: list[SubmissionGrade], most_failed: int = 8) -> str:
    """A text report: each student's percentage per module, and the most failed tests.

    Args:
        grades: Every submission of the batch.
        most_failed: How many of the most failed graded functions to list.

    Returns:
        The report, ready to print.
    """
    modules = sorted({g.assignment for g in grades})
    by_student: dict[str, dict[str, SubmissionGrade]] = defaultdict(dict)
    for g in grades:
        by_student[g.student_id][g.assignment] = g
    rows = []
    for student in sorted(by_student):
        cells = []
        for module in modules:
            g = by_student[student].get(module)
            cells.append("-" if g is None or not g.max_score else f"{100 * g.score / g.max_score:.0f}%")
        total = sum(g.score for g in by_student[student].values())
        possible = sum(g.max_score for g in by_student[student].values())
        cells.append(f"{total:g}/{possible:g}")
        rows.append([student] + cells)
    report = [f"Class summary: {len(by_student)} student(s), {len(grades)} notebook(s)", "",
              _table(["student"] + modules + ["points"], rows)]

    failed: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for g in grades:
        for cell in g.cells:
            if cell.manual:
                continue
            counts = failed[(g.assignment, cell.function)]
            counts[1] += 1
            counts[0] += cell.status != CellStatus.PASSED
    worst = sorted(((f / n, m, fn, f, n) for (m, fn), (f, n) in failed.items() if f),
                   reverse=True)[:most_failed]
    if worst:
        report += ["", "Most failed exercises (share of test cells failed):", "",
                   _table(["module", "function", "failed"],
                          [[m, fn, f"{rate:.0%} ({f}/{n})"] for rate, m, fn, f, n in worst])]
    manual = sum(c.status == CellStatus.MANUAL for g in grades for c in g.cells)
    if manual:
        report += ["", f"{manual} written answer(s) wait for manual grading (status 'manual')."]
    return "\n".join(report)
