"""Retake the README's screenshots (docs/screenshots/*.png) from a running app with the demo loaded.

    bash scripts/start.sh                      # in one terminal: the demo at http://127.0.0.1:8000/
    .venv/bin/python scripts/screenshots.py    # in another; --url to point elsewhere, --out for another folder

Drives Chromium through Playwright (``CHROMIUM_PATH``, default /usr/bin/chromium; no browser download) at a
1440 x 900 laptop window, plus the backlog at a 390 x 844 phone's. Logs in as the demo's owner.
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SLUG = "social-ml"
# name -> (path under the portfolio, viewport, element scrolled to the top of the window or "")
SHOTS = {
    "chart": ("chart/", LAPTOP, "#roi-chart"),
    "roadmap": ("roadmap/", LAPTOP, ""),
    "backlog": ("", LAPTOP, ""),
    "project": ("projects/{project}/", LAPTOP, ""),
    "feasibility": ("feasibility/", LAPTOP, ""),
    "backlog-phone": ("", PHONE, ""),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the app runs")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder for the PNG files")
    parser.add_argument("--user", default="owner")
    parser.add_argument("--password", default="demo-pass-123")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-background-networking"]
        )
        for name, (path, viewport, scroll_to) in SHOTS.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{args.url}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_load_state("networkidle")
            project = ""
            if "{project}" in path:  # the top-ranked project of the chart's ranking
                page.goto(f"{args.url}/p/{SLUG}/chart/")
                href = page.locator("table.ranking tbody tr a").first.get_attribute("href")
                project = href.rstrip("/").rsplit("/", 1)[-1]
            page.goto(f"{args.url}/p/{SLUG}/{path.format(project=project)}")
            page.wait_for_load_state("networkidle")
            if scroll_to:
                page.locator(scroll_to).evaluate("element => element.scrollIntoView()")
            page.screenshot(path=str(out / f"{name}.png"))
            print("wrote", out / f"{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
