"""Charts with matplotlib: baseline vs revised per category, travel change per SKPD."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import EfisiensiError
from .._format import percent
from .labels import label, target_label

if TYPE_CHECKING:
    from ..compliance import Audit


def plot_audit(audit: Audit, lang: str = "id"):
    """Two panels: per target, baseline vs revised (billion rupiah); per SKPD, the travel
    change in % against the cut target. Returns the matplotlib Figure."""
    # the user's backend is left alone: matplotlib already falls back to Agg without a display
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise EfisiensiError("audit.plot() perlu matplotlib: pip install 'efisiensi[notebook]' "
                             "(make demo memasangnya)") from None

    s = audit.summary
    travel_targets = [t for t in audit.policy.targets if t.category == "perjalanan_dinas" and t.cut_pct is not None]
    two = audit.revised_files is not None and bool(travel_targets)
    fig, axes = plt.subplots(1, 2 if two else 1, figsize=(14 if two else 8, 6), squeeze=False)
    ax = axes[0][0]
    y = range(len(s))
    base = [float(v) / 1e9 for v in s["baseline"]]
    ax.barh([i + 0.2 for i in y], base, height=0.4, label=label("baseline", lang).replace(" (Rp)", ""))
    if audit.revised_files is not None:
        rev = [float(v) / 1e9 for v in s["revised"].fillna(0)]
        ax.barh([i - 0.2 for i in y], rev, height=0.4, label=label("revised", lang).replace(" (Rp)", ""))
    ax.set_yticks(list(y), [target_label(t, lang) for t in s["target"]])
    ax.invert_yaxis()
    ax.set_xlabel("miliar Rp" if lang == "id" else "billion Rp")
    ax.set_title(label("chart_summary", lang))
    ax.legend()
    if two:
        t = travel_targets[0]
        a = audit.by_agency
        d = a[(a["target"] == t.id) & (a["baseline"] > 0)].copy()
        d["pct"] = d["change_pct"].astype(float)
        d = d.sort_values("pct")
        ax2 = axes[0][1]
        colours = ["#1e7b34" if st == "met" else "#b00020" for st in d["status"]]  # met green, short red
        ax2.barh(d["nama_skpd"].str.slice(0, 38), d["pct"], color=colours)
        ax2.axvline(-float(t.cut_pct), color="black", linestyle="--",
                    label=f"{label('target_line', lang)} {percent(-t.cut_pct, lang, sign=False)}")
        ax2.tick_params(axis="y", labelsize=6)
        ax2.set_xlabel("%")
        ax2.set_title(label("chart_agency", lang))
        ax2.legend()
    fig.tight_layout()
    return fig


