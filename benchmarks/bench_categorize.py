"""Benchmark: categorize 1,000,000 synthetic APBD rows with ~60,000 distinct texts.

Run: ``python benchmarks/bench_categorize.py [--rows N]``. Prints rows/s of
:func:`efisiensi.categorize` and the speed-up over a naive per-row loop that
applies the same compiled regexes (Python ``re``) row by row. The naive loop is measured
on a 20,000-row slice and scaled linearly to the full size (stated in the output).
"""

from __future__ import annotations

import argparse
import re
import time
import unicodedata

import numpy as np
import pandas as pd

from efisiensi.categories import categorize, load_pack
from efisiensi.read.codes import normalize_code

ACCOUNTS = [
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
    ("5.1.02.04.01.0003", "Belanja Perjalanan Dinas Dalam Kota"),
    ("5.1.02.04.001.00004", "Belanja Perjalanan Dinas Paket Meeting Dalam Kota"),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
    ("5.1.02.01.01.0025", "Belanja Alat/Bahan untuk Kegiatan Kantor- Kertas dan Cover"),
    ("5.1.02.01.01.0026", "Belanja Alat/Bahan untuk Kegiatan Kantor- Bahan Cetak"),
    ("5.1.02.01.001.00052", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.01.01.0053", "Belanja Makanan dan Minuman Jamuan Tamu"),
    ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia"),
    ("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan"),
    ("5.1.02.02.01.0055", "Belanja Jasa Iklan/Reklame, Film, dan Pemotretan"),
    ("5.1.02.02.05.0009", "Belanja Sewa Bangunan Gedung Tempat Pertemuan"),
    ("5.1.02.03.02.0035", "Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor"),
    ("5.1.02.90.001.00001", "Belanja Barang dan Jasa BOK Puskesmas"),
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya"),
    ("5.2.04.01.01.0003", "Belanja Modal Jalan Kabupaten"),
    ("5.2.2.15.01", "Belanja Perjalanan Dinas Dalam Daerah"),
    ("5.2.2.06.02", "Belanja Penggandaan/Foto Copy"),
    ("5.2.2.11.02", "Belanja Makanan Dan Minuman Rapat"),
]
VERBS = ["Penyelenggaraan", "Fasilitasi", "Koordinasi dan Sinkronisasi", "Pengelolaan", "Penyusunan",
         "Sosialisasi", "Pelaksanaan", "Pembinaan", "Bimbingan Teknis", "Monitoring dan Evaluasi"]
OBJECTS = ["Pelayanan Kesehatan Gizi Masyarakat", "Kunjungan Tamu", "Rapat Koordinasi dan Konsultasi SKPD",
           "Dokumen Perencanaan Perangkat Daerah", "Festival Budaya Daerah", "Peraturan Perundang-Undangan",
           "Musrenbang Kecamatan", "Surveilans Kesehatan", "Keprotokolan", "Pendokumentasian Tugas Pimpinan",
           "Penelitian dan Pengembangan", "Pajak Daerah", "Jaringan Irigasi", "Arsip Dinamis", "Usaha Mikro"]
PACKAGES = ["Belanja Perjalanan Dinas Luar Kota", "Transportasi", "Transpor kunjungan rumah kader posyandu",
            "Rapat Koordinasi Lintas Program", "Bimtek Pengelolaan Keuangan", "Foto Copy materi",
            "Honor narasumber", "Cetak spanduk dan baliho", "Kelas ibu balita", "Studi banding",
            "Perjalaan Dinas", "Makan Minum", "Pencetakan Sawah Baru", "Peringatan HUT RI ke",
            "Pakaian Dinas Upacara", "Survei vektor malaria", "Kajian Penataan Kawasan", "ATK"]
PLACES = ["Namlea", "Waeapo", "Waplau", "Lolong Guba", "Air Buaya", "Fena Leisela", "Kayeli", "Teluk Kayeli",
          "Lilialy", "Batabual", "Waelata", "Ambon", "Jakarta", "Makassar", "Surabaya"]


def synthetic(rows: int, n_texts: int = 60_000, seed: int = 20250122) -> pd.DataFrame:
    """Rows drawn from ~``n_texts`` distinct package texts, with realistic codes and names."""
    rng = np.random.default_rng(seed)
    subs = np.array([f"{v} {o}" for v in VERBS for o in OBJECTS], dtype=object)
    i = np.arange(n_texts)
    texts = np.array([f"{PACKAGES[k % len(PACKAGES)]} {PLACES[k % len(PLACES)]} paket {k}"
                      for k in i], dtype=object)
    pick = rng.integers(0, n_texts, rows)
    acct = (pick * 7 + rng.integers(0, 3, rows)) % len(ACCOUNTS)
    codes = np.array([a[0] for a in ACCOUNTS], dtype=object)
    names = np.array([a[1] for a in ACCOUNTS], dtype=object)
    return pd.DataFrame({
        "kode_rekening": codes[acct], "nama_rekening": names[acct],
        "nama_sub_kegiatan": subs[(pick * 13 + rng.integers(0, 2, rows)) % len(subs)],
        "kelompok": texts[pick], "pagu": rng.integers(1, 10_000, rows) * 1000,
    })


def naive(frame: pd.DataFrame) -> int:
    """Per-row loop: normalise each row's texts and run every compiled pattern on them."""
    pack = load_pack()
    compiled = [(r, re.compile(r"\b(?:" + "|".join(r.words) + r")\b"),
                 re.compile(r"\b(?:" + "|".join(r.mask) + r")\b") if r.mask else None)
                for r in pack.rules if r.words]
    accounts = [r for r in pack.rules if r.kind == "account"]

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
        return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())

    hits = 0
    for row in frame.itertuples(index=False):
        acc = normalize_code.__wrapped__(row.kode_rekening)  # no cache: a true per-row loop
        for r in accounts:
            hits += any(spec.matches(acc.chart, acc.segments) for spec in r.codes) if acc else 0
        texts = {"nama_rekening": norm(row.nama_rekening), "nama_sub_kegiatan": norm(row.nama_sub_kegiatan),
                 "kelompok": norm(row.kelompok)}
        for r, pat, mask in compiled:
            for f in r.fields:
                if f in texts:
                    t = mask.sub(" ", texts[f]) if mask else texts[f]
                    hits += bool(pat.search(t))
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slice", type=int, default=20_000)
    args = parser.parse_args()
    frame = synthetic(args.rows)
    print(f"rows: {len(frame):,}; distinct kelompok texts: {frame['kelompok'].nunique():,}; "
          f"distinct sub kegiatan: {frame['nama_sub_kegiatan'].nunique():,}")
    t0 = time.perf_counter()
    out = categorize(frame)
    fast = time.perf_counter() - t0
    print(f"categorize: {fast:.2f} s, {len(frame) / fast:,.0f} rows/s "
          f"(travel rows: {int(out['perjalanan_dinas'].sum()):,})")
    part = frame.iloc[: args.slice]
    t0 = time.perf_counter()
    naive(part)
    slow = (time.perf_counter() - t0) * len(frame) / len(part)
    print(f"naive per-row loop: measured on {len(part):,} rows, scaled x{len(frame) / len(part):.0f} "
          f"to {slow:.1f} s ({len(frame) / slow:,.0f} rows/s)")
    print(f"speed-up: {slow / fast:.0f}x")


if __name__ == "__main__":
    main()
