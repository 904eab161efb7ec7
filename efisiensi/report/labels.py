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
        "sheet_agency_detail": "Per SKPD rinci", "sheet_unchanged": "Temuan (tetap)",
        "sheet_chartdata": "Data grafik", "verdict": "Kesimpulan", "reconciliation": "Rekonsiliasi",
        "rec_ok": "OK: semua rupiah terbaca tercatat", "rec_bad": "GAGAL: ada rupiah yang tidak tercatat",
        "rec_unverified": "tercatat, tetapi sumber belum terverifikasi",
        "findings_count": "Catatan data", "exact": "{head} persis", "group_other": "Kekurangan target lain (Rp)",
        "group_total": "Total kekurangan (Rp)", "others": "lainnya ({n} SKPD)",
        "chart_shortfall": "Kekurangan {t} per SKPD (Rp): {n} terbesar",
        "chart_shortfall_more": "Kekurangan {t} per SKPD (Rp): {n} terbesar dan lainnya",
        "goal": "Yang diminta", "goal_cut": "potong {p}", "goal_down": "harus turun", "goal_report": "dilaporkan",
        "verification": "Verifikasi sumber", "checks": "Pemeriksaan", "sheets": "Sheet",
        "terverifikasi": "terverifikasi", "sebagian": "sebagian",
        "tidak_dapat_diverifikasi": "tidak dapat diverifikasi", "bertentangan": "bertentangan",
        "stage_baseline": "murni (baseline)", "stage_revised": "revisi",
        "all_files": "(semua berkas: rincian yang dicocokkan)",
        "sev_warning": "peringatan", "sev_error": "galat", "sev_info": "info",
        "line_tetap": "tetap", "line_dipotong": "dipotong", "line_baru": "baru", "line_naik": "naik",
        "line_dihapus": "dihapus", "line_dipindah": "dipindah",
        "yes": "ya", "no": "tidak", "page_footer": "&A, halaman &P dari &N",
        "trail_version": "Versi efisiensi", "trail_policy": "Kebijakan", "trail_input": "Masukan ({stage}): {p}",
        "trail_input_value": "sha256={sha}; ukuran={size} bait; baris={rows}; sheet={sheets}",
        "trail_param": "Parameter: {k}", "trail_written": "Ditulis pada (UTC)", "trail_lib": "Versi {lib}",
        "html_title": "Ringkasan audit efisiensi belanja", "html_print": "Cetak",
        "agencies_line": "{n} dari {m} SKPD belum memenuhi target {t}; {met} tercapai.",
        "param_policy": "kebijakan", "param_policy_version": "versi kebijakan", "param_rules": "paket aturan",
        "param_extra_rules": "aturan tambahan", "param_pins": "penetapan manual", "param_columns": "kolom",
        "param_unit": "satuan", "param_run_at": "waktu audit (UTC)", "param_workers": "proses",
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
        "sheet_agency_detail": "By agency, detail", "sheet_unchanged": "Evidence (unchanged)",
        "sheet_chartdata": "Chart data", "verdict": "Verdict", "reconciliation": "Reconciliation",
        "rec_ok": "OK: every rupiah read is accounted for", "rec_bad": "FAILED: some rupiah are not accounted for",
        "rec_unverified": "accounted for, but the sources are not verified",
        "findings_count": "Data notes", "exact": "{head} exact", "group_other": "Shortfall, other targets (Rp)",
        "group_total": "Total shortfall (Rp)", "others": "others ({n} agencies)",
        "chart_shortfall": "{t} shortfall per agency (Rp): top {n}",
        "chart_shortfall_more": "{t} shortfall per agency (Rp): top {n} and others",
        "goal": "Required", "goal_cut": "cut {p}", "goal_down": "must fall", "goal_report": "reported",
        "verification": "Source verification", "checks": "Checks", "sheets": "Sheets",
        "terverifikasi": "verified", "sebagian": "partial",
        "tidak_dapat_diverifikasi": "unverifiable", "bertentangan": "contradicted",
        "stage_baseline": "baseline (murni)", "stage_revised": "revised",
        "all_files": "(all files: matched lines)",
        "sev_warning": "warning", "sev_error": "error", "sev_info": "info",
        "line_tetap": "unchanged", "line_dipotong": "cut", "line_baru": "new", "line_naik": "increased",
        "line_dihapus": "removed", "line_dipindah": "moved",
        "yes": "yes", "no": "no", "page_footer": "&A, page &P of &N",
        "trail_version": "efisiensi version", "trail_policy": "Policy", "trail_input": "Input ({stage}): {p}",
        "trail_input_value": "sha256={sha}; size={size} bytes; rows={rows}; sheets={sheets}",
        "trail_param": "Parameter: {k}", "trail_written": "Written at (UTC)", "trail_lib": "{lib} version",
        "html_title": "Spending-efficiency audit summary", "html_print": "Print",
        "agencies_line": "{n} of {m} agencies short of the {t} target; {met} met it.",
        "param_policy": "policy", "param_policy_version": "policy version", "param_rules": "rule pack",
        "param_extra_rules": "extra rules", "param_pins": "pins", "param_columns": "columns",
        "param_unit": "unit", "param_run_at": "audit run at (UTC)", "param_workers": "workers",
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


#: People's names of the categories (a target without one is shown as its id, spaced).
CATEGORY_LABELS = {
    "perjalanan_dinas": ("Perjalanan dinas", "Official travel"), "honorarium": ("Honorarium", "Honoraria"),
    "seremonial": ("Seremonial", "Ceremonies"), "studi_banding": ("Studi banding", "Study visits"),
    "kajian": ("Kajian", "Studies"), "pencetakan": ("Pencetakan", "Printing"),
    "publikasi": ("Publikasi", "Publications"), "rapat_seminar": ("Rapat dan seminar", "Meetings and seminars"),
    "pendukung": ("Pendukung", "Support items"), "hibah_kl": ("Hibah K/L", "Grants to central agencies"),
    "atk": ("Alat tulis kantor", "Office supplies"), "diklat_bimtek": ("Diklat dan bimtek", "Training"),
    "sewa": ("Sewa", "Rentals"), "lisensi_aplikasi": ("Lisensi aplikasi", "Software licences"),
    "jasa_konsultan": ("Jasa konsultan", "Consultants"), "bantuan_pemerintah": ("Bantuan pemerintah", "Grants"),
    "pemeliharaan": ("Pemeliharaan", "Maintenance"), "peralatan_mesin": ("Peralatan dan mesin", "Equipment"),
    "infrastruktur": ("Infrastruktur", "Infrastructure"), "lainnya": ("Belanja lainnya", "Other spending"),
}


def target_label(target_id: str, lang: str = "id") -> str:
    """A target or category as people name it.

    >>> target_label("perjalanan_dinas"), target_label("rapat_seminar", "en"), target_label("atk_kantor")
    ('Perjalanan dinas', 'Meetings and seminars', 'Atk kantor')
    """
    if target_id in CATEGORY_LABELS:
        return CATEGORY_LABELS[target_id][0 if lang == "id" else 1]
    return str(target_id).replace("_", " ").capitalize()


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
    if key.startswith("stage_"):  # a timeline stage by its own label (pergeseran-1, perubahan)
        return key.removeprefix("stage_")
    return key
