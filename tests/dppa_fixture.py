"""Build a realistic printed DPPA "Rincian Belanja" workbook, and what a reader must find in it.

The workbook is written from a small spec (:data:`SPEC`): sub kegiatan → rekening →
``[#]`` kelompok → ``[-]`` keterangan → komponen with volume and unit price on each
side. Every stated amount (subtotals at six account levels, ``[#]``, ``[-]``,
``JUMLAH``) is computed here from the components, and the expectations returned by
:func:`build_dppa_workbook` come from the same spec, never from a reader's output.

Traps included on purpose: a title block and a key/value preamble per sub kegiatan,
an indicator table whose "Masukan" row holds a rupiah amount, two-row merged
headers, a page footer and a repeated header in the middle of a component (before
its ``Spesifikasi`` line), a new line (Sebelum empty), a cut line (Sesudah 0), an
amount with sen, and a signature block and TAPD table (with NIPs under amount
columns) after ``JUMLAH``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

D = Decimal
ACCOUNT_NAMES = {
    "5": "BELANJA DAERAH",
    "5.1": "BELANJA OPERASI",
    "5.1.02": "Belanja Barang dan Jasa",
    "5.1.02.01": "Belanja Barang",
    "5.1.02.01.01": "Belanja Barang Pakai Habis",
    "5.1.02.02": "Belanja Jasa",
    "5.1.02.02.01": "Belanja Jasa Kantor",
    "5.1.02.04": "Belanja Perjalanan Dinas",
    "5.1.02.04.01": "Belanja Perjalanan Dinas Dalam Negeri",
}


@dataclass(frozen=True)
class Komponen:
    """One component; ``sebelum=None`` is a new line, ``sesudah=None`` a cut line."""

    nama: str
    spek: str
    satuan: str
    harga: Decimal
    sebelum: tuple[str, int] | None  # (koefisien as printed, volume)
    sesudah: tuple[str, int] | None
    ppn: Decimal = D(0)  # PPN rate (0.11 = 11 %)

    def jumlah(self, side: str) -> Decimal | None:
        vol = self.sebelum if side == "sebelum" else self.sesudah
        return None if vol is None else (self.harga * vol[1]).quantize(D("0.01")) + self.pajak(side)

    def pajak(self, side: str) -> Decimal:
        """The PPN amount of one side, rounded to the sen as a print does."""
        vol = self.sebelum if side == "sebelum" else self.sesudah
        if vol is None:
            return D("0.00")
        return (self.harga * vol[1] * self.ppn).quantize(D("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Keterangan:
    teks: str
    komponen: tuple[Komponen, ...]


@dataclass(frozen=True)
class Kelompok:
    teks: str
    keterangan: tuple[Keterangan, ...]


@dataclass(frozen=True)
class Rekening:
    kode: str
    nama: str
    kelompok: tuple[Kelompok, ...]
    sumber_dana: str | None = None  # a funding source of its own (its own block)


@dataclass(frozen=True)
class SubKegiatan:
    kode: str
    nama: str
    kegiatan: tuple[str, str]
    sumber_dana: str
    rekening: tuple[Rekening, ...]
    program: tuple[str, str] = ("1.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA")


K = Komponen
SPEC: tuple[SubKegiatan, ...] = (
    SubKegiatan(
        "1.01.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah",
        ("1.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah"),
        "Dana Alokasi Umum (DAU)",
        (
            Rekening("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor", (
                Kelompok("Penyusunan Renstra Perangkat Daerah", (Keterangan("Alat Tulis Kantor", (
                    K("Kertas HVS A4 80 gr", "Kertas HVS ukuran A4 80 gram", "Rim", D(55000), ("10 Rim", 10), ("8 Rim", 8)),
                    K("Map Plastik", "Map plastik kancing", "Buah", D(7500), ("20 Buah", 20), None),
                )),)),
            )),
            Rekening("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", (
                Kelompok("Rapat Penyusunan Renstra", (Keterangan("Rapat Tim Perencana", (
                    K("Nasi Kotak", "Nasi kotak rapat lengkap", "Kotak", D(35000), ("4 Kali x 25 Orang", 100), ("3 Kali x 25 Orang", 75)),
                    K("Kue Kotak", "Snack rapat isi 3 jenis", "Kotak", D(15000), ("4 Kali x 25 Orang", 100), ("3 Kali x 25 Orang", 75)),
                )),)),
            )),
            Rekening("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", (
                Kelompok("Konsultasi Renstra ke Provinsi Maluku", (
                    Keterangan("Uang Harian", (
                        K("Uang Harian Perjalanan Dinas Luar Kota", "Provinsi Maluku", "OH", D(380000), ("2 Orang x 3 Hari", 6), ("2 Orang x 2 Hari", 4)),
                    )),
                    Keterangan("Transport dan Penginapan", (
                        K("Tiket Pesawat Namlea-Ambon PP", "Kelas ekonomi", "Orang/Kali", D(1850000), ("2 Orang x 1 Kali", 2), ("2 Orang x 1 Kali", 2)),
                        K("Biaya Penginapan", "Hotel Kota Ambon, golongan III", "OH", D(556000), None, ("2 Orang x 2 Malam", 4)),
                    )),
                )),
            )),
        ),
    ),
    SubKegiatan(
        "1.01.01.2.06.0009", "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
        ("1.01.01.2.06", "Administrasi Umum Perangkat Daerah"),
        "Pendapatan Asli Daerah (PAD)",
        (
            Rekening("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", (
                Kelompok("Rapat Koordinasi Internal", (Keterangan("Rapat Bulanan", (
                    K("Makan dan Minum Rapat", "Nasi kotak dan snack", "Kotak", D(45000), ("12 Kali x 20 Orang", 240), ("8 Kali x 20 Orang", 160)),
                )),)),
            )),
            Rekening("5.1.02.02.01.0003", "Belanja Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia", (
                Kelompok("Rapat Koordinasi Internal", (Keterangan("Narasumber", (
                    K("Honorarium Narasumber Eselon II", "Narasumber dari Provinsi", "OJ", D(1000000), ("2 Orang x 2 Jam", 4), ("2 Orang x 1 Jam", 2)),
                )),)),
            )),
            Rekening("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", (
                Kelompok("Konsultasi ke Kementerian Dalam Negeri", (Keterangan("Perjalanan ke Jakarta", (
                    K("Uang Harian DKI Jakarta", "Luar provinsi", "OH", D(530000), ("3 Orang x 3 Hari", 9), ("2 Orang x 3 Hari", 6)),
                    K("Tiket Pesawat Ambon-Jakarta PP", "Kelas ekonomi", "Orang/Kali", D("4567890.45"), ("3 Orang x 1 Kali", 3), ("2 Orang x 1 Kali", 2)),
                )),)),
                Kelompok("Konsultasi ke Provinsi Maluku", (Keterangan("Uang Harian", (
                    K("Uang Harian Ambon", "Dalam provinsi", "OH", D(380000), ("2 Orang x 2 Hari", 4), ("2 Orang x 2 Hari", 4)),
                )),)),
            )),
        ),
    ),
)


@dataclass
class LeafExpectation:
    """What the reader must return for one line item."""

    row: int
    kode_sub_kegiatan: str
    sumber_dana: str
    kode_rekening: str
    kelompok: str
    keterangan: str
    nama: str
    spek: str
    koefisien: str
    harga: Decimal | None
    sesudah: Decimal
    sebelum: Decimal | None


@dataclass
class SheetExpectation:
    name: str
    leaves: list[LeafExpectation] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)  # every header row, first and repeated
    repeated_header_rows: list[int] = field(default_factory=list)
    jumlah_rows: list[int] = field(default_factory=list)
    wrong_subtotal_row: int | None = None

    @property
    def total_sesudah(self) -> Decimal:
        return sum((leaf.sesudah for leaf in self.leaves), D("0.00"))

    @property
    def total_sebelum(self) -> Decimal | None:
        if any(leaf.sebelum is None for leaf in self.leaves):
            return None
        return sum((leaf.sebelum for leaf in self.leaves), D("0.00"))


def fmt_id(value: Decimal) -> str:
    """``Decimal('-1234')`` -> ``'(1.234,00)'``: how printed DPPA write amounts."""
    text = f"{abs(value):,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"({text})" if value < 0 else text


class _Writer:
    def __init__(self, ws: Worksheet, *, teks: bool, perubahan: bool, components: bool,
                 wrong: str | None, page_break_after: int | None, stage: str,
                 ppn: str = "nol", sumber: str | None = None, cetak: str = "") -> None:
        self.ws, self.teks, self.perubahan, self.components = ws, teks, perubahan, components
        self.ppn, self.sumber, self.cetak = ppn, sumber, cetak
        self.wrong, self.page_break_after, self.stage = wrong, page_break_after, stage
        self.r = 0
        self.width = 13 if perubahan else 7
        self.n_components = 0
        self.exp = SheetExpectation(ws.title)

    # amounts ---------------------------------------------------------------
    def money(self, value: Decimal | None) -> object:
        if value is None:
            return None
        if not self.teks:
            return float(value)
        return f"Rp. {fmt_id(value)}" if self.cetak == "sipd" else fmt_id(value)

    def put(self, col: int, value: object) -> None:
        if value is not None and value != "":
            self.ws.cell(self.r, col, value)

    def line(self, *cells: object, merge: tuple[int, int] | None = None) -> int:
        self.r += 1
        for c, v in enumerate(cells, 1):
            self.put(c, v)
        if merge:
            self.ws.merge_cells(start_row=self.r, start_column=merge[0], end_row=self.r, end_column=merge[1])
        return self.r

    def amounts(self, before: Decimal | None, after: Decimal | None, label: str) -> None:
        """Write the Jumlah cells of the current row (and Bertambah/(Berkurang))."""
        if self.wrong is not None and label == self.wrong and self.exp.wrong_subtotal_row is None:
            after = (after or D(0)) + D(100000)
            if not self.perubahan:
                before = (before or D(0)) + D(100000)
            self.exp.wrong_subtotal_row = self.r
        if self.perubahan:
            self.put(7, self.money(before))
            self.put(12, self.money(after))
            self.put(13, self.money((after or D(0)) - (before or D(0))))
        else:
            self.put(7, self.money(before if self.stage == "sebelum" else after))

    # blocks ----------------------------------------------------------------
    def title(self, tahun: int) -> None:
        doc = ("DOKUMEN PELAKSANAAN PERUBAHAN ANGGARAN", "(DPPA-SKPD)") if self.perubahan else \
            ("DOKUMEN PELAKSANAAN ANGGARAN", "(DPA-SKPD)")
        for text in (doc[0], "SATUAN KERJA PERANGKAT DAERAH", doc[1], "PEMERINTAH KABUPATEN BURU",
                     f"TAHUN ANGGARAN {tahun}"):
            self.line(text, merge=(1, self.width))
        self.r += 1

    def preamble(self, sk: SubKegiatan, total_after: Decimal, total_before: Decimal) -> None:
        items = [
            ("Urusan Pemerintahan", "1 - URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR"),
            ("Bidang Urusan", "1.01 - URUSAN PEMERINTAHAN BIDANG PENDIDIKAN"),
            ("Program", " - ".join(sk.program)),
            ("Kegiatan", " - ".join(sk.kegiatan)),
            ("Sub Kegiatan", f"{sk.kode} - {sk.nama}"),
            ("Organisasi", "1.01.0.00.0.00.01.0000 - Dinas Pendidikan dan Kebudayaan"),
            ("Unit", "1.01.0.00.0.00.01.0000 - Dinas Pendidikan dan Kebudayaan"),
        ]
        for label, value in items:
            self.line(label, f": {value}", merge=(2, self.width))
        # some converters keep label and value in one merged cell
        self.line(f"Sumber Dana : {sk.sumber_dana}", merge=(1, self.width))
        self.line("Lokasi", ": Kabupaten Buru, Namlea", merge=(2, self.width))
        self.line("Alokasi Tahun 2024", ": Rp. 0,00", merge=(2, self.width))
        self.line("Alokasi Tahun 2025", f": Rp. {fmt_id(total_before)}", merge=(2, self.width))
        if self.perubahan:
            self.line("Alokasi Perubahan 2025", f": Rp. {fmt_id(total_after)}", merge=(2, self.width))
        self.r += 1
        # indicator table: its "Masukan" row holds a rupiah amount that is not a line item
        self.line("Indikator", "Tolok Ukur Kinerja", None, None, None, None, "Target Kinerja")
        self.line("Capaian Kegiatan", "Persentase dokumen perencanaan tepat waktu", None, None, None, None, "100 %")
        self.line("Masukan", "Dana yang Dibutuhkan", None, None, None, None, f"Rp. {fmt_id(total_after)}")
        self.line("Keluaran", "Jumlah Dokumen", None, None, None, None, "3 Dokumen")
        self.r += 1
        self.line("RINCIAN ANGGARAN BELANJA KEGIATAN SATUAN KERJA PERANGKAT DAERAH", merge=(1, self.width))

    def header(self) -> list[int]:
        ws, top = self.ws, self.r + 1
        fields = ["Koefisien", "Satuan", "Harga", "PPN", "Jumlah"]
        if self.cetak == "sipd" and self.perubahan:
            # SIPD-RI: stage over "Rincian Perhitungan | Jumlah" over Koefisien … PPN
            self.line("Kode Rekening", "Uraian", "Sebelum Perubahan", None, None, None, None,
                      "Setelah Perubahan", None, None, None, None, "Bertambah/ (Berkurang)")
            self.line(None, None, "Rincian Perhitungan", None, None, None, "Jumlah",
                      "Rincian Perhitungan", None, None, None, "Jumlah")
            self.line(None, None, *fields[:4], None, *fields[:4])
            for c in (1, 2, 13):
                ws.merge_cells(start_row=top, start_column=c, end_row=top + 2, end_column=c)
            for c in (7, 12):
                ws.merge_cells(start_row=top + 1, start_column=c, end_row=top + 2, end_column=c)
            for a, b in ((3, 7), (8, 12)):
                ws.merge_cells(start_row=top, start_column=a, end_row=top, end_column=b)
            for a, b in ((3, 6), (8, 11)):
                ws.merge_cells(start_row=top + 1, start_column=a, end_row=top + 1, end_column=b)
        elif self.perubahan:
            self.line("Kode Rekening", "Uraian", "Sebelum Perubahan", None, None, None, None,
                      "Setelah Perubahan", None, None, None, None, "Bertambah/(Berkurang)")
            self.line(None, None, *fields, *fields)
            for c in (1, 2, 13):
                ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
            ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=7)
            ws.merge_cells(start_row=top, start_column=8, end_row=top, end_column=12)
        else:
            self.line("Kode Rekening", "Uraian", "Rincian Perhitungan", None, None, None, "Jumlah")
            self.line(None, None, *fields[:4])
            for c in (1, 2, 7):
                ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
            ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=6)
        rows = list(range(top, self.r + 1))
        self.exp.header_rows += rows
        return rows

    def page_break(self) -> None:
        self.line("Halaman 1 dari 2", merge=(1, self.width))
        self.r += 1
        self.exp.repeated_header_rows += self.header()

    def subtotal(self, kode: str, uraian: str, comps: list[Komponen]) -> None:
        self.line(kode or None, uraian)
        self.amounts(_sum(comps, "sebelum"), _sum(comps, "sesudah"), kode or uraian)

    def ppn_cell(self, k: Komponen, side: str) -> object:
        if self.ppn == "persen":  # the rate as printed: "11%" or "0%"
            return f"{k.ppn * 100:g}%" if self.teks else f"{k.ppn * 100:g} %"
        if self.ppn == "rupiah":  # the PPN amount
            return self.money(k.pajak(side))
        return "0,00" if self.teks else 0

    def komponen(self, k: Komponen, sk: SubKegiatan, ctx: dict[str, str]) -> None:
        self.line(None, k.nama)
        sides = [("sebelum", 3), ("sesudah", 8)] if self.perubahan else [(self.stage, 3)]
        for side, col in sides:
            vol = k.sebelum if side == "sebelum" else k.sesudah
            if vol is not None:
                self.put(col, vol[0])
                self.put(col + 1, k.satuan)
                self.put(col + 2, self.money(k.harga))
                self.put(col + 3, self.ppn_cell(k, side))
        if self.perubahan and k.sesudah is None:
            after = D("0.00")  # a cut line keeps its row with Sesudah 0
        else:
            after = k.jumlah("sesudah")
        self.amounts(k.jumlah("sebelum"), after, k.nama)
        shown = k.sesudah if k.sesudah is not None and self.stage == "sesudah" else k.sebelum
        self.exp.leaves.append(LeafExpectation(
            self.r, sk.kode, ctx["sumber_dana"], ctx["kode"], ctx["kelompok"], ctx["keterangan"], k.nama,
            k.spek, shown[0], k.harga,
            sesudah=(after if self.perubahan else k.jumlah(self.stage)),
            sebelum=(k.jumlah("sebelum") or D("0.00")) if self.perubahan else None))
        self.n_components += 1
        if self.page_break_after is not None and self.n_components == self.page_break_after:
            self.page_break()  # the page ends between a component and its Spesifikasi line
        self.line(None, f"Spesifikasi : {k.spek}")

    def block(self, sk: SubKegiatan) -> list[Komponen]:
        every = [k for rek in sk.rekening for kel in rek.kelompok for ket in kel.keterangan
                 for k in ket.komponen if self._shown(k)]
        self.title(2025)
        self.preamble(sk, _sum(every, "sesudah"), _sum(every, "sebelum"))
        sources = list(dict.fromkeys(rek.sumber_dana or sk.sumber_dana for rek in sk.rekening))
        if self.sumber is None or len(sources) == 1:
            self.table(sk, sk.rekening, sk.sumber_dana)
            self.jumlah(every, "Jumlah Anggaran Sub Kegiatan" if self.cetak == "sipd" else "JUMLAH")
            return every
        # a Pemda's own print: one block per funding source, each with its header and JUMLAH
        for source in sources:
            reks = tuple(r for r in sk.rekening if (r.sumber_dana or sk.sumber_dana) == source)
            if self.sumber == "baris":
                self.line("Sumber Dana", f": {source}", merge=(2, self.width))
            else:
                self.line(f"SUMBER PENDANAAN : {source}", merge=(1, self.width))
            self.table(sk, reks, source)
            self.jumlah([k for r in reks for kel in r.kelompok for ket in kel.keterangan
                         for k in ket.komponen if self._shown(k)],
                        "JUMLAH" if self.sumber == "baris" else f"Jumlah {source}")
        return every

    def table(self, sk: SubKegiatan, rekening: tuple[Rekening, ...], source: str) -> None:
        self.header()
        written: set[str] = set()
        for rek in sorted(rekening, key=lambda x: x.kode):
            parts = rek.kode.split(".")
            for n in range(1, 6):
                prefix = ".".join(parts[:n])
                if prefix not in written:
                    written.add(prefix)
                    under = [k for r in rekening if r.kode.startswith(prefix + ".")
                             for kel in r.kelompok for ket in kel.keterangan for k in ket.komponen
                             if self._shown(k)]
                    self.subtotal(prefix, ACCOUNT_NAMES[prefix], under)
            comps = [k for kel in rek.kelompok for ket in kel.keterangan for k in ket.komponen if self._shown(k)]
            self.subtotal(rek.kode, rek.nama, comps)
            if not self.components:
                self.exp.leaves.append(LeafExpectation(
                    self.r, sk.kode, source, rek.kode, "", "", "", "", "", None,
                    sesudah=_sum(comps, "sesudah" if self.perubahan else self.stage),
                    sebelum=_sum(comps, "sebelum") if self.perubahan else None))
                continue
            for kel in rek.kelompok:
                kc = [k for ket in kel.keterangan for k in ket.komponen if self._shown(k)]
                self.subtotal("", f"[#] {kel.teks}", kc)
                for ket in kel.keterangan:
                    shown = [k for k in ket.komponen if self._shown(k)]
                    self.subtotal("", f"[-] {ket.teks}", shown)
                    for k in shown:
                        self.komponen(k, sk, {"kode": rek.kode, "kelompok": kel.teks,
                                              "keterangan": ket.teks, "sumber_dana": source})

    def _shown(self, k: Komponen) -> bool:
        # a DPA holds one stage: a line absent from it is not printed at all
        return self.perubahan or (k.sebelum if self.stage == "sebelum" else k.sesudah) is not None

    def jumlah(self, comps: list[Komponen], label: str) -> None:
        self.line(label, merge=(1, 2))
        self.exp.jumlah_rows.append(self.r)
        self.amounts(_sum(comps, "sebelum"), _sum(comps, "sesudah"), label.upper())

    def signatures(self) -> None:
        self.r += 1
        c = self.width - 4
        for text in ("Namlea, 15 September 2025", "Mengesahkan,", "Pejabat Pengelola Keuangan Daerah"):
            self.r += 1
            self.put(c, text)
        self.r += 2
        self.put(c, "Drs. Ahmad Assagaf, M.Si")
        self.r += 1
        self.put(c, "NIP. 19700512 199803 1 007")
        self.r += 1
        self.line("Tim Anggaran Pemerintah Daerah", merge=(1, self.width))
        self.line("No", "Nama", "NIP", None, "Jabatan", None, "Tanda Tangan")
        # the TAPD table: a number in the code column and a NIP under an amount column
        self.line(1, "Ir. Muhammad Rum", "19681010 199303 1 004", None, "Sekretaris Daerah")
        self.r += 2


def _sum(comps: list[Komponen], side: str) -> Decimal:
    return sum((k.jumlah(side) or D(0) for k in comps), D("0.00"))


def build_dppa_workbook(
    path: Path,
    *,
    spec: tuple[SubKegiatan, ...] = SPEC,
    perubahan: bool = True,
    components: bool = True,
    wrong_subtotal: str | None = None,
    page_break_after: int | None = 3,
    grand_total: bool = False,
    ppn: str = "nol",
    sumber: str | None = None,
    cetak: str = "",
) -> dict[str, SheetExpectation]:
    """Write a printed DPPA (or DPA) workbook and return what each sheet must yield.

    Parameters
    ----------
    path
        Where to write the ``.xlsx``.
    spec
        The sub kegiatan to print, one block each (title, preamble, table, JUMLAH,
        signatures).
    perubahan
        ``True`` for a DPPA (Sebelum | Setelah | Bertambah/(Berkurang)); ``False``
        for a DPA with one set of columns (the Sebelum stage).
    components
        ``False`` stops at the sub rincian objek (its rows become the leaves).
    wrong_subtotal
        Code (``"5.1.02.04.01.0001"``), marker text (``"[#] Rapat Koordinasi Internal"``)
        or ``"JUMLAH"`` of the first row whose stated amount is written 100.000 too
        high (Sesudah side); its row is ``wrong_subtotal_row``.
    page_break_after
        Insert a page footer and a repeated header after this many components.
    grand_total
        Close the last block with a sheet-wide ``Jumlah Total`` too.
    ppn
        How the PPN column is printed: ``"nol"`` (0 everywhere), ``"persen"`` (the
        rate, ``11%``) or ``"rupiah"`` (the PPN amount); use :func:`with_ppn` to give
        components a rate.
    sumber
        ``None``: one table per sub kegiatan. ``"baris"`` / ``"sel"``: one block per
        funding source (a ``Sumber Dana | : X`` line closed by ``JUMLAH``, or one
        ``SUMBER PENDANAAN : X`` cell closed by ``Jumlah X``), each with its own
        header; use :func:`with_sources`.
    cetak
        ``"sipd"``: the SIPD-RI print of a DPPA: a three-row header (stage over
        ``Rincian Perhitungan | Jumlah`` over ``Koefisien | Satuan | Harga | PPN``),
        amounts written ``Rp. 1.234,00`` and a closing ``Jumlah Anggaran Sub Kegiatan``.

    Returns
    -------
    dict
        Sheet name → :class:`SheetExpectation`, for ``"DPPA angka"`` (amounts as
        numbers) and ``"DPPA teks"`` (amounts as Indonesian text, decreases in
        parentheses).
    """
    wb = Workbook()
    wb.remove(wb.active)
    out = {}
    for name, teks in (("DPPA angka", False), ("DPPA teks", True)):
        w = _Writer(wb.create_sheet(name), teks=teks, perubahan=perubahan, components=components,
                    wrong=wrong_subtotal, page_break_after=page_break_after,
                    stage="sesudah" if perubahan else "sebelum", ppn=ppn, sumber=sumber,
                    cetak=cetak)
        w.ws.column_dimensions["B"].width = 60
        every: list[Komponen] = []
        for n, sk in enumerate(spec):
            every += w.block(sk)
            if grand_total and n == len(spec) - 1:
                w.jumlah(every, "Jumlah Total")
            w.signatures()
        out[name] = w.exp
    wb.save(path)
    return out


PPN_RATE = D("0.11")


def with_ppn(spec: tuple[SubKegiatan, ...] = SPEC, rate: Decimal = PPN_RATE) -> tuple[SubKegiatan, ...]:
    """Every other component (in spec order) bears PPN at ``rate``."""
    n = 0

    def comp(k: Komponen) -> Komponen:
        nonlocal n
        n += 1
        return replace(k, ppn=rate) if n % 2 else k

    return _map(spec, comp=comp)


def with_cut_kelompok(spec: tuple[SubKegiatan, ...] = SPEC, *, width: int = 50,
                      ellipsis: bool = False) -> tuple[SubKegiatan, ...]:
    """``[#]`` texts as SIPD-RI prints them: long, and cut at ``width`` characters.

    The long form names the year ("… Tahun Anggaran 2025 …"), which must not be
    taken for the preamble's year line.
    """
    def kel(k: Kelompok) -> Kelompok:
        text = f"{k.teks} Tahun Anggaran 2025 pada Dinas Pendidikan dan Kebudayaan Kabupaten Buru"
        cut = text[: width - 3].rstrip() + "..." if ellipsis else text[:width].rstrip()
        return replace(k, teks=cut)

    return _map(spec, kel=kel)


def with_sources(spec: tuple[SubKegiatan, ...] = SPEC,
                 source: str = "Dana Alokasi Khusus (DAK) Non Fisik") -> tuple[SubKegiatan, ...]:
    """The last rekening of each sub kegiatan is paid from a second funding source."""
    return tuple(replace(sk, rekening=(*sk.rekening[:-1], replace(sk.rekening[-1], sumber_dana=source)))
                 for sk in spec)


def _map(spec, *, comp=lambda k: k, kel=lambda k: k):
    return tuple(replace(sk, rekening=tuple(
        replace(rek, kelompok=tuple(
            kel(replace(kl, keterangan=tuple(
                replace(kt, komponen=tuple(comp(k) for k in kt.komponen)) for kt in kl.keterangan)))
            for kl in rek.kelompok))
        for rek in sk.rekening)) for sk in spec)
