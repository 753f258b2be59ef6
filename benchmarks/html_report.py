"""The moderators' HTML report at the size of a real export: file size, time to write it, time to
open it and time per filter change in headless Chromium.

Scans a synthetic post export of our own making once (the templates of throughput.py; by default
20,000 posts, all about health, so most carry claims), writes the HTML report, then opens it in
Debian's chromium through chromedriver (selenium) with a fresh profile per round:

    --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run
    --disable-component-update --disable-sync --user-data-dir=<fresh>

Time to open: from the navigation request until the first frame after the load event (the page's
script has drawn its cards). Time per filter change: from setting a filter (category, severity,
substance, then back to all) until the next frame has been drawn. The best of ``--repeat`` rounds
is reported, in one table; ``--baseline FILE`` also measures another renderer module (for example
the previous ``html.py`` from git) in the same rounds, for a ratio taken under the same load.

    python benchmarks/html_report.py [--posts 20000] [--health-share 1.0] [--repeat 3]
    git show main:analyzer/report/formats/html.py > /tmp/old_html.py
    python benchmarks/html_report.py --baseline /tmp/old_html.py
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import make_corpus  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)
# Resolves after the next frame is drawn: requestAnimationFrame runs before paint, the timeout after it.
NEXT_FRAME = "requestAnimationFrame(function () { setTimeout(function () { done(performance.now()); }, 0); });"
FILTER = (
    "var done = arguments[arguments.length - 1], s = document.getElementById('filter-' + arguments[0]);"
    "var t = performance.now(); s.value = arguments[1]; s.dispatchEvent(new Event('change'));"
    "requestAnimationFrame(function () { setTimeout(function () { done(performance.now() - t); }, 0); });"
)


def scan(posts: int, health_share: float, folder: Path):
    """The report of a synthetic export: (Report, the export's size in bytes)."""
    from analyzer.report import Report
    from analyzer.run.inputs import read_documents
    from analyzer.run.scan import scan_documents

    export = folder / "export.jsonl"
    with export.open("w", encoding="utf-8") as fh:
        for k, text in enumerate(make_corpus(posts, health_share, seed=16)):
            fh.write(json.dumps({"id": f"post-{k}", "text": text}) + "\n")
    return Report(list(scan_documents(read_documents([str(export)])))), export.stat().st_size


def renderer(path: str | None):
    """The module rendering HTML: this package's, or one loaded from a file (as if it sat beside it)."""
    if path is None:
        from analyzer.report.formats import html

        return html
    spec = importlib.util.spec_from_file_location("analyzer.report.formats._baseline_html", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(module, report, out: Path) -> float:
    from analyzer.report import RenderContext

    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as stream:
        module.render(report, stream, RenderContext())
    return time.perf_counter() - start


def browser(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.command_executor.client_config.timeout = 1800  # a big page can take minutes (the default: 120 s)
    driver.set_script_timeout(1800)
    driver.set_page_load_timeout(1800)
    return driver


def measure(page: Path, filters: list[tuple[str, str]]) -> dict[str, float]:
    """Seconds to open ``page`` and to apply each filter, in a fresh browser profile."""
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            start = time.perf_counter()
            driver.get(page.as_uri())
            driver.execute_async_script("var done = arguments[0]; " + NEXT_FRAME)
            times = {"open": time.perf_counter() - start}
            for name, value in filters:
                times[f"{name}={value[:12] or 'all'}"] = driver.execute_async_script(FILTER, name, value) / 1000
        finally:
            driver.quit()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--health-share", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", help="another HTML renderer module (a .py file) to measure alongside")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        report, size = scan(args.posts, args.health_share, Path(folder))
        print(
            f"{args.posts} posts ({size / 1e6:.1f} MB of JSONL): {report.summary.findings} findings in "
            f"{report.summary.documents_with_findings} posts; scanned in {time.perf_counter() - start:.1f} s"
        )
        findings = [f for _, f in report.findings()]
        category = Counter(f.category for f in findings).most_common(1)[0][0]
        substance = Counter(f.substance for f in findings if f.substance).most_common(1)[0][0]
        filters = [("category", category), ("category", ""), ("severity", "medium"), ("severity", "")]
        filters += [("substance", substance), ("substance", "")]
        pages = {"this": renderer(None)}
        if args.baseline:
            pages["baseline"] = renderer(args.baseline)
        written, best = {}, {}
        for name, module in pages.items():
            out = Path(folder) / f"{name}.html"
            written[name] = (write(module, report, out), out.stat().st_size, out)
        for _ in range(args.repeat):
            for name, (_, _, out) in written.items():
                for key, seconds in measure(out, filters).items():
                    best.setdefault(name, {})[key] = min(best.get(name, {}).get(key, float("inf")), seconds)
    table(written, best)


def table(written: dict, best: dict) -> None:
    keys = list(next(iter(best.values())))
    print(f"{'renderer':<10} {'size MB':>8} {'write s':>8} " + " ".join(f"{k:>22}" for k in keys))
    for name, (seconds, size, _) in written.items():
        cells = " ".join(f"{best[name][k]:>20.3f} s" for k in keys)
        print(f"{name:<10} {size / 1e6:>8.1f} {seconds:>8.2f} {cells}")
    if len(best) > 1:
        base = best["baseline"]
        print("ratio this/baseline: " + ", ".join(f"{k} {best['this'][k] / base[k]:.3f}" for k in keys))


if __name__ == "__main__":
    main()
