"""Feedback for the student: one self-contained HTML page per graded notebook.

The page starts with the student, the module, the score and a table of exercises, then
shows each exercise: its text, the student's code, and every test with its result and
message. Visible tests show their code; hidden tests appear by name, points and message,
never with their code, so an instructor can reuse an assignment next term. Grader
wrappers are never shown. What a passing test printed is shown as plain output;
TensorFlow, absl and font-cache notices are dropped, and other warnings appear only
beside a failed test, where they may explain it.

The page is written by hand, not by nbconvert: every piece of the notebook is escaped,
markdown is rendered with raw HTML escaped (the student's text can't inject markup) and
formulas are pre-rendered to SVG by Matplotlib's mathtext (no network, no fonts needed),
or shown as readable text where mathtext can't draw them. Results are words on
CSS-drawn badges, so they read the same in any font. Each text is cut at a size limit
and the whole page has a time budget, past which text is shown plainly.
"""

from __future__ import annotations

import ast
import base64
import functools
import html
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from autograder.grading import cells as C
from autograder.grading.guard import ENTRY
from autograder.grading.score import MANUAL_PLACEHOLDER, CellGrade, SubmissionGrade
from autograder.markers import TEXT_STUB

MAX_TEXT_CHARS = 20_000  # per markdown cell, code cell or output shown
MAX_FORMULAS = 300  # pre-rendered per page; later ones are shown as text
MAX_FORMULA_CHARS = 400
RENDER_SECONDS = 5.0  # past this, markdown and formulas are shown as plain text

STATUS_WORDS = {"passed": "passed", "failed": "failed", "error": "error",
                "timeout": "timed out", "kernel_died": "kernel died", "not_run": "not run",
                "unreadable": "unreadable", "output_limit": "output limit",
                "manual": "written", "unanswered": "not answered", "graded": "graded"}
_BADGE_CLASS = {"passed": "pass", "failed": "fail", "error": "fail", "timeout": "time",
                "kernel_died": "fail", "output_limit": "fail", "unreadable": "fail",
                "not_run": "none", "manual": "manual", "unanswered": "none", "graded": "manual"}

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# Lines of C-level logs and library notices that say nothing about the student's code.
_NOISE = re.compile("|".join([
    r"^WARNING: All log messages before absl::InitializeLog\(\)",
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.\-]+:\d+\]",  # absl
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] ",  # TensorFlow's own logger
    r"oneDNN custom operations are on", r"rebuild TensorFlow with the appropriate compiler",
    r"This TensorFlow binary is optimized", r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"Could not find cuda drivers", r"TF-TRT Warning", r"computation_placer",
    r"^Fontconfig (error|warning)", r"Matplotlib is building the font cache",
    r"joblib will operate in serial mode",
]))
_WARN_CALL = re.compile(r"^\s*warnings\.warn\(")
_MATH = re.compile(r"(```.*?```|`[^`\n]*`|\$\$.+?\$\$|\$[^$\n]+?\$)", re.DOTALL)
_SIZING = re.compile(r"\\(?:[Bb]igg?|[Bb]igg?[lr])(?![A-Za-z])")
_TEX_WORDS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "Delta": "Δ", "Sigma": "Σ", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏",
    "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠",
    "approx": "≈", "infty": "∞", "to": "→", "rightarrow": "→", "in": "∈", "quad": " ",
    "log": "log", "exp": "exp", "max": "max", "min": "min",
}


@dataclass
class _Budget:
    """The page's time budget and formula count."""

    deadline: float
    formulas: int = 0
    notes: set[str] = field(default_factory=set)

    def spent(self) -> bool:
        return time.monotonic() > self.deadline


def _cut(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit:,} more characters not shown]"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _badge(status: str) -> str:
    return (f'<span class="badge {_BADGE_CLASS.get(status, "fail")}">'
            f'{_esc(STATUS_WORDS.get(status, status.replace("_", " ")))}</span>')


