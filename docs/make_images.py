"""Make the README pictures from the code: the report's summary page and the audit chart.

Run from the repository root: ``.venv/bin/python docs/make_images.py``. Needs LibreOffice
(``soffice``) and poppler (``pdftoppm``) for the report picture.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import efisiensi as ef

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def _crop(src: Path, dst: Path) -> None:
    """Keep the printed part of the page (the table and the chart), without the white margin."""
    from PIL import Image, ImageOps

    page = Image.open(src).convert("RGB")
    box = ImageOps.invert(page).getbbox()
    page.crop(box).save(dst)


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # relative paths in the pictures, as a user would type them
    audit = ef.audit("data/samples/2025_1_murni_rekap5.xlsx", "data/samples/2025_3_penyesuaian_rekap5.xlsx")
    audit.plot().savefig(IMG / "grafik-audit.png", dpi=90)
    with tempfile.TemporaryDirectory() as tmp:
        report = audit.to_excel(Path(tmp) / "laporan.xlsx")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(report)], check=True, capture_output=True, timeout=600)
        subprocess.run(["pdftoppm", "-png", "-r", "220", "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / "laporan.pdf"), str(Path(tmp) / "halaman")], check=True)
        _crop(Path(tmp) / "halaman.png", IMG / "laporan-ringkasan.png")
    print("ditulis:", sorted(p.name for p in IMG.glob("*.png")))


if __name__ == "__main__":
    main()
