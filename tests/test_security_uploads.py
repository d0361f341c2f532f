"""Uploads contained, replayed from the security probes: a 300-character file name, two
files with the same name, names that are paths, and uploads replaced by newer ones."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import orgpower.dashboard
from orgpower.dashboard.state import MAX_FILE_NAME_BYTES, safe_file_name

APP = Path(orgpower.dashboard.__file__).parent / "app.py"
PEOPLE = b"person_id,name,manager_id\nP1,Ada,\nP2,Ben,P1\nP3,Cy,P1\n"


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, content, "text/csv") for name, content in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def saved_files(at: AppTest) -> list[Path]:
    workdir = Path(at.session_state["orgpower_workdir"].name)
    return sorted(p for p in (workdir / "uploads").rglob("*") if p.is_file())


def test_a_300_character_file_name_is_read_not_an_error():
    at = upload(AppTest.from_file(str(APP), default_timeout=60).run(), ("p" * 300 + ".csv", PEOPLE))
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["orgpower_org"].model is not None
    (saved,) = saved_files(at)
    assert len(saved.name.encode()) <= MAX_FILE_NAME_BYTES and saved.suffix == ".csv"
    assert saved.read_bytes() == PEOPLE


def test_two_files_with_the_same_name_are_both_kept():
    flows = b"source,target,amount\nP1,P2,10\n"
    at = upload(AppTest.from_file(str(APP), default_timeout=60).run(), ("people.csv", PEOPLE), ("people.csv", flows))
    contents = sorted(p.read_bytes() for p in saved_files(at))
    assert contents == sorted([PEOPLE, flows])


def test_a_replaced_upload_is_removed_from_the_session_folder():
    at = upload(AppTest.from_file(str(APP), default_timeout=60).run(), ("first.csv", PEOPLE))
    first = saved_files(at)
    upload(at, ("second.csv", PEOPLE.replace(b"Ada", b"Ana")))
    assert not any(p.exists() for p in first)
    assert [p.name for p in saved_files(at)] == ["second.csv"]


def test_file_names_that_are_paths_or_dots_stay_inside_the_session_folder():
    for name in ("../../etc/passwd", "..", ".", "", "a/../../b.csv", "C:\\Users\\x\\people.csv", "nul\x00name.csv"):
        safe = safe_file_name(name)
        assert "/" not in safe and "\\" not in safe and safe not in ("", ".", "..") and "\x00" not in safe


def test_a_long_name_keeps_its_suffix_and_says_it_was_cut():
    assert safe_file_name("é" * 300 + ".xlsx").endswith("….xlsx")
    assert safe_file_name("people.csv") == "people.csv"


def test_the_folders_of_sessions_gone_longer_than_the_grace_are_removed(monkeypatch):
    import tempfile

    from orgpower.dashboard import state

    folders = {name: tempfile.TemporaryDirectory(prefix="orgpower-test-") for name in ("open", "just-closed", "long-gone")}
    monkeypatch.setattr(state, "_FOLDERS", {"open": [folders["open"], 0.0], "just-closed": [folders["just-closed"], 95.0],
                                            "long-gone": [folders["long-gone"], 0.0]})
    removed = state.remove_abandoned_folders(lambda session: session == "open", now=100.0, grace=10.0)
    assert removed == 1
    assert not Path(folders["long-gone"].name).exists()
    assert Path(folders["open"].name).is_dir() and Path(folders["just-closed"].name).is_dir()
    assert state._FOLDERS["open"][1] == 100.0  # an active session's clock starts again
    for holder in folders.values():
        holder.cleanup()