def _source(cell: NotebookNode) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def unwrap_test_source(source: str) -> str:
    """A test cell's own source, unwrapped from the grader's guard call if it was sent so.

    Args:
        source: The source as found in the executed notebook.

    Returns:
        The test cell's source (hidden regions still in).
    """
    if not source.startswith(ENTRY + "("):
        return source
    try:
        call = ast.parse(source).body[0].value
        return str(call.args[0].value)
    except (SyntaxError, AttributeError, IndexError):
        return ""


def visible_test_code(source: str) -> tuple[str, bool]:
    """The part of a test cell a student may see, and whether it has hidden tests.

    Args:
        source: The test cell's source (wrapped or not).

    Returns:
        ``(code, has_hidden)``: the visible lines (blank ends trimmed) and whether a
        hidden region was removed.
    """
    source = unwrap_test_source(source)
    return C.strip_hidden_tests(source, None).strip("\n"), C.HIDDEN_BEGIN in source


def clean_stream(text: str) -> str:
    """Stream text without ANSI colours and without library start-up noise."""
    kept, dropped = [], False
    for line in _ANSI.sub("", text).splitlines():
        if _NOISE.search(line) or (dropped and _WARN_CALL.match(line)):
            dropped = True
            continue
        dropped = False
        kept.append(line)
    return "\n".join(kept).strip("\n")


def _outputs(cell: NotebookNode) -> tuple[str, str, list[str], list[NotebookNode]]:
    """A cell's stdout (with results), cleaned stderr, PNG images and error outputs."""
    out, err, images, errors = [], [], [], []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            (err if output.get("name") == "stderr" else out).append(str(output.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if isinstance(data.get("image/png"), str) and len(data["image/png"]) < 400_000:
                images.append(data["image/png"].replace("\n", ""))
            elif "text/plain" in data:
                text = data["text/plain"]
                out.append(("".join(text) if isinstance(text, list) else str(text)) + "\n")
        elif kind == "error":
            errors.append(output)
    return (clean_stream("".join(out)), clean_stream("".join(err)), images, errors)


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css}">{_esc(_cut(text))}</pre>' if text.strip() else ""


# --- formulas and markdown -------------------------------------------------------------


def _tex_as_text(tex: str) -> str:
    text = re.sub(r"\\(?:mathrm|text|mathbf|operatorname)\{([^{}]*)\}", r"\1", tex)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(0)), text)
    return text.replace("\\,", " ").replace("\\;", " ").replace("\\!", "")


@functools.lru_cache(maxsize=2048)  # every student's page repeats the exercise texts
def _svg(tex: str) -> str | None:
    """The formula drawn by Matplotlib's mathtext as base64 SVG, or None if it can't."""
    try:
        from matplotlib import mathtext
        from matplotlib.font_manager import FontProperties

        buffer = io.BytesIO()
        mathtext.math_to_image(f"${_SIZING.sub('', tex)}$", buffer, prop=FontProperties(size=14),
                               format="svg")
    except Exception:  # noqa: BLE001 - mathtext knows a subset of TeX; fall back to text
        return None
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _formula(tex: str, display: bool, budget: _Budget) -> str:
    """An ``<img>`` of the formula drawn by mathtext, or the formula as readable text."""
    css = "math display" if display else "math"
    tex = tex.strip()
    if (budget.formulas < MAX_FORMULAS and len(tex) <= MAX_FORMULA_CHARS
            and not budget.spent()):
        budget.formulas += 1
        data = _svg(tex)
        if data is not None:
            return (f'<img class="{css}" alt="{_esc(tex)}" '
                    f'src="data:image/svg+xml;base64,{data}">')
    return f'<span class="{css} tex" title="{_esc(tex)}">{_esc(_tex_as_text(tex))}</span>'


_markdown = None


