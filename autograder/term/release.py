"""The student edition of the course: what a class may see, and nothing more.

``dlcourse release OUT --repository URL`` writes lectures (``course/``), exercises
(``exercises/``), the course package and a student README into ``OUT``, with every Colab
link and set-up cell pointing at ``URL`` (the repository the class will clone). It holds
no ``solutions/``, no hidden tests, no model answers and no grading tools' tests; its
``dlcourse check`` runs the visible tests and says that hidden tests run at grading.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from autograder.colab import badge_table, sync_setup_cell
from autograder.course import available_modules

COPIED = ("course", "exercises", "autograder")
LEAK_MIN_LENGTH = 12  # shorter lines ("break", "return x") are common Python, not a leak
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "term")
_MAIN_GUARD = 'if __name__ == "__main__":'
_CHECK_PATCH = '''\
# Student edition (written by `dlcourse release`): there are no solutions here, so
# `dlcourse check` runs the visible tests and says that hidden tests run at grading.
from autograder.term.selfcheck import cmd_selfcheck as cmd_check  # noqa: E402,F811


'''

_NO_TERM_COMMANDS = '''"""No instructor commands in the student edition (by `dlcourse release`)."""


def add_term_commands(sub) -> None:
    """Adds nothing: release, collect and grading tools stay with the instructor."""
'''

STUDENT_README = """\
# {title} (student edition)

Deep learning from the single neuron to transformers, with Keras 3 and TensorFlow:
{count} modules, each a lecture notebook (`course/`) and an exercise notebook
(`exercises/`).

## Start

In Google Colab: open a notebook from the table below; its first cell installs the course
package. On your own machine (Python 3.11+):

```bash
git clone {repository} dlcourse && cd dlcourse
python -m venv .venv && .venv/bin/pip install -e '.[cpu]'
.venv/bin/jupyter lab
```

## Exercises

Write each function where it says `# YOUR CODE HERE`, run the test cell under it and read
its message. Check a whole notebook with

```bash
.venv/bin/dlcourse check exercises/01_neuron/01_neuron.ipynb
```

It runs the visible tests and prints a score per exercise. Hidden tests (edge cases,
other shapes, comparisons with Keras) run when your notebook is graded, so passing the
visible tests is necessary, not sufficient. Written answers are read by your teacher.

## Notebooks

