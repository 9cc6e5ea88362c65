"""Scores: one row per graded cell, decided by errors alone.

nbgrader's ``determine_grade`` gives zero to a test cell that wrote anything to stderr,
and TensorFlow and Keras write start-up notices and ``UserWarning``s there: a correct
answer then scores zero. Here a test cell passes when it ran to the end without an
exception, whatever it printed; written answers are left for a person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from autograder.grading import cells as C
from autograder.grading.assemble import GradedCellSpec
from autograder.grading.execute import NotebookRun
from autograder.grading.status import CHECK_FAILURES, CellStatus

MANUAL_PLACEHOLDER = "graded by the instructor"  # a written answer's message until graded
CSV_COLUMNS = ("student_id", "assignment", "grade_id", "function", "score", "max_score",
               "status", "message")


@dataclass
class CellGrade:
    """The grade of one graded cell.

    Attributes:
        grade_id: The cell's nbgrader id, ``test_<function>[__<suffix>]`` for tests.
        function: The graded function (or written answer).
        score: Points earned; ``None`` for a written answer not graded yet.
        max_score: Points possible.
        status: ``PASSED``, ``FAILED``, ``ERROR``, ``TIMEOUT``, ``KERNEL_DIED``,
            ``OUTPUT_LIMIT``, ``NOT_RUN``, ``UNREADABLE``, ``MANUAL`` or ``GRADER_ERROR``.
        message: Why it failed, in words for the student.
        manual: A written answer, graded by a person.
    """

    grade_id: str
    function: str
    score: float | None
    max_score: float
    status: CellStatus
    message: str = ""
    manual: bool = False

    def __post_init__(self) -> None:
        self.status = CellStatus(self.status)  # records read back hold plain strings


@dataclass
class SubmissionGrade:
    """Every graded cell of one student's notebook for one module."""

    student_id: str
    assignment: str
    cells: list[CellGrade]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notebook_path: str = ""
    fingerprint: str = ""
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Autograded points earned."""
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_score(self) -> float:
        """Points possible so far: autograded cells, and written answers once scored.

        A written answer not graded yet counts on neither side, so the total never goes
        over 100 % and never counts an ungraded answer as lost.
        """
        return sum(c.max_score for c in self.cells if not c.manual or c.score is not None)

    def rows(self) -> list[dict]:
        """Rows for ``grades.csv``, one per graded cell."""
        return [{"student_id": self.student_id, "assignment": self.assignment,
                 **{k: v for k, v in asdict(cell).items() if k != "manual"},
                 "score": "" if cell.score is None else f"{cell.score:g}",
                 "max_score": f"{cell.max_score:g}"} for cell in self.cells]

    def to_json(self) -> dict:
        """A JSON-ready dict (the batch's per-submission record)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "SubmissionGrade":
        """Reads back :meth:`to_json`."""
        cells = [CellGrade(**c) for c in data.pop("cells")]
        return cls(cells=cells, **data)


def failed_everywhere(specs: list[GradedCellSpec], status: str, message: str) -> list[CellGrade]:
    """Zero for every graded cell, when the notebook could not be run at all.

    Args:
        specs: The module's graded cells.
        status: Why (``unreadable``, ``not_run``, ...).
        message: The reason, for the student.

    Returns:
        One grade per cell; written answers too, since there is nothing to read.
    """
    return [CellGrade(s.grade_id, s.function, 0.0, s.max_score, status, message, s.manual)
            for s in specs]


def score_cells(run: NotebookRun, specs: list[GradedCellSpec]) -> list[CellGrade]:
    """Grades each graded cell of an executed notebook.

    Args:
        run: The executed notebook and how each cell ended.
        specs: The module's graded cells, from the source.

    Returns:
        One :class:`CellGrade` per spec, in the source's order.
    """
    index_of = {C.grade_id(c): i for i, c in enumerate(run.notebook.cells) if C.grade_id(c)}
    grades = []
    for spec in specs:
        i = index_of.get(spec.grade_id)
        if spec.manual:
            grades.append(CellGrade(spec.grade_id, spec.function, None, spec.max_score,
                                    CellStatus.MANUAL, MANUAL_PLACEHOLDER, manual=True))
            continue
        cell_run = run.cells[i] if i is not None else None
        if cell_run is None:
            grades.append(CellGrade(spec.grade_id, spec.function, 0.0, spec.max_score,
                                    CellStatus.NOT_RUN, "the test cell could not be found"))
        elif cell_run.status == CellStatus.OK:
            grades.append(CellGrade(spec.grade_id, spec.function, spec.max_score,
                                    spec.max_score, CellStatus.PASSED))
        else:
            status = cell_run.status
            if status == CellStatus.ERROR and cell_run.ename in CHECK_FAILURES:
                status = CellStatus.FAILED
            grades.append(CellGrade(spec.grade_id, spec.function, 0.0, spec.max_score, status,
                                    cell_run.message))
    return grades
