"""The course site: every lecture executed offline and rendered with Sphinx and MyST-NB.

``make site`` and ``tests/test_site.py`` both call :func:`build_site` (the command line is
``python -m autograder.site``). It stages the sources into ``book/_build/src`` (the
lectures of ``course/``, an index whose table of contents follows the curriculum's module
order, and a page listing the exercises with their Colab badges), then runs Sphinx with
the configuration in ``book/conf.py``.

Lectures are executed by MyST-NB in its ``cache`` mode: jupyter-cache keeps every executed
notebook under ``book/_build/.jupyter_cache/<environment>``, keyed by the notebook's code,
so a rebuild executes only the lectures whose code changed. ``<environment>`` is a
fingerprint of what the lectures' results also depend on (the course package's dataset
and seeding code, the kernels' environment variables, the versions of Keras, NumPy, Matplotlib and scikit-learn), so changing those executes every lecture
again. After the build,
``book/_build/execution.json`` records for every lecture whether it ran, its error, and
how long its execution took; ``SiteBuild.executed_notebook`` gives a lecture with its
outputs.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.colab import SETUP_TAG, colab_url
from autograder.course import MODULES, find_course_root, lecture_path
from autograder.determinism import GRADING_ENVIRONMENT

SITE_DIR = "book"
BUILD_DIR = "book/_build"
REMOVE_TAG = "remove-cell"  # MyST-NB leaves such cells out of the page (they still run)
# Packages whose versions change what a lecture computes or draws.
FINGERPRINT_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib",
                        "scikit-learn")
# Course code that lectures import; a change to it runs the lectures again.
FINGERPRINT_SOURCES = ("autograder/__init__.py", "autograder/determinism.py",
                       "autograder/datasets")


def execution_environment() -> dict[str, str]:
    """The environment variables lectures run with: the grading environment's seeds and
    determinism switches, but Matplotlib's inline backend, since plots are the point."""
    return {k: v for k, v in GRADING_ENVIRONMENT.items() if k != "MPLBACKEND"}


@dataclass
class SiteBuild:
    """Where a built site is and how its lectures ran.

    Attributes:
        root: The course repository.
        html: The folder of the HTML site (``index.html`` at its top).
        srcdir: The folder of the staged sources Sphinx read.
        cache: The jupyter-cache folder of this environment.
        execution: Per lecture module: ``succeeded`` (bool), ``runtime`` (seconds the
            execution took when it ran, cached or not), ``method`` and ``error``.
        returncode: Sphinx's exit status.
        seconds: How long this build took.
        log: Sphinx's output.
    """

    root: Path
    html: Path
    srcdir: Path
    cache: Path
    execution: dict[str, dict] = field(default_factory=dict)
    returncode: int = 0
    seconds: float = 0.0
    log: str = ""

    def executed_notebook(self, module: str):
        """The lecture of ``module`` with the outputs of its execution.

        A lecture that ran cleanly is taken from the execution cache; one that failed
        from the page build's copy, which holds the outputs up to the error.

        Args:
            module: A module name such as ``"01_neuron"``.

        Returns:
            An ``nbformat`` notebook.
        """
        from jupyter_cache import get_cache

        notebook = nbformat.read(self.srcdir / f"{module}.ipynb", as_version=4)
        try:
            _, merged = get_cache(str(self.cache)).merge_match_into_notebook(notebook)
            return merged
        except KeyError:  # not in the cache: its execution failed
            partial = self.html.parent / "jupyter_execute" / f"{module}.ipynb"
            return nbformat.read(partial, as_version=4)

    def failures(self) -> list[str]:
        """Readable reasons why the site is not complete (empty when it is)."""
        problems = []
        if self.returncode != 0:
            problems.append(f"sphinx exited with status {self.returncode}")
        for module in lecture_modules(self.root):
            data = self.execution.get(module)
            if data is None:
                problems.append(f"{module}: the lecture was not executed")
            elif not data.get("succeeded"):
                problems.append(f"{module}: the lecture failed with {data.get('error')}; "
                                f"see {self.html / 'reports' / (module + '.err.log')}")
        return problems


def lecture_modules(root: Path) -> list[str]:
    """The modules of the curriculum that have a lecture in ``course/``, in course order."""
    return [m for m in MODULES if lecture_path(root, m).is_file()]


