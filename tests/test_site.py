"""The course site (``make site``): built offline, and seen in a browser as students see it.

The build is shared with tests/test_notebooks.py (see tests/sitebuild.py). The browser
tests serve the site from a local HTTP server and open it in headless Chromium: each
lecture must show its figures, no error output and typeset formulas, and no page may
load anything from outside the site (the network is closed at view time too).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import nbformat
import pytest

from autograder.colab import COLAB_BADGE, SETUP_TAG, colab_url
from autograder.course import MODULES
from autograder.site import (REMOVE_TAG, build_site, environment_fingerprint,
                             lecture_modules, stage_sources)
from tests.browser import browser, screenshot  # noqa: F401  (browser is a fixture)
from tests.conftest import ROOT
from tests.sitebuild import built_site

CURRICULUM = ROOT.parent / "shared" / "CURRICULUM.md"
EXTERNAL = re.compile(r"""<(?:script|img|iframe)\b[^>]*\bsrc=["']https?://|"""
                      r"""<link\b[^>]*\bhref=["']https?://[^>]*>""", re.I)

def curriculum_modules() -> list[str]:
    """The modules in the order of the curriculum's headings (``## NN_name — ...``)."""
    if not CURRICULUM.is_file():
        return list(MODULES)
    return re.findall(r"^## (\d\d_[a-z0-9_]+) ", CURRICULUM.read_text(), re.M)


# --- staging: fast, no build ------------------------------------------------------------

def test_staged_sources_follow_the_curriculum(tmp_path):
    modules = stage_sources(ROOT, tmp_path)
    assert modules == [m for m in curriculum_modules() if (ROOT / "course" / f"{m}.ipynb")
                       .is_file()]
    assert len(curriculum_modules()) == 14
    index = (tmp_path / "index.md").read_text()
    toc = re.findall(r"^(\d\d_[a-z0-9_]+)$", index, re.M)
    assert toc == modules, f"the index lists {toc}, the curriculum {modules}"

    exercises = (tmp_path / "exercises.md").read_text()
    for module in modules:
        exercise = f"exercises/{module}/{module}.ipynb"
        if (ROOT / exercise).is_file():
            assert colab_url(ROOT, exercise) in exercises, f"no Colab link for {exercise}"
        assert colab_url(ROOT, f"course/{module}.ipynb") in exercises
    assert COLAB_BADGE not in exercises, "the badge must be the site's own copy (offline)"


def test_staged_lecture_keeps_its_code_and_hides_the_setup_cell(tmp_path):
    module = lecture_modules(ROOT)[0]
    stage_sources(ROOT, tmp_path)
    original = nbformat.read(ROOT / "course" / f"{module}.ipynb", as_version=4)
    staged = nbformat.read(tmp_path / f"{module}.ipynb", as_version=4)
    assert [c.source for c in staged.cells] == [c.source for c in original.cells]
    setup = [c for c in staged.cells if SETUP_TAG in c.metadata.get("tags", [])]
    assert setup and all(REMOVE_TAG in c.metadata["tags"] for c in setup)


def test_restaging_leaves_unchanged_sources_alone(tmp_path):
    stage_sources(ROOT, tmp_path)
    (tmp_path / "99_gone.ipynb").write_text("{}")
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    stage_sources(ROOT, tmp_path)
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert "99_gone.ipynb" not in after, "a lecture no longer in course/ must leave the site"
    del before["99_gone.ipynb"]
    assert after == before, "unchanged sources were rewritten (Sphinx would re-read them)"


def test_execution_cache_depends_on_the_course_code(tmp_path):
    (tmp_path / "autograder" / "datasets").mkdir(parents=True)
    data = tmp_path / "autograder" / "datasets" / "digits.py"
    data.write_text("SEED = 0\n")
    first = environment_fingerprint(tmp_path)
    assert environment_fingerprint(tmp_path) == first
    data.write_text("SEED = 1\n")
    assert environment_fingerprint(tmp_path) != first


def _notebook(*sources: str):
    cells = [nbformat.v4.new_markdown_cell("# A lecture\n\nWith $x^2$.")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


@pytest.mark.notebooks
def test_a_failing_lecture_fails_the_build_and_is_retried(tmp_path):
    """A small course of two lectures, one of which raises, built twice."""
    (tmp_path / "course").mkdir()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "nbgrader_config.py").write_text("")
    shutil.copytree(ROOT / "book", tmp_path / "book",
                    ignore=shutil.ignore_patterns("_build", "__pycache__"))
    plot = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0]); plt.show()"
    nbformat.write(_notebook(plot), tmp_path / "course" / "01_neuron.ipynb")
    nbformat.write(_notebook("print('before')", "1 / 0", plot),
                   tmp_path / "course" / "02_forward.ipynb")

    first = build_site(tmp_path)
    assert first.execution["01_neuron"]["succeeded"], first.log[-3000:]
    assert not first.execution["02_forward"]["succeeded"]
    assert [f for f in first.failures() if f.startswith("02_forward")], first.failures()
    assert len(first.failures()) == 1, first.failures()
    partial = first.executed_notebook("02_forward")
    assert [o["ename"] for o in partial.cells[2].outputs] == ["ZeroDivisionError"]
    good = first.executed_notebook("01_neuron")
    assert "image/png" in good.cells[1].outputs[0]["data"]
    assert (first.html / "02_forward.html").is_file(), "a failing lecture still gets a page"

    second = build_site(tmp_path)
    assert second.execution["01_neuron"]["cached"]
    assert not second.execution["02_forward"]["cached"], "a failed lecture must run again"
    assert not second.execution["02_forward"]["succeeded"]


# --- the built site ---------------------------------------------------------------------

