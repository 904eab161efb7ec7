"""Unit tests of the categorizer on small hand-made frames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import efisiensi.categories._engine as engine
from efisiensi.categories import (
    CATEGORY_IDS,
    INPRES_CATEGORIES,
    RuleError,
    categorize,
    list_rules,
    load_pack,
)

BURU = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "buru-sipd" / "2025_1_murni_rekap5.xlsx"
BURU_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "2025_1_murni_rekap5.xlsx"


def one(kode: str = "", nama_rekening: str = "", sub: str = "", uraian: str = "", **extra) -> pd.Series:
    frame = pd.DataFrame([{"kode_rekening": kode, "nama_rekening": nama_rekening,
                           "nama_sub_kegiatan": sub, "uraian": uraian, **extra}])
    return categorize(frame).iloc[0]


def labels(row: pd.Series) -> set[str]:
    return {c for c in INPRES_CATEGORIES if row[c]}


# ------------------------------------------------------------------ output shape
def test_columns_index_and_originals_kept():
    frame = pd.DataFrame({"kode_rekening": ["5.1.02.04.01.0001", "5.2.02.05.01.0001"],
                          "pagu": [1_000, 2_000]}, index=[10, 20])
    out = categorize(frame)
    assert list(out.index) == [10, 20]
    assert list(out.columns[:2]) == ["kode_rekening", "pagu"]
    assert list(out.columns[2:]) == [*CATEGORY_IDS, "kategori_alasan"]
    assert out["perjalanan_dinas"].dtype == bool
    assert out["perjalanan_dinas"].tolist() == [True, False]


def test_missing_columns_count_as_empty():
    out = categorize(pd.DataFrame({"uraian": ["Festival Batik Betawi", "Normalisasi Kali"]}))
    assert out["seremonial"].tolist() == [True, False]
    assert out.loc[1, "kategori_alasan"] == ""
    empty = categorize(pd.DataFrame({"kode_rekening": pd.Series([], dtype=object)}))
    assert len(empty) == 0 and "rapat_seminar" in empty.columns


# ------------------------------------------------------------------ each category
@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"kode": "5.1.02.04.01.0003", "uraian": "Transport Kunjungan Rumah kader"}, {"perjalanan_dinas"}),
    ({"kode": "5.1.02.04.01.0005"}, {"perjalanan_dinas", "rapat_seminar"}),
    ({"kode": "5.1.02.02.01.0003", "uraian": "Honor Pemateri"}, {"honorarium"}),
    ({"kode": "5.1.01.03.07.0001"}, {"honorarium"}),
    ({"kode": "5.1.02.01.01.0053"}, {"seremonial"}),
    ({"kode": "5.1.02.02.09.0012"}, {"kajian"}),
    ({"kode": "5.1.02.01.01.0026", "uraian": "ATK"}, {"pencetakan"}),
    ({"kode": "5.1.02.02.01.0055"}, {"publikasi"}),
    ({"kode": "5.1.02.02.05.0009"}, {"rapat_seminar"}),
    ({"uraian": "Kajian Penataan Kali Gendong"}, {"kajian"}),
    ({"uraian": "Pengadaan Media Informasi Luar Ruang"}, {"publikasi"}),
    ({"uraian": "Belanja Biaya Rapat Unit Pengelola Kebersihan"}, {"rapat_seminar"}),
    ({"uraian": "Pengadaan Cetakan dan Penggadaan"}, {"pencetakan"}),
])
def test_each_category(kwargs, expected):
    assert labels(one(**kwargs)) == expected


def test_sub_kegiatan_inheritance_for_operating_costs_only():
    sub = "Fasilitasi Kunjungan Tamu"
    assert labels(one("5.1.02.01.01.0024", "ATK", sub)) == {"seremonial"}
    assert labels(one("5.1.02.04.01.0001", "Perjalanan Dinas Biasa", sub)) == {"perjalanan_dinas", "seremonial"}
    assert labels(one("5.2.02.05.01.0001", "Belanja Modal Mebel", sub)) == set()  # capital
    assert labels(one("5.1.01.01.01.0001", "Gaji Pokok PNS", sub)) == set()  # salary
    assert labels(one("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan", sub)) == set()  # wages
    assert labels(one("5.1.05.05.01.0001", "Hibah", "Sosialisasi PUG")) == set()  # transfer


# ------------------------------------------------------------------ traps
@pytest.mark.parametrize("uraian", [
    "Pencetakan Sawah Baru Desa Waeapo", "Penyusunan Cetak Biru Smart City",
    "Sistem Peringatan Dini Tsunami", "Pengadaan Pakaian Dinas Upacara",
    "Intensifikasi Pajak Reklame", "Kunjungan Rumah Ibu Nifas",
    "Revitalisasi Terminal Klender", "Pembangunan Sarana Transportasi Laut",
    "Pembangunan dan Perbaikan Fisik Benchmark Peil Priok", "Penyusunan RPJMD dan KLHS",
    "Survei Kepuasan Masyarakat (IKM)", "Penyusunan Dokumen JITUPASNA Pasca Bencana",
    "Penyusunan Master Plan Kawasan Wisata", "Penelitian Keandalan Teknis Bangunan Gedung",
    "Penelitian Berkas SPTPD",
])
def test_look_alike_words_are_not_categories(uraian):
    assert labels(one(uraian=uraian)) == set()


def test_wages_are_not_honorarium():
    assert labels(one("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi", uraian="Honorarium PTT")) == set()
    assert labels(one("5.2.1.02.02", "Honorarium Pegawai Honorer/Tidak Tetap")) == set()
    assert labels(one("5.1.02.90.01.0001", "BOK", uraian="Honor tenaga honorer")) == set()
    assert labels(one("5.1.02.90.01.0001", "BOK", uraian="Honor narasumber")) == {"honorarium"}


def test_transport_scoped_to_generic_accounts_and_staff():
    bok = ("5.1.02.90.001.00001", "Belanja Barang dan Jasa BOK Puskesmas")
    assert labels(one(*bok, uraian="Transportasi")) == {"perjalanan_dinas"}
    assert labels(one(*bok, uraian="Transpor kunjungan rumah kader posyandu")) == set()
    assert labels(one("5.1.02.01.01.0024", "ATK", uraian="Transportasi")) == set()


def test_training_is_not_rapat_but_line_meeting_wins():
    travel = ("5.1.02.04.001.00001", "Belanja Perjalanan Dinas Biasa")
    assert labels(one(*travel, "Sosialisasi Budaya Baca", "Bimtek Literasi")) == {"perjalanan_dinas"}
    assert labels(one(*travel, "Sosialisasi Budaya Baca", "")) == {"perjalanan_dinas", "rapat_seminar"}
    mamin = ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat")
    assert labels(one(*mamin, uraian="Pelatihan kader")) == set()
    assert labels(one(*mamin, "Bimbingan Teknis kepada Pelaku Usaha", "Mamin Rapat Biasa")) == {"rapat_seminar"}
    assert labels(one(*mamin, uraian="Pelaksanaan Kelas ibu balita")) == set()
    row = one(*mamin, uraian="Pelatihan kader")
    assert "bukan rapat_seminar: bukan-rapat-pelatihan" in row["kategori_alasan"]


def test_rakor_dan_konsultasi_confers_nothing_musrenbang_does():
    travel = ("5.1.02.04.001.00003", "Belanja Perjalanan Dinas Dalam Kota")
    assert labels(one(*travel, "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
                      "Penyelenggaraan Rapat Koordinasi dan dan Konsultasi")) == {"perjalanan_dinas"}
    assert labels(one("5.1.02.01.01.0025", "Kertas", "Penyiapan Bahan Koordinasi Musrenbang")) == {"rapat_seminar"}


def test_kajian_context_only_for_research_sub_kegiatan():
    mamin = ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat")
    assert labels(one(*mamin, "Penelitian dan Pengembangan Lingkungan Hidup")) == {"kajian", "rapat_seminar"}
    assert labels(one("5.1.02.01.01.0024", "ATK", "Penelitian dan Verifikasi Data Pelaporan Pajak")) == set()


# ------------------------------------------------------------------ studi banding
@pytest.mark.parametrize(("kode", "uraian", "expected"), [
    ("5.1.02.04.01.0001", "Studi Banding ke Kota Surabaya", {"perjalanan_dinas", "studi_banding"}),
    ("5.1.02.04.01.0001", "Kunjungan Kerja DPRD ke Kab. Badung", {"perjalanan_dinas", "studi_banding"}),
    # CATEGORIES.md: a kunjungan kerja inside one's own region is travel only
    ("5.1.02.04.01.0001", "Kunjungan Kerja DPRD Dalam Daerah", {"perjalanan_dinas"}),
    ("", "Kunjungan Kerja Dalam Daerah Anggota DPRD", {"perjalanan_dinas"}),
    ("5.1.02.01.01.0052", "Studi banding pengelolaan sampah", {"rapat_seminar", "studi_banding"}),
    ("", "Studi Banding Pengelolaan Pasar ke Kota Solo", {"perjalanan_dinas", "studi_banding"}),
    ("5.1.02.90.01.0001", "Kunjungan lapangan pemantauan balita", set()),
    ("5.1.02.90.01.0001", "KUNJUNGAN RUMAH ODGJ", set()),
    ("", "Pembangunan Benchmark Peil Pluit", set()),
])
def test_studi_banding(kode, uraian, expected):
    assert labels(one(kode, uraian=uraian)) == expected


def test_receiving_visits_is_seremonial_not_studi_banding():
    row = one("5.2.2.01.01", "Belanja Alat Tulis Kantor", "Penerimaan Kunjungan Kerja")
    assert labels(row) == {"seremonial"}
    assert labels(one(uraian="Fasilitasi Kunjungan Tamu")) == {"seremonial"}


# ------------------------------------------------------------------ codes and charts
def test_padded_2026_codes():
    assert labels(one("5.1.02.04.001.00004", "Belanja Perjalanan Dinas Paket Meeting Dalam Kota")) == {
        "perjalanan_dinas", "rapat_seminar"}
    assert labels(one("5.1.02.01.001.00052", "Belanja Makanan dan Minuman Rapat")) == {"rapat_seminar"}


@pytest.mark.parametrize(("kode", "nama", "expected"), [
    ("5.2.2.15.01", "Belanja Perjalanan Dinas Dalam Daerah", {"perjalanan_dinas"}),
    ("5221502", "Belanja Perjalanan Dinas Luar Daerah", {"perjalanan_dinas"}),
    ("5.2.2.11.02", "Belanja Makanan Dan Minuman Rapat", {"rapat_seminar"}),
    ("5.2.2.11.003", "Belanja makanan dan minuman tamu", {"seremonial"}),
    ("5.2.2.06.002", "Belanja Penggandaan/Foto copy", {"pencetakan"}),
    ("5.2.2.03.15", "Belanja Publikasi", {"publikasi"}),
    ("5.2.1.01.01", "Honorarium Panitia Pelaksana Kegiatan", {"honorarium"}),
    ("5.2.2.03.40", "Belanja transportasi dan akomodasi", {"perjalanan_dinas"}),
    ("5.2.2.21.08", "Belanja Jasa Konsultansi Manajement", {"kajian"}),
    ("5.2.2.31.01", "Belanja Jasa Tenaga Ahli", set()),
])
def test_2006_chart(kode, nama, expected):
    assert labels(one(kode, nama)) == expected


def test_bagan_akun_column_forces_chart():
    # "5.2.2.15" read as the 2006 chart is travel; as 90/2019 it would be capital.
    out = categorize(pd.DataFrame({"kode_rekening": ["5.2.2.15"], "bagan_akun": ["13/2006"]}))
    assert bool(out.loc[0, "perjalanan_dinas"])


# ------------------------------------------------------------------ text matching
@pytest.mark.parametrize("uraian", ["Perjalanan Dinas ke Ambon", "PERJALANAN  DINAS", "perjalanan-dinas"])
def test_text_is_case_and_punctuation_tolerant(uraian):
    assert one("5.1.02.90.01.0001", "BOK", uraian=uraian)["perjalanan_dinas"]


@pytest.mark.parametrize("uraian", ["Foto Copy materi", "fotocopy", "Cendramata", "Cinderamata", "Cenderamata", "Cetakan"])
def test_printing_spelling_variants(uraian):
    assert one("5.1.02.90.01.0001", "BOK", uraian=uraian)["pencetakan"]


def test_word_boundaries():
    assert not one("5.1.02.90.01.0001", "BOK", uraian="Gaji tenaga honorer")["honorarium"]
    assert one("5.1.02.90.01.0001", "BOK", uraian="Narasumber dari provinsi")["honorarium"]
    assert not one(uraian="Pengadaan alat perapat pipa")["rapat_seminar"]


def test_explanation_names_rule_and_match():
    row = one("5.1.02.04.01.0004", "Belanja Perjalanan Dinas Paket Meeting Dalam Kota")
    assert row["kategori_alasan"].startswith("perjalanan_dinas: akun-perjalanan-dinas (5.1.02.04)")
    assert "rapat_seminar: akun-paket-meeting (5.1.02.04.01.0004-0005)" in row["kategori_alasan"]
    row = one(uraian="Festival Klender")
    assert row["kategori_alasan"] == 'seremonial: kata-seremonial ("festival")'


# ------------------------------------------------------------------ user rules and pins
def test_user_rule_file_adds_a_keyword(tmp_path):
    frame = pd.DataFrame({"uraian": ["Kenduri Adat Desa"]})
    assert not categorize(frame)["seremonial"].iloc[0]
    rules = tmp_path / "lokal.toml"
    rules.write_text('[[rule]]\nid = "kata-kenduri"\ncategory = "seremonial"\nkind = "text"\n'
                     'fields = ["line"]\nscope = ["operating"]\nwords = ["kenduri"]\n', encoding="utf-8")
    out = categorize(frame, extra_rules=rules)
    assert out["seremonial"].iloc[0]
    assert "kata-kenduri" in out["kategori_alasan"].iloc[0]


def test_user_rule_overrides_by_id_and_bad_rule_fails(tmp_path):
    rules = tmp_path / "ganti.toml"
    rules.write_text('[[rule]]\nid = "akun-perjalanan-dinas"\ncategory = "perjalanan_dinas"\n'
                     'kind = "account"\ncodes = { "90/2019" = ["5.1.02.99"] }\n', encoding="utf-8")
    frame = pd.DataFrame({"kode_rekening": ["5.1.02.04.01.0001", "5.1.02.99.01.0001"]})
    assert categorize(frame, extra_rules=rules)["perjalanan_dinas"].tolist() == [False, True]
    with pytest.raises(RuleError):
        load_pack(extra_rules={"rule": [{"id": "x", "category": "tidak_ada", "words": ["a"]}]})
    with pytest.raises(RuleError):
        load_pack(extra_rules={"rule": [{"id": "x", "category": "kajian", "words": ["(?<=a)b"]}]})


def test_pins_force_labels():
    frame = pd.DataFrame({"sumber_file": ["a.xlsx", "a.xlsx"], "sumber_baris": [2, 3],
                          "kode_rekening": ["5.1.02.04.01.0001", "5.1.02.04.01.0001"]})
    out = categorize(frame, pins={("a.xlsx", "3"): "rapat_seminar"})
    assert labels(out.iloc[0]) == {"perjalanan_dinas"}
    assert labels(out.iloc[1]) == {"rapat_seminar"}
    assert out.loc[1, "kategori_alasan"] == "pinned: rapat_seminar"
    table = pd.DataFrame({"id": ["x"], "labels": ["none"]})
    out = categorize(frame.assign(id=["x", "y"]), pins=table, pin_key="id")
    assert labels(out.iloc[0]) == set() and labels(out.iloc[1]) == {"perjalanan_dinas"}


# ------------------------------------------------------------------ speed contract
def test_each_distinct_text_is_matched_once(monkeypatch):
    calls: list[int] = []
    real = engine.normalize_text

    def counting(values):
        calls.append(len(values))
        return real(values)

    monkeypatch.setattr(engine, "normalize_text", counting)
    frame = pd.DataFrame({"kode_rekening": ["5.1.02.90.01.0001"] * 3000,
                          "uraian": ["Transportasi", "Honor narasumber", "Transportasi"] * 1000})
    out = categorize(frame)
    assert out["perjalanan_dinas"].sum() == 2000 and out["honorarium"].sum() == 1000
    # One normalisation per text field, each over its distinct values only.
    assert max(calls) == 2 and len(calls) == len(set(engine.TEXT_FIELDS) & {"uraian", "nama_rekening",
                                                                           "nama_sub_kegiatan", "nama_kegiatan",
                                                                           "kelompok", "keterangan"})
    d = engine.distinct(frame)
    assert d.n == 2


def test_list_rules_table():
    table = list_rules()
    assert {"id", "category", "kind", "matches", "scope", "exclusions", "citation"} <= set(table.columns)
    assert table["id"].is_unique
    assert set(table["category"]) <= set(CATEGORY_IDS)
    assert (table["citation"] != "").all()
    cetak = table.set_index("id").loc["kata-cetak"]
    assert "sawah" in cetak["exclusions"] and "cetak biru" in cetak["exclusions"]
    assert "CATEGORIES.md" in cetak["named_terms"] and "cetak biru" in cetak["named_terms"]


def test_a_row_that_is_a_whole_activity_reads_its_name_as_line_text():
    # kegiatan-level table (DKI RAPBD): no account, no package text, one row per activity
    items = pd.DataFrame({
        "kode_rekening": ["", "", "5.1.02.90.01.0001"],
        "nama_kegiatan": ["Pengadaan Cetakan", "Honorarium Tim Penyusun Perda",
                          "Honorarium Tim Penyusun Perda"],
        "uraian": ["", "", "Belanja bahan"],
    })
    out = categorize(items)
    assert out["pencetakan"].tolist() == [True, False, False]
    assert out["honorarium"].tolist() == [False, True, False]  # with an account: context only
    assert 'kata-cetak ("cetakan")' in out.loc[0, "kategori_alasan"]
    assert out["uraian"].tolist() == items["uraian"].tolist()  # the caller's table is unchanged


# ------------------------------------------------------------------ real Buru sample
def _read_buru() -> pd.DataFrame:
    calamine = pytest.importorskip("python_calamine")
    path = BURU_SAMPLE if BURU_SAMPLE.exists() else BURU
    if not path.exists():
        pytest.skip(f"Buru sample not found ({BURU_SAMPLE} or {BURU})")
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    frame = pd.DataFrame(rows[1:], columns=rows[0]).rename(columns={
        "KODE REKENING": "kode_rekening", "NAMA REKENING": "nama_rekening",
        "NAMA SUB KEGIATAN": "nama_sub_kegiatan", "NAMA PAKET/KELOMPOK": "kelompok"})
    frame["kode_rekening"] = frame["kode_rekening"].astype(str).str.strip()
    return frame[frame["kode_rekening"] != ""].reset_index(drop=True)


def test_real_buru_travel_and_explanations():
    frame = _read_buru()
    out = categorize(frame)
    travel = frame["kode_rekening"].str.startswith("5.1.02.04")
    assert travel.sum() > 1000
    assert out.loc[travel, "perjalanan_dinas"].all()
    rule_ids = set(list_rules()["id"])
    cats = out[list(CATEGORY_IDS)]
    for cat in CATEGORY_IDS:
        flagged = out.loc[cats[cat], "kategori_alasan"]
        named = flagged.str.extract(rf"(?:^|; ){cat}: ([\w-]+)")[0]
        assert named.notna().all(), cat
        assert set(named) <= rule_ids, cat


def test_kegiatan_words_do_not_label_lines_that_have_a_sub_kegiatan():
    # travel of the leader-documentation team: publikasi through its own sub kegiatan, not
    # seremonial through the kegiatan that also holds Fasilitasi Keprotokolan
    items = pd.DataFrame({
        "kode_rekening": ["5.1.02.04.01.0003", "5.1.02.04.01.0003"],
        "nama_rekening": ["Belanja Perjalanan Dinas Dalam Kota"] * 2,
        "nama_kegiatan": ["Pelaksanaan Keprotokolan dan Komunikasi Pimpinan"] * 2,
        "nama_sub_kegiatan": ["Pendokumentasian Tugas Pimpinan", ""],
        "uraian": ["Biaya Transportasi Kecamatan Waelata (PP)"] * 2,
    })
    out = categorize(items)
    assert out.loc[0, ["perjalanan_dinas", "publikasi", "seremonial"]].tolist() == [True, True, False]
    assert out.loc[1, "seremonial"]  # no sub kegiatan: the kegiatan is the finest activity
    assert out["nama_kegiatan"].tolist() == items["nama_kegiatan"].tolist()  # input columns untouched
