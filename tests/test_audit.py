"""The compliance audit on the Buru sample, result semantics, and the JSON contract."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

import efisiensi as ef
from efisiensi.compliance import audit, load_policy
from efisiensi.compliance._compare import judge
from tests.budget_sums import (
    CATS,
    FLOOR,
    POOL,
    account_sum,
    check_amount,
    check_amounts,
    check_summary,
    travel,
)
from tests.conftest import ROOT, SAMPLES

D = Decimal
MURNI = SAMPLES / "2025_1_murni_rekap5.xlsx"
PENYESUAIAN = SAMPLES / "2025_3_penyesuaian_rekap5.xlsx"


@pytest.fixture(scope="module")
def buru():
    return audit(MURNI, PENYESUAIAN)


@pytest.fixture(scope="module")
def stages() -> dict[str, pd.DataFrame]:
    """The two Buru stages as loaded: the expected category amounts are sums over their codes."""
    return {"baseline": ef.load(MURNI), "revised": ef.load(PENYESUAIAN)}


def test_buru_travel_not_met_with_the_right_shortfall(buru):
    row = buru.summary.set_index("target").loc["perjalanan_dinas"]
    assert (row["baseline"], row["revised"]) == (D("44839327876"), D("37395490128"))
    assert row["status"] == "not_met"
    # target pagu = 50 % of murni = 22.419.663.938; shortfall = revised - target pagu
    assert row["shortfall"] == D("37395490128") - D("44839327876") / 2 == D("14975826190")
    assert row["change_pct"] == pytest.approx(-16.6)
    assert buru.totals == {"baseline": D("1078983576660"), "revised": D("1010280766001.33")}


def test_buru_per_skpd_rows_add_up_to_the_totals(buru):
    travel = buru.by_agency[buru.by_agency["target"] == "perjalanan_dinas"]
    assert len(travel) == 42
    assert travel["baseline"].sum() == D("44839327876") and travel["revised"].sum() == D("37395490128")
    met = travel[(travel["status"] == "met")]
    assert len(met) == 7  # REFERENCE.md: 7 of 42 SKPD reach -50 %
    dprd = travel.set_index("nama_skpd").loc["Sekretariat DPRD"]
    assert (dprd["baseline"], dprd["revised"]) == (D("7547334000"), D("8563440000"))


def test_reconciliation_accounts_for_every_rupiah(buru, stages):
    assert buru.reconciled
    rec = buru.reconciliation
    files = rec[~rec["file"].str.startswith("(")]
    assert (files["total_read"] == files["categorized"] + files["uncategorized"]).all()
    # categorized: at least the accounts that decide a category alone, at most the operating pool
    for stage, items in stages.items():
        row = files[files["stage"] == stage].iloc[0]
        floors = account_sum(items, tuple(p for c in CATS for p in FLOOR[c]))
        assert floors <= row["categorized"] <= account_sum(items, POOL), stage
        assert row["uncategorized"] >= account_sum(items, ("5.1.01.01.", "5.2.")), stage
    assert buru.lines["baseline"].sum() == D("1078983576660")
    assert buru.lines["revised"].sum() == D("1010280766001.33")


def test_lines_say_what_happened_and_where_from(buru):
    lines = buru.lines
    assert set(lines["perubahan"]) <= {"tetap", "dipotong", "naik", "baru", "dihapus", "dipindah"}
    cut = lines[lines["perubahan"] == "dipotong"].iloc[0]
    assert cut["revised"] < cut["baseline"]
    assert "2025_1_murni_rekap5.xlsx:Sheet 1:" in cut["sumber_baseline"]
    assert "2025_3_penyesuaian_rekap5.xlsx:Sheet 1:" in cut["sumber_revised"]
    ev = buru.evidence("perjalanan_dinas")
    assert ev["perjalanan_dinas"].all() and ev["baseline"].sum() == D("44839327876")


def test_buru_policy_reproduces_the_pemdas_own_figures():
    a = audit(MURNI, PENYESUAIAN, policy=ROOT / "examples" / "policies" / "buru-2025.toml")
    biasa = a.by_agency[a.by_agency["target"] == "perjalanan_dinas_biasa"].set_index("nama_skpd")
    assert biasa.loc["Dinas Pendidikan dan Kebudayaan", "baseline"] == D("110770000")
    assert biasa.loc["Dinas Satuan Polisi Pamong Praja", "baseline"] == D("95844000")
    assert biasa.loc["Dinas Satuan Polisi Pamong Praja", "revised"] == D("9934000")
    assert biasa.loc["Dinas Satuan Polisi Pamong Praja", "status"] == "met"
    assert a.summary["legal_source"].str.contains("Buru").all()


def test_sub_unit_exclusion_and_account_scope(tmp_path, stages):
    policy = tmp_path / "tanpa-puskesmas.toml"
    policy.write_text(
        'id = "uji"\nlegal_source = "uji"\n[[target]]\nid = "pd"\ncategory = "perjalanan_dinas"\n'
        'kind = "numeric"\ncut_pct = "50"\nscope.exclude_sub_unit = ["puskesmas"]\n'
        'scope.accounts = ["5.1.02.04.01"]\n'
        # the same exclusion on the category alone: every travel line outside the puskesmas
        '[[target]]\nid = "pd_semua"\ncategory = "perjalanan_dinas"\nkind = "numeric"\ncut_pct = "50"\n'
        'scope.exclude_sub_unit = ["puskesmas"]\n')
    a = audit(MURNI, policy=policy)
    kes = a.by_agency[(a.by_agency["nama_skpd"] == "Dinas Kesehatan") & (a.by_agency["target"] == "pd")].iloc[0]
    items = stages["baseline"]
    travel = items[(items["nama_skpd"] == "Dinas Kesehatan") & items["kode_rekening"].str.startswith("5.1.02.04.01.")]
    outside = travel[~travel["nama_sub_unit"].str.contains("Puskesmas")]
    assert kes["baseline"] == outside["anggaran"].sum() < travel["anggaran"].sum()
    assert kes["status"] == "profile"
    everywhere = items[~items["nama_sub_unit"].str.contains("Puskesmas", case=False)]
    total = a.summary.set_index("target").loc["pd_semua", "baseline"]
    assert total == account_sum(everywhere, FLOOR["perjalanan_dinas"]) < account_sum(items, FLOOR["perjalanan_dinas"])


@pytest.mark.parametrize(
    ("kind", "cut", "base", "rev", "status", "shortfall"),
    [
        ("numeric", "50", "100", "50", "met", "0"),
        ("numeric", "50", "100", "50.01", "not_met", "0.01"),
        ("numeric", "53.9", "100.03", "100.03", "not_met", "53.92"),  # 53.91617 rounded up to the sen
        ("numeric", "50", "0", "10", "no_baseline", "10"),
        ("directional", None, "100", "90", "decreased", "0"),
        ("directional", None, "100", "100", "unchanged", "0"),
        ("directional", None, "100", "120", "increased", "20"),
        ("numeric", "50", "100", None, "profile", "0"),
    ],
)
def test_result_semantics(kind, cut, base, rev, status, shortfall):
    from efisiensi.compliance._policy import Target

    t = Target("x", "perjalanan_dinas", kind, D(cut) if cut else None, "")
    r = judge(t, D(base), None if rev is None else D(rev))
    assert r["status"] == status and r["shortfall"] == D(shortfall)
    if status == "met":
        assert r["shortfall"] == 0


def _rincian(rows, both=True):
    header = ["kode_skpd", "nama_skpd", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun",
              "subs_bl_teks", "nama_standar_harga", "nama_dana"]
    header += ["total_harga_murni", "total_harga"] if both else ["total_harga"]
    return pd.DataFrame([r[: len(header)] for r in rows], columns=header)


BUDGET = [
    ["1.02", "Dinas Kesehatan", "1.02.01.2.06.0009", "Rapat Koordinasi", "5.1.02.04.01.0001",
     "Belanja Perjalanan Dinas Biasa", "[#] Konsultasi", "Uang harian", "DAU", "10.000.000", "4.000.000"],
    ["1.02", "Dinas Kesehatan", "1.02.01.2.06.0009", "Rapat Koordinasi", "5.1.02.01.01.0052",
     "Belanja Makanan dan Minuman Rapat", "[#] Rapat", "Nasi kotak", "DAU", "2.000.000", "2.500.000"],
    ["4.01", "Sekretariat Daerah", "4.01.01.2.06.0008", "Fasilitasi Kunjungan Tamu", "5.1.02.04.01.0003",
     "Belanja Perjalanan Dinas Dalam Kota", "[#] Protokol", "Transport lokal", "PAD", "6.000.000", "5.000.000"],
]


def test_one_file_with_both_stages_equals_two_files(tmp_path):
    both = tmp_path / "dua-tahap.csv"
    _rincian(BUDGET).to_csv(both, index=False)
    murni, revisi = tmp_path / "murni.csv", tmp_path / "revisi.csv"
    _rincian([r[:9] + [r[9]] for r in BUDGET], both=False).to_csv(murni, index=False)
    _rincian([r[:9] + [r[10]] for r in BUDGET], both=False).to_csv(revisi, index=False)
    one, two = audit(both), audit(murni, revisi)
    cols = ["target", "baseline", "revised", "change", "status", "shortfall"]
    pd.testing.assert_frame_equal(one.summary[cols], two.summary[cols])
    pd.testing.assert_frame_equal(one.by_agency[["kode_skpd", *cols]], two.by_agency[["kode_skpd", *cols]])
    travel = one.summary.set_index("target").loc["perjalanan_dinas"]
    assert (travel["baseline"], travel["revised"], travel["status"]) == (D(16_000_000), D(9_000_000), "not_met")
    assert travel["shortfall"] == D(1_000_000)
    assert one.reconciled and two.reconciled


def test_one_stage_alone_is_profiled(tmp_path):
    murni = tmp_path / "murni.csv"
    _rincian([r[:10] for r in BUDGET], both=False).to_csv(murni, index=False)
    a = audit(murni)
    assert set(a.summary["status"]) == {"profile"} and a.summary["revised"].isna().all()
    # the two travel accounts (5.1.02.04) and nothing else are travel; no line is an honorarium
    base = a.summary.set_index("target")["baseline"]
    assert (base["perjalanan_dinas"], base["honorarium"], base["hibah_kl"]) == (D(16_000_000), 0, 0)
    doc = json.loads(a.to_json())
    assert doc["revised"] is None and doc["categories"][0]["revised"] is None


def test_json_contract_and_exact_amounts(buru):
    text = buru.to_json()
    doc = json.loads(text, parse_float=D)
    assert {"efisiensi_version", "policy", "baseline", "revised", "categories", "agencies",
            "reconciliation", "findings"} <= doc.keys()
    assert doc["baseline"]["total"] == 1078983576660 and doc["revised"]["total"] == D("1010280766001.33")
    cat = doc["categories"][0]
    assert set(cat) >= {"category", "baseline", "revised", "change", "change_pct", "target_cut_pct",
                        "status", "shortfall"}
    assert cat["category"] == "perjalanan_dinas" and cat["shortfall"] == 14975826190
    assert '"total": 1010280766001.33' in text and '"total": 1078983576660\n' in text
    ag = doc["agencies"][0]
    assert {"kode_skpd", "nama_skpd", "categories"} <= ag.keys() and ag["kode_skpd"].count(".") == 7
    assert doc["reconciliation"]["ok"] is True


def test_json_is_byte_identical_across_runs(buru, stages):
    text = audit(MURNI, PENYESUAIAN).to_json()
    assert text == buru.to_json()
    doc = json.loads(text, parse_float=D, parse_int=D)  # and what repeats is the right audit
    for stage, items in stages.items():
        check_amounts({c["target"]: c[stage] for c in doc["categories"]}, items)


def test_policy_files_are_checked(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text('id = "x"\nlegal_source = "y"\n[[target]]\nid = "t"\nkind = "numeric"\ncut_pct = "150"\n')
    with pytest.raises(ef.LoadError, match="cut_pct"):
        load_policy(bad)
    with pytest.raises(ef.LoadError, match="kebijakan tidak dikenal"):
        load_policy("inpres-2099")
    assert load_policy("s37-2025").target("atk").cut_pct == D("90.0")


def test_json_refuses_to_overwrite_an_input(buru, tmp_path):
    with pytest.raises(ef.EfisiensiError, match="menimpa"):
        buru.to_json(MURNI)


def _revised_as_dpa(spec):
    """The same budget as a one-stage DPA holding the revised amounts."""
    from dataclasses import replace

    def swap(node):
        if hasattr(node, "harga"):
            return replace(node, sebelum=node.sesudah)
        field = next(f for f in ("rekening", "kelompok", "keterangan", "komponen") if hasattr(node, f))
        return replace(node, **{field: tuple(swap(child) for child in getattr(node, field))})

    return tuple(swap(s) for s in spec)


def test_dppa_with_both_stages_equals_murni_and_revised_dpa(tmp_path):
    from tests.dppa_fixture import SPEC, build_dppa_workbook

    build_dppa_workbook(tmp_path / "dppa.xlsx")
    build_dppa_workbook(tmp_path / "dpa-murni.xlsx", perubahan=False)
    build_dppa_workbook(tmp_path / "dpa-revisi.xlsx", spec=_revised_as_dpa(SPEC), perubahan=False)
    sheet = ["DPPA angka"]
    one = audit(ef.load(tmp_path / "dppa.xlsx", sheets=sheet))
    two = audit(ef.load(tmp_path / "dpa-murni.xlsx", sheets=sheet), ef.load(tmp_path / "dpa-revisi.xlsx", sheets=sheet))
    cols = ["target", "baseline", "revised", "change", "change_pct", "status", "shortfall"]
    pd.testing.assert_frame_equal(one.summary[cols], two.summary[cols])
    pd.testing.assert_frame_equal(one.by_agency[["kode_skpd", *cols]], two.by_agency[["kode_skpd", *cols]])
    assert one.totals == two.totals and one.reconciled and two.reconciled
    travel_row = one.summary.set_index("target").loc["perjalanan_dinas"]
    lines = ef.load(tmp_path / "dpa-murni.xlsx", sheets=sheet)
    assert travel_row["baseline"] == travel(lines) > 0 and travel_row["status"] in {"met", "not_met"}
    assert one.summary.set_index("target").loc["hibah_kl", "baseline"] == account_sum(lines, FLOOR["hibah_kl"])
    # the text sheet of the same workbook gives the same audit as the numeric one
    text = audit(ef.load(tmp_path / "dppa.xlsx", sheets=["DPPA teks"]))
    pd.testing.assert_frame_equal(one.summary[cols], text.summary[cols])


# ------------------------------------------------------------------ one engine: map + reduce


def _same(a, b) -> None:
    for name in ("summary", "by_agency", "lines", "findings", "reconciliation"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    assert (a.totals, a.sources, a.categories, a.baseline_files, a.revised_files) == \
        (b.totals, b.sources, b.categories, b.baseline_files, b.revised_files)
    assert a.to_json() == b.to_json()


def test_partials_of_any_split_reduce_to_the_whole_audit(buru, stages):
    """The map is additive: the rows cut into uneven pieces give the audit of the whole."""
    from efisiensi.compliance._engine import context, map_table
    from efisiensi.compliance._reduce import reduce

    ctx = context()
    roles = []
    for role, path in (("baseline", MURNI), ("revised", PENYESUAIAN)):
        table = ef.load(path)
        labelled = ef.categorize(table, ctx.pack)
        labelled.attrs = {}
        cuts = [0, 1, 17, 900, len(labelled) // 2, len(labelled)]
        parts = [map_table(labelled.iloc[a:b].reset_index(drop=True), ctx, findings=[], sources=[], files=[])
                 for a, b in zip(cuts, cuts[1:], strict=False)]
        parts[0]["findings"] = list(table.attrs["findings"])
        parts[0]["sources"] = [dict(s) for s in table.attrs["sources"]]
        parts[0]["files"] = [s["path"] for s in table.attrs["sources"]]
        roles.append((role, parts))
    split = reduce(roles, ctx)
    split.parameters = buru.parameters
    # the per-file reconciliation rows come once per piece; everything else is identical
    rec = split.reconciliation
    whole = buru.reconciliation
    files = rec[~rec["file"].str.startswith("(")].groupby(["stage", "file"], sort=False)[
        ["rows", "total_read", "categorized", "uncategorized"]].sum().reset_index()
    expect = whole[~whole["file"].str.startswith("(")][["stage", "file", "rows", "total_read", "categorized",
                                                         "uncategorized"]].reset_index(drop=True)
    assert files.astype(str).equals(expect.astype(str))
    for name in ("summary", "by_agency", "lines"):
        pd.testing.assert_frame_equal(getattr(split, name), getattr(buru, name), check_exact=True, obj=name)
    assert split.totals == buru.totals
    check_summary(split.summary, stages)


def test_unknown_source_keys_are_carried_through(tmp_path, monkeypatch):
    """A key the loader adds to a source record (e.g. ``verification``) reaches the Audit."""
    import efisiensi._load as loader

    loaded = ef.load(MURNI)
    loaded.attrs["sources"][0]["verification"] = {"status": "x"}
    assert audit(loaded).sources[0]["verification"] == {"status": "x"}
    real = loader.load_file

    def with_verification(path, *args, **kwargs):
        table, found, src = real(path, *args, **kwargs)
        return table, found, {**vars(src), "verification": {"status": "terverifikasi", "checks": 3}}

    monkeypatch.setattr(loader, "load_file", with_verification)
    a = audit(MURNI)
    assert a.sources[0]["verification"] == {"status": "terverifikasi", "checks": 3}
    check_amount("perjalanan_dinas", a.summary.set_index("target").loc["perjalanan_dinas", "baseline"], loaded)
    scaled = audit(MURNI, workers=1, run_dir=tmp_path / "run")  # through the run folder's JSON
    assert scaled.sources == a.sources


def test_serial_and_scheduled_paths_share_one_implementation():
    """No audit logic in the scheduler; no private name imported across packages; the
    compliance package never imports the report package."""
    import ast

    folder = ROOT / "efisiensi" / "compliance"
    for f in folder.glob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                assert not (node.module or "").startswith("report"), f"{f.name} imports report"
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("__")]
                assert not private, f"{f.name} imports private {private} from {node.module}"
    scheduler = (folder / "_distributed.py").read_text(encoding="utf-8")
    for logic in ("judge", "target_mask", "join_lines", "aggregate_lines", "match_lines", "groupby"):
        assert logic not in scheduler, f"audit logic {logic!r} in the scheduler"


def test_audit_renders_through_the_registered_report(buru, tmp_path):
    from efisiensi.compliance import _result

    calls = []
    saved = dict(_result._RENDERERS)
    try:
        ef.compliance.register_renderer("excel", lambda a, path, lang: calls.append((a, path, lang)) or path)
        assert buru.to_excel(tmp_path / "x.xlsx", lang="en") == tmp_path / "x.xlsx"
        assert calls == [(buru, tmp_path / "x.xlsx", "en")]
        _result._RENDERERS.pop("html")
        with pytest.raises(ef.EfisiensiError, match="penyaji"):
            buru._repr_html_()
    finally:
        _result._RENDERERS.clear()
        _result._RENDERERS.update(saved)
    html = buru._repr_html_()
    assert "<table" in html and "44.839.327.876" in html  # the travel baseline: every 5.1.02.04 line


def test_loader_records_are_shared_not_copied_into_every_group():
    """pandas deep-copies attrs into each derived frame; the loader's records are shared."""
    import copy
    import pickle

    table = ef.load(MURNI)
    recs = table.attrs["findings"]
    group = next(iter(table.groupby("kode_skpd")))[1]
    assert group.attrs["findings"] is recs and copy.deepcopy(table.attrs)["sources"] is table.attrs["sources"]
    back = pickle.loads(pickle.dumps(table.attrs))
    assert back == table.attrs and type(back["sources"]) is type(table.attrs["sources"])
