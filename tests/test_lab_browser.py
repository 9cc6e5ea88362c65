"""JupyterLab as `make lab` starts it, used through headless Chromium like a person would.

One server for the module (`make lab-server`, the recipe `make lab` runs after `setup`,
with a free port and a known token): open an exercise, run all cells and read the first
test's message; click nbgrader's Validate and read its result; open Formgrader and see
every module; run `dlcourse` in a terminal. Actions go through JupyterLab's command registry
(the commands its menus run), so a click lost under load cannot fail the test. The exercise is a copy under `results/`
(ignored by git), so nothing of the course is changed by the run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import nbformat
import pytest

from autograder.course import available_modules
from autograder.grading import cells as C
from tests.browser import browser, missing_reason, screenshot  # noqa: F401 - the fixture
from tests.conftest import ROOT

WORK = ROOT / "results" / "lab-test"
NOTEBOOK = "results/lab-test/01_neuron.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(condition, seconds: float, what: str, poll: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - not there yet
            value = None
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def lab():
    """`make lab-server` on a free loopback port; yields (base URL, token, log path)."""
    if missing_reason():  # as the browser fixture: skip on a laptop, fail in CI
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing_reason()}")
        pytest.skip(missing_reason())
    WORK.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.read(ROOT / "exercises" / "01_neuron" / "01_neuron.ipynb", 4)
    for cell in notebook.cells:
        if C.grade_id(cell) == "line":  # a wrong answer: the first test fails readably
            cell.source = "def line(x, m, c):\n    return m * x"
    nbformat.write(notebook, WORK / "01_neuron.ipynb")
    (WORK / "terminal.txt").unlink(missing_ok=True)
    shutil.rmtree(WORK / "workspaces", ignore_errors=True)  # no tabs restored from a last run
    port, token = _free_port(), secrets.token_hex(16)
    log = WORK / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # make lab must put .venv/bin there itself
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(WORK / "workspaces")  # not the user's open tabs
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab-server",
         f"LAB_ARGS=--no-browser --port={port} --ServerApp.port_retries=0 "
         f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: urllib.request.urlopen(f"{base}/api/status?token={token}",
                                                   timeout=5).status == 200,
                    180, f"JupyterLab on port {port} (log: {log})")
        yield base, token, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _command(driver, command: str, widget: str | None = None) -> None:
    """Runs a JupyterLab command, as its menu item or shortcut would.

    Menus are opened by hover and click timing; under load a click was lost about one run
    in five. The command registry (exposed with ``--LabApp.expose_app_in_browser``) runs the
    same command the menu item runs, so what the test then reads is what the user sees.

    Args:
        driver: The Selenium driver on a JupyterLab page.
        command: The command's id, e.g. ``notebook:run-all-cells``.
        widget: The title of a main-area tab to activate first (the notebook commands act
            on the active notebook, and a headless page may have given focus to none).
    """
    # Not awaited: run-all-cells settles only when the last cell has run. A failure is kept
    # in window.__commandErrors for the assertion messages.
    problem = driver.execute_script(
        "const app = window.jupyterapp, id = arguments[0], title = arguments[1];"
        "if (!app.commands.hasCommand(id)) return 'JupyterLab has no command ' + id;"
        "if (title) {"
        "  const tab = Array.from(app.shell.widgets('main')).find("
        "    (w) => w.title.label === title);"
        "  if (!tab) return 'no tab ' + title;"
        "  app.shell.activateById(tab.id);"
        "}"
        "app.commands.execute(id).catch((e) => {"
        "  (window.__commandErrors = window.__commandErrors || []).push(id + ': ' + e); });"
        "return null;", command, widget)
    assert problem is None, problem


def test_lab_as_students_and_instructors_use_it(lab, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    base, token, log = lab
    browser.set_window_size(1400, 1000)
    browser.get(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    _wait_until(lambda: browser.find_element(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"), 120,
                "the notebook")

    # The status bar's "Idle" (or 4.6's execution indicator) shows before the page's
    # connection to the kernel is up, and Run All then skips every cell without a word:
    # wait for the notebook's own session to be ready with a connected, idle kernel.
    _wait_until(lambda: browser.execute_script(
        "const app = window.jupyterapp; if (!app) return false;"
        "const tab = Array.from(app.shell.widgets('main')).find("
        "  (w) => w.title.label === arguments[0]);"
        "const context = tab && tab.sessionContext;"
        "const kernel = context && context.session && context.session.kernel;"
        "return !!kernel && context.isReady && kernel.connectionStatus === 'connected' &&"
        "  kernel.status === 'idle';", NOTEBOOK.rsplit("/", 1)[1]), 120, "the kernel to be ready")

    # Run all cells (JupyterLab stops at the first error): the first test's message is the
    # readable one, without the grader's frames.
    _command(browser, "notebook:run-all-cells", NOTEBOOK.rsplit("/", 1)[1])

    def first_failure():
        for output in browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"):
            if "CheckFailure" in output.text:
                return output
        return None

    try:
        output = _wait_until(first_failure, 240, "the first test's message")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", output)
    finally:
        screenshot(browser, "lab_run_all")
    assert not browser.execute_script("return window.__commandErrors"), "command failed"
    message = output.text
    assert "line(2.0, m=3.0, c=1.0): values differ" in message, message
    assert "expected: 7" in message and "got:      6" in message, message
    assert "checks.py" not in message, message

    # nbgrader's Validate button: saves, runs the notebook on the server, shows a dialog.
    browser.find_element(By.CSS_SELECTOR, ".validate-button").click()
    dialog = _wait_until(lambda: browser.find_element(By.CSS_SELECTOR, ".jp-Dialog-content"),
                         300, "Validate's result")
    text = dialog.text
    screenshot(browser, "lab_validate")
    assert "Validation failed" in text or "failed" in text.lower(), text
    assert "CheckFailure" in text or "NotImplementedError" in text, text
    dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-footer button").click()

    # Formgrader: its API needs `alembic` on PATH; every module is listed.
    browser.get(f"{base}/formgrader")
    modules = available_modules(ROOT)

    def listed():
        page = browser.find_element(By.TAG_NAME, "body").text
        return all(m in page for m in modules) and "Loading, please wait" not in page

    try:
        _wait_until(listed, 120, "Formgrader's list of assignments")
    finally:
        screenshot(browser, "lab_formgrader")
    assert "500 GET /formgrader/api" not in log.read_text()

    # nbgrader's Assignment List: the course's exchange exists, the modules are released.
    browser.get(f"{base}/lab")
    _wait_until(lambda: browser.find_element(By.CSS_SELECTOR, ".lm-MenuBar-item"), 120,
                "JupyterLab")
    _wait_until(lambda: browser.execute_script("return !!window.jupyterapp"), 60, "the app")
    _command(browser, "nbgrader:open-assignment-list")

    def released():
        # The file browser also shows "01_neuron": wait for the panel itself to load.
        text = browser.find_element(By.TAG_NAME, "body").text
        loaded = "Released assignments" in text and "Loading, please wait" not in text
        return loaded and (all(m in text for m in modules) or "Error" in text) and text

    try:
        panel = _wait_until(released, 120, "the Assignment List")
    finally:
        screenshot(browser, "lab_assignment_list")
    assert "Error fetching courses" not in panel and "does not exist" not in panel, panel
    assert all(m in panel for m in modules), panel

    # A terminal (File > New > Terminal runs this command) resolves `dlcourse`. The line is
    # sent on the terminal's own websocket, as xterm.js sends keystrokes: typing into the
    # canvas was refused ("element not interactable") while xterm was still laying out.
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.jupyterapp.commands.execute('terminal:create-new')"
        "  .then((w) => { window.__terminal = w; done(); });")
    _wait_until(lambda: browser.execute_script(
        "const t = window.__terminal;"
        "return t.content.session.connectionStatus === 'connected' &&"
        "  !!document.querySelector('.jp-Terminal .xterm-screen');"), 60, "the terminal")
    time.sleep(1)  # the shell prints its prompt
    browser.execute_script(
        "window.__terminal.content.session.send({type: 'stdin', content: [arguments[0]]});",
        "command -v dlcourse | tee results/lab-test/terminal.txt && dlcourse --help "
        ">> results/lab-test/terminal.txt\r")
    try:
        result = _wait_until(lambda: "usage:" in (WORK / "terminal.txt").read_text() and
                             (WORK / "terminal.txt").read_text(), 60, "dlcourse in the terminal")
    finally:
        screenshot(browser, "lab_terminal")
    assert result.splitlines()[0] == str(ROOT / ".venv" / "bin" / "dlcourse"), result
    assert "check" in result and "grade" in result
