"""The moderators' HTML report, in a real headless browser (Debian's chromium, installed by .ci/run)."""

import json
import random

import pytest
from helpers import headless_chrome, jsonl, require_browser

from analyzer.findings import SEVERITY_RANK
from analyzer.report import Report, render
from analyzer.run.inputs import read_documents
from analyzer.run.scan import scan_documents

CHROMIUM, CHROMEDRIVER = require_browser()

RLO, NUL = "\u202e", "\x00"
LONG_WORD = "x" * 2000
POSTS = [
    {
        "id": "calm",
        "url": "https://forum.example/t/calm",
        "text": "# Kava corner\nWe sell kava. Our kava drops relieve anxiety. They are completely safe with no side effects.",
    },
    {"id": "burn", "url": "javascript:window.pwned = 4", "text": "These gummies melt belly fat while you sleep."},
    {
        "id": "hostile",
        "text": (
            '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
            '<a href="javascript:window.pwned = 3">click</a> Our tea cures migraines.'
        ),
    },
    {"id": "mirror", "text": f"Hello there. Our tea cures migraines {RLO}and more. Bye."},
    {"id": f"nul{NUL}id", "text": f"Stuff{NUL}here. These gummies melt belly fat while you sleep."},
    {"id": "long", "text": f"Our tea cures migraines {LONG_WORD} fast."},
    {"id": "quiet", "text": "Nice weather for a walk today."},
    {"id": "blank", "text": "   "},
]


@pytest.fixture(scope="module")
def browser():
    driver = headless_chrome(CHROMIUM, CHROMEDRIVER, "1200,900")
    yield driver
    driver.quit()


@pytest.fixture()
def page(tmp_path, run_cli, browser):
    posts = jsonl(tmp_path / "posts.jsonl", POSTS)
    report = tmp_path / "report.html"
    code, _, _ = run_cli("scan", "--format", "html", "--url-field", "url", "--output", str(report), str(posts))
    assert code == 1
    browser.get(report.as_uri())
    browser.expected = json.loads(run_cli("scan", "--format", "json", str(posts))[1])["summary"]["findings"]
    return browser


def visible(driver, selector):
    return [e for e in driver.find_elements("css selector", selector) if e.is_displayed()]


def text(element) -> str:
    """An element's text whether or not it is drawn yet (cards off screen skip layout)."""
    return element.get_attribute("textContent").strip()


def card_of(driver, doc_id):
    return [c for c in visible(driver, "article.card") if text(c.find_element("css selector", ".meta bdi")) == doc_id]


def select(driver, name, value):
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", f"filter-{name}")).select_by_value(value)