def markdown_html(text: str, budget: _Budget) -> str:
    """Markdown as HTML with raw HTML escaped and formulas pre-rendered.

    Args:
        text: Markdown (the student's or the course's).
        budget: The page's time budget; once spent, the text is shown plainly.

    Returns:
        Safe HTML.
    """
    global _markdown
    text = _cut(text)
    if budget.spent():
        budget.notes.add("time")
        return _pre(text, "plain")
    if _markdown is None:
        import mistune

        _markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    formulas: list[str] = []

    def hold(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith("`"):
            return token
        display = token.startswith("$$")
        formulas.append(_formula(token[2:-2] if display else token[1:-1], display, budget))
        return f"XDLMATH{len(formulas) - 1}X"

    body = _markdown(_MATH.sub(hold, text))
    return re.sub(r"XDLMATH(\d+)X", lambda m: formulas[int(m.group(1))], body)


# --- the page --------------------------------------------------------------------------


def _function_status(grades: list[CellGrade]) -> str:
    statuses = {g.status for g in grades}
    if statuses == {"passed"}:
        return "passed"
    for status in ("timeout", "kernel_died", "unreadable", "output_limit", "error", "failed",
                   "not_run", "manual"):
        if status in statuses:
            return status
    return "failed"


def _teacher_scored(grades: list[CellGrade]) -> bool:
    """A written answer to which the teacher has given a score."""
    return all(g.manual and g.score is not None for g in grades)


def _teacher_comment(grades: list[CellGrade]) -> str:
    """What the teacher wrote beside the score (empty when nothing)."""
    return "\n".join(g.message for g in grades if g.message and g.message != MANUAL_PLACEHOLDER)


def _answered(cell: NotebookNode | None) -> bool:
    text = _source(cell).strip() if cell is not None else ""
    return bool(text) and text != TEXT_STUB and not text.startswith("(answer missing")


def _exercise_text(cells: list[NotebookNode], index: int) -> str:
    """The markdown cells just above an answer cell: the exercise's text."""
    texts: list[str] = []
    i = index - 1
    while i >= 0 and len(texts) < 3 and cells[i].cell_type == "markdown" \
            and not C.grade_id(cells[i]):
        texts.insert(0, _source(cells[i]))
        i -= 1
    return "\n\n".join(texts)


def _summary(result: SubmissionGrade, groups: dict[str, list[CellGrade]],
             answers: dict[str, NotebookNode]) -> str:
    rows = []
    for function, grades in groups.items():
        manual = all(g.manual for g in grades)
        status = _function_status(grades)
        if manual and not _answered(answers.get(function)):
            status = "unanswered"
        possible = sum(g.max_score for g in grades)
        if manual and _teacher_scored(grades):
            status = "graded"
        points = (f"– / {possible:g}" if manual and status != "graded" else
                  f"{sum(g.score or 0.0 for g in grades):g} / {possible:g}")
        rows.append(f'<tr><td><a href="#ex-{_esc(function)}"><code>{_esc(function)}</code>'
                    f'</a></td><td class="num">{points}</td><td>{_badge(status)}</td></tr>')
    notes = "".join(f"<li>{_esc(n)}</li>" for n in result.notes)
    return (f'<header><h1>Feedback: {_esc(result.assignment)}</h1>'
            f'<p class="meta">Student: <b>{_esc(result.student_id)}</b> · Module: '
            f'<b>{_esc(result.assignment)}</b> · Score: <b class="score">{result.score:g} / '
            f'{result.max_score:g}</b> (written answers are graded by your teacher)</p>'
            f'<table class="summary"><thead><tr><th>exercise</th><th>points</th>'
            f'<th>result</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + (f'<div class="notes"><h2>Notes from the grader</h2><ul>{notes}</ul></div>'
               if notes else "") + "</header>")


