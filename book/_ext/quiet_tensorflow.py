"""Leaves TensorFlow's start-up log lines out of the pages' stderr outputs.

When a kernel first imports TensorFlow, its C++ runtime writes lines such as ``I0000 ...
oneDNN custom operations are on`` to stderr before its logging is configured, so
``TF_CPP_MIN_LOG_LEVEL`` cannot silence them, and the notebook shows them under the cell.
They say nothing to a student. Other stderr (Python warnings) stays on the page.
"""

from __future__ import annotations

import re

from docutils import nodes

NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
    r"STDERR|[IWE]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] .*)$")


def strip_noise(text: str) -> str:
    """``text`` without TensorFlow's C++ log lines."""
    return "\n".join(line for line in text.splitlines() if not NOISE.match(line))


def _clean(app, doctree) -> None:
    for block in list(doctree.findall(nodes.literal_block)):
        if "stderr" not in block["classes"]:
            continue
        text = strip_noise(block.astext())
        if text.strip():
            block.children = [nodes.Text(text)]
            block.rawsource = text
        else:
            block.parent.remove(block)


def setup(app):
    """Cleans every page's stderr outputs once the page has been read."""
    app.connect("doctree-read", _clean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
