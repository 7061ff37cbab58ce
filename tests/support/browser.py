"""Headless Chromium for the browser tests, driven by Selenium: Debian's `chromium` and
`chromium-driver` (`.ci/run` installs them) and the `selenium` package (the test extra).

    webdriver = require_chromium()  # at the top of a test module: skips it, saying why
    from tests.support.browser import browser  # noqa: F401 (fixture: one browser per module)
"""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
WAIT = 30  # seconds an answer may take on a busy CI machine (a bound, not a timing assertion)


def require_chromium():
    """selenium.webdriver; the calling test module is skipped, with the reason, without them."""
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("no Chromium: needs Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver; .ci/run installs them)", allow_module_level=True)
    return pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def browser():
    webdriver = require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=720,900", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the page's console, for errors
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    except Exception as err:  # a browser that is installed but cannot start here
        pytest.skip(f"Chromium did not start: {err}")
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:
    """The page's JavaScript errors and refused loads (a CSP violation, a 404) since last asked."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