def environment_fingerprint(root: Path) -> str:
    """A short hash of the course code and package versions that lectures depend on.

    Args:
        root: The course repository.

    Returns:
        Twelve hex digits; the execution cache lives in a folder of this name.
    """
    digest = hashlib.sha256(sys.version.encode())
    digest.update(json.dumps(execution_environment(), sort_keys=True).encode())
    for package in FINGERPRINT_PACKAGES:
        try:
            digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} missing".encode())
    for name in FINGERPRINT_SOURCES:
        path = root / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(str(file.relative_to(root)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _lecture_title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _write_if_changed(path: Path, content: bytes) -> None:
    # Sphinx re-reads a source whose modification time changed: leave unchanged ones alone.
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _index_page(modules: list[str]) -> str:
    lines = [
        "# Deep learning, from the single neuron to transformers",
        "",
        "An open course in fourteen modules on **Keras 3 and TensorFlow**. Each module has a",
        "lecture, shown here as it runs, with its figures and formulas, and an exercise",
        "notebook graded automatically (see [the exercises](exercises.md)). Every lecture",
        "page has a Colab button in its header (the rocket) that opens the notebook itself.",
        "",
        "```{toctree}",
        ":caption: Lectures",
        ":maxdepth: 1",
        "",
        *modules,
        "```",
        "",
        "```{toctree}",
        ":caption: Practice",
        ":maxdepth: 1",
        "",
        "exercises",
        "```",
        "",
    ]
    return "\n".join(lines)


def _exercises_page(root: Path, modules: list[str], titles: dict[str, str]) -> str:
    badge = '<img src="_static/colab-badge.svg" alt="Open In Colab" height="20">'
    rows = []
    for module in modules:
        exercise = f"exercises/{module}/{module}.ipynb"
        cells = [f"<td><code>{module}</code></td>",
                 f'<td><a href="{module}.html">{titles.get(module) or module}</a></td>',
                 f'<td><a href="{colab_url(root, f"course/{module}.ipynb")}">{badge}</a></td>']
        if (root / exercise).is_file():
            cells.append(f'<td><a class="exercise-colab" href="{colab_url(root, exercise)}">'
                         f"{badge}</a></td>")
        else:
            cells.append("<td>–</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join([
        "# Exercises",
        "",
        "Each module's exercise notebook asks for the functions of the course contract and",
        "checks them as you go. Open it in Colab, or locally with `make lab`; grade your own",
        "notebook, hidden tests included, with `dlcourse check exercises/NN_name/NN_name.ipynb`.",
        "",
        '<table class="table exercises">',
        "<thead><tr><th>module</th><th>lecture</th><th>lecture in Colab</th>"
        "<th>exercise in Colab</th></tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "",
    ])


def stage_sources(root: Path, srcdir: Path) -> list[str]:
    """Writes the Sphinx sources: the lectures, the index and the exercises page.

    Only files whose content changed are rewritten. In the staged copy of a lecture its
    Colab set-up cell is tagged ``remove-cell`` (it runs, but the page leaves it out: the
    page's Colab button opens the notebook itself); its code is unchanged, so the
    execution cache still matches.

    Args:
        root: The course repository.
        srcdir: The folder Sphinx reads.

    Returns:
        The staged lecture modules, in course order.
    """
    modules = lecture_modules(root)
    if not modules:
        raise FileNotFoundError(f"no lecture notebooks in {root / 'course'} "
                                f"(expected course/NN_name.ipynb for the modules {MODULES})")
    srcdir.mkdir(parents=True, exist_ok=True)
    titles = {}
    for module in modules:
        notebook = nbformat.read(lecture_path(root, module), as_version=4)
        titles[module] = _lecture_title(notebook)
        for cell in notebook.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if SETUP_TAG in tags and REMOVE_TAG not in tags:
                cell.metadata["tags"] = [*tags, REMOVE_TAG]
        _write_if_changed(srcdir / f"{module}.ipynb", nbformat.writes(notebook).encode())
    for stale in srcdir.glob("*.ipynb"):
        if stale.stem not in modules:
            stale.unlink()
    _write_if_changed(srcdir / "index.md", _index_page(modules).encode())
    _write_if_changed(srcdir / "exercises.md",
                      _exercises_page(root, modules, titles).encode())
    return modules


def build_site(root: Path | None = None, *, quiet: bool = True) -> SiteBuild:
    """Builds the course site (executing only the lectures whose code changed).

    Args:
        root: The course repository; found from the working directory when None.
        quiet: Capture Sphinx's output into ``SiteBuild.log`` instead of printing it.

    Returns:
        The build's :class:`SiteBuild`; check ``failures()``.
    """
    root = Path(root) if root else find_course_root()
    build = root / BUILD_DIR
    build.mkdir(parents=True, exist_ok=True)
    # One build at a time per checkout: two Sphinx runs on one output folder and one
    # jupyter-cache database corrupt each other; the second then finds the cache filled.
    with open(build / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build_locked(root, build, quiet)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_locked(root: Path, build: Path, quiet: bool) -> SiteBuild:
    # Lectures execute one after the other (no -j): their run times are then comparable
    # with the budgets of tests/test_notebooks.py.
    srcdir, html = build / "src", build / "html"
    stage_sources(root, srcdir)
    report = build / "execution.json"
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(root / SITE_DIR),
               "-d", str(build / "doctrees"), "--keep-going",
               str(srcdir), str(html)]
    began = time.monotonic()
    env = {"DLCOURSE_ROOT": str(root)}
    caches, current = build / ".jupyter_cache", environment_fingerprint(root)
    for stale in caches.glob("*") if caches.is_dir() else []:
        if stale.name != current:  # results computed in another environment
            shutil.rmtree(stale, ignore_errors=True)
    completed = subprocess.run(command, cwd=root, env={**os.environ, **env},
                               capture_output=quiet, text=True)
    seconds = time.monotonic() - began
    execution = json.loads(report.read_text()) if report.is_file() else {}
    log = (completed.stdout or "") + (completed.stderr or "") if quiet else ""
    return SiteBuild(root=root, html=html, srcdir=srcdir, cache=caches / current,
                     execution=execution, returncode=completed.returncode,
                     seconds=seconds, log=log)


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.site``: builds the site and prints each lecture's time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true",
                        help="delete the site and its execution cache first")
    args = parser.parse_args(argv)
    root = find_course_root()
    if args.clean:
        shutil.rmtree(root / BUILD_DIR, ignore_errors=True)
    result = build_site(root, quiet=False)
    for module, data in result.execution.items():
        state = "ok" if data.get("succeeded") else f"FAILED ({data.get('error')})"
        origin = "from the cache" if data.get("cached") else "ran now"
        print(f"  {module:<20} {state:<8} {data.get('runtime') or 0:6.1f} s ({origin})")
    print(f"site built in {result.seconds:.1f} s: {result.html / 'index.html'}")
    problems = result.failures()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
