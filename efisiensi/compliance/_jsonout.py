"""An exact JSON writer: amounts are JSON numbers written to the sen, never via float."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from json.encoder import encode_basestring as _string  # what json.dumps(s, ensure_ascii=False) does


def amount_text(value: Decimal) -> str:
    """Whole rupiah without a decimal part, otherwise two decimals.

    >>> amount_text(Decimal("1010280766001.33")), amount_text(Decimal("5.00")), amount_text(Decimal("-0.10"))
    ('1010280766001.33', '5', '-0.10')
    """
    q = value.quantize(Decimal("0.01"))
    if q == q.to_integral_value():
        return str(q.to_integral_value())
    return f"{q:.2f}"


def dumps(obj: object, indent: int = 2, _level: int = 0) -> str:
    """Serialise dicts, lists, str, int, float, bool, None and ``Decimal`` (exactly).

    The output is what ``json.dumps`` gives for the same values (``ensure_ascii=False``),
    with amounts written by :func:`amount_text`.

    >>> dumps({"total": Decimal("1.50"), "ok": True, "x": None}, indent=0)
    '{"total": 1.50, "ok": true, "x": null}'
    """
    out: list[str] = []
    _write(obj, indent, _level, out)
    return "".join(out)


def _write(obj: object, indent: int, level: int, out: list[str]) -> None:
    t = type(obj)
    if t is str:
        out.append(_string(obj))
    elif obj is None:
        out.append("null")
    elif t is bool:
        out.append("true" if obj else "false")
    elif t is int:
        out.append(int.__repr__(obj))
    elif t is Decimal:
        out.append(amount_text(obj))
    elif t is float:
        out.append("null" if math.isnan(obj) or math.isinf(obj) else float.__repr__(obj))
    elif isinstance(obj, dict):
        if not obj:
            out.append("{}")
            return
        pad = " " * (indent * (level + 1)) if indent else ""
        first = True
        out.append("{\n" if indent else "{")
        for k, v in obj.items():
            if not first:
                out.append(",\n" if indent else ", ")
            first = False
            out.append(f"{pad}{_string(str(k))}: ")
            _write(v, indent, level + 1, out)
        out.append(("\n" + " " * (indent * level) + "}") if indent else "}")
    elif isinstance(obj, list | tuple):
        if not obj:
            out.append("[]")
            return
        pad = " " * (indent * (level + 1)) if indent else ""
        out.append("[\n" if indent else "[")
        for i, v in enumerate(obj):
            if i:
                out.append(",\n" if indent else ", ")
            out.append(pad)
            _write(v, indent, level + 1, out)
        out.append(("\n" + " " * (indent * level) + "]") if indent else "]")
    elif isinstance(obj, Decimal):
        out.append(amount_text(obj))
    elif isinstance(obj, bool) or isinstance(obj, str | int | float):  # subclasses: as json does
        out.append(json.dumps(obj, ensure_ascii=False))
    elif hasattr(obj, "item"):  # numpy scalars
        _write(obj.item(), indent, level, out)
    else:
        out.append(_string(str(obj)))
