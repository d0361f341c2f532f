"""Look at a written audit as a reader does, and keep small pictures of it.

    python scripts/report_screenshots.py OUT_DIR NAME [--dest docs/screenshots]

OUT_DIR is an ``orgpower audit --out`` folder. For its ``audit.html``: opened in headless
Chromium at 1280 px, says whether anything is wider than the window, and keeps the
cover + executive summary, the findings and the readings / power map as PNGs. For its
``audit.pdf``: every page rasterised with poppler's ``pdftoppm`` into one contact sheet
(and the summary page at reading size). For its ``audit.xlsx``: read back with openpyxl,
prints each sheet's size, frozen panes and the number formats used.

Needs Debian's ``chromium`` and ``poppler-utils``, and playwright (the test extra).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

WIDTH = 1280
SECTIONS = (("summary", "#cover", "#findings"), ("findings", "#findings", "#readings"),
            ("readings-power-map", "#readings", "#structure"), ("change", "#change", "#method"))


def html_pictures(html: Path, dest: Path, name: str) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(html.resolve().as_uri())
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        print(f"{name}: html scrollWidth {scroll_width} px at a {WIDTH} px window"
              + (" (OVERFLOWS)" if scroll_width > WIDTH else ""))
        full = Path(tmp) / "full.png"
        page.screenshot(path=str(full), full_page=True)
        tops = {}
        for anchor in {a for _, a, b in SECTIONS} | {b for _, a, b in SECTIONS}:
            tops[anchor] = page.evaluate(
                f"(() => {{ const e = document.querySelector('{anchor}'); return e ? e.getBoundingClientRect().top + window.scrollY : null; }})()")
        browser.close()
        image = Image.open(full)
        for label, start, end in SECTIONS:
            if tops.get(start) is None:
                continue
            top = max(int(tops[start]) - 10, 0)
            bottom = int(tops[end]) if tops.get(end) else image.height
            bottom = min(bottom, top + 1700)  # one screenful and a half is enough to judge
            crop = image.crop((0, top, WIDTH, bottom))
            crop = crop.resize((crop.width * 3 // 4, crop.height * 3 // 4))
            crop.convert("P", palette=Image.ADAPTIVE, colors=128).save(dest / f"report-{name}-html-{label}.png", optimize=True)


def pdf_pictures(pdf: Path, dest: Path, name: str) -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), f"{tmp}/p"], check=True)
        pages = sorted(Path(tmp).glob("p-*.png"))
        images = [Image.open(p) for p in pages]
        w, h = max(i.width for i in images), max(i.height for i in images)
        cols = 6
        rows = (len(images) + cols - 1) // cols
        sheet = Image.new("RGB", (cols * (w + 6), rows * (h + 6)), "#cccccc")
        for k, img in enumerate(images):
            sheet.paste(img, ((k % cols) * (w + 6) + 3, (k // cols) * (h + 6) + 3))
        sheet.convert("P", palette=Image.ADAPTIVE, colors=64).save(dest / f"report-{name}-pdf-pages.png", optimize=True)
        print(f"{name}: pdf {len(images)} pages")
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "3", "-l", "3", str(pdf), f"{tmp}/s"], check=True)
        summary = next(Path(tmp).glob("s-*.png"), None)
        if summary:
            Image.open(summary).convert("P", palette=Image.ADAPTIVE, colors=128).save(
                dest / f"report-{name}-pdf-summary-page.png", optimize=True)


def xlsx_readback(xlsx: Path, name: str) -> None:
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=False)
    for sheet in book.worksheets:
        formats = sorted({c.number_format for row in sheet.iter_rows(min_row=2, max_row=6) for c in row
                          if isinstance(c.value, (int, float))})
        print(f"{name}: xlsx {sheet.title}: {sheet.max_row:,} rows x {sheet.max_column} cols, frozen {sheet.freeze_panes}, "
              f"formats {formats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("name")
    parser.add_argument("--dest", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    if (args.out_dir / "audit.html").exists():
        html_pictures(args.out_dir / "audit.html", args.dest, args.name)
    if (args.out_dir / "audit.pdf").exists():
        pdf_pictures(args.out_dir / "audit.pdf", args.dest, args.name)
    if (args.out_dir / "audit.xlsx").exists():
        xlsx_readback(args.out_dir / "audit.xlsx", args.name)


if __name__ == "__main__":
    main()
