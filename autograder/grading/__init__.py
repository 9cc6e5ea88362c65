"""The grading pipeline.

One submission goes through small steps, each in its own module, in this order:

1. :mod:`.reading`   - read the student's file robustly (bad JSON, bad UTF-8, wrong name).
2. :mod:`.assemble`  - rebuild the notebook to grade from the instructor source: test
   cells (with hidden tests) restored, the student's answers and extra cells kept.
3. :mod:`.execute`   - run it in a fresh kernel with per-cell time limits, recovering from
   time-outs and kernel deaths, with output capped.
4. :mod:`.score`     - one result per graded cell: errors alone decide (never stderr).
5. :mod:`.feedback`  - an HTML report that shows hidden tests by name and message only.

:mod:`.batch` runs that for a whole class in parallel and writes ``grades.csv``;
:mod:`.summary` prints the class table.
"""
