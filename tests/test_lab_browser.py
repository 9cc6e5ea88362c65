"""JupyterLab as `make lab` starts it, used through headless Chromium like a person would.

One server for the module (`make lab-server`, the recipe `make lab` runs after `setup`,
with a free port and a known token): open an exercise, run all cells and read the first
test's message; click nbgrader's Validate and read its result; open Formgrader and see
every module; type `dlcourse` in a terminal. The exercise is a copy under `results/`
(ignored by git), so nothing of the course is changed by the run.
"""

from __future__ import annotations

import os
import secrets
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
    port, token = _free_port(), secrets.token_hex(16)
    log = WORK / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # make lab must put .venv/bin there itself
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(WORK / "workspaces")  # not the user's open tabs
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab-server",
         f"LAB_ARGS=--no-browser --port={port} --ServerApp.port_retries=0 "
         f"--IdentityProvider.token={token}"],
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


def _click_menu(driver, menu: str, item: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f"//li[contains(@class,'lm-MenuBar-item')]"
                                  f"[.//div[text()='{menu}']]").click()
    _wait_until(lambda: driver.find_element(
        By.XPATH, f"//li[contains(@class,'lm-Menu-item')][.//div[text()='{item}']]"),
        10, f"menu item {item}").click()


def test_lab_as_students_and_instructors_use_it(lab, browser):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, token, log = lab
    browser.set_window_size(1400, 1000)
    browser.get(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    _wait_until(lambda: browser.find_element(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"), 120,
                "the notebook")

    # JupyterLab up to 4.5 writes "Python 3 (ipykernel) | Idle" in the status bar; 4.6 shows
    # the state on the notebook's execution indicator only.
    _wait_until(lambda: browser.find_elements(
        By.CSS_SELECTOR, '.jp-Notebook-ExecutionIndicator[data-status="idle"]') or any(
        "| Idle" in item.text for item in browser.find_elements(
            By.CSS_SELECTOR, ".jp-StatusBar-TextItem")), 120, "the kernel to be ready")

    # Run all cells (JupyterLab stops at the first error): the first test's message is the
    # readable one, without the grader's frames.
    _click_menu(browser, "Run", "Run All Cells")

    def first_failure():
        for output in browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"):
            if "CheckFailure" in output.text:
                return output
        return None

    output = _wait_until(first_failure, 240, "the first test's message")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", output)
    message = output.text
    assert "line(2.0, m=3.0, c=1.0): values differ" in message, message
    assert "expected: 7" in message and "got:      6" in message, message
    assert "checks.py" not in message, message
    screenshot(browser, "lab_run_all")

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
    _click_menu(browser, "Nbgrader", "Assignment List")

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

    # A terminal, opened from the menu, resolves `dlcourse`.
    browser.find_element(By.XPATH, "//li[contains(@class,'lm-MenuBar-item')]"
                                   "[.//div[text()='File']]").click()
    new = _wait_until(lambda: browser.find_element(
        By.XPATH, "//li[contains(@class,'lm-Menu-item')][.//div[text()='New']]"), 10, "File > New")
    ActionChains(browser).move_to_element(new).perform()
    _wait_until(lambda: browser.find_element(
        By.XPATH, "//li[contains(@class,'lm-Menu-item')][.//div[text()='Terminal']]"), 10,
        "File > New > Terminal").click()
    terminal = _wait_until(lambda: browser.find_element(By.CSS_SELECTOR, ".jp-Terminal .xterm"),
                           60, "the terminal")
    time.sleep(2)  # the shell prints its prompt
    terminal.click()
    typed = browser.find_element(By.CSS_SELECTOR, ".jp-Terminal .xterm-helper-textarea")
    typed.send_keys("command -v dlcourse | tee results/lab-test/terminal.txt && dlcourse --help "
                    ">> results/lab-test/terminal.txt" + Keys.ENTER)
    try:
        result = _wait_until(lambda: "usage:" in (WORK / "terminal.txt").read_text() and
                             (WORK / "terminal.txt").read_text(), 60, "dlcourse in the terminal")
    finally:
        screenshot(browser, "lab_terminal")
    assert result.splitlines()[0] == str(ROOT / ".venv" / "bin" / "dlcourse"), result
    assert "check" in result and "grade" in result
