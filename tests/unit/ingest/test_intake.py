"""Taking files in: folders, zips and their dangers, sizes, duplicates."""

import gzip
import io
import zipfile

import pytest

from saferhub.ingest.intake import Limits, expand
from saferhub.ingest.problems import ImportRefused

LIMITS = Limits(max_file_bytes=5_000_000, max_total_bytes=20_000_000)


def make_zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_folder_in_the_archive_layout_gives_its_csv_files_in_order(tmp_path):
    for month in ("2024-02", "2024-01"):
        (tmp_path / "police-uk" / month).mkdir(parents=True)
        (tmp_path / "police-uk" / month / f"{month}-essex-street.csv").write_text(f"a\n{month}\n")
    (tmp_path / "police-uk" / ".DS_Store").write_text("x")
    files = expand([tmp_path / "police-uk"], work_dir=tmp_path / "w", limits=LIMITS)
    assert [f.name for f in files] == [
        "police-uk/2024-01/2024-01-essex-street.csv",
        "police-uk/2024-02/2024-02-essex-street.csv",
    ]
    assert all(len(f.sha256) == 64 for f in files)


def test_a_zip_is_unpacked_member_by_member_with_names_that_say_where_they_came_from(tmp_path):
    archive = make_zip(tmp_path / "download.zip", {"2024-01/2024-01-essex-street.csv": b"a\n1\n", "readme.txt": b"x"})
    files = expand([archive], work_dir=tmp_path / "w", limits=LIMITS)
    assert [f.name for f in files] == ["download.zip/2024-01/2024-01-essex-street.csv"]
    assert files[0].path.read_bytes() == b"a\n1\n"
    assert str(files[0].path).startswith(str(tmp_path / "w"))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../../evil.csv": b"a\n"}, "points outside the zip"),
        ({"/etc/evil.csv": b"a\n"}, "points outside the zip"),
        ({"inner.zip": b"PK"}, "contains another zip"),
        ({"notes.txt": b"x"}, "holds no .csv files"),
        ({"bomb.csv": b"0" * 4_000_000}, "zip bomb"),
    ],
)
def test_dangerous_zips_are_refused_without_unpacking(tmp_path, members, message):
    archive = make_zip(tmp_path / "x.zip", members)
    with pytest.raises(ImportRefused, match=message):
        expand([archive], work_dir=tmp_path / "w", limits=LIMITS)
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").rglob("*.csv"))


def test_a_zip_declaring_more_than_the_limit_is_refused_before_unpacking(tmp_path):
    archive = make_zip(tmp_path / "x.zip", {f"{i}.csv": b"1" * 4_000_000 for i in range(6)})
    with pytest.raises(ImportRefused, match="would expand to"):
        expand([archive], work_dir=tmp_path / "w", limits=LIMITS)


def test_a_damaged_zip_is_refused(tmp_path):
    data = io.BytesIO()
    make_zip(data, {"a.csv": b"a,b\n" * 1000})
    (tmp_path / "cut.zip").write_bytes(data.getvalue()[:-30])
    with pytest.raises(ImportRefused, match="not a readable zip"):
        expand([tmp_path / "cut.zip"], work_dir=tmp_path / "w", limits=LIMITS)


def test_an_oversized_file_is_refused_by_its_size_alone(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"a\n" * 3_000_000)
    with pytest.raises(ImportRefused, match=r"larger than the 4\.8 MB allowed"):
        expand([big], work_dir=tmp_path / "w", limits=LIMITS)


def test_the_same_file_twice_in_one_import_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n1\n")
    with pytest.raises(ImportRefused, match=r"is the same file as a\.csv"):
        expand([tmp_path / "a.csv", tmp_path / "b.csv"], work_dir=tmp_path / "w", limits=LIMITS)