def _test_block(grade: CellGrade, cell: NotebookNode | None) -> str:
    points = f"{grade.score or 0:g} / {grade.max_score:g}"
    parts = [f'<div class="test {_BADGE_CLASS.get(grade.status, "fail")}">'
             f'<div class="test-head">{_badge(grade.status)} <code>{_esc(grade.grade_id)}'
             f'</code> <span class="pts">{points} point(s)</span></div>']
    if cell is not None:
        code, hidden = visible_test_code(_source(cell))
        if code.strip():
            parts.append(_pre(code, "code"))
        if hidden:
            parts.append('<p class="hidden-note">This cell holds hidden tests: run by the grader, '
                         'code not shown.</p>')
        stdout, stderr, _, _ = _outputs(cell)
        if grade.status != "passed" and grade.message:
            parts.append(_pre(grade.message, "message"))
        if stdout:
            parts.append(_pre(stdout, "out"))
        if grade.status != "passed" and stderr:
            parts.append('<p class="warn-note">Warnings printed while this test ran (they may '
                         'explain the failure):</p>' + _pre(stderr, "warn"))
    elif grade.message and grade.status != "passed":
        parts.append(_pre(grade.message, "message"))
    parts.append("</div>")
    return "".join(parts)


def _answer_block(cell: NotebookNode | None, failed: bool, budget: _Budget) -> str:
    if cell is None:
        return '<p class="missing">Your answer cell was not found in the notebook.</p>'
    source = _source(cell)
    if cell.cell_type == "markdown":
        return f'<div class="answer written">{markdown_html(source, budget)}</div>'
    parts = ['<p class="label">Your code</p>', _pre(source, "code") or
             '<p class="missing">(empty)</p>']
    stdout, stderr, images, errors = _outputs(cell)
    parts.append(_pre(stdout, "out"))
    parts += [f'<img class="plot" alt="plot" src="data:image/png;base64,{png}">'
              for png in images[:4]]
    for error in errors:
        trace = clean_stream("\n".join(error.get("traceback", []))) or \
            f"{error.get('ename', 'Error')}: {error.get('evalue', '')}"
        parts.append('<p class="label">Your code raised an error</p>' + _pre(trace, "message"))
    if failed and stderr:
        parts.append('<p class="warn-note">Warnings printed by your code:</p>'
                     + _pre(stderr, "warn"))
    return "".join(parts)


def render_page(notebook: NotebookNode, result: SubmissionGrade,
                seconds: float = RENDER_SECONDS) -> str:
    """The feedback page of one graded notebook.

    Args:
        notebook: The executed notebook (or, for an unreadable file, an empty one).
        result: Its grades.
        seconds: Time budget for rendering markdown and formulas.

    Returns:
        A complete, self-contained HTML document.
    """
    budget = _Budget(time.monotonic() + seconds)
    cells = list(notebook.cells)
    by_id: dict[str, int] = {}
    for i, cell in enumerate(cells):
        gid = C.grade_id(cell)
        if gid and gid not in by_id:
            by_id[gid] = i
    groups: dict[str, list[CellGrade]] = {}
    for grade in result.cells:
        groups.setdefault(grade.function, []).append(grade)
    answers = {f: cells[by_id[f]] for f in groups if f in by_id}

    sections = []
    for function, grades in groups.items():
        manual = all(g.manual for g in grades)
        answer = answers.get(function)
        status = _function_status(grades)
        if manual and not _answered(answer):
            status = "unanswered"
        elif manual and _teacher_scored(grades):
            status = "graded"
        text = _exercise_text(cells, by_id[function]) if function in by_id else ""
        title = "Written answer" if manual else "Exercise"
        body = [f'<section class="exercise" id="ex-{_esc(function)}">'
                f'<h2>{title}: <code>{_esc(function)}</code> {_badge(status)}</h2>']
        if text.strip():
            body.append(f'<details class="task"><summary>The exercise</summary>'
                        f'{markdown_html(text, budget)}</details>')
        body.append(_answer_block(answer, status != "passed", budget))
        if not manual:
            body += [_test_block(g, cells[by_id[g.grade_id]] if g.grade_id in by_id else None)
                     for g in grades]
        elif status == "graded":
            score = sum(g.score or 0.0 for g in grades)
            comment = _teacher_comment(grades)
            body.append(f'<p class="manual-note">Your teacher gave {score:g} / '
                        f'{sum(g.max_score for g in grades):g} points'
                        + (f':</p><blockquote class="comment">{_esc(comment)}</blockquote>'
                           if comment else ".</p>"))
        else:
            body.append('<p class="manual-note">'
                        + ("Your teacher grades this answer ("
                           f"{sum(g.max_score for g in grades):g} points)."
                           if status != "unanswered" else "You have not answered yet.")
                        + "</p>")
        body.append("</section>")
        sections.append("".join(body))
    if "time" in budget.notes:
        sections.append('<p class="notes">Some text is shown plainly: the page took too long '
                        'to render.</p>')
    title = f"Feedback: {result.assignment} ({result.student_id})"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width\"><title>{_esc(title)}"
            f"</title><style>{_CSS}</style></head><body><main>"
            f"{_summary(result, groups, answers)}{''.join(sections)}</main></body></html>\n")