{badges}
"""


class ReleaseError(ValueError):
    """The release cannot be written; nothing was changed."""


def _pyproject(root: Path, repository: str, branch: str) -> str:
    text = (root / "pyproject.toml").read_text()
    text, n = re.subn(r'(?m)^repository\s*=\s*".*"$', f'repository = "{repository}"', text)
    text, m = re.subn(r'(?m)^branch\s*=\s*".*"$', f'branch = "{branch}"', text)
    if n != 1 or m != 1:
        raise ReleaseError("pyproject.toml has no single [tool.dlcourse] repository/branch "
                           "setting to point the release at")
    return text


def release(root: Path, out: Path, repository: str, branch: str = "main",
            title: str = "dlcourse") -> list[Path]:
    """Writes the student edition into ``out``.

    Args:
        root: The course repository (the instructor's, with solutions).
        out: A new or empty folder.
        repository: The URL the class clones (Colab links and set-up cells use it).
        branch: The branch of that repository.
        title: The course title in the student README.

    Returns:
        The notebooks written.

    Raises:
        ReleaseError: If ``out`` is not empty, is inside the course, or the URL is not
            an http(s) address.
    """
    if not re.match(r"^https?://\S+$", repository):
        raise ReleaseError(f"--repository must be an http(s) URL, got {repository!r}")
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; give a new folder (nothing was written)")
    if out == root.resolve() or root.resolve() in out.parents:
        raise ReleaseError(f"{out} is inside the course repository; release outside it")
    if not (root / "solutions").is_dir():
        raise ReleaseError(f"{root} has no solutions/: release from the instructor's repository")
    out.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(root / name, out / name, ignore=_IGNORE)
    (out / "autograder" / "term").mkdir()
    for name in ("__init__.py", "selfcheck.py"):
        shutil.copy2(Path(__file__).with_name(name), out / "autograder" / "term" / name)
    (out / "autograder" / "term" / "commands.py").write_text(_NO_TERM_COMMANDS)
    cli = out / "autograder" / "cli.py"
    text = cli.read_text()
    if text.count(_MAIN_GUARD) != 1:
        raise ReleaseError("autograder/cli.py has no single main guard to patch `check` before")
    cli.write_text(text.replace(_MAIN_GUARD, _CHECK_PATCH + _MAIN_GUARD))
    (out / "pyproject.toml").write_text(_pyproject(root, repository, branch))
    for extra in ("LICENSE", "environment.yml"):
        if (root / extra).is_file():
            shutil.copy2(root / extra, out / extra)
    notebooks = sorted(out.glob("course/*.ipynb")) + sorted(out.glob("exercises/*/*.ipynb"))
    for notebook in notebooks:
        sync_setup_cell(notebook, out)
    modules = available_modules(root)
    (out / "README.md").write_text(STUDENT_README.format(
        title=title, count=len(modules), repository=repository,
        badges=badge_table(out, modules)))
    leaks = find_leaks(root, out, min_length=LEAK_MIN_LENGTH)
    if leaks:
        shutil.rmtree(out)
        raise ReleaseError("the edition would show solution or hidden-test lines; nothing was "
                           "released:\n  " + "\n  ".join(leaks[:20]))
    return notebooks


def secret_lines(root: Path, min_length: int = 1) -> dict[str, str]:
    """Every line a class must not see, with where it comes from.

    Lines inside ``BEGIN SOLUTION``/``END SOLUTION`` and ``BEGIN HIDDEN TESTS``/``END
    HIDDEN TESTS`` regions, and every line of a written answer's model answer, across all
    solution notebooks; stripped, blank and comment-only markers left out.

    Args:
        root: The course repository.
        min_length: Shorter stripped lines are left out.

    Returns:
        ``{line: "module/grade_id"}``.
    """
    import nbformat

    from autograder.course import solution_path
    from autograder.grading.cells import grade_id, is_manual

    secrets: dict[str, str] = {}
    for module in available_modules(root):
        notebook = nbformat.read(solution_path(root, module), as_version=4)
        for cell in notebook.cells:
            where = f"{module}/{grade_id(cell) or 'cell'}"
            inside = is_manual(cell) and "BEGIN SOLUTION" not in cell.source
            for line in cell.source.splitlines():
                text = line.strip()
                if re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", text):
                    inside = "BEGIN" in text
                    continue
                if inside and len(text) >= min_length:
                    secrets.setdefault(text, where)
    return secrets


def find_leaks(root: Path, out: Path, min_length: int = 1) -> list[str]:
    """Secret lines (see :func:`secret_lines`) that appear as a line in ``out``'s files.

    A line that also appears in material that is public by design (the exercises' starter
    and visible tests, the lectures, the course package's own code) is not counted.

    Returns:
        ``"file: line (from module/grade_id)"`` for every leak.
    """
    import nbformat

    secrets = secret_lines(root, min_length)
    public: set[str] = set()
    for notebook in list(root.glob("exercises/*/*.ipynb")) + list(root.glob("course/*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            public.update(line.strip() for line in cell.source.splitlines())
    for source in (root / "autograder").rglob("*.py"):
        public.update(line.strip() for line in source.read_text().splitlines())
    leaks = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.suffix == ".ipynb":
            cells = nbformat.reads(text, as_version=4).cells
            text = "\n".join(c.source for c in cells)
        for line in {line.strip() for line in text.splitlines()}:
            if line in secrets and line not in public:
                leaks.append(f"{path.relative_to(out)}: {line} (from {secrets[line]})")
    return leaks
