"""The class roster: who a submission belongs to, whatever the LMS calls them.

A roster is a CSV with a ``student_id`` column (the id used everywhere in the results)
and any of ``name``, ``email``, ``moodle_id``, ``canvas_id``, ``sis_user_id``,
``login_id``, ``nbgrader_id``. Submissions are matched by LMS id first, then by e-mail,
then by name (case, accents and spacing ignored).
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("student_id", "name", "email", "moodle_id", "canvas_id", "sis_user_id",
           "login_id", "nbgrader_id")
_ID_COLUMNS = ("moodle_id", "canvas_id", "sis_user_id", "login_id", "nbgrader_id")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")


class RosterError(ValueError):
    """The roster cannot be used; the message says which row and why."""


def name_key(name: str) -> str:
    """A name reduced for matching: no accents, no case, single spaces, words sorted.

    Sorting the words matches "Lovelace Ada" (Canvas' sortable name) with "Ada Lovelace".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(sorted(re.findall(r"[a-z0-9]+", text)))


def _squashed(name: str) -> set[str]:
    """The name's words run together in every order ("lovelaceada", "adalovelace")."""
    words = name_key(name).split()[:4]
    return {"".join(p) for p in itertools.permutations(words)}


@dataclass
class Student:
    """One roster row."""

    student_id: str
    name: str = ""
    email: str = ""
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Roster:
    """Students by id, with look-ups by LMS id, e-mail and name."""

    students: dict[str, Student]

    def find(self, *, kind: str | None = None, lms_id: str | None = None,
             email: str | None = None, name: str | None = None) -> Student | None:
        """The student matching an LMS id of ``kind``, an e-mail or a name, or None."""
        for student in self.students.values():
            if kind and lms_id and student.ids.get(kind) == lms_id:
                return student
        if email:
            for student in self.students.values():
                if student.email and student.email.lower() == email.lower():
                    return student
        if name:
            key = name_key(name)
            found = [s for s in self.students.values() if s.name and name_key(s.name) == key]
            if not found and " " not in key:  # Canvas' login name: the sortable name squashed
                found = [s for s in self.students.values() if s.name and key in _squashed(s.name)]
            if len(found) == 1:
                return found[0]
        return None


def read_roster(path: Path) -> Roster:
    """Reads and checks a roster CSV.

    Args:
        path: The roster file.

    Returns:
        The roster.

    Raises:
        RosterError: If the file has no ``student_id`` column, an empty or unsafe id, or
            a duplicate student id, LMS id, e-mail or name.
    """
    if not path.is_file():
        raise RosterError(f"roster not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        if "student_id" not in header:
            raise RosterError(f"{path}: expected a header with a student_id column (and any of "
                              f"{', '.join(COLUMNS[1:])}); got {header or 'an empty file'}")
        rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    students: dict[str, Student] = {}
    seen: dict[tuple[str, str], str] = {}
    for line, row in enumerate(rows, start=2):
        sid = row.get("student_id", "")
        if not _SAFE_ID.match(sid):
            raise RosterError(f"{path}, line {line}: student_id must be letters, digits, '.', "
                              f"'_' or '-'; got {sid!r}")
        if sid in students:
            raise RosterError(f"{path}, line {line}: duplicate student_id {sid!r}")
        ids = {k: row[k] for k in _ID_COLUMNS if row.get(k)}
        keys = [(k, v) for k, v in ids.items()]
        if row.get("email"):
            keys.append(("email", row["email"].lower()))
        if row.get("name"):
            keys.append(("name", name_key(row["name"])))
        for key in keys:
            if key in seen:
                raise RosterError(f"{path}, line {line}: duplicate {key[0]} {key[1]!r} (also "
                                  f"student {seen[key]!r}); each must name one student")
            seen[key] = sid
        students[sid] = Student(sid, row.get("name", ""), row.get("email", ""), ids)
    if not students:
        raise RosterError(f"{path}: the roster has no students")
    return Roster(students)
