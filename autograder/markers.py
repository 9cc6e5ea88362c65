"""The markers of the instructor notebooks, in one place, the same as nbgrader's.

``solutions/`` marks answers with nbgrader's solution region and hidden tests with its
hidden-test region; nbgrader replaces answers with the stubs below when it builds the
student notebooks. The build, ``nbgrader_config.py``, the gradebook for formgrader, the
grader and the student's self-check all read them from here. Standard library only, so a
student's environment can import it.
"""

from __future__ import annotations

SOLUTION_DELIMITERS = ("BEGIN SOLUTION", "END SOLUTION")  # nbgrader's defaults
HIDDEN_TEST_DELIMITERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")  # nbgrader's defaults
SOLUTION_BEGIN, SOLUTION_END = (f"### {d}" for d in SOLUTION_DELIMITERS)
HIDDEN_BEGIN, HIDDEN_END = (f"### {d}" for d in HIDDEN_TEST_DELIMITERS)
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def nbgrader_settings(config) -> None:
    """Sets nbgrader's stubs and delimiters on a traitlets ``config`` (or ``get_config()``).

    Args:
        config: The configuration to change.
    """
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    config.ClearSolutions.begin_solution_delimeter = SOLUTION_DELIMITERS[0]
    config.ClearSolutions.end_solution_delimeter = SOLUTION_DELIMITERS[1]
    config.ClearHiddenTests.begin_test_delimeter = HIDDEN_TEST_DELIMITERS[0]
    config.ClearHiddenTests.end_test_delimeter = HIDDEN_TEST_DELIMITERS[1]
