"""The instructor's term around grading: release, collect, gradebook, manual, export,
report, similar.

Each step is one module and one ``dlcourse`` sub-command; they read and write the
grading results (``RESULTS/grades.csv`` and ``RESULTS/records/``) and never change the
grading engine.
"""
