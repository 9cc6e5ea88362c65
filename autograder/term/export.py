"""Grades in the formats gradebooks import: Canvas, Moodle, and a wide CSV.

One score per student and module: the points of its graded cells (autograded and written
answers). A module whose written answers are not graded yet has an empty cell, with a
warning, never a zero that an LMS would take for a grade.

* **Canvas** (Grades > Import): the columns ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section`` of Canvas' gradebook export, then one column per
  assignment, and a ``Points Possible`` row under the header.
* **Moodle** (Grades > Import > CSV file): ``First name``, ``Last name``, ``ID number``,
  ``Email address`` (the column to map users by) and one column per grade item.
* **wide**: ``student_id``, ``name``, ``email``, one column per module, ``total`` and
  ``max_total``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder.term.records import read_grades_csv
from autograder.term.roster import Roster

FORMATS = ("canvas", "moodle", "wide")


@dataclass
class Table:
    """Scores per student and module, and the modules left blank."""

    modules: list[str]
    scores: dict[str, dict[str, float | None]]
    possible: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def score_table(results: Path) -> Table:
    """Adds ``grades.csv`` up per student and module.

    Args:
        results: The results folder.

    Returns:
        The table; a module with a written answer still ungraded scores None.
    """
    rows = read_grades_csv(results)
    points: dict[str, dict[str, float | None]] = defaultdict(dict)
    possible: dict[str, float] = {}
    pending: dict[tuple[str, str], list[str]] = defaultdict(list)
    per_module: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        key = (row["student_id"], row["assignment"])
        per_module.setdefault(key, 0.0)
        if row["score"] == "":
            pending[key].append(row["grade_id"])
        else:
            per_module[key] += float(row["score"])
    maxima: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        maxima[(row["student_id"], row["assignment"])] += float(row["max_score"])
    for (student, module), total in per_module.items():
        points[student][module] = None if pending.get((student, module)) else total
        possible[module] = max(possible.get(module, 0.0), maxima[(student, module)])
    warnings = [f"{s}/{m}: written answer(s) {', '.join(ids)} not graded yet; the cell is "
                "left empty (run `dlcourse manual` first)"
                for (s, m), ids in sorted(pending.items())]
    return Table(sorted(possible), dict(points), possible, warnings)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _name_parts(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return first, last


def render(table: Table, fmt: str, roster: Roster | None = None,
           assignment_names: dict[str, str] | None = None) -> str:
    """The CSV text of ``table`` in one of :data:`FORMATS`.

    Args:
        table: The scores.
        fmt: ``canvas``, ``moodle`` or ``wide``.
        roster: Names, e-mails and LMS ids (students not in it keep their id only).
        assignment_names: The LMS's column heading per module (Canvas:
            ``"Module 1 (12345)"`` to update an existing assignment); default the module.

    Returns:
        The CSV text.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    names = assignment_names or {}
    heads = [names.get(m, m) for m in table.modules]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    students = sorted(table.scores)
    info = (roster.students if roster else {})
    if fmt == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *heads])
        writer.writerow(["    Points Possible", "", "", "", "",
                         *[_fmt(table.possible[m]) for m in table.modules]])
        for sid in students:
            s = info.get(sid)
            sortable = ""
            if s and s.name:
                first, last = _name_parts(s.name)
                sortable = f"{last}, {first}" if last else first
            writer.writerow([sortable or sid, s.ids.get("canvas_id", "") if s else "",
                             s.ids.get("sis_user_id", sid) if s else sid,
                             s.ids.get("login_id", "") if s else "", "",
                             *[_fmt(table.scores[sid].get(m)) for m in table.modules]])
    elif fmt == "moodle":
        writer.writerow(["First name", "Last name", "ID number", "Email address", *heads])
        for sid in students:
            s = info.get(sid)
            first, last = _name_parts(s.name) if s and s.name else (sid, "")
            writer.writerow([first, last, sid, s.email if s else "",
                             *[_fmt(table.scores[sid].get(m)) for m in table.modules]])
    else:
        writer.writerow(["student_id", "name", "email", *heads, "total", "max_total"])
        for sid in students:
            s = info.get(sid)
            values = [table.scores[sid].get(m) for m in table.modules]
            done = [v for m, v in zip(table.modules, values) if m in table.scores[sid]]
            total = None if any(v is None for v in done) else sum(done)
            writer.writerow([sid, s.name if s else "", s.email if s else "",
                             *[_fmt(v) for v in values], _fmt(total),
                             _fmt(sum(table.possible.values()))])
    return out.getvalue()


def export(results: Path, out: Path, fmt: str, roster: Roster | None = None,
           assignment_names: dict[str, str] | None = None) -> list[str]:
    """Writes the export file and returns the warnings (ungraded written answers)."""
    table = score_table(results)
    text = render(table, fmt, roster, assignment_names)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return table.warnings
