"""Every finding code the package emits is documented once, and the README shows that table."""

import importlib.util
from pathlib import Path

from efisiensi._errors import FINDING_CODES

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("finding_codes", ROOT / "docs" / "finding_codes.py")
finding_codes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(finding_codes)


def test_every_emitted_code_is_documented():
    emitted = finding_codes.emitted()
    assert {"subtotal_mismatch", "not_spending", "duplicate_source", "too_many_fields"} <= set(emitted)
    assert sorted(set(emitted) - set(FINDING_CODES)) == []


def test_readme_holds_the_table_the_code_makes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert finding_codes.table() in readme, "run docs/finding_codes.py and paste its table into the README"
