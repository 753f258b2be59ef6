"""Small helpers shared by the tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, records: list[dict]) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in records))


def require_browser():
    """Debian's chromium and its driver, with selenium's webdriver module: skips the calling test
    module when they are missing, unless HEALTHCLAIMS_REQUIRE_BROWSER=1 (set by .ci/run) makes that
    an error. Call it at module level."""
    import os
    import shutil

    import pytest

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        if os.environ.get("HEALTHCLAIMS_REQUIRE_BROWSER") == "1":
            raise RuntimeError("chromium and chromedriver are required (HEALTHCLAIMS_REQUIRE_BROWSER=1)")
        pytest.skip("chromium/chromedriver not installed", allow_module_level=True)
    pytest.importorskip("selenium.webdriver")
    return chromium, chromedriver


def headless_chrome(chromium: str, chromedriver: str, window_size: str):
    """A headless Chromium driven by selenium, keeping the page's console log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={window_size}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(chromedriver), options=options)


def family_cases(table: dict[str, list[tuple[str, str]]]) -> list:
    """``{family: [(sentence, rule id), ...]}`` as pytest params, each named by its family and sentence."""
    import pytest

    return [
        pytest.param(text, rule, id=f"{family}: {text[:40]}") for family, rows in table.items() for text, rule in rows
    ]


def rule_ids(text: str) -> set[str]:
    """The rule ids of the findings in ``text``."""
    from analyzer import analyze

    return {f.rule_id for f in analyze(text)}


def gate_opens(text: str) -> bool:
    """Whether the built-in gate lets ``text`` through to matching (it may hold a claim)."""
    from analyzer.run.pipeline import get_pipeline

    return get_pipeline((), scorer="").get_pipe("health_claims").may_claim(text)
