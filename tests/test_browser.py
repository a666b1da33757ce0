"""The app in a real browser: start it, move the carbon price, save, reload.

Needs Chromium at /usr/bin/chromium (Debian's package; ``.ci/run`` installs it) and
Playwright's Python package. Skipped when Chromium is absent, except in CI
(``CI=true``), where its absence fails the test. Screenshots of every page go to
``test-artifacts/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
IN_CI = os.environ.get("CI") == "true"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it", pytrace=False)
    pytest.skip(
        f"no Chromium at {CHROMIUM} (apt-get install chromium); runs in CI",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    folder = tmp_path_factory.mktemp("app")
    env = dict(os.environ, MITIGATION_STORE=str(folder / "store.sqlite"))
    log = (folder / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    output = (folder / "streamlit.log").read_text()
                    pytest.fail(f"the app did not start on {url}\n{output}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def open_page(page, name: str, heading: str) -> None:
    """Choose a page in the sidebar until its heading shows (a click during a
    script run may land on the sidebar as it is redrawn)."""
    for _ in range(3):
        wait_idle(page)
        page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
        try:
            page.get_by_text(heading, exact=True).wait_for(timeout=20_000)
        except sync_api.TimeoutError:
            continue
        wait_idle(page)
        return
    pytest.fail(f"page '{name}' did not open")


def wait_idle(page) -> None:
    """Until Streamlit has finished the script run."""
    page.wait_for_timeout(200)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=60_000,
    )


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue").inner_text()


def shot(page, name: str) -> None:
    """A screenshot once every chart on the page is drawn."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(c => c.querySelector('.main-svg'))",
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_whole_session_in_a_browser(app_url, browser) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 2400})
    page.goto(app_url)
    page.get_by_text("Product carbon footprint per functional unit").wait_for(
        timeout=60_000
    )
    wait_idle(page)
    shot(page, "footprint")

    open_page(page, "Options and pathway", "Option catalogue")
    shot(page, "options")

    open_page(page, "Policy instruments", "Comparison with the reference")
    page.get_by_test_id("stCheckbox").filter(has_text="Carbon price").first.click()
    wait_idle(page)
    page.get_by_text("Carbon price, CNY/t CO2e").wait_for()
    wait_idle(page)
    before = metric_value(page, "Enterprise net cost")
    assert metric_value(page, "Abatement") == "0"  # 95.96 CNY/t moves nothing
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("End")  # the highest carbon price on the slider, 3,000 CNY/t
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.startsWith('Abatement') && "
        "!m.innerText.trim().endsWith('\\n0') && /[1-9]/.test(m.innerText.split('\\n').pop()))",
        timeout=30_000,
    )
    wait_idle(page)
    assert "3000.00" in page.get_by_test_id("stSlider").first.inner_text()
    assert metric_value(page, "Enterprise net cost") != before
    assert metric_value(page, "Abatement") != "0"
    shot(page, "policy")

    open_page(page, "Workshop", "Save, load and compare scenarios")
    page.get_by_label("Scenario name").fill("browser test")
    page.get_by_label("Scenario name").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save current settings").click()
    page.get_by_text("Saved 'browser test'.").wait_for(timeout=30_000)
    shot(page, "workshop")

    page.reload()
    page.get_by_text("Product carbon footprint per functional unit").wait_for(
        timeout=60_000
    )
    open_page(page, "Workshop", "Save, load and compare scenarios")
    page.get_by_text("Saved scenarios side by side").wait_for(timeout=30_000)
    assert page.get_by_text("browser test").count() >= 1
    shot(page, "workshop_after_reload")

    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_idle(page)
    page.get_by_text("低碳研讨工作台").wait_for(timeout=30_000)
    open_page(page, "政策工具", "与基准情景对比")
    shot(page, "policy_zh")
    open_page(page, "碳足迹与标识", "单位功能单位产品碳足迹")
    shot(page, "footprint_zh")
    open_page(page, "减排措施与路径", "减排措施清单")
    shot(page, "options_zh")
    open_page(page, "研讨会", "保存、载入与比较情景")
    shot(page, "workshop_zh")
    page.close()
