"""`make site`: the static lesson site builds, is self-contained, and reads well in Chromium from file://."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from mvdcourse import selfcheck, site

from . import a11y
from .conftest import LESSON_NOTEBOOKS
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, need_chromium


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    pages = site.build(out)
    return out, pages


def test_site_has_a_page_per_lesson_and_nothing_from_the_network(built):
    out, pages = built
    assert [p.name for p in pages] == (
        ["index.html"] + [f"{p.stem}.html" for p in LESSON_NOTEBOOKS] + ["bibliography.html"]
    )
    for page in pages:
        text = page.read_text()
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=['\"]?(https?:)?//", text), page.name
        assert "<script" not in text, f"{page.name}: the site needs no JavaScript"


def test_lesson_page_shows_demos_as_figures_and_self_checks_with_hidden_answers(built):
    out, _ = built
    text = (out / "01_hfs_and_mvd.html").read_text()
    demos = re.findall(r"<figure class='demo'>(.*?)</figure>", text, re.S)
    assert len(demos) == 2
    for demo in demos:
        assert re.search(r'<img src="data:image/png;base64,[^"]{200,}" alt="[^"]{20,}"', demo)
        assert "Interactive in JupyterLab" in demo and "Controls:" in demo
    checks = re.findall(r"<section class='selfcheck'.*?</section>", text, re.S)
    assert len(checks) == len(re.findall(r"selfcheck\.ask\(", LESSON_NOTEBOOKS[0].read_text()))
    rez = selfcheck.bank()["l1_rez"]
    right = next(o.text for o in rez.options if o.correct)
    first = checks[0]
    assert right in first.split("<details>")[0]  # the option is listed …
    assert "Answer: " in first.split("<details>")[1]  # … the answer only in the disclosure
    assert "<summary>Show the answer and why</summary>" in first
    assert "Run All Cells" not in text.split("<main")[1].split("Read-only version")[0]
    assert "References" in text and "pubmed.ncbi.nlm.nih.gov" in text


@pytest.fixture(scope="module")
def chromium():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def watched_page(chromium):
    """A new page that records console errors and warnings, page errors and any request off the disk."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []

    def on_request(r):
        if not r.url.startswith(("file:", "data:")):
            problems.append(f"network request: {r.url}")

    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("request", on_request)
    return page, problems


@pytest.mark.browser
def test_every_page_reads_cleanly_from_file_urls(built, chromium):
    out, pages = built
    ARTIFACTS.mkdir(exist_ok=True)
    for path in pages:
        page, problems = watched_page(chromium)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length")
        assert broken == 0, f"{path.name}: {broken} images did not load"
        for href in page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            url = urlparse(href)
            if url.scheme == "file":
                target = Path(unquote(url.path))
                assert target.exists(), f"{path.name}: broken link to {href}"
                if url.fragment:
                    assert (
                        f'id="{url.fragment}"' in target.read_text() or f"id='{url.fragment}'" in target.read_text()
                    ), href
            else:
                assert url.scheme in ("http", "https") and url.netloc, f"{path.name}: odd link {href}"
        found = a11y.audit(page, content=None)
        assert found == [], f"{path.name}:\n{a11y.describe(found)}"
        page.screenshot(path=str(ARTIFACTS / f"site_{path.stem}.png"))
        assert problems == [], f"{path.name}: {problems}"
        page.close()
