"""Make the README pictures from the code: the printed report's summary pages, the HTML
summary and the audit chart.

Run from the repository root: ``.venv/bin/python docs/make_images.py``. Needs LibreOffice
(``soffice``) and poppler (``pdftoppm``, ``pdftotext``) for the report pages, and Chromium for
the HTML summary (each picture is skipped, with a note, when its tool is missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import efisiensi as ef

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
#: printed pages to show, by the sheet name in their footer
PAGES = {"Ringkasan": ["laporan-ringkasan.png", "laporan-ringkasan-tabel.png"],
         "Per SKPD": ["laporan-per-skpd.png", "laporan-per-skpd-grafik.png"]}


def _pdf_pages(report: Path, tmp: str) -> tuple[Path, list[str]]:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", tmp, str(report)], check=True, capture_output=True, timeout=900)
    pdf = Path(tmp) / (report.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    sheets = []
    for page in text.split("\f"):
        m = re.search(r"(\S+(?: \S+)*), halaman \d+ dari \d+", page)
        sheets.append(m.group(1).strip() if m else "")
    return pdf, sheets


def _report_pages(audit) -> None:
    if not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")):
        print("lewati halaman laporan: soffice/pdftoppm/pdftotext tidak terpasang")
        return
    from efisiensi.report import excel

    # the summary sheets only: the line sheets (Temuan, Rincian: hundreds of pages) are left out
    # so LibreOffice converts in seconds; the pages shown are the same as in the full report
    for name in ("_lines_sheet", "_evidence_sheets", "_agency_detail_sheet"):
        setattr(excel, name, lambda w, a: None)
    with tempfile.TemporaryDirectory() as tmp:
        report = audit.to_excel(Path(tmp) / "laporan.xlsx")
        pdf, sheets = _pdf_pages(report, tmp)
        for sheet, names in PAGES.items():
            numbers = [i + 1 for i, s in enumerate(sheets) if s == sheet]
            for number, name in zip(numbers, names, strict=False):
                # the whole A4 page at print size (110 dpi): what the meeting gets on paper
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(number), "-l", str(number),
                                "-singlefile", str(pdf), str(IMG / name.removesuffix(".png"))], check=True)


def _html_page(audit) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("lewati ringkasan HTML: chromium tidak terpasang")
        return
    with tempfile.TemporaryDirectory() as tmp:
        page = audit.to_html(Path(tmp) / "ringkasan.html")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={tmp}/profile", "--window-size=1100,1500", "--hide-scrollbars",
                        f"--screenshot={IMG / 'ringkasan-html.png'}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # relative paths in the pictures, as a user would type them
    audit = ef.audit("data/samples/2025_1_murni_rekap5.xlsx", "data/samples/2025_3_penyesuaian_rekap5.xlsx")
    audit.plot().savefig(IMG / "grafik-audit.png", dpi=90)
    _html_page(audit)
    _report_pages(audit)  # last: it leaves the line sheets out of the workbook writer
    print("ditulis:", sorted(p.name for p in IMG.glob("*.png")))


if __name__ == "__main__":
    main()