@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_site_builds_with_every_lecture():
    site = built_site()
    print(f"site built in {site.seconds:.1f} s")
    assert not site.failures(), "\n".join(site.failures()) + "\n" + site.log[-3000:]
    for module in lecture_modules(ROOT):
        assert (site.html / f"{module}.html").is_file(), f"no page for {module}"
    assert (site.html / "exercises.html").is_file()
    assert (site.html / "searchindex.js").is_file(), "the site has no search index"
    assert (site.html / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_no_page_loads_anything_from_outside():
    site = built_site()
    offenders = {}
    for page in site.html.rglob("*.html"):
        found = EXTERNAL.findall(page.read_text(errors="replace"))
        if found:
            offenders[str(page.relative_to(site.html))] = found[:3]
    assert not offenders, f"pages that need the network: {offenders}"


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_each_lecture_page_opens_its_notebook_in_colab():
    site = built_site()
    for module in lecture_modules(ROOT):
        page = (site.html / f"{module}.html").read_text()
        links = set(re.findall(r'https://colab\.research\.google\.com/github/[^"]+', page))
        assert links == {colab_url(ROOT, f"course/{module}.ipynb")}, (module, links)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site():
    """The built site on a local HTTP server; yields its base URL."""
    site = built_site()
    handler = functools.partial(_QuietHandler, directory=str(site.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Waits for MathJax (when the page has it) and for every image, then reports the page.
_INSPECT = """
const done = arguments[arguments.length - 1];
(async () => {
  // Under load the script can run before the page's body exists: wait for the document.
  while (!document.body || document.readyState === 'loading') {
    await new Promise(r => setTimeout(r, 100));
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const main = document.querySelector('article') || document.body;
  const images = Array.from(main.querySelectorAll('img'));
  await Promise.all(images.map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  const origin = location.origin;
  return {
    title: document.title,
    images: images.map(i => ({src: i.getAttribute('src'), width: i.naturalWidth})),
    tracebacks: main.querySelectorAll('.output.traceback').length,
    math: main.querySelectorAll('.math').length,
    typeset: main.querySelectorAll('mjx-container').length,
    mathErrors: Array.from(main.querySelectorAll('mjx-merror'))
        .map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    outside: performance.getEntriesByType('resource').map(e => e.name)
        .filter(n => !n.startsWith(origin) && !n.startsWith('data:')),
  };
})().then(done, e => done({failed: String(e)}));
"""


def _open(driver, url: str) -> dict:
    driver.set_script_timeout(60)
    driver.get(url)
    report = driver.execute_async_script(_INSPECT)
    assert "failed" not in report, f"{url}: {report['failed']}"
    return report


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_index_lists_the_lectures_in_course_order(browser, served_site):  # noqa: F811
    from selenium.webdriver.common.by import By

    report = _open(browser, served_site + "/index.html")
    screenshot(browser, "site_index")
    assert not report["outside"], f"the index loaded {report['outside']}"
    links = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, "article .toctree-wrapper a")]
    pages = [re.sub(r"\.html$", "", link.rsplit("/", 1)[-1]) for link in links]
    lectures = [p for p in pages if re.match(r"\d\d_", p)]
    assert lectures == [m for m in curriculum_modules() if m in lecture_modules(ROOT)]


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_exercises_page_shows_colab_badges(browser, served_site):  # noqa: F811
    report = _open(browser, served_site + "/exercises.html")
    screenshot(browser, "site_exercises")
    badges = [i for i in report["images"] if "colab-badge" in i["src"]]
    exercises = [m for m in lecture_modules(ROOT)
                 if (ROOT / "exercises" / m / f"{m}.ipynb").is_file()]
    assert len(badges) == len(lecture_modules(ROOT)) + len(exercises)
    assert all(b["width"] > 0 for b in badges), "a Colab badge did not load"
    assert not report["outside"]


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
def test_search_finds_a_lecture(browser, served_site):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(served_site + "/search.html?q=backpropagation")
    results = WebDriverWait(browser, 30).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "#search-results ul.search li")))
    screenshot(browser, "site_search")
    pages = {r.find_element(By.TAG_NAME, "a").get_attribute("href").rsplit("/", 1)[-1]
             .split("?")[0] for r in results}
    assert "04_backprop.html" in pages, f"searching 'backpropagation' found {pages}"


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("module", MODULES)
def test_lecture_page_shows_figures_and_formulas(browser, served_site, module):  # noqa: F811
    from selenium.webdriver.common.by import By

    if module not in lecture_modules(ROOT):
        pytest.fail(f"course/{module}.ipynb is missing")
    report = _open(browser, f"{served_site}/{module}.html")
    figures = [i for i in report["images"] if "_images/" in (i["src"] or "")]
    if figures:
        first = browser.find_element(By.CSS_SELECTOR, "article img[src*='_images/']")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    screenshot(browser, f"site_{module}")
    print(f"{module}: {len(figures)} figures, {report['typeset']} formulas typeset")
    assert figures, f"{module}'s page shows no figure"
    broken = [i["src"] for i in report["images"] if i["width"] == 0]
    assert not broken, f"{module}: images that did not load: {broken}"
    assert report["tracebacks"] == 0, f"{module}'s page shows {report['tracebacks']} errors"
    lecture = nbformat.read(ROOT / "course" / f"{module}.ipynb", as_version=4)
    if any("$" in c.source for c in lecture.cells if c.cell_type == "markdown"):
        assert report["math"] > 0, f"{module}'s lecture has formulas, its page none"
    assert report["typeset"] >= report["math"], (
        f"{module}: {report['math']} formulas but {report['typeset']} typeset by MathJax")
    assert not report["mathErrors"], f"{module}: MathJax errors {report['mathErrors']}"
    assert not report["outside"], f"{module} loaded {report['outside']} from outside"
