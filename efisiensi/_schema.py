"""The canonical line-item table, described once, and the findings table.

Every loader returns a DataFrame with exactly :data:`LINE_ITEM_COLUMNS`, validated
by :class:`LineItems`. Text columns a source lacks are present and empty (``""``),
amounts a source lacks are null.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from ._money import MONEY

#: Text columns, in output order, with what they hold.
TEXT_COLUMNS: dict[str, str] = {
    "sumber_file": "the input file the line was read from",
    "sumber_sheet": "the sheet name (empty for CSV)",
    "tata_letak": "the layout recognised (sipd_rekap, sipd_rincian, dppa, penjabaran, kegiatan)",
    "tahap": "stage of `anggaran` as the file names it: murni, pergeseran, efisiensi, perubahan, realisasi "
             "or empty when the file does not say",
    "kode_skpd": "SKPD code as the source writes it",
    "nama_skpd": "SKPD name",
    "kode_sub_unit": "sub unit code",
    "nama_sub_unit": "sub unit name",
    "kode_program": "program code",
    "nama_program": "program name",
    "kode_kegiatan": "kegiatan code",
    "nama_kegiatan": "kegiatan name",
    "kode_sub_kegiatan": "sub kegiatan code",
    "nama_sub_kegiatan": "sub kegiatan name",
    "kode_sumber_dana": "funding source code",
    "sumber_dana": "funding source name",
    "kode_rekening": "account code, normalised (see efisiensi.read.codes)",
    "bagan_akun": "chart the code belongs to: 90/2019 or 13/2006 (empty when no code)",
    "kode_rekening_asli": "account code exactly as the source writes it",
    "nama_rekening": "account name",
    "kelompok": "SIPD '[#]' group / paket text",
    "keterangan": "SIPD '[-]' note / Keterangan text",
    "uraian": "the finest free text: component name with its specification",
    "koefisien": "coefficient as written ('2 Orang x 3 Hari')",
    "satuan": "unit",
}
MONEY_COLUMNS: dict[str, str] = {
    "harga_satuan": "unit price, rupiah",
    "anggaran": "amount of the stage the file holds (the revised one when it holds two), rupiah",
    "anggaran_sebelum": "baseline amount carried in the same row (Sebelum / murni / pagu), rupiah",
}
LINE_ITEM_COLUMNS: list[str] = [
    "sumber_file",
    "sumber_sheet",
    "sumber_baris",
    "tata_letak",
    "tahun",
    *[c for c in TEXT_COLUMNS if c not in ("sumber_file", "sumber_sheet", "tata_letak")],
    *MONEY_COLUMNS,
]

_text = {"nullable": False, "coerce": False}


class LineItems(pa.DataFrameModel):
    """One row per budget line item, with its provenance and exact amounts."""

    sumber_file: Series[str] = pa.Field(**_text)
    sumber_sheet: Series[str] = pa.Field(**_text)
    sumber_baris: Series[pd.Int64Dtype] = pa.Field(ge=1, nullable=False)
    tata_letak: Series[str] = pa.Field(**_text)
    tahun: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100)
    tahap: Series[str] = pa.Field(**_text)
    kode_skpd: Series[str] = pa.Field(**_text)
    nama_skpd: Series[str] = pa.Field(**_text)
    kode_sub_unit: Series[str] = pa.Field(**_text)
    nama_sub_unit: Series[str] = pa.Field(**_text)
    kode_program: Series[str] = pa.Field(**_text)
    nama_program: Series[str] = pa.Field(**_text)
    kode_kegiatan: Series[str] = pa.Field(**_text)
    nama_kegiatan: Series[str] = pa.Field(**_text)
    kode_sub_kegiatan: Series[str] = pa.Field(**_text)
    nama_sub_kegiatan: Series[str] = pa.Field(**_text)
    kode_sumber_dana: Series[str] = pa.Field(**_text)
    sumber_dana: Series[str] = pa.Field(**_text)
    kode_rekening: Series[str] = pa.Field(**_text)
    bagan_akun: Series[str] = pa.Field(isin=["", "90/2019", "13/2006"], nullable=False)
    kode_rekening_asli: Series[str] = pa.Field(**_text)
    nama_rekening: Series[str] = pa.Field(**_text)
    kelompok: Series[str] = pa.Field(**_text)
    keterangan: Series[str] = pa.Field(**_text)
    uraian: Series[str] = pa.Field(**_text)
    koefisien: Series[str] = pa.Field(**_text)
    satuan: Series[str] = pa.Field(**_text)
    harga_satuan: Series[MONEY] = pa.Field(nullable=True)  # type: ignore[valid-type]
    anggaran: Series[MONEY] = pa.Field(nullable=False)  # type: ignore[valid-type]
    anggaran_sebelum: Series[MONEY] = pa.Field(nullable=True)  # type: ignore[valid-type]

    class Config:
        strict = True
        ordered = True


FINDING_COLUMNS = ["file", "sheet", "row", "code", "severity", "message", "detail"]


def empty_line_items() -> pd.DataFrame:
    """An empty table with the canonical columns and dtypes."""
    data: dict[str, pd.Series] = {}
    for col in LINE_ITEM_COLUMNS:
        if col in MONEY_COLUMNS:
            data[col] = pd.Series([], dtype=MONEY)
        elif col in ("sumber_baris", "tahun"):
            data[col] = pd.Series([], dtype="Int64")
        else:
            data[col] = pd.Series([], dtype=str)
    return pd.DataFrame(data)


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a reader's output the canonical columns, order and dtypes.

    Missing text columns become ``""``, missing amounts null; extra columns are dropped.
    """
    n = len(frame)
    have = set(frame.columns)
    out: dict[str, object] = {}
    blank = None
    for col in LINE_ITEM_COLUMNS:
        s = frame[col].array if col in have else None  # arrays: no index to align or copy
        if col in MONEY_COLUMNS:
            out[col] = pd.array([None] * n, dtype=MONEY) if s is None else \
                s if s.dtype == MONEY else pd.Series(s).astype(MONEY).array
        elif col in ("sumber_baris", "tahun"):
            out[col] = pd.array([None] * n, dtype=_INT) if s is None else \
                s if s.dtype == _INT else pd.Series(s).astype(_INT).array
        elif s is None:
            if blank is None:
                blank = pd.array([""] * n, dtype=_STR)
            out[col] = blank
        elif s.dtype == _STR and not s.isna().any():
            out[col] = s  # already text without gaps: as astype(str) would leave it
        else:
            out[col] = pd.Series(s).fillna("").astype(str).array
    return pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)


