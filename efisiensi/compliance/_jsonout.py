"""An exact JSON writer: amounts are JSON numbers written to the sen, never via float."""

from __future__ import annotations

import json
import math
from decimal import Decimal


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

    >>> dumps({"total": Decimal("1.50"), "ok": True, "x": None}, indent=0)
    '{"total": 1.50, "ok": true, "x": null}'
    """
    pad = " " * (indent * (_level + 1)) if indent else ""
    end = " " * (indent * _level) if indent else ""
    nl = "\n" if indent else ""
    sep = "," + nl if indent else ", "
    if isinstance(obj, Decimal):
        return amount_text(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, str | int):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, float):
        return "null" if math.isnan(obj) or math.isinf(obj) else json.dumps(obj)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, _level + 1)}"
                 for k, v in obj.items()]
        return "{" + nl + sep.join(items) + nl + end + "}"
    if isinstance(obj, list | tuple):
        if not obj:
            return "[]"
        return "[" + nl + sep.join(pad + dumps(v, indent, _level + 1) for v in obj) + nl + end + "]"
    if hasattr(obj, "item"):  # numpy scalars
        return dumps(obj.item(), indent, _level)
    return json.dumps(str(obj), ensure_ascii=False)
