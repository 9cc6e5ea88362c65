"""Writes ``<build>/execution.json``: how each notebook page's execution went.

MyST-NB keeps, per page, whether the notebook ran, its error and its run time (for a page
taken from the cache, the time of the run that filled it). ``autograder/site.py`` and
``tests/test_notebooks.py`` read this file. A page whose execution failed is read again
on the next build, so a lecture that failed for a passing reason is retried.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from myst_nb.sphinx_ import NbMetadataCollector

STARTED = time.time()


def _retry_failed(app, env, added, changed, removed):
    failed = []
    for docname in env.found_docs:
        data = NbMetadataCollector.get_exec_data(env, docname) if docname in getattr(
            env, "nb_metadata", {}) else None
        if data and not data.get("succeeded"):
            failed.append(docname)
    return failed


def _write(app, exception) -> None:
    env = app.env
    report = {}
    for docname in sorted(env.found_docs):
        data = NbMetadataCollector.get_exec_data(env, docname) if docname in getattr(
            env, "nb_metadata", {}) else None
        if data:
            report[docname] = {
                "succeeded": bool(data.get("succeeded")),
                "runtime": data.get("runtime"),
                "method": data.get("method"),
                "error": data.get("error"),
                # executed before this build started: taken from the cache or from the
                # previous build's pages
                "cached": (data.get("mtime") or 0) < STARTED,
            }
    Path(app.outdir).parent.joinpath("execution.json").write_text(
        json.dumps(report, indent=1))


def setup(app):
    """Registers the retry of failed pages and the report."""
    app.connect("env-get-outdated", _retry_failed)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
