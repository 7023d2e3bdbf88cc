"""Progress: round trip, atomic saves, damaged and future files set aside, locations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from k8snet_tutor.learning import locations
from k8snet_tutor.learning import progress as progress_module
from k8snet_tutor.learning.progress import PROGRESS_VERSION, Progress


def sample(path: Path) -> Progress:
    p = Progress.load(path)
    p.start("first-policy")
    p.record_hint("first-policy")
    p.set_yaml("first-policy", "kind: NetworkPolicy\n")
    p.add_time("first-policy", 12.5)
    assert p.record_attempt("first-policy", False) is False
    assert p.record_attempt("first-policy", True) is True
    assert p.record_attempt("first-policy", True) is False  # already completed
    p.record_attempt("labels", False, "kind: Pod\n")
    return p


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    p = sample(path)
    assert p.save() == path
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == PROGRESS_VERSION and data["current"] == "first-policy"
    entry = data["lessons"]["first-policy"]
    assert entry["completed"] is True and entry["completed_at"].endswith("Z")
    assert entry["yaml"] == "kind: NetworkPolicy\n"
    assert (entry["hints_used"], entry["seconds"], entry["attempts"]) == (1, 12.5, 3)
    assert [h["event"] for h in data["history"]][:3] == ["open", "hint", "check"]

    again = Progress.load(path)
    assert again.warnings == []
    assert again.to_dict() == p.to_dict()
    assert again.completed_ids() == {"first-policy"}
    assert again.lesson("labels").yaml == "kind: Pod\n"


def test_missing_file_is_empty_progress(tmp_path: Path) -> None:
    p = Progress.load(tmp_path / "none.json")
    assert p.lessons == {} and p.current is None and p.warnings == []


def test_reset_and_reset_all(tmp_path: Path) -> None:
    p = sample(tmp_path / "p.json")
    assert p.reset("first-policy") is True
    assert p.reset("first-policy") is False
    assert p.current is None and "first-policy" not in p.lessons and "labels" in p.lessons
    p.reset_all()
    assert p.lessons == {} and [h["event"] for h in p.history] == ["reset-all"]


def test_export_writes_a_copy(tmp_path: Path) -> None:
    p = sample(tmp_path / "p.json")
    target = p.export(tmp_path / "out" / "mine.json")
    assert json.loads(target.read_text(encoding="utf-8")) == p.to_dict()
    assert not (tmp_path / "p.json").exists()  # export does not save the progress file itself


def test_save_is_atomic_under_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "progress.json"
    sample(path).save()
    before = path.read_bytes()

    p = Progress.load(path)
    p.reset_all()

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress_module.os, "replace", crash)
    with pytest.raises(OSError):
        p.save()
    assert path.read_bytes() == before  # the old file is intact
    assert sorted(f.name for f in tmp_path.iterdir()) == ["progress.json"]  # no temp file left


def test_corrupt_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("{not json", encoding="utf-8")
    p = Progress.load(path)
    assert p.lessons == {}
    assert len(p.warnings) == 1 and "damaged" in p.warnings[0]
    backups = [f for f in tmp_path.iterdir() if f.name.startswith("progress.json.bak-")]
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "{not json"
    assert not path.exists()
    p.save()  # saving afterwards never touches the backup
    assert backups[0].read_text(encoding="utf-8") == "{not json"


@pytest.mark.parametrize(
    "content",
    [
        b"[]",
        b'{"version": 1, "lessons": {"x": {"completed": "yes"}}}',
        b'{"version": 1, "lessons": []}',
        b'{"version": 0}',
        b'{"version": 1, "history": [1]}',
        b"\xff\xfe not utf-8",
        b"",
    ],
)
def test_wrong_shapes_are_set_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    p = Progress.load(path)
    assert p.lessons == {} and len(p.warnings) == 1
    assert any(f.name.startswith("progress.json.bak-") for f in tmp_path.iterdir())


def test_newer_version_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 99, "lessons": {}}), encoding="utf-8")
    p = Progress.load(path)
    assert "newer version" in p.warnings[0]
    backups = [f for f in tmp_path.iterdir() if f.name.startswith("progress.json.bak-")]
    assert len(backups) == 1 and json.loads(backups[0].read_text())["version"] == 99


def test_two_backups_in_one_second_do_not_collide(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    for _ in range(2):
        path.write_text("garbage", encoding="utf-8")
        Progress.load(path)
    assert len([f for f in tmp_path.iterdir() if ".bak-" in f.name]) == 2


def test_unknown_top_level_keys_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "lessons": {}, "theme": "dark"}), encoding="utf-8")
    p = Progress.load(path)
    p.save()
    assert json.loads(path.read_text())["theme"] == "dark"


def test_locations_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SNET_TUTOR_HOME", str(tmp_path / "home"))
    assert locations.data_dir() == tmp_path / "home"
    assert locations.progress_path() == tmp_path / "home" / "progress.json"
    assert locations.progress_path(tmp_path / "x.json") == tmp_path / "x.json"
    assert locations.data_dir(tmp_path / "other") == tmp_path / "other"
    p = Progress.load()
    assert p.path == tmp_path / "home" / "progress.json"
    p.start("a")
    p.save()
    assert (tmp_path / "home" / "progress.json").exists()
    monkeypatch.delenv("K8SNET_TUTOR_HOME")
    assert "k8snet-tutor" in str(locations.data_dir())
    monkeypatch.setenv("K8SNET_TUTOR_LESSONS", os.pathsep.join(["/a", "", "/b"]))
    assert locations.lesson_dirs_from_env() == [Path("/a"), Path("/b")]
