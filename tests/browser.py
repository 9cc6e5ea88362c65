"""Headless Chromium for the tests that look at pages as people see them.

Uses Debian's ``chromium`` and ``chromium-driver`` (``make setup`` installs them when it
runs as root with apt-get) through Selenium, pointed at the system driver so that Selenium
never tries to download a browser. Where either is missing, the tests that use the
``browser`` fixture skip with the reason; in CI (``CI`` set) they fail instead, so a
missing browser can never pass as green.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "results" / "screenshots"

# Without the networking flags Chromium keeps trying to reach Google's hosts, which this
# closed network refuses, many connections at a time.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1280,1600")


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not CHROMIUM or not CHROMEDRIVER:
        return ("Debian's chromium and chromium-driver are not installed "
                "(apt-get install chromium chromium-driver)")
    return None


def new_driver(width: int = 1280, height: int = 1600):
    """A headless Chromium WebDriver with a fresh profile.

    Args:
        width: Window width in pixels.
        height: Window height in pixels.

    Returns:
        A ``selenium.webdriver.Chrome``; the caller quits it and removes its
        ``profile_dir``.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    profile = tempfile.mkdtemp(prefix="chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.profile_dir = profile  # removed by the fixture after quit()
    return driver


def screenshot(driver, name: str) -> Path:
    """Saves a PNG of the page under ``results/screenshots/`` and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


@pytest.fixture
def browser():
    """A headless Chromium driver; skipped (or failed in CI) where none is installed."""
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    driver = new_driver()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)
