"""Every label a report shows, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "sheet_summary": "Ringkasan", "sheet_agency": "Per SKPD", "sheet_evidence": "Temuan",
        "sheet_lines": "Rincian", "sheet_recon": "Rekonsiliasi", "sheet_trail": "Jejak Audit",
        "sheet_notes": "Catatan Data",
        "title": "Audit efisiensi belanja APBD", "policy": "Kebijakan", "legal_source": "Dasar hukum",
        "baseline_files": "Berkas baseline (murni)", "revised_files": "Berkas revisi",
        "baseline_total": "Total baseline (Rp)", "revised_total": "Total revisi (Rp)",
        "target": "Target", "category": "Kategori", "kind": "Jenis target", "baseline": "Baseline (Rp)",
        "revised": "Revisi (Rp)", "change": "Perubahan (Rp)", "change_pct": "Perubahan (%)",
        "target_cut_pct": "Target potong (%)", "status": "Status", "shortfall": "Kekurangan (Rp)",
        "citation": "Dasar", "scope": "Cakupan", "kode_skpd": "Kode SKPD", "nama_skpd": "Nama SKPD",
        "chart_summary": "Baseline vs revisi per kategori", "chart_agency": "Perubahan perjalanan dinas per SKPD (%)",
        "target_line": "Target", "perubahan": "Perubahan baris", "sumber_baseline": "Sumber baseline (berkas:sheet:baris)",
        "sumber_revised": "Sumber revisi (berkas:sheet:baris)", "categories": "Kategori",
        "kategori_alasan": "Alasan kategori", "stage": "Tahap", "file": "Berkas", "rows": "Baris",
        "total_read": "Total terbaca (Rp)", "categorized": "Terkategori (Rp)", "uncategorized": "Tidak terkategori (Rp)",
        "difference": "Selisih (Rp)", "ok": "Cocok", "sheet": "Sheet", "row": "Baris", "code": "Kode",
        "severity": "Tingkat", "message": "Pesan", "key": "Butir", "value": "Nilai",
        "continued": "lanjutan dari sheet {prev}: batas baris Excel tercapai",
        "no_evidence": "Tidak ada kategori yang tidak tercapai atau naik.",
        "kind_numeric": "numerik", "kind_directional": "arah (harus turun)", "kind_report": "dilaporkan",
        "met": "tercapai", "not_met": "tidak tercapai", "decreased": "turun", "unchanged": "tetap",
        "increased": "naik", "no_baseline": "tanpa baseline", "profile": "profil",
        "generated": "Dibuat oleh efisiensi {v} pada {t}",
    },
    "en": {
        "sheet_summary": "Summary", "sheet_agency": "By agency", "sheet_evidence": "Evidence",
        "sheet_lines": "Lines", "sheet_recon": "Reconciliation", "sheet_trail": "Audit trail",
        "sheet_notes": "Data notes",
        "title": "APBD spending-efficiency audit", "policy": "Policy", "legal_source": "Legal source",
        "baseline_files": "Baseline files (murni)", "revised_files": "Revised files",
        "baseline_total": "Baseline total (Rp)", "revised_total": "Revised total (Rp)",
        "target": "Target", "category": "Category", "kind": "Target kind", "baseline": "Baseline (Rp)",
        "revised": "Revised (Rp)", "change": "Change (Rp)", "change_pct": "Change (%)",
        "target_cut_pct": "Target cut (%)", "status": "Status", "shortfall": "Shortfall (Rp)",
        "citation": "Basis", "scope": "Scope", "kode_skpd": "SKPD code", "nama_skpd": "SKPD name",
        "chart_summary": "Baseline vs revised per category", "chart_agency": "Travel change per SKPD (%)",
        "target_line": "Target", "perubahan": "Line change", "sumber_baseline": "Baseline source (file:sheet:row)",
        "sumber_revised": "Revised source (file:sheet:row)", "categories": "Categories",
        "kategori_alasan": "Why categorized", "stage": "Stage", "file": "File", "rows": "Rows",
        "total_read": "Total read (Rp)", "categorized": "Categorized (Rp)", "uncategorized": "Uncategorized (Rp)",
        "difference": "Difference (Rp)", "ok": "OK", "sheet": "Sheet", "row": "Row", "code": "Code",
        "severity": "Severity", "message": "Message", "key": "Item", "value": "Value",
        "continued": "continued from sheet {prev}: Excel's row limit was reached",
        "no_evidence": "No category is unmet or increased.",
        "kind_numeric": "numeric", "kind_directional": "directional (must fall)", "kind_report": "reported",
        "met": "met", "not_met": "not met", "decreased": "decreased", "unchanged": "unchanged",
        "increased": "increased", "no_baseline": "no baseline", "profile": "profile",
        "generated": "Made by efisiensi {v} at {t}",
    },
}

#: Line columns a person reads, with their label keys (same in both languages).
LINE_LABELS = {
    "kode_sub_unit": ("Kode sub unit", "Sub unit code"), "nama_sub_unit": ("Sub unit", "Sub unit"),
    "kode_sub_kegiatan": ("Kode sub kegiatan", "Sub kegiatan code"),
    "nama_sub_kegiatan": ("Sub kegiatan", "Sub kegiatan"), "sumber_dana": ("Sumber dana", "Funding source"),
    "kode_rekening": ("Kode rekening", "Account code"), "nama_rekening": ("Nama rekening", "Account name"),
    "kelompok": ("Kelompok [#]", "Group [#]"), "keterangan": ("Keterangan [-]", "Note [-]"),
    "uraian": ("Uraian", "Description"),
}


def label(key: str, lang: str = "id") -> str:
    """A label by key; line columns fall back to :data:`LINE_LABELS`, then to the key.

    >>> label("shortfall"), label("shortfall", "en"), label("uraian", "en")
    ('Kekurangan (Rp)', 'Shortfall (Rp)', 'Description')
    """
    lang = lang if lang in LABELS else "id"
    if key in LABELS[lang]:
        return LABELS[lang][key]
    if key in LINE_LABELS:
        return LINE_LABELS[key][0 if lang == "id" else 1]
    return key
