"""The class report, ``RESULTS/report.html``: one page an instructor reads after grading.

Score distribution per module, failure rate per graded function, the most frequent
failure messages per function (grouped once numbers are masked), time-outs and crashes,
and the students below a threshold. Figures are matplotlib PNGs embedded in the page, so
the file stands alone.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

from autograder.term.records import read_grades_csv

TROUBLE = ("timeout", "kernel_died", "unreadable", "not_run", "grader_error")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def message_group(message: str) -> str:
    """A failure message reduced to its kind: first line, numbers masked as ``#``."""
    first = next((line.strip() for line in message.splitlines() if line.strip()), "(no message)")
    return _NUMBER.sub("#", first)[:200]


def _figure_png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build_report(results: Path, threshold: float = 50.0, top: int = 3) -> Path:
    """Writes ``RESULTS/report.html``.

    Args:
        results: The results folder with ``grades.csv``.
        threshold: Students whose overall percentage is below this are listed.
        top: Failure messages shown per function.

    Returns:
        The report's path.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    rows = read_grades_csv(results)
    if not rows:
        raise ValueError(f"{results / 'grades.csv'} has no rows: nothing to report on")
    modules = sorted({r["assignment"] for r in rows})
    per_sub: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r["score"] == "":
            continue  # written answers not graded yet: out of the percentage
        got = per_sub[(r["student_id"], r["assignment"])]
        got[0] += float(r["score"])
        got[1] += float(r["max_score"])
    percent = {k: 100 * s / m for k, (s, m) in per_sub.items() if m}

    fig, axes = plt.subplots(1, len(modules), figsize=(4 * max(1, len(modules)), 3),
                             squeeze=False)
    for ax, module in zip(axes[0], modules):
        values = [p for (s, m), p in percent.items() if m == module]
        ax.hist(values, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], color="#4878a8",
                edgecolor="white")
        ax.set_title(module)
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    distribution = _figure_png(fig)
    plt.close(fig)

    tested = [r for r in rows if r["status"] != "manual"]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    messages: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in tested:
        key = (r["assignment"], r["function"])
        counts[key][1] += 1
        if r["status"] != "passed":
            counts[key][0] += 1
            messages[key][message_group(r["message"] or r["status"])] += 1
    keys = sorted(counts, key=lambda k: (-counts[k][0] / counts[k][1], k))
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(keys) + 1))
    ax.barh([f"{m}: {f}" for m, f in keys][::-1],
            [100 * counts[k][0] / counts[k][1] for k in keys][::-1], color="#c8553d")
    ax.set_xlabel("test cells failed (%)")
    ax.set_xlim(0, 100)
    failures = _figure_png(fig)
    plt.close(fig)

    failure_rows = [[m, f, f"{100 * counts[(m, f)][0] / counts[(m, f)][1]:.0f}% "
                           f"({counts[(m, f)][0]}/{counts[(m, f)][1]})"] for m, f in keys]
    message_rows = [[m, f, n, text] for (m, f) in keys
                    for text, n in messages[(m, f)].most_common(top)]
    trouble = [[r["student_id"], r["assignment"], r["grade_id"], r["status"],
                message_group(r["message"])] for r in rows if r["status"] in TROUBLE]
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (student, _), (s, m) in per_sub.items():
        totals[student][0] += s
        totals[student][1] += m
    below = sorted([[s, f"{100 * a / b:.0f}%", f"{a:g}/{b:g}"] for s, (a, b) in totals.items()
                    if b and 100 * a / b < threshold], key=lambda r: float(r[1][:-1]))
    pending = sum(r["status"] == "manual" and r["score"] == "" for r in rows)

    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Class report</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.25em .6em;
text-align:left;vertical-align:top}}th{{background:#eee}}img{{max-width:100%}}</style></head>
<body><h1>Class report</h1>
<p>{len(totals)} student(s), {len(per_sub)} notebook(s), modules {html.escape(', '.join(modules))}.
{pending} written answer(s) not graded yet (left out of the percentages).</p>
<h2 id="distribution">Score distribution per module</h2>
<img alt="score distribution per module" src="{distribution}">
<h2 id="failures">Failure rate per function</h2>
<img alt="failure rate per function" src="{failures}">
{_table(["module", "function", "failed"], failure_rows)}
<h2 id="messages">Most frequent failure messages per function</h2>
{_table(["module", "function", "count", "message (numbers as #)"], message_rows)
 if message_rows else "<p>No failures.</p>"}
<h2 id="trouble">Time-outs and crashes</h2>
{_table(["student", "module", "cell", "status", "message"], trouble)
 if trouble else "<p>None.</p>"}
<h2 id="below">Students below {threshold:g}%</h2>
{_table(["student", "score", "points"], below) if below else "<p>None.</p>"}
</body></html>
"""
    path = results / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
