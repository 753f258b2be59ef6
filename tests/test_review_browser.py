"""The review queue in a real headless browser (Debian's chromium, installed by .ci/run): log in,
decide with the keyboard, correct a product, export, and score the export with ``healthclaims eval``.
A post holding a <script> and an onerror attribute executes nothing."""

from __future__ import annotations

import json

import pytest
from helpers import headless_chrome, jsonl, require_browser
from test_review_support import BACKENDS, POSTS, LiveServer, database, open_db

CHROMIUM, CHROMEDRIVER = require_browser()
pytest.importorskip("flask")


@pytest.fixture(scope="module")
def browser():
    driver = headless_chrome(CHROMIUM, CHROMEDRIVER, "1100,900")
    yield driver
    driver.quit()


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    yield from database(request.param, tmp_path)


def press(driver, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def shown_item(driver) -> str:
    return driver.find_element("id", "item").get_attribute("data-id")


def press_and_wait(driver, keys: str, modifier: str | None = None) -> None:
    """Press keys (with a modifier held) that submit a form, and wait for the next page."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element("tag name", "html")
    if modifier:
        ActionChains(driver).key_down(modifier).send_keys(keys).key_up(modifier).perform()
    else:
        press(driver, keys)
    WebDriverWait(driver, 20).until(lambda d: _gone(page))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _gone(page) -> bool:
    """Whether the old page is gone. Chrome may answer a question about an element of a page it is
    leaving with "Node with given id does not belong to the document" rather than a stale element
    error; both mean the page was replaced."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        page.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def untouched(driver) -> None:
    """Nothing from a scanned post ran, and the page logged no error (a CSP violation would be one)."""
    assert driver.execute_script("return typeof window.pwned") == "undefined"
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_moderator_decides_with_the_keyboard_and_the_export_scores(db, tmp_path, run_cli, browser):
    from analyzer.review.store import add_user
    from analyzer.review.web import create_app

    posts = jsonl(tmp_path / "posts.jsonl", POSTS)
    report = tmp_path / "report.jsonl"
    assert run_cli("scan", "--format", "jsonl", "-o", str(report), "--exit-zero", str(posts))[0] == 0
    assert run_cli("review", "import", str(report), "--db", db)[0] == 0
    engine = open_db(db)
    add_user(engine, "mod", "mod-password-1")
    with LiveServer(create_app(engine, require_login=True)) as server:
        browser.get(server.url + "/")
        assert "/login" in browser.current_url  # every page needs a login
        browser.find_element("id", "name").send_keys("mod")
        browser.find_element("id", "password").send_keys("mod-password-1")
        press_and_wait(browser, "\n")
        assert browser.find_element("id", "progress").text.startswith("0 of 5 decided")
        untouched(browser)
        _decide(browser)
        assert browser.find_element("id", "progress").text.startswith("5 of 5 decided")
        untouched(browser)
    out = tmp_path / "labelled.jsonl"
    assert run_cli("review", "export", "--db", db, "--output", str(out))[0] == 0
    lines = {r["source_url"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert {k: (r["label"], r["reason"], r["reviewer"]) for k, r in lines.items()} == {
        "calm": (1, None, "mod"),
        "burn": (1, None, "mod"),
        "joint": (0, "reported_or_quoted", "mod"),
        "hostile": (1, None, "mod"),
    }
    assert (lines["hostile"]["substance"], lines["hostile"]["type"]) == ("Elder Syrup", "mechanism_claim")
    assert lines["hostile"]["note"] == "seen in two groups"
    code, stdout, _ = run_cli("eval", "--format", "json", str(out))
    result = json.loads(stdout)
    assert (result["tp"], result["fp"], result["fn"], result["precision"], result["recall"]) == (3, 1, 0, 0.75, 1.0)


def _decide(browser) -> None:
    from selenium.webdriver.common.keys import Keys

    """The queue is ordered by severity, then confidence: burn (weight loss), calm, joint, hostile,
    then burn's low-severity mechanism finding."""
    press_and_wait(browser, "\n")  # open the first (selected) row
    assert "melt belly fat" in browser.find_element("id", "claim").text
    press_and_wait(browser, "c")  # confirm burn
    assert "relieve anxiety" in browser.find_element("id", "claim").text
    press_and_wait(browser, "c")  # confirm calm
    assert "cure arthritis" in browser.find_element("id", "claim").text
    press_and_wait(browser, "2")  # dismiss joint: reported or quoted
    claim = browser.find_element("id", "claim").text
    assert "<script>window.pwned = 1</script>" in claim and 'onerror="window.pwned = 2"' in claim  # shown as text
    untouched(browser)
    hostile = shown_item(browser)
    press(browser, "p")  # correct the product
    press_and_wait(browser, "Elder Syrup\n")
    assert shown_item(browser) == hostile and browser.find_element("id", "substance").text.startswith("Elder Syrup")
    press(browser, "n")  # a note, saved with Ctrl+Enter
    press(browser, "seen in two groups")
    press_and_wait(browser, Keys.ENTER, modifier=Keys.CONTROL)
    assert browser.find_element("id", "note-text").text == "seen in two groups"
    press(browser, "t")  # the category: the next one in the list, saved with Enter
    press_and_wait(browser, Keys.ARROW_DOWN + Keys.ENTER)
    assert "→ mechanism_claim" in browser.find_element("css selector", "#item .cat").text
    press_and_wait(browser, "c")  # confirm hostile
    assert browser.find_element("id", "claim").text.count("melt belly fat while you sleep") == 1
    press_and_wait(browser, "1")  # dismiss burn's mechanism finding: not a claim
    assert browser.current_url.endswith("/")  # back to the queue after the last item
