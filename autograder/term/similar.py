"""Similar submissions: pairs of students whose solution code is suspiciously alike.

Only the code a student wrote counts: the code answer cells of each notebook, with the
starter code and the instructor's reference solution removed as boilerplate. The
fingerprinting is copydetect's (tokens with names, comments and layout normalised,
winnowed k-grams), so renamed variables, new comments and reformatting do not hide a copy.
A pair's score per module is the mean share of each student's own tokens that the other
also has; a pair is flagged when that share and the number of shared tokens are both high.
"""

from __future__ import annotations

import html
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import available_modules, exercise_path, solution_path
from autograder.grading.cells import grade_id, is_answer
from autograder.grading.reading import UnreadableNotebook, find_submitted_notebook, read_submission

NOISE_TOKENS = 12       # shorter matches are ignored (copydetect's noise threshold)
GUARANTEE_TOKENS = 16   # matches this long are always found
MIN_SHARED_TOKENS = 40  # a flagged pair shares at least this much of its own code


@dataclass
class Pair:
    """Two students and how alike their code is."""

    a: str
    b: str
    score: float
    shared_tokens: int
    modules: dict[str, tuple[float, int]] = field(default_factory=dict)
    flagged: bool = False
    page: str = ""


def answer_code(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The code answer cells of a notebook, by ``grade_id``."""
    return {grade_id(c): c.source for c in notebook.cells
            if c.cell_type == "code" and is_answer(c) and grade_id(c)}


def _fingerprint(name: str, code: str, boilerplate=None):
    from copydetect import CodeFingerprint

    return CodeFingerprint(f"{name}.py", NOISE_TOKENS, GUARANTEE_TOKENS - NOISE_TOKENS + 1,
                           boilerplate=None if boilerplate is None else list(boilerplate),
                           fp=io.StringIO(code))


def _student_code(submissions: Path, module: str) -> tuple[dict[str, str], list[str]]:
    code, notes = {}, []
    for folder in sorted(p for p in submissions.glob(f"*/{module}") if p.is_dir()):
        student = folder.parent.name
        if student.startswith("."):
            continue
        path, _ = find_submitted_notebook(folder, module)
        if path is None:
            continue
        try:
            notebook = read_submission(path).notebook
        except UnreadableNotebook as error:
            notes.append(f"{student}/{module}: skipped ({error})")
            continue
        code[student] = "\n\n".join(answer_code(notebook).values())
    return code, notes


def find_similar(submissions: Path, root: Path, modules: list[str] | None = None,
                 threshold: float = 0.6) -> tuple[list[Pair], list[str], dict]:
    """Ranks every pair of students by how alike their solution code is.

    Args:
        submissions: ``SUBMISSIONS/<student_id>/<module>/``.
        root: The course repository (starter code and reference solutions).
        modules: Only these modules (default: every module found).
        threshold: The share of own code in common from which a pair is flagged.

    Returns:
        The pairs, most alike first; notes on skipped notebooks; and the per-module
        fingerprints (for the side-by-side pages).
    """
    try:
        from copydetect import compare_files
    except ImportError:
        raise ValueError("dlcourse similar needs copydetect's fingerprints: "
                         "pip install 'copydetect>=0.5'") from None
    if not submissions.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {submissions}")
    modules = modules or [m for m in available_modules(root)
                          if any(submissions.glob(f"*/{m}"))]
    pairs: dict[tuple[str, str], Pair] = {}
    prints: dict[str, dict] = {}
    notes: list[str] = []
    for module in modules:
        stub = answer_code(nbformat.read(exercise_path(root, module), as_version=4))
        reference = answer_code(nbformat.read(solution_path(root, module), as_version=4))
        boiler = _fingerprint("boilerplate", "\n\n".join([*stub.values(), *reference.values()]))
        code, skipped = _student_code(submissions, module)
        notes += skipped
        prints[module] = {s: _fingerprint(s, c, boiler.hashes) for s, c in code.items()}
        for a, b in itertools.combinations(sorted(prints[module]), 2):
            shared, (sim_a, sim_b), _ = compare_files(prints[module][a], prints[module][b])
            pair = pairs.setdefault((a, b), Pair(a, b, 0.0, 0))
            pair.modules[module] = ((float(sim_a) + float(sim_b)) / 2, int(shared))
    for pair in pairs.values():
        best = max(pair.modules.items(), key=lambda kv: (kv[1][0], kv[1][1]))
        pair.score, pair.shared_tokens = best[1]
        pair.flagged = any(s >= threshold and n >= MIN_SHARED_TOKENS
                           for s, n in pair.modules.values())
    ranked = sorted(pairs.values(), key=lambda p: (-p.flagged, -p.score, -p.shared_tokens))
    return ranked, notes, prints


def _side_by_side(pair: Pair, prints: dict) -> str:
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    sections = []
    for module in pair.modules:
        fa, fb = prints[module][pair.a], prints[module][pair.b]
        _, _, (slices_a, slices_b) = compare_files(fa, fb)
        left = highlight_overlap(fa.raw_code, slices_a, "<mark>", "</mark>", escape_html=True) \
            if len(slices_a) and len(slices_a[0]) else (html.escape(fa.raw_code), 0)
        right = highlight_overlap(fb.raw_code, slices_b, "<mark>", "</mark>", escape_html=True) \
            if len(slices_b) and len(slices_b[0]) else (html.escape(fb.raw_code), 0)
        score, shared = pair.modules[module]
        sections.append(f"<h2>{html.escape(module)}: {score:.0%} alike, {shared} tokens shared</h2>"
                        f"<div class=sbs><div><h3>{html.escape(pair.a)}</h3><pre>{left[0]}</pre>"
                        f"</div><div><h3>{html.escape(pair.b)}</h3><pre>{right[0]}</pre>"
                        "</div></div>")
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>"
            f"{html.escape(pair.a)} and {html.escape(pair.b)}</title><style>{_STYLE}</style>"
            f"</head><body><p><a href=index.html>all pairs</a></p><h1>{html.escape(pair.a)} "
            f"and {html.escape(pair.b)}</h1><p>Highlighted: code both wrote, after names, "
            "comments and layout are normalised (starter code and reference solution "
            f"excluded).</p>{''.join(sections)}</body></html>")


_STYLE = ("body{font-family:sans-serif;margin:1.5em}.sbs>div{min-width:0}"
          ".sbs{display:grid;grid-template-columns:1fr "
          "1fr;gap:1em}pre{background:#f6f6f6;padding:.5em;overflow:auto;font-size:85%}"
          "mark{background:#ffd27a}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
          "padding:.2em .6em}tr.flagged{background:#fde2dd}")


def write_similar(pairs: list[Pair], prints: dict, out: Path, shown: int = 50) -> Path:
    """Writes ``OUT/index.html`` (the ranking) and one side-by-side page per pair shown.

    Args:
        pairs: From :func:`find_similar`.
        prints: The fingerprints :func:`find_similar` returned.
        out: The folder to write.
        shown: How many of the top pairs get a row and a page.

    Returns:
        The index page.
    """
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for rank, pair in enumerate(pairs[:shown], start=1):
        pair.page = f"pair-{rank:03d}.html"
        (out / pair.page).write_text(_side_by_side(pair, prints), encoding="utf-8")
        detail = ", ".join(f"{m} {s:.0%}" for m, (s, _) in pair.modules.items())
        rows.append(f"<tr class={'flagged' if pair.flagged else 'ok'}><td>{rank}</td><td>"
                    f"<a href={pair.page}>{html.escape(pair.a)} / {html.escape(pair.b)}</a></td>"
                    f"<td>{pair.score:.0%}</td><td>{pair.shared_tokens}</td><td>"
                    f"{'yes' if pair.flagged else ''}</td><td>{html.escape(detail)}</td></tr>")
    index = out / "index.html"
    index.write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Similar submissions"
        f"</title><style>{_STYLE}</style></head><body><h1>Similar submissions</h1><p>Pairs "
        "ranked by the share of their own solution code they have in common (starter code "
        "and reference solution excluded). A flag is a reason to look, not a verdict.</p>"
        "<table><thead><tr><th>#</th><th>pair</th><th>alike</th><th>tokens shared</th>"
        f"<th>flagged</th><th>per module</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></body></html>", encoding="utf-8")
    return index