#: the dtypes :func:`conform` gives (``astype(str)`` picks the storage pandas prefers)
_STR = pd.Series([""]).astype(str).dtype
_INT = pd.Int64Dtype()


def _schema() -> pa.DataFrameSchema:
    """:class:`LineItems` as a ``DataFrameSchema``, built directly.

    ``LineItems.to_schema()`` introspects type annotations and imports the typing
    modules of every dataframe library pandera knows that is installed (with dask
    present, dask.dataframe: about 0.4 s the first time in each process). The same
    columns and checks, written out here, build in a millisecond; a test keeps the
    two equal.
    """
    text = {"dtype": str, "nullable": False, "coerce": False}
    cols: dict[str, pa.Column] = {}
    for col in LINE_ITEM_COLUMNS:
        if col in MONEY_COLUMNS:
            cols[col] = pa.Column(MONEY, nullable=col != "anggaran")
        elif col == "sumber_baris":
            cols[col] = pa.Column(pd.Int64Dtype(), pa.Check.ge(1), nullable=False)
        elif col == "tahun":
            cols[col] = pa.Column(pd.Int64Dtype(), [pa.Check.ge(1990), pa.Check.le(2100)], nullable=True)
        elif col == "bagan_akun":
            cols[col] = pa.Column(str, pa.Check.isin(["", "90/2019", "13/2006"]), nullable=False)
        else:
            cols[col] = pa.Column(**text)
    return pa.DataFrameSchema(cols, strict=True, ordered=True, name="LineItems")


_SCHEMA: pa.DataFrameSchema | None = None


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a line-item table against :class:`LineItems` (raises ``SchemaError``).

    A table that :func:`conforms` (what :func:`conform` makes) is passed as it is: pandera
    costs a quarter of a second a call even on ten rows. Any other table is validated by
    pandera, which says what is wrong.
    """
    global _SCHEMA
    if conforms(frame):
        return frame
    if _SCHEMA is None:
        _SCHEMA = _schema()
    return _SCHEMA.validate(frame)


_BAGAN = ("", "90/2019", "13/2006")


def conforms(frame: pd.DataFrame) -> bool:
    """Whether a table meets every check of :class:`LineItems` with exactly the dtypes
    :func:`conform` gives; stricter than pandera (another text storage is left to it)."""
    if list(frame.columns) != LINE_ITEM_COLUMNS:
        return False
    if frame.attrs:  # a view without them: each column taken would deep-copy the findings
        frame = pd.DataFrame(frame, copy=False)
    for col in LINE_ITEM_COLUMNS:
        s = frame[col].array  # the arrays, not Series: a tenth of the overhead on a small table
        if col in MONEY_COLUMNS:
            if s.dtype != MONEY or (col == "anggaran" and s.isna().any()):
                return False
        elif col in ("sumber_baris", "tahun"):
            if s.dtype != _INT:
                return False
            if col == "sumber_baris":
                if s.isna().any() or (len(s) and s.min() < 1):
                    return False
            elif not s.isna().all() and (s.min() < 1990 or s.max() > 2100):
                return False
        elif s.dtype != _STR or s.isna().any():
            return False
        elif col == "bagan_akun" and not set(s.unique()) <= set(_BAGAN):
            return False
    return True
