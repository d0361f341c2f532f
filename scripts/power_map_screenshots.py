"""Look at the dashboard's power map of generated orgs as a user does, and keep pictures.

    python scripts/power_map_screenshots.py [--people 1500 100000] [--dest docs/screenshots]

For each size: ``orgpower generate --people N --archetype mixed --seed 1`` into a
temporary folder, ``orgpower dashboard`` in a subprocess (null model off, as the browser
tests), the files dropped on the Upload page in headless Chromium, then the Power map
page as it opens (``dashboard-power-map-<N>.png``: units at scale) and its other view
where it has one (``dashboard-power-map-<N>-people.png`` or ``-units.png``).
Prints the caption under each map, so what it says can be read against the picture.

Needs Debian's ``chromium`` and playwright (the test extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 600_000  # reading and auditing 100,000 people on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def orgpower() -> list[str]:
    script = Path(sys.executable).parent / "orgpower"
    return [str(script)] if script.exists() else [sys.executable, "-m", "orgpower"]


def settle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT_MS)
    page.wait_for_timeout(800)  # charts draw after their data arrives


def picture(page, path: Path) -> None:
    """The whole main block (Streamlit scrolls inside it), at most 2,400 px high."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000")
    page.set_viewport_size({"width": 1440, "height": min(max(int(height), 1000), 2400)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 1000})
    print(f"  wrote {path}")


def caption(page) -> str:
    return next((t for t in page.get_by_test_id("stCaptionContainer").all_inner_texts() if "layer" in t and "Arrows" in t), "")


def power_map(people: int, dest: Path, work: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    bundle = work / f"generated-{people}"
    subprocess.run([*orgpower(), "generate", "--people", str(people), "--archetype", "mixed", "--seed", "1", "--out", str(bundle)], check=True)
    files = [str(p) for p in sorted(bundle.iterdir()) if p.suffix == ".csv"]
    settings = work / "audit.toml"
    settings.write_text("null_samples = 0\n")
    port = free_port()
    env = dict(os.environ, HOME=str(work), ORGPOWER_AUDIT_CONFIG=str(settings))
    server = subprocess.Popen([*orgpower(), "dashboard", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            settle(page)
            started = time.monotonic()
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)
            expect(page.get_by_text("Validation problems")).to_be_visible(timeout=WAIT_MS)
            settle(page)
            print(f"{people:,} people: read and audited in {time.monotonic() - started:.0f} s (wall, shared machine)")
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Power map", exact=True).click()
            expect(page.get_by_role("heading", name="Power map", exact=True).first).to_be_visible(timeout=WAIT_MS)
            settle(page)
            print("  caption:", caption(page))
            picture(page, dest / f"dashboard-power-map-{people}.png")
            # the other view, where there is one: people when it opened on units, units when on people
            for view, suffix in (("people", "people"), ("units (ties summed)", "units")):
                other = page.get_by_role("radio", name=view, exact=True)
                if other.count() and other.get_attribute("aria-checked") != "true":
                    other.click()
                    settle(page)
                    print(f"  {suffix} view caption:", caption(page))
                    picture(page, dest / f"dashboard-power-map-{people}-{suffix}.png")
                    break
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1_500, 100_000])
    parser.add_argument("--dest", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="orgpower-power-map-") as work:
        for people in args.people:
            power_map(people, args.dest, Path(work))


if __name__ == "__main__":
    main()
