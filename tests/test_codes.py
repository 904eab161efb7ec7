import pytest
from hypothesis import given
from hypothesis import strategies as st

from efisiensi.read.codes import normalize_code, split_code_and_name


@pytest.mark.parametrize(
    ("raw", "code", "chart"),
    [
        ("5.1.02.04.01.0001", "5.1.02.04.01.0001", "90/2019"),
        ("5.1.2.04.01.1", "5.1.02.04.01.0001", "90/2019"),
        ("5.1.02.04.001.00001", "5.1.02.04.01.0001", "90/2019"),
        ("5.1.02.01.001.00052", "5.1.02.01.01.0052", "90/2019"),
        ("5.1.2.02.09.0012", "5.1.02.02.09.0012", "90/2019"),
        ("5.02.01.1.06.05.5.1.02.02.01.0001", "5.1.02.02.01.0001", "90/2019"),
        (" 5.1.02.04 ", "5.1.02.04", "90/2019"),
        ("5.2.2.15.01", "5.2.2.15.01", "13/2006"),
        ("5221502", "5.2.2.15.02", "13/2006"),
        ("52215", "5.2.2.15", "13/2006"),
        ("5.2.2.06.002", "5.2.2.06.02", "13/2006"),
    ],
)
def test_normalise(raw, code, chart):
    got = normalize_code(raw)
    assert (got.code, got.chart) == (code, chart)


@pytest.mark.parametrize("raw", ["", "Belanja", "abc.def", "9.1.1", "1.01.2.22", None, 3.5])
def test_not_codes(raw):
    assert normalize_code(raw) is None


def test_code_inside_name():
    assert split_code_and_name("5.1.02.01.01.0052 Belanja Makanan dan Minuman Rapat ") == (
        "5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat")


def test_prefix_match_is_segment_wise():
    c = normalize_code("5.1.02.04.01.0003")
    assert c.startswith("5.1.02.04") and c.startswith("5.1.2.4") and not c.startswith("5.1.02.41")


@given(st.text(max_size=40))
def test_never_crashes(text):
    got = normalize_code(text)
    assert got is None or got.code[0] in "456"


@given(st.lists(st.integers(0, 99), min_size=2, max_size=4), st.integers(1, 9999))
def test_padding_forms_agree(mid, last):
    segs = [5, 1, 2] + mid[:2] + [last]
    plain = ".".join(str(s) for s in segs)
    padded = ".".join([str(segs[0]), str(segs[1]), f"{segs[2]:02d}"] + [f"{s:03d}" for s in segs[3:-1]]
                      + [f"{segs[-1]:05d}"])
    assert normalize_code(plain) == normalize_code(padded)
