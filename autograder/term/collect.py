"""Collecting a class's submissions from an LMS download into the grading layout.

Three documented layouts are read, from a zip archive or an unpacked folder:

* **Moodle** "Download all submissions": one folder per student,
  ``Full Name_<participant id>_assignsubmission_file_/<file>`` (or, with "download
  submissions in folders" off, flat files ``Full Name_<id>_assignsubmission_file_<file>``);
* **Canvas** "Download Submissions": flat files
  ``<loginname>_<user id>_<submission id>_<original file name>``, with ``late`` inserted
  after the login name for late submissions;
* **nbgrader**'s exchange, ``<course>/inbound/<student>+<assignment>+<timestamp>+<random>/``
  (the newest submission wins), and its course folder ``submitted/<student>/<assignment>/``.

Each notebook is placed at ``SUBMISSIONS/<student_id>/<module>/<module>.ipynb``: the
student from the roster, the module from the notebook's own metadata (so renamed or
misplaced files land right), else from the LMS assignment or the file name. Whatever
cannot be placed is copied under ``SUBMISSIONS/.unplaced/`` and listed with the reason;
nothing is dropped, and a notebook already collected that would change is backed up in
``SUBMISSIONS/.replaced/``.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.course import MODULE_PATTERN, available_modules, solution_path
from autograder.grading.cells import grade_id
from autograder.term.roster import Roster, Student

LAYOUTS = ("moodle", "canvas", "nbgrader")
_MOODLE_DIR = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assign(?:submission|feedback)_[a-z]+_?$")
_MOODLE_FILE = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_[a-z]+_(?P<file>.+)$")
_CANVAS_FILE = re.compile(r"^(?P<login>[a-z0-9-]+)_(?P<late>late_)?(?P<uid>\d+)_(?P<sub>\d+)_"
                          r"(?P<file>.+)$")
_INBOUND = re.compile(r"^(?P<student>[^+]+)\+(?P<assignment>[^+]+)\+(?P<stamp>[^+]+)\+[^+]+$")
_GENERATED = re.compile(r"solutions/(\d\d_[a-z0-9_]+)/")


class CollectError(ValueError):
    """The download cannot be collected at all; nothing was written."""


@dataclass
class Item:
    """One file of the download and where it goes."""

    origin: str
    path: Path
    who: str = ""
    student: Student | None = None
    module: str | None = None
    stamp: str = ""
    notes: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class CollectResult:
    """What a collection did."""

    layout: str
    placed: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str, str]] = field(default_factory=list)
    unplaced: list[tuple[str, str]] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _extract(archive: Path, into: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zipped:
            bad = zipped.testzip()
            if bad is not None:
                raise CollectError(f"{archive} is a damaged zip archive (entry {bad!r} fails its "
                                   "checksum); download it again. Nothing was collected.")
            for info in zipped.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or not parts or ".." in parts or info.filename.startswith("/"):
                    continue
                target = into.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise CollectError(f"{archive} is not a readable zip archive ({error}); download it "
                           "again. Nothing was collected.") from None


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__MACOSX" not in p.parts
                  and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))


def detect_layout(folder: Path) -> str:
    """Which LMS layout a download folder has.

    Raises:
        CollectError: If it is none of Moodle, Canvas or nbgrader, with what was expected.
    """
    files = _files(folder)
    rel = [p.relative_to(folder) for p in files]
    if any(_INBOUND.match(part) for r in rel for part in r.parts[:-1]) or \
            any(len(r.parts) >= 4 and r.parts[-4] == "submitted" for r in rel):
        return "nbgrader"
    if any(_MOODLE_DIR.match(part) for r in rel for part in r.parts[:-1]) or \
            any(_MOODLE_FILE.match(r.name) for r in rel):
        return "moodle"
    if any(_CANVAS_FILE.match(r.name) for r in rel):
        return "canvas"
    shown = ", ".join(str(r) for r in rel[:5]) or "no files"
    raise CollectError(
        f"unknown layout in {folder}: expected a Moodle download ('Full Name_<id>_"
        "assignsubmission_file_/<file>'), a Canvas download ('<login>_<user id>_<submission "
        f"id>_<file>') or an nbgrader exchange ('inbound/<student>+<assignment>+<timestamp>+"
        f"<random>/' or 'submitted/<student>/<assignment>/'); found {shown}. Nothing was "
        "collected.")


def _module_ids(root: Path) -> dict[str, set[str]]:
    ids = {}
    for module in available_modules(root):
        notebook = json.loads(solution_path(root, module).read_text())
        ids[module] = {grade_id(_Cell(c)) for c in notebook["cells"]} - {None}
    return ids


class _Cell(dict):
    """A raw JSON cell that :func:`grade_id` can read."""


def module_of_notebook(path: Path, module_ids: dict[str, set[str]]) -> str | None:
    """The module a notebook belongs to, from its own metadata, or None if unreadable.

    Args:
        path: A notebook file.
        module_ids: Each module's graded cell ids.

    Returns:
        The module named in ``metadata.dlcourse`` or, failing that, the module whose cell
        ids the notebook carries most of.
    """
    try:
        data = json.loads(path.read_bytes().decode("utf-8", "replace"))
        generated = json.dumps(data.get("metadata", {}).get("dlcourse", {}))
        cells = data.get("cells", [])
    except (ValueError, AttributeError, OSError):
        return None
    match = _GENERATED.search(generated)
    if match and match.group(1) in module_ids:
        return match.group(1)
    ids = {grade_id(_Cell(c)) for c in cells if isinstance(c, dict)} - {None}
    best = max(module_ids, key=lambda m: len(ids & module_ids[m]), default=None)
    return best if best and ids & module_ids[best] else None


def _module_from_name(text: str, modules: list[str]) -> str | None:
    found = [m for m in modules if m in text]
    return found[0] if len(found) == 1 else None


def _items(folder: Path, layout: str, roster: Roster | None) -> list[Item]:
    items = []
    for path in _files(folder):
        rel = path.relative_to(folder)
        item = Item(str(rel), path)
        if layout == "moodle":
            top = _MOODLE_DIR.match(rel.parts[0]) if len(rel.parts) > 1 else None
            flat = _MOODLE_FILE.match(rel.name) if top is None else None
            match = top or flat
            if match:
                item.who = f"{match.group('name')} (Moodle participant {match.group('id')})"
                if roster:
                    item.student = roster.find(kind="moodle_id", lms_id=match.group("id"),
                                               name=match.group("name"))
        elif layout == "canvas":
            match = _CANVAS_FILE.match(rel.name)
            if match:
                item.who = f"{match.group('login')} (Canvas user {match.group('uid')})"
                item.stamp = match.group("sub")
                if match.group("late"):
                    item.notes.append("submitted late (Canvas)")
                if roster:
                    item.student = roster.find(kind="canvas_id", lms_id=match.group("uid"),
                                               name=match.group("login"))
                    if item.student is None:
                        item.student = roster.find(kind="login_id", lms_id=match.group("login"))
        else:
            inbound = next((m for m in map(_INBOUND.match, rel.parts[:-1]) if m), None)
            if inbound:
                student, assignment, item.stamp = (inbound.group("student"),
                                                   inbound.group("assignment"),
                                                   inbound.group("stamp"))
            elif len(rel.parts) >= 4 and rel.parts[-4] == "submitted":
                student, assignment = rel.parts[-3], rel.parts[-2]
                stamp_file = path.parent / "timestamp.txt"
                item.stamp = stamp_file.read_text().strip() if stamp_file.is_file() else ""
            else:
                student = assignment = ""
            if student:
                item.who = f"{student} (nbgrader)"
                item.module = assignment if MODULE_PATTERN.match(assignment) else None
                if roster:
                    item.student = roster.find(kind="nbgrader_id", lms_id=student) or \
                        roster.students.get(student)
                elif re.match(r"^[A-Za-z0-9._-]+$", student):
                    item.student = Student(student)
        items.append(item)
    return items


def collect(source: Path, submissions: Path, root: Path, roster: Roster | None,
            layout: str = "auto", module: str | None = None) -> CollectResult:
    """Places a download's notebooks into ``SUBMISSIONS/<student_id>/<module>/``.

    Args:
        source: A zip archive or folder downloaded from the LMS.
        submissions: The grading layout to fill.
        root: The course repository (for the modules' metadata).
        roster: The class roster; required for Moodle and Canvas.
        layout: ``auto``, ``moodle``, ``canvas`` or ``nbgrader``.
        module: The module this download is for (Moodle and Canvas downloads hold one
            assignment); a notebook's own metadata still wins.

    Returns:
        What was placed, left unplaced (with reasons) and superseded.

    Raises:
        CollectError: For a missing, corrupt or unknown download, or a missing roster;
            nothing is written then.
    """
    modules = available_modules(root)
    if module is not None and module not in modules:
        raise CollectError(f"unknown module {module!r}; the course has {', '.join(modules)}")
    if not source.exists():
        raise CollectError(f"download not found: {source}")
    with tempfile.TemporaryDirectory(prefix="dlcourse-collect-") as tmp:
        folder = source
        if source.is_file():
            folder = Path(tmp) / "download"
            _extract(source, folder)
        found = detect_layout(folder) if layout == "auto" else layout
        if found not in LAYOUTS:
            raise CollectError(f"unknown layout {layout!r}; expected auto or one of {LAYOUTS}")
        if found in ("moodle", "canvas") and roster is None:
            raise CollectError(f"a {found} download names students by LMS id and name: pass "
                               "--roster CSV (student_id,name,email,moodle_id,canvas_id,...)")
        result = CollectResult(found)
        items = _items(folder, found, roster)
        _assign_modules(items, root, modules, module)
        _place(items, submissions, result)
    return result


def _assign_modules(items: list[Item], root: Path, modules: list[str], given: str | None) -> None:
    module_ids = _module_ids(root)
    for item in items:
        if item.path.suffix != ".ipynb":
            item.reason = "not a notebook"
            continue
        if not item.who:
            item.reason = "the file name does not follow the layout, so its student is unknown"
            continue
        if item.student is None:
            item.reason = f"{item.who} is not in the roster; add a row for them and collect again"
            continue
        meta = module_of_notebook(item.path, module_ids)
        claimed = item.module or given or _module_from_name(item.path.name, modules)
        if meta and claimed and meta != claimed:
            item.notes.append(f"submitted as {claimed} but the notebook is {meta}: "
                              f"placed as {meta}")
        item.module = meta or claimed
        if item.module is None:
            item.reason = ("cannot tell which module this is (no readable module metadata and "
                           "no module in its name); pass --module")


def _place(items: list[Item], submissions: Path, result: CollectResult) -> None:
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        if item.reason:
            continue
        groups.setdefault((item.student.student_id, item.module), []).append(item)
    for (student, module), group in sorted(groups.items()):
        group.sort(key=lambda i: i.stamp)
        stamps = [i.stamp for i in group]
        if len(group) > 1 and (not stamps[-1] or stamps[-1] == stamps[-2]):
            for item in group:
                item.reason = (f"one of {len(group)} notebooks for {student}/{module} and "
                               "nothing says which is the latest; keep one and collect again")
            continue
        for older in group[:-1]:
            result.superseded.append((older.origin, f"{student}/{module}: a newer submission "
                                                    f"({group[-1].origin}) was placed"))
        item = group[-1]
        target = submissions / student / module / f"{module}.ipynb"
        data = item.path.read_bytes()
        entry = (student, module, item.origin)
        if target.is_file() and target.read_bytes() == data:
            result.unchanged.append(entry)
            continue
        if target.is_file():
            backup = (submissions / ".replaced" / time.strftime("%Y%m%dT%H%M%S") / student
                      / module / target.name)
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, backup)
            result.notes.append(f"{student}/{module}: previous notebook kept in {backup}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        result.placed.append(entry)
        result.notes.extend(f"{student}/{module}: {n}" for n in item.notes)
    for item in items:
        if item.reason:
            kept = submissions / ".unplaced" / result.layout / item.origin
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item.path, kept)
            result.unplaced.append((item.origin, item.reason))
