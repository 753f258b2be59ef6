"""The moderators' HTML report, in a real headless browser (Debian's chromium, installed by .ci/run)."""

import json
import os
import shutil

import pytest
from helpers import jsonl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("HEALTHCLAIMS_REQUIRE_BROWSER") == "1"

if not (CHROMIUM and CHROMEDRIVER):
    if REQUIRED:
        raise RuntimeError("chromium and chromedriver are required (HEALTHCLAIMS_REQUIRE_BROWSER=1)")
    pytest.skip("chromium/chromedriver not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")

POSTS = [
    {"id": "calm", "text": "Our kava drops relieve anxiety. They are completely safe with no side effects."},
    {"id": "burn", "text": "These gummies melt belly fat while you sleep."},
    {
        "id": "hostile",
        "text": (
            '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
            '<a href="javascript:window.pwned = 3">click</a> Our tea cures migraines.'
        ),
    },
    {"id": "quiet", "text": "Nice weather for a walk today."},
]


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture()
def page(tmp_path, run_cli, browser):
    posts = jsonl(tmp_path / "posts.jsonl", POSTS)
    report = tmp_path / "report.html"
    code, _, _ = run_cli("scan", "--format", "html", "--output", str(report), str(posts))
    assert code == 1
    browser.get(report.as_uri())
    browser.expected = json.loads(run_cli("scan", "--format", "json", str(posts))[1])["summary"]["findings"]
    return browser


def visible(driver, selector):
    return [e for e in driver.find_elements("css selector", selector) if e.is_displayed()]


def test_page_loads_without_console_errors(page):
    severe = [entry for entry in page.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    assert page.title == "healthclaims report"
    assert len(visible(page, "article.finding")) == page.expected >= 5
    assert page.find_element("id", "summary").text.startswith("category")


def test_filters(page):
    from selenium.webdriver.support.ui import Select

    Select(page.find_element("id", "filter-category")).select_by_value("weight_loss")
    cards = visible(page, "article.finding")
    assert [c.get_attribute("data-category") for c in cards] == ["weight_loss"]
    assert page.find_element("id", "shown").text == "1"
    assert [s.find_element("tag name", "h2").text for s in visible(page, "section.document")] == ["burn"]
    Select(page.find_element("id", "filter-category")).select_by_value("")
    Select(page.find_element("id", "filter-severity")).select_by_value("medium")
    assert {c.get_attribute("data-severity") for c in visible(page, "article.finding")} == {"medium"}
    Select(page.find_element("id", "filter-severity")).select_by_value("")
    assert len(visible(page, "article.finding")) == page.expected


def test_hostile_document_executes_nothing(page):
    assert page.execute_script("return window.pwned === undefined")
    assert page.find_elements("css selector", "section img, section a[href^='javascript']") == []
    hostile = [
        s
        for s in page.find_elements("css selector", "section.document")
        if s.find_element("tag name", "h2").text == "hostile"
    ][0]
    assert "<script>window.pwned = 1</script>" in hostile.text
    for link in page.find_elements("css selector", "a"):
        assert link.get_attribute("href").startswith(("http://", "https://"))