def test_page_loads_without_console_errors(page):
    severe = [entry for entry in page.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    assert page.title == "healthclaims report"
    assert int(page.find_element("id", "shown").text) == page.expected >= 7
    assert page.find_element("id", "summary").text.startswith("category")
    cards = visible(page, "article.card")
    ranks = [SEVERITY_RANK[c.get_attribute("data-severity")] for c in cards]
    assert ranks == sorted(ranks, reverse=True) and len(cards) < page.expected  # one card per sentence


def test_card_shows_context_heading_basis_fix_and_source(page):
    (anxiety,) = [c for c in card_of(page, "calm") if "anxiety" in text(c.find_element("css selector", "mark"))]
    assert text(anxiety.find_element("css selector", ".heading")) == "Kava corner"
    assert text(anxiety.find_element("css selector", "blockquote")) == (
        "We sell kava. Our kava drops relieve anxiety. They are completely safe with no side effects."
    )
    assert all(part in text(anxiety) for part in ("21 CFR 101.93", "How to fix:", "confidence"))
    assert anxiety.find_element("link text", "source").get_attribute("href") == "https://forum.example/t/calm"
    assert text(anxiety.find_element("css selector", ".verdict-line")).startswith("high: 3 claims in 2 sentences")
    # a javascript: URL is not a link
    assert card_of(page, "burn")[0].find_elements("link text", "source") == []


def test_evidence_is_written_once_and_collapsed(page):
    entries = page.find_elements("css selector", "#evidence details.entry")
    ids = [text(e.find_element("css selector", "summary")) for e in entries]
    assert len(ids) == len(set(ids)) > 0
    assert not any(e.get_attribute("open") for e in entries)
    ref = card_of(page, "calm")[0].find_element("css selector", ".evidence details")
    ref.find_element("tag name", "summary").click()
    link = ref.find_element("css selector", "a")
    link.click()
    target = page.find_element("id", link.get_attribute("href").split("#")[1])
    assert target.get_attribute("open") is not None and text(link) in text(target)


def opened_list(driver, box_id) -> list[str]:
    """Open a collapsed list of documents and read it once drawn (its toggle event comes after the click)."""
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element("id", box_id)
    box.find_element("tag name", "summary").click()
    items = WebDriverWait(driver, 10).until(lambda _: box.find_elements("tag name", "li"))
    return [text(li) for li in items]


def test_every_document_has_a_verdict_and_problems_come_first(page):
    assert opened_list(page, "troubled") == ["blank: empty; warnings: HC106"]
    verdicts = opened_list(page, "documents")
    assert len(verdicts) == len(POSTS) and "quiet: no claims found" in verdicts
    assert "burn: high: 1 claim in 1 sentence (1 high): weight_loss" in verdicts


def test_filters(page):
    select(page, "category", "weight_loss")
    cards = visible(page, "article.card")
    assert {text(c.find_element("css selector", ".meta bdi")) for c in cards} == {"burn", "nul\\u{0000}id"}
    assert all(c.find_elements("css selector", "li.finding[data-category=weight_loss]:not(.other)") for c in cards)
    assert page.find_element("id", "shown").text == "2"
    assert [r.get_attribute("data-category") for r in visible(page, "#summary tbody tr")] == ["weight_loss"]
    select(page, "category", "")
    select(page, "severity", "medium")
    cards = visible(page, "article.card")
    assert cards and all(c.find_elements("css selector", "li.finding[data-severity=medium]") for c in cards)
    select(page, "severity", "")
    assert int(page.find_element("id", "shown").text) == page.expected


def test_hostile_document_executes_nothing(page):
    assert page.execute_script("return window.pwned === undefined")
    assert page.find_elements("css selector", "main img, main a[href^='javascript']") == []
    (hostile,) = card_of(page, "hostile")
    assert "<script>window.pwned = 1</script>" in text(hostile)
    for link in page.find_elements("css selector", "a"):
        href = link.get_attribute("href")
        assert href.startswith(("http://", "https://")) or href.startswith(page.current_url.split("#")[0] + "#ev-")


def test_hostile_text_is_shown_not_obeyed(page):
    (mirror,) = card_of(page, "mirror")
    assert "migraines \\u{202E}and more." in text(mirror.find_element("css selector", ".sentence"))
    assert mirror.find_elements("css selector", "blockquote > bdi")
    source = page.execute_script("return document.body.innerText + document.documentElement.outerHTML")
    assert RLO not in source and NUL not in source
    (nul,) = card_of(page, "nul\\u{0000}id")
    assert text(nul.find_element("css selector", ".around")) == "Stuff\\u{0000}here."
    (long_card,) = card_of(page, "long")
    assert LONG_WORD in text(long_card)
    width = page.execute_script("return document.documentElement.clientWidth")
    assert page.execute_script("return document.documentElement.scrollWidth") <= width
    assert long_card.rect["width"] <= width


# ----------------------------------------------------------------------------- a 20,000-post export

SUBSTANCES = ["turmeric", "ashwagandha", "elderberry", "kava", "ginseng", "valerian", "echinacea", "melatonin"]
CONDITIONS = ["arthritis", "migraines", "anxiety", "insomnia", "diabetes", "acne", "depression", "asthma"]
CLAIMS = [
    "Our {sub} capsules cure {cond} for good.",
    "These {sub} gummies melt belly fat while you sleep.",
    "Our {sub} drops are completely safe with no side effects.",
    "{sub} works as well as prescription drugs for {cond}.",
    "Clinically proven {sub} formula for {cond}.",
    "{sub} boosts your serotonin levels.",
    "Our {sub} tea helps you quit smoking for good.",
]
EVERYDAY = [
    "Order {n} left the warehouse this morning.",
    "Thanks for the quick reply about parcel {n}.",
    "The market stall {n} opens at nine on Saturday.",
]


def export_posts(n: int, seed: int = 16) -> list[dict]:
    """``n`` posts of our own: an everyday sentence each, and up to two different claims in six of ten."""
    rng = random.Random(seed)
    posts = []
    for k in range(n):
        sentences = [rng.choice(EVERYDAY).format(n=k)]
        if rng.random() < 0.6:
            for template in rng.sample(CLAIMS, rng.randint(1, 2)):
                sentences.append(template.format(sub=rng.choice(SUBSTANCES), cond=rng.choice(CONDITIONS)))
        rng.shuffle(sentences)
        posts.append({"id": f"post-{k}", "text": " ".join(sentences)})
    return posts


@pytest.fixture(scope="module")
def export(tmp_path_factory, browser):
    """A 20,000-post report opened in the browser, with the scan results it was made from."""
    folder = tmp_path_factory.mktemp("export")
    posts = jsonl(folder / "posts.jsonl", export_posts(20_000))
    report = Report(list(scan_documents(read_documents([str(posts)]))))
    out = folder / "report.html"
    with out.open("w", encoding="utf-8") as stream:
        render("html", report, stream)
    browser.get(out.as_uri())
    return browser, report


def expected_cards(report: Report, **want) -> list[tuple[str, str]]:
    """(post id, sentence) of the cards a filter should show, in order: worst severity, then highest
    confidence, then input order; a card is a sentence with at least one finding the filter wants."""
    cards: dict[tuple[int, str], list] = {}
    for index, result in enumerate(report.results):
        for f in result.findings:
            cards.setdefault((index, f.sentence), []).append(f)
    keys = []
    for (index, sentence), found in cards.items():
        if not any(all(getattr(f, k) == v for k, v in want.items()) for f in found):
            continue
        rank = max(SEVERITY_RANK[f.severity] for f in found)
        confidence = max(round(f.confidence, 3) for f in found)
        keys.append(
            ((-rank, -confidence, index, min(f.start for f in found)), report.results[index].document.id, sentence)
        )
    return [(doc_id, sentence) for _, doc_id, sentence in sorted(keys)]


def shown_cards(driver) -> list[tuple[str, str]]:
    return [
        tuple(card)
        for card in driver.execute_script(
            "return Array.from(document.querySelectorAll('article.card')).map(function (c) {"
            " return [c.querySelector('.meta bdi').textContent, c.querySelector('.sentence').textContent]; });"
        )
    ]


def test_a_20000_post_report_opens_and_filters(export):
    driver, report = export
    assert len(report.results) == 20_000
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    everything = expected_cards(report)
    assert int(driver.find_element("id", "shown-cards").text) == len(everything) > 10_000
    assert shown_cards(driver) == everything[:100]
    for name, field, value in (("category", "category", "weight_loss"), ("severity", "severity", "medium")):
        select(driver, name, value)
        want = expected_cards(report, **{field: value})
        assert int(driver.find_element("id", "shown-cards").text) == len(want) > 100
        assert int(driver.find_element("id", "shown").text) == sum(
            1 for _, f in report.findings() if getattr(f, field) == value
        )
        assert shown_cards(driver) == want[:100]
        more = driver.find_element("id", "more")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", more)  # out from under the filters
        more.click()
        assert shown_cards(driver) == want[:200]
        select(driver, name, "")
    assert shown_cards(driver) == everything[:100]


def test_a_20000_post_report_summary_follows_the_filters(export):
    driver, report = export
    select(driver, "category", "disease_claim")
    select(driver, "severity", "high")
    rows = {r.get_attribute("data-category"): r.text.split()[1:] for r in visible(driver, "#summary tbody tr")}
    high = sum(1 for _, f in report.findings() if f.category == "disease_claim" and f.severity == "high")
    assert rows == {"disease_claim": [str(high), "0", "0", str(high)]}
    select(driver, "category", "")
    select(driver, "severity", "")
    assert len(visible(driver, "#summary tbody tr")) == len(report.summary.categories())


def test_url_field_of_csv_and_jsonl_posts(tmp_path, run_cli):
    """``--url-field`` names the column or field of a post's source URL; only http(s) ones are linked."""
    (tmp_path / "posts.csv").write_text(
        "id,body,link\na,Our tea cures migraines.,https://shop.example/a\nb,Our tea cures migraines.,data:text/html,x\n",
        encoding="utf-8",
    )
    jsonl(tmp_path / "posts.jsonl", [{"id": "c", "body": "Our tea cures migraines.", "link": "http://blog.example/c"}])
    docs = read_documents([str(tmp_path / "posts.csv"), str(tmp_path / "posts.jsonl")], "id", "body", url_field="link")
    assert [d.url for d in docs] == ["https://shop.example/a", "data:text/html", "http://blog.example/c"]
    report = tmp_path / "report.html"
    code, _, _ = run_cli(
        "scan",
        "--format",
        "html",
        "--text-field",
        "body",
        "--url-field",
        "link",
        "--output",
        str(report),
        str(tmp_path / "posts.csv"),
    )
    assert code == 1
    blob = report.read_text(encoding="utf-8").split('id="report-data">')[1].split("</script>")[0]
    assert [d[2] for d in json.loads(blob)["docs"]] == ["https://shop.example/a", None]


def test_cards_name_the_nearest_heading_of_html_and_markdown(tmp_path):
    from analyzer.report.formats.html import ReportData

    (tmp_path / "page.html").write_text(
        "<html><head><title>Tea &amp; you</title></head><body><p>Our tea cures migraines.</p>"
        "<h2>More <b>teas</b></h2><p>Hello. Our kava drops relieve anxiety.</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(
        "Our tea cures migraines.\n\n```\n# not a heading\n```\n\n## Kava\n\nOur kava drops relieve anxiety.\n",
        encoding="utf-8",
    )
    docs = read_documents([str(tmp_path / "page.html"), str(tmp_path / "notes.md")])
    data = ReportData(Report(list(scan_documents(docs))))
    found = sorted((data.docs[c["d"]][0].rsplit("/", 1)[1], c.get("h", ""), c.get("b", "")) for c in data.cards)
    assert found == [
        ("notes.md", "", ""),
        ("notes.md", "Kava", ""),
        ("page.html", "More teas", "Hello."),
        ("page.html", "Tea & you", ""),
    ]


def test_the_sentences_around_a_card_are_cut_to_a_few_hundred_characters(tmp_path):
    from analyzer.report.formats.html import CONTEXT_CHARS, ReportData

    ramble = " ".join(["the shop"] * 200)
    posts = jsonl(tmp_path / "posts.jsonl", [{"id": "p", "text": f"{ramble}. Our tea cures migraines. The {ramble}."}])
    data = ReportData(Report(list(scan_documents(read_documents([str(posts)])))))
    (card,) = data.cards
    assert "".join(part for part, _ in card["s"]) == "Our tea cures migraines."
    assert card["b"].startswith("…") and card["b"].endswith("the shop.") and len(card["b"]) <= CONTEXT_CHARS + 1
    assert card["a"].startswith("The the shop ") and card["a"].endswith("…") and len(card["a"]) <= CONTEXT_CHARS + 1
