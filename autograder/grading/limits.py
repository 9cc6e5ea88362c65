"""The limits a submission runs under: one dataclass, the one place they are defined.

This module imports nothing heavy, so the command line (and a student's environment,
which has no grading tools) can read the limits without loading Jupyter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _limit(default, flag: str | None, metavar: str | None, help_text: str):
    """A :class:`Limits` field; ``flag`` names its option of ``dlcourse grade``/``check``."""
    return field(default=default, metadata={"flag": flag, "metavar": metavar, "help": help_text})


@dataclass
class Limits:
    """Limits applied while a submission runs: the one place they are defined.

    Each field's metadata holds its command-line option and help text, from which
    ``dlcourse grade`` and ``dlcourse check`` make their options (:func:`limit_options`).
    A limit of 0 turns that limit off where the help says so.
    """

    cell_timeout: float = _limit(120.0, "--timeout", "S", "seconds one cell may run")
    notebook_timeout: float = _limit(900.0, "--notebook-timeout", "S",
                                     "seconds one notebook may run, restarts included")
    max_output_bytes: int = _limit(2_000_000, "--max-output", "CHARS",
                                   "output one cell may print before it is stopped")
    interrupt_grace: float = _limit(10.0, None, None,
                                    "seconds a kernel has to answer after an interrupt")
    max_restarts: int = _limit(3, None, None,
                               "kernel restarts allowed before the other cells are skipped")
    seed: int = _limit(0, None, None, "seed for Python, NumPy and TensorFlow in the kernel")
    preload: tuple[str, ...] = _limit((), None, None,
                                      "modules imported while the kernel starts, outside "
                                      "the cells' time limits (TensorFlow, Keras)")
    memory_mb: int = _limit(4096, "--memory", "MIB",
                            "memory a kernel may allocate (RLIMIT_DATA), 0 for no limit")
    max_processes: int = _limit(512, "--max-processes", "N",
                                "processes and threads in the sandbox (TensorFlow alone "
                                "starts a few dozen per CPU core)")
    max_file_mb: int = _limit(1024, "--max-file", "MIB", "largest file a kernel may write")
    max_notebook_output_bytes: int = _limit(20_000_000, None, None,
                                            "output kept for the whole notebook")
    judge: bool = _limit(True, None, None,
                         "run test cells in the judge, a process apart from the student's "
                         "kernel (False: in the kernel, as nbgrader does)")
    sandbox: str = _limit("auto", "--sandbox", None,
                          "run kernels in bubblewrap: auto (when installed), require or off")
    warm: bool = _limit(True, "--cold-kernels", None,
                        "start every kernel cold instead of forking it, sandboxed, from a "
                        "zygote that has imported its libraries (as is done by default "
                        "where kernels run in bubblewrap)")


SANDBOX_MODES = ("auto", "require", "off")


def limit_options() -> list[tuple[str, str, dict]]:
    """``(flag, field name, argparse keywords)`` for every limit that is an option."""
    defaults = Limits()
    options = []
    for spec in fields(Limits):
        flag = spec.metadata.get("flag")
        if not flag:
            continue
        default = getattr(defaults, spec.name)
        keywords = {"default": default, "help": f"{spec.metadata['help']} (default %(default)s)"}
        if spec.name == "sandbox":
            keywords["choices"] = SANDBOX_MODES
        elif isinstance(default, bool):  # a switch that turns the default around
            keywords = {"action": "store_false" if default else "store_true",
                        "help": spec.metadata["help"]}
        else:
            keywords.update(type=type(default), metavar=spec.metadata["metavar"])
        options.append((flag, spec.name, keywords))
    return options
