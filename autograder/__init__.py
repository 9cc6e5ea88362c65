"""dlcourse: the course package.

It holds what the course's notebooks and its graders share: readable checks for test
cells (:mod:`autograder.checks`), offline data sets (:mod:`autograder.datasets`),
reproducibility switches (:mod:`autograder.determinism`), the nbgrader build and the
grading pipeline (:mod:`autograder.build`, :mod:`autograder.grading`) and the ``dlcourse``
command line (:mod:`autograder.cli`).
"""

from autograder.determinism import seed_everything

__all__ = ["seed_everything"]
__version__ = "0.1.0"
