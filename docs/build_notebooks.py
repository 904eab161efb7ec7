"""Write the two tutorial notebooks and execute them in place (outputs are committed).

Run: ``.venv/bin/python docs/build_notebooks.py`` from the repository root.
The test suite executes them again (tests/test_notebooks.py), so they never rot.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"

ONE = [
    new_markdown_cell(
        "# Audit efisiensi APBD satu Pemda: Kabupaten Buru 2025\n\n"
        "Buku catatan ini menuntun Anda dari berkas SIPD sampai laporan Excel untuk Inspektorat:\n"
        "**baca → kategorikan → audit → lihat bukti → tulis laporan**. Datanya adalah ekspor SIPD-RI\n"
        "Kab. Buru (APBD murni 2025 dan tahap penyesuaian setelah Inpres 1/2025) yang ikut dalam\n"
        "`data/samples/` (lisensi MIT, BPKAD Kab. Buru).\n\n"
        "*This notebook walks through one Pemda's audit: load → categorize → audit → evidence → report.*"),
    new_code_cell(
        "from pathlib import Path\n\nimport efisiensi as ef\n\n"
        "SAMPLES = Path(\"..\") / \"data\" / \"samples\"\n"
        "MURNI = SAMPLES / \"2025_1_murni_rekap5.xlsx\"\n"
        "PENYESUAIAN = SAMPLES / \"2025_3_penyesuaian_rekap5.xlsx\"\n"
        "ef.__version__"),
    new_markdown_cell(
        "## 1. Baca berkas\n\n`ef.load` mengenali tata letak, baris judul, format angka dan kode rekening sendiri.\n"
        "Setiap baris membawa asal-usulnya: `sumber_file`, `sumber_sheet`, `sumber_baris` (nomor baris di Excel).\n"
        "Jumlah uang tepat sampai sen (tipe desimal, bukan float)."),
    new_code_cell(
        "murni = ef.load(MURNI)\n"
        "print(len(murni), \"baris rincian; total\", ef.total(murni))\n"
        "murni[[\"sumber_file\", \"sumber_baris\", \"nama_skpd\", \"kode_rekening\", \"nama_rekening\", \"kelompok\", "
        "\"anggaran\"]].head()"),
    new_code_cell("ef.findings(murni)  # baris yang tidak terbaca atau total yang tidak cocok: kosong di sini"),
    new_markdown_cell(
        "## 2. Kategorikan\n\nSetiap baris diberi label kategori Inpres 1/2025 (dan profil S-37), dengan alasan:\n"
        "aturan mana dan kode atau kata apa yang cocok. Aturannya berupa data (TOML) yang bisa Anda tambah."),
    new_code_cell(
        "berlabel = ef.categorize(murni)\n"
        "kategori = [\"perjalanan_dinas\", \"honorarium\", \"seremonial\", \"studi_banding\", \"kajian\", "
        "\"pencetakan\", \"publikasi\", \"rapat_seminar\"]\n"
        "berlabel[kategori].sum().rename(\"jumlah baris\").to_frame()"),
    new_code_cell(
        "contoh = berlabel[berlabel[\"seremonial\"]]\n"
        "contoh[[\"nama_sub_kegiatan\", \"kelompok\", \"kategori_alasan\"]].head()"),
    new_markdown_cell(
        "## 3. Audit: murni dibanding penyesuaian\n\nTarget Inpres: perjalanan dinas turun **50 %**; seremonial,\n"
        "kajian, studi banding, pencetakan, publikasi, rapat/seminar dan honorarium harus turun."),
    new_code_cell("audit = ef.audit(MURNI, PENYESUAIAN)\naudit"),
    new_code_cell(
        "audit.summary[[\"target\", \"baseline\", \"revised\", \"change_pct\", \"status\", \"shortfall\"]]"),
    new_code_cell("fig = audit.plot()"),
    new_markdown_cell(
        "## 4. Bukti\n\nSKPD dengan kekurangan terbesar pada perjalanan dinas, lalu baris-baris di belakangnya,\n"
        "lengkap dengan berkas, sheet dan baris sumber yang bisa dibuka di Excel."),
    new_code_cell(
        "pd_skpd = audit.by_agency[audit.by_agency[\"target\"] == \"perjalanan_dinas\"]\n"
        "pd_skpd.sort_values(\"shortfall\", ascending=False)[[\"nama_skpd\", \"baseline\", \"revised\", "
        "\"change_pct\", \"status\", \"shortfall\"]].head(10)"),
    new_code_cell(
        "bukti = audit.evidence(\"perjalanan_dinas\")\n"
        "bukti[[\"nama_skpd\", \"kode_rekening\", \"kelompok\", \"baseline\", \"revised\", \"perubahan\", "
        "\"sumber_baseline\", \"sumber_revised\"]].head(10)"),
    new_code_cell("audit.reconciliation  # total terbaca = terkategori + tidak terkategori, per tahap dan berkas"),
    new_markdown_cell(
        "## 4b. Lini masa tahap\n\nFolder `data/samples/` memuat empat tahap APBD 2025 Kab. Buru: murni, pergeseran 1,\n"
        "penyesuaian (Inpres 1/2025) dan perubahan. Diberikan sebagai satu folder, efisiensi mengenali tahap dari nama\n"
        "berkas, menilai target pada tahap penyesuaian terhadap murni, dan memeriksa apakah potongan itu bertahan di\n"
        "tahap sesudahnya. *The budget timeline: stages side by side, judged at penyesuaian, held or not later.*"),
    new_code_cell(
        "lini = ef.audit(SAMPLES)  # satu folder, empat tahap\n"
        "lini.stages_side_by_side().head(10)"),
    new_markdown_cell("## 5. Laporan\n\nBuku kerja Excel untuk Sekda, TAPD atau Inspektorat, dan JSON untuk skrip."),
    new_code_cell(
        "laporan = audit.to_excel(\"laporan-buru-2025.xlsx\")\n"
        "audit.to_json(\"hasil-buru-2025.json\")\nprint(\"ditulis:\", laporan)"),
]

TWO = [
    new_markdown_cell(
        "# Banyak berkas: audit satu folder berkas per SKPD\n\n"
        "Di banyak Pemda, setiap SKPD mengirim berkasnya sendiri. Buku catatan ini membuat folder seperti itu\n"
        "dari data contoh Kab. Buru (satu xlsx per SKPD untuk murni dan untuk penyesuaian), lalu mengaudit\n"
        "seluruh folder sekaligus dan memeriksa bahwa hasilnya sama dengan audit berkas gabungan.\n\n"
        "*A batch over a folder of agency files.*"),
    new_code_cell(
        "import tempfile\nfrom pathlib import Path\n\nimport pandas as pd\n\nimport efisiensi as ef\n\n"
        "SAMPLES = Path(\"..\") / \"data\" / \"samples\"\n"
        "SEMENTARA = tempfile.TemporaryDirectory(prefix=\"efisiensi-batch-\")  # dihapus di sel terakhir\n"
        "FOLDER = Path(SEMENTARA.name)\n\n"
        "def pecah_per_skpd(sumber: Path, tujuan: Path) -> int:\n"
        "    \"\"\"Write one SIPD-layout workbook per SKPD, as agencies send them.\"\"\"\n"
        "    tujuan.mkdir(parents=True, exist_ok=True)\n"
        "    mentah = pd.read_excel(sumber, engine=\"calamine\", dtype=str)\n"
        "    for kode, bagian in mentah.groupby(\"KODE SKPD\"):\n"
        "        bagian.to_excel(tujuan / f\"{kode}.xlsx\", index=False, engine=\"xlsxwriter\")\n"
        "    return mentah[\"KODE SKPD\"].nunique()\n\n"
        "n = pecah_per_skpd(SAMPLES / \"2025_1_murni_rekap5.xlsx\", FOLDER / \"murni\")\n"
        "pecah_per_skpd(SAMPLES / \"2025_3_penyesuaian_rekap5.xlsx\", FOLDER / \"penyesuaian\")\n"
        "print(n, \"SKPD;\", len(list((FOLDER / \"murni\").glob(\"*.xlsx\"))), \"berkas murni\")"),
    new_markdown_cell(
        "Berkas ditulis sebagai teks (`dtype=str`), seperti ekspor yang sudah melewati banyak tangan:\n"
        "angka menjadi teks `\"7244849.01\"`. Pembaca efisiensi tetap membacanya tepat sampai sen."),
    new_code_cell(
        "audit = ef.audit(FOLDER / \"murni\", FOLDER / \"penyesuaian\", progress=True)\naudit"),
    new_code_cell(
        "gabungan = ef.audit(SAMPLES / \"2025_1_murni_rekap5.xlsx\", SAMPLES / \"2025_3_penyesuaian_rekap5.xlsx\")\n"
        "kolom = [\"target\", \"baseline\", \"revised\", \"status\", \"shortfall\"]\n"
        "assert audit.summary[kolom].equals(gabungan.summary[kolom])\n"
        "print(\"sama dengan audit berkas gabungan:\", audit.totals)"),
    new_code_cell(
        "rekap = audit.by_agency[audit.by_agency[\"target\"] == \"perjalanan_dinas\"]\n"
        "rekap = rekap[rekap[\"baseline\"] > 0].sort_values(\"shortfall\", ascending=False)\n"
        "rekap[[\"kode_skpd\", \"nama_skpd\", \"baseline\", \"revised\", \"change_pct\", \"status\", "
        "\"shortfall\"]].head(15)"),
    new_code_cell("fig = audit.plot()"),
    new_code_cell(
        "bukti = audit.evidence(\"honorarium\")\n"
        "bukti[[\"nama_skpd\", \"nama_rekening\", \"kelompok\", \"baseline\", \"revised\", \"perubahan\", "
        "\"sumber_revised\"]].head(8)"),
    new_markdown_cell(
        "## Kebijakan lain\n\nProfil S-37/MK.02/2025 (pembanding, tidak mengikat APBD) untuk folder yang sama:"),
    new_code_cell(
        "s37 = ef.audit(FOLDER / \"murni\", FOLDER / \"penyesuaian\", policy=\"s37-2025\")\n"
        "s37.summary[[\"target\", \"target_cut_pct\", \"baseline\", \"revised\", \"change_pct\", \"status\", "
        "\"shortfall\"]]"),
    new_markdown_cell(
        "## Rekonsiliasi\n\nSatu baris per berkas dan satu baris \"(semua berkas …)\" per tahap untuk rincian yang\n"
        "dicocokkan. Jumlahkan baris per berkas saja, supaya tidak terhitung dua kali:"),
    new_code_cell(
        "rek = audit.reconciliation\n"
        "per_berkas = rek[~rek[\"file\"].str.startswith(\"(\")]\n"
        "ringkas = per_berkas.groupby(\"stage\").agg(berkas=(\"file\", \"count\"), baris=(\"rows\", \"sum\"),\n"
        "                                          total=(\"total_read\", \"sum\"), cocok=(\"ok\", \"all\"))\n"
        "semua = rek[rek[\"file\"].str.startswith(\"(\")].set_index(\"stage\")\n"
        "assert (ringkas[\"baris\"] == semua[\"rows\"]).all() and (ringkas[\"total\"] == semua[\"total_read\"]).all()\n"
        "ringkas"),
    new_code_cell("SEMENTARA.cleanup()  # folder sementara dihapus: tidak ada sisa di /tmp\nFOLDER.exists()"),
]


def build(name: str, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NB)}}).execute()
    path = NB / name
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(build("01-audit-satu-pemda.ipynb", ONE))
    print(build("02-banyak-berkas.ipynb", TWO))
