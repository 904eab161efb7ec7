"""The README's table of finding codes, made from the code itself.

Every code a reader, the verifier or the audit emits must be in
``efisiensi._errors.FINDING_CODES``; its severities are those written at the places it is
emitted (``warning`` where none is written). Run ``.venv/bin/python docs/finding_codes.py``
to print the table; ``tests/test_finding_codes.py`` checks that the README holds it.
"""

from __future__ import annotations

import re
from pathlib import Path

from efisiensi._errors import FINDING_CODES

ROOT = Path(__file__).resolve().parents[1]
_CALL = re.compile(r'\b(?:Finding|find|self\.finding)\(\s*"([a-z_]+)"')
_SEVERITY = re.compile(r'(?:severity=)?"(error|warning|info)"')
_MAPPED = re.compile(r'_FINDING_CODE = \{(.*?)\}', re.S)


def _call_text(src: str, start: int) -> str:
    """The text of the call whose open parenthesis is at or after ``start``."""
    i = src.index("(", start)
    depth = 0
    for j in range(i, len(src)):
        depth += {"(": 1, ")": -1}.get(src[j], 0)
        if depth == 0:
            return src[i:j + 1]
    return src[i:]


def emitted() -> dict[str, set[str]]:
    """Each code emitted in the package, with the severities written where it is emitted."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "efisiensi").rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        for m in _CALL.finditer(src):
            sev = set(_SEVERITY.findall(_call_text(src, m.start())))
            out.setdefault(m.group(1), set()).update(sev or {"warning"})
        for block in _MAPPED.findall(src):  # the verifier: failed check -> finding code, "error"
            for code in re.findall(r':\s*"([a-z_]+)"', block):
                out.setdefault(code, set()).add("error")
        for code in re.findall(r'\("(ambiguous_amount|unreadable_amount)", \{"kode_rekening"', src):
            out.setdefault(code, set()).add("error")
    return out


def table() -> str:
    seen = emitted()
    order = ["error", "warning", "info"]
    lines = ["| kode / code | tingkat / severity | arti / meaning |", "|---|---|---|"]
    for code, meaning in FINDING_CODES.items():
        sev = ", ".join(s for s in order if s in seen.get(code, {"warning"}))
        lines.append(f"| `{code}` | {sev} | {meaning} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
