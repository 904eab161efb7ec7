"""What the command line prints: plain text tables, coloured with rich on a terminal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .._format import number, percent, rupiah, safe, table
from .._load import findings
from .._money import money_sum
from ..verify.records import label as verdict_label
from .labels import label
from .verdict import goal, reconciliation_line, shortfall

LOAD_TEXT = {
    "id": {"file": "Berkas", "rows": "Baris", "layout": "Tata letak", "total": "Total anggaran (Rp)",
           "before": "Total sebelum (Rp)", "skpd": "SKPD", "per_file": "Yang terbaca per berkas",
           "per_skpd": "Total anggaran per SKPD (Rp)", "findings": "Temuan saat membaca",
           "none": "Tidak ada temuan.", "row": "Baris", "code": "Kode", "msg": "Pesan",
           "more": "… dan {n} temuan lain (lihat efisiensi.findings(df))"},
    "en": {"file": "File", "rows": "Rows", "layout": "Layout", "total": "Total amount (Rp)",
           "before": "Total before (Rp)", "skpd": "SKPD", "per_file": "What was read, per file",
           "per_skpd": "Total amount per SKPD (Rp)", "findings": "Findings while reading",
           "none": "No findings.", "row": "Row", "code": "Code", "msg": "Message",
           "more": "… and {n} more findings (see efisiensi.findings(df))"},
}
STATUS_TEXT = {
    "id": {"met": "tercapai", "not_met": "TIDAK TERCAPAI", "decreased": "turun", "unchanged": "tetap",
           "increased": "NAIK", "no_baseline": "tanpa baseline", "profile": "profil"},
    "en": {"met": "met", "not_met": "NOT MET", "decreased": "decreased", "unchanged": "unchanged",
           "increased": "INCREASED", "no_baseline": "no baseline", "profile": "profile"},
}
STATUS_STYLE = {"met": "green", "decreased": "green", "not_met": "bold red", "increased": "yellow",
                "no_baseline": "yellow"}
AUDIT_TEXT = {
    "id": {"title": "Audit {policy}", "source": "Dasar hukum", "target": "Kategori", "base": "Baseline (Rp)",
           "rev": "Revisi (Rp)", "pct": "Perubahan", "goal": "Target", "status": "Status",
           "short": "Kekurangan (Rp)", "agencies": "SKPD yang belum memenuhi target {t}: {n} dari {m}",
           "rec_ok": "Rekonsiliasi: semua rupiah terbaca tercatat (OK).",
           "rec_bad": "REKONSILIASI GAGAL: ada rupiah yang tidak tercatat; lihat audit.reconciliation",
           "rec_unverified": "Rekonsiliasi: rupiah terbaca tercatat, tetapi ada sumber yang belum terverifikasi.",
           "findings": "Temuan: {n} (kode: {codes})",
           "report": "Laporan ditulis: {p}"},
    "en": {"title": "Audit {policy}", "source": "Legal source", "target": "Category", "base": "Baseline (Rp)",
           "rev": "Revised (Rp)", "pct": "Change", "goal": "Target", "status": "Status",
           "short": "Shortfall (Rp)", "agencies": "Agencies not meeting the {t} target: {n} of {m}",
           "rec_ok": "Reconciliation: every rupiah read is accounted for (OK).",
           "rec_bad": "RECONCILIATION FAILED: see audit.reconciliation",
           "rec_unverified": "Reconciliation: every rupiah read is accounted for, but a source is not verified.",
           "findings": "Findings: {n} (codes: {codes})",
           "report": "Report written: {p}"},
}


def describe_load(df: pd.DataFrame, lang: str = "id", max_findings: int = 20) -> str:
    """A readable summary of a loaded table: per file, per SKPD, and the findings."""
    t = LOAD_TEXT[lang]
    rows = []
    for f, g in df.groupby("sumber_file", sort=False):
        before = g["anggaran_sebelum"]
        rows.append([Path(str(f)).name, number(len(g), lang), ", ".join(sorted(set(g["tata_letak"]))),
                     rupiah(money_sum(g["anggaran"]), lang),
                     rupiah(money_sum(before), lang) if before.notna().any() else "-"])
    out = [t["per_file"], table(rows, [t["file"], t["rows"], t["layout"], t["total"], t["before"]], "lrlrr"), ""]
    files = list(dict.fromkeys(df["sumber_file"]))
    skpd = df["kode_skpd"].where(df["kode_skpd"] != "", "-") + " " + df["nama_skpd"]
    pivot: dict[str, dict[str, Decimal]] = {}
    for (name, f), g in df.groupby([skpd, "sumber_file"], sort=True):
        pivot.setdefault(str(name), {})[str(f)] = money_sum(g["anggaran"])
    prow = [[n[:60]] + [rupiah(v.get(f), lang) for f in files] for n, v in pivot.items()]
    short = [Path(f).stem[:24] for f in files]
    out += [t["per_skpd"], table(prow, [t["skpd"], *short], "l" + "r" * len(files)), ""]
    out += _verification_lines(df, lang)
    fnd = findings(df)
    out.append(f"{t['findings']}: {len(fnd)}")
    if len(fnd) == 0:
        out.append(t["none"])
    else:
        frows = [[Path(str(r.file)).name, "" if pd.isna(r.row) else str(r.row), r.code, str(r.message)[:90]]
                 for r in fnd.head(max_findings).itertuples()]
        out.append(table(frows, [t["file"], t["row"], t["code"], t["msg"]]))
        if len(fnd) > max_findings:
            out.append(t["more"].format(n=len(fnd) - max_findings))
    return "\n".join(out)


def _verification_lines(df: pd.DataFrame, lang: str) -> list[str]:
    """Verdict per input and sheet, and which column was read as what."""
    head = "Verifikasi bacaan" if lang == "id" else "How the reading was verified"
    out = [head]
    for s in df.attrs.get("sources") or []:
        v = s.get("verification") or {}
        out.append(f"  {Path(s['path']).name}: {verdict_label(v.get('verdict', 'tidak_dapat_diverifikasi'), lang)}")
        for sh in v.get("sheets", []):
            name = sh["sheet"] or "-"
            if not sh.get("counted", True):
                out.append(f"    [{name}] tidak dihitung: mengulang sheet lain" if lang == "id" else
                           f"    [{name}] not counted: repeats another sheet")
                continue
            words = ("baris tercakup", "cek cocok", "tidak") if lang == "id" else ("lines covered", "checks held",
                                                                                  "failed")
            out.append(f"    [{name}] {verdict_label(sh['verdict'], lang)}: {sh['lines_covered']}/{sh['lines']} {words[0]}, "
                       f"{sh['checks_held']} {words[1]}, {sh['checks_failed']} {words[2]}")
            for canon, why in sh.get("columns", {}).items():
                if "nama kolom" not in why:
                    out.append(f"      {canon} ← {why}")
    return [*out, ""]


def _audit_rows(a, lang: str) -> list[list[str]]:
    st = STATUS_TEXT[lang]
    rows = []
    for r in a.summary.itertuples(index=False):
        short = shortfall(r)
        rows.append([r.target, rupiah(r.baseline, lang), rupiah(None if pd.isna(r.revised) else r.revised, lang),
                     percent(None if pd.isna(r.change_pct) else r.change_pct, lang), goal(r, lang),
                     label(r.status, lang) if r.kind == "report" else st[r.status],
                     "-" if short is None else rupiah(short, lang), "report" if r.kind == "report" else r.status])
    return rows


def _audit_footer(a, lang: str) -> list[str]:
    t = AUDIT_TEXT[lang]
    out = []
    for target in a.policy.targets:
        if target.kind != "numeric" or a.revised_files is None:
            continue
        g = a.by_agency[(a.by_agency["target"] == target.id) & (a.by_agency["baseline"] > 0)]
        out.append(t["agencies"].format(t=target.id, n=int((g["status"] == "not_met").sum()), m=len(g)))
    tone, _ = reconciliation_line(a, lang)
    out.append({"good": t["rec_ok"], "bad": t["rec_bad"]}.get(tone, t["rec_unverified"]))
    codes = ", ".join(sorted(set(a.findings["code"]))) or "-"
    out.append(t["findings"].format(n=len(a.findings), codes=codes))
    return out


def _audit_head(a, lang: str) -> list[str]:
    t = AUDIT_TEXT[lang]
    return [safe(t["title"].format(policy=a.policy.name)), safe(f"{t['source']}: {a.policy.legal_source}")]


def describe_audit(a, lang: str = "id") -> str:
    """The audit summary as plain text."""
    t = AUDIT_TEXT[lang]
    rows = [r[:-1] for r in _audit_rows(a, lang)]
    head = [t["target"], t["base"], t["rev"], t["pct"], t["goal"], t["status"], t["short"]]
    return "\n".join([*_audit_head(a, lang), "", table(rows, head, "lrrrllr"), "", *_timeline_lines(a, lang),
                      *_audit_footer(a, lang)])


def _timeline_lines(a, lang: str) -> list[str]:
    """The stages side by side (an audit of several stages), then where each stage came from."""
    from .timeline import TEXT, has_timeline, stage_rows, text_rows

    if not has_timeline(a):
        return []
    head, rows, align = text_rows(a, lang)
    shead, srows = stage_rows(a, lang)
    return [TEXT[lang]["title"], table(rows, head, align), "", table(srows, shead, "lllllr"), ""]


def print_audit(a, lang: str = "id", console=None) -> None:
    """Print the audit summary: a rich table with coloured statuses on a terminal, plain text elsewhere."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    if not console.is_terminal:
        console.file.write(describe_audit(a, lang) + "\n")
        return
    t = AUDIT_TEXT[lang]
    from rich.markup import escape

    tab = Table(title=escape("\n".join(_audit_head(a, lang))), title_justify="left")
    for name, justify in ((t["target"], "left"), (t["base"], "right"), (t["rev"], "right"), (t["pct"], "right"),
                          (t["goal"], "left"), (t["status"], "left"), (t["short"], "right")):
        tab.add_column(name, justify=justify)
    for *cells, status in _audit_rows(a, lang):
        style = STATUS_STYLE.get(status, "")
        cells[5] = f"[{style}]{cells[5]}[/]" if style else cells[5]
        tab.add_row(*cells)
    console.print(tab)
    _print_timeline(a, lang, console)
    for line in _audit_footer(a, lang):
        console.print(line, highlight=False)


def _print_timeline(a, lang: str, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .timeline import TEXT, has_timeline, stage_rows, text_rows

    if not has_timeline(a):
        return
    head, rows, align = text_rows(a, lang)
    tab = Table(title=TEXT[lang]["title"], title_justify="left")
    for name, al in zip(head, align, strict=True):
        tab.add_column(escape(name), justify="right" if al == "r" else "left")
    for row in rows:
        tab.add_row(*(escape(safe(c)) for c in row))
    console.print(tab)
    shead, srows = stage_rows(a, lang)
    st = Table()
    for name in shead:
        st.add_column(escape(name), justify="right" if name == shead[-1] else "left")
    for row in srows:
        st.add_row(*(escape(safe(c)) for c in row))
    console.print(st)
