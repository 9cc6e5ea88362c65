"""`dlcourse similar`: planted near-copies on top, honest students and the reference not
flagged."""

from __future__ import annotations

from pathlib import Path

from autograder.cli import main
from autograder.course import find_course_root
from autograder.submissions import make_submission, reference_answers, write_submission
from autograder.term.similar import find_similar
from tests.term_class import near_copy, notebooks

ROOT = find_course_root(Path(__file__))


def test_near_copies_rank_first_and_only_they_are_flagged(tmp_path, capsys):
    subs = tmp_path / "subs"
    for (student, module), notebook in notebooks(ROOT).items():
        write_submission(notebook, subs, student, module)
    # two students who both hand in the instructor's solution copy nothing from each other
    for student in ("rex", "sam"):
        write_submission(make_submission(ROOT, "01_neuron", reference_answers(ROOT, "01_neuron")),
                         subs, student, "01_neuron")
    (subs / "tom" / "01_neuron").mkdir(parents=True)
    (subs / "tom" / "01_neuron" / "01_neuron.ipynb").write_text('{"cells": [')  # truncated
    pairs, notes, _ = find_similar(subs, ROOT)
    assert {frozenset((p.a, p.b)) for p in pairs[:2]} == {frozenset(("ada", "fay")),
                                                          frozenset(("gus", "hal"))}
    assert [(p.a, p.b) for p in pairs if p.flagged] == [(p.a, p.b) for p in pairs[:2]]
    assert all(p.score < 0.3 for p in pairs[2:])
    rex_sam = next(p for p in pairs if (p.a, p.b) == ("rex", "sam"))
    assert rex_sam.shared_tokens == 0
    assert any(n.startswith("tom/01_neuron: skipped") for n in notes)
    assert main(["similar", str(subs), "--out", str(tmp_path / "similar")]) == 0
    assert "2 pair(s) flagged" in capsys.readouterr().out
    index = (tmp_path / "similar" / "index.html").read_text()
    assert index.index("ada / fay") < index.index("hal / ivy")


def test_near_copy_really_disguises_the_code():
    source = '''
def relu(z):
    z = np.array(z, dtype=float)          # a copy
    out = z.copy()
    return out
'''
    copy = near_copy(source)
    assert "my_out_var" in copy and "# a copy" not in copy and "def relu(z):" in copy