def test_missing_files_and_wrong_kinds_are_named(tmp_path):
    with pytest.raises(ImportRefused, match="file not found"):
        expand([tmp_path / "nope.csv"], work_dir=tmp_path / "w", limits=LIMITS)
    (tmp_path / "data.xlsx").write_bytes(b"x")
    with pytest.raises(ImportRefused, match=r"expected \.csv"):
        expand([tmp_path / "data.xlsx"], work_dir=tmp_path / "w", limits=LIMITS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportRefused, match=r"folder with no \.csv files"):
        expand([tmp_path / "empty"], work_dir=tmp_path / "w", limits=LIMITS)


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile warns as it writes the hostile zip
def test_a_zip_naming_one_file_many_times_is_refused_before_anything_is_unpacked(tmp_path):
    """3,000 members of one name, each under the member limit, would each be written over the last."""
    path = tmp_path / "repeats.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for _ in range(3):
            archive.writestr("2024-01/2024-01-essex-street.csv", b"a,b\n1,2\n")
    with zipfile.ZipFile(path) as archive:
        assert len(archive.infolist()) == 3
    with pytest.raises(ImportRefused, match=r"holds '2024-01/2024-01-essex-street\.csv' more than once"):
        expand([path], work_dir=tmp_path / "w", limits=LIMITS)
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").rglob("*.csv"))


def test_names_that_differ_only_by_case_count_as_the_same_file(tmp_path):
    path = make_zip(tmp_path / "case.zip", {"Essex.csv": b"a\n1\n", "ESSEX.CSV": b"a\n2\n"})
    with pytest.raises(ImportRefused, match="more than once"):
        expand([path], work_dir=tmp_path / "w", limits=LIMITS)


def test_an_empty_member_or_gzip_is_empty_naming_where_it_came_from(tmp_path):
    """Issue 16: emptiness is reported before the duplicate check, naming the zip and member."""
    archive = make_zip(tmp_path / "download.zip", {"2024-01/2024-01-essex-street.csv": b"", "2024-01/b.csv": b""})
    with pytest.raises(ImportRefused, match="is empty") as caught:
        expand([archive], work_dir=tmp_path / "w", limits=LIMITS)
    assert "download.zip/2024-01/2024-01-essex-street.csv" in str(caught.value)
    (tmp_path / "2024-02-essex-street.csv.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(ImportRefused, match=r"2024-02-essex-street\.csv: is empty|is empty"):
        expand([tmp_path / "2024-02-essex-street.csv.gz"], work_dir=tmp_path / "w", limits=LIMITS)


def test_a_zip_with_too_many_members_is_refused_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr("saferhub.ingest.intake.ZIP_MAX_MEMBERS", 3)
    archive = make_zip(tmp_path / "many.zip", {f"2024-0{i}/x-{i}.csv": b"a\n1\n" for i in range(1, 5)})
    with pytest.raises(ImportRefused, match="holds 4 files; at most 3") as caught:
        expand([archive], work_dir=tmp_path / "w", limits=LIMITS)
    assert "many.zip" in str(caught.value)
    assert not (tmp_path / "w").exists()


def test_a_windows_style_escaping_name_in_a_zip_is_refused(tmp_path):
    archive = make_zip(tmp_path / "x.zip", {"..\\..\\evil.csv": b"a\n1\n"})
    with pytest.raises(ImportRefused, match="points outside the zip"):
        expand([archive], work_dir=tmp_path / "w", limits=LIMITS)
    assert not (tmp_path / "w").exists()


def test_a_gzip_bomb_is_stopped_part_way_naming_the_file(tmp_path):
    small = Limits(max_file_bytes=1_000_000, max_total_bytes=2_000_000)
    bomb = tmp_path / "2024-01-essex-street.csv.gz"
    bomb.write_bytes(gzip.compress(b"0" * 5_000_000))  # 5 MB from about 5 KB
    with pytest.raises(ImportRefused, match="expands to more than") as caught:
        expand([bomb], work_dir=tmp_path / "w", limits=small)
    assert "2024-01-essex-street.csv.gz" in str(caught.value)