def write_feedback(notebook: NotebookNode, result: SubmissionGrade, path: Path) -> None:
    """Writes the feedback HTML for one submission.

    Args:
        notebook: The executed notebook (or, for an unreadable file, an empty one).
        result: Its grades.
        path: Where to write the ``.html`` file; folders are created.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(notebook, result), encoding="utf-8")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 color:#1f2328;background:#f6f8fa;margin:0;line-height:1.5}
main{max-width:960px;margin:0 auto;padding:24px;background:#fff}
h1{font-size:1.7em;margin:0 0 .3em}h2{font-size:1.25em;margin:0 0 .6em}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.88em}
pre{white-space:pre-wrap;word-break:break-word;padding:8px 10px;border-radius:4px;
 margin:6px 0;background:#f6f8fa;border:1px solid #d0d7de}
pre.message{background:#fff1f0;border-color:#f3b5b0;color:#82071e}
pre.warn{background:#fff8e6;border-color:#eed49f}
pre.out{background:#fff}
.meta{margin:.2em 0 1em}.score{font-size:1.1em}
table.summary{border-collapse:collapse;margin:8px 0 16px}
table.summary th,table.summary td{border:1px solid #d0d7de;padding:4px 12px;text-align:left}
table.summary th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:.8em;
 font-weight:600;color:#fff;vertical-align:middle;font-family:system-ui,sans-serif}
.badge.pass{background:#1a7f37}.badge.fail{background:#cf222e}
.badge.time{background:#bc4c00}.badge.none{background:#6e7781}
.badge.manual{background:#0969da}
section.exercise{border-top:2px solid #d0d7de;padding:16px 0}
.test{border-left:4px solid #d0d7de;padding:4px 12px;margin:10px 0}
.test.pass{border-color:#1a7f37}.test.fail{border-color:#cf222e}
.test.time{border-color:#bc4c00}.test-head .pts{color:#57606a;font-size:.9em}
.hidden-note,.manual-note,.warn-note,.label{color:#57606a;font-size:.9em;margin:4px 0}
.missing{color:#cf222e}.notes{background:#fff8e6;padding:4px 12px;border-radius:4px}
details.task{background:#f6f8fa;padding:4px 12px;border-radius:4px;margin:6px 0}
.answer.written{border:1px solid #d0d7de;padding:4px 12px;border-radius:4px}
blockquote.comment{border-left:4px solid #0969da;margin:4px 0;padding:4px 12px;white-space:pre-wrap}
img.math{vertical-align:middle;max-width:100%}img.math.display{display:block;margin:8px auto}
span.math.tex{font-family:"DejaVu Serif",Georgia,serif;font-style:italic}
img.plot{max-width:100%}
"""
