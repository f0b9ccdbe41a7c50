"""Banks end to end on both databases: add pictures and videos, import and export CSV, match
re-uploads (re-encoded, 360p, JPEG 30, letterboxed to 9:16, mirrored, cropped 5 %), leave
unrelated media alone, and honour negative banks, gradual enabling and disabled entries."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from haven.banks import service
from haven.banks.errors import InvalidBankRequest
from haven.banks.matcher import IndexedMatcher
from haven.banks.models import BankCategory
from haven.media.synth import write_video
from haven.signals.hashes.matching import BankMatch
from haven.store.transactions import SqlStore

PHOTOS = [
    data.astronaut(),
    data.coffee(),
    data.chelsea(),
    data.rocket(),
    data.immunohistochemistry(),
    data.stereo_motorcycle()[0],
]
Change = Callable[[np.ndarray], np.ndarray]


def _fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.asarray(Image.fromarray(rgb).resize((width, height), Image.Resampling.BILINEAR))


def _letterbox_9_16(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    tall = round(width * 16 / 9)
    out = np.zeros((tall, width, 3), np.uint8)
    top = (tall - height) // 2
    out[top : top + height] = rgb
    return out


def _crop(rgb: np.ndarray, share: float = 0.05) -> np.ndarray:
    height, width = rgb.shape[:2]
    dy, dx = round(height * share / 2), round(width * share / 2)
    return _fit(rgb[dy : height - dy, dx : width - dx], width, height)


def _jpeg30(rgb: np.ndarray) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=30)
    return np.asarray(Image.open(buffer).convert("RGB"))


CHANGES: dict[str, Change] = {
    "same": lambda p: p,
    "360p": lambda p: _fit(p, 480, 360),
    "jpeg30": _jpeg30,
    "letterboxed-9-16": _letterbox_9_16,
    "mirrored": lambda p: p[:, ::-1],
    "cropped-5": _crop,
    "letterboxed-mirrored": lambda p: _letterbox_9_16(p[:, ::-1]),
}


def _slideshow(
    path: Path, change: Change, *, size: tuple[int, int] = (640, 360), crf: int = 18
) -> Path:
    """Six photographs, 1.5 s each, slowly zooming: a video with distinct scenes."""
    width, height = size
    frames = [_fit(photo, 640, 360) for photo in PHOTOS]

    def render(t: float) -> np.ndarray:
        photo = frames[min(int(t / 1.5), len(frames) - 1)]
        zoom = 1 + 0.03 * (t % 1.5)
        crop = _crop(photo, 1 - 1 / zoom)
        return change(_fit(crop, width, height) if (width, height) != (640, 360) else crop)

    probe = change(frames[0])
    return write_video(
        path, render, width=probe.shape[1], height=probe.shape[0], fps=10, duration=9.0, crf=crf
    )


@pytest.fixture
def matcher(store: SqlStore, tmp_path: Path) -> IndexedMatcher:
    return IndexedMatcher(store, tmp_path / "index")


def _picture(tmp_path: Path, name: str, rgb: np.ndarray) -> Path:
    path = tmp_path / f"{name}.png"
    Image.fromarray(rgb).save(path)
    return path


def _matches(matcher: IndexedMatcher, path: Path) -> list[BankMatch]:
    hashes, _ = service.hash_media(path, crops=())
    matcher.refresh()
    return matcher.match(hashes)


def test_a_banked_picture_matches_its_copies(
    store: SqlStore, matcher: IndexedMatcher, tmp_path: Path
) -> None:
    original = _picture(tmp_path, "known", PHOTOS[0])
    added = service.add_media(
        store, bank="CSAM_TEST", paths=[original], category=BankCategory.CHILD_SAFETY, actor="t"
    )
    assert [e.kind.value for e in added] == ["pdq", "md5", "sha256"]
    for name, change in CHANGES.items():
        found = _matches(matcher, _picture(tmp_path, name, change(PHOTOS[0])))
        assert [(m.bank, m.kind) for m in found if m.kind == "pdq"] == [("CSAM_TEST", "pdq")], name
        assert found[0].category == "child_safety"
    exact = _matches(matcher, original)
    assert {m.kind for m in exact} == {"pdq", "md5", "sha256"}
    for other in PHOTOS[1:]:
        assert _matches(matcher, _picture(tmp_path, "other", other)) == []


def test_a_banked_video_matches_its_reuploads(
    store: SqlStore, matcher: IndexedMatcher, tmp_path: Path
) -> None:
    original = _slideshow(tmp_path / "known.mp4", lambda p: p)
    service.add_media(
        store, bank="TVEC_TEST", paths=[original], category=BankCategory.TERRORISM, actor="t"
    )
    for name, change in CHANGES.items():
        if name == "same":
            continue
        upload = _slideshow(tmp_path / f"{name}.mp4", change, crf=30)
        found = [m for m in _matches(matcher, upload) if m.kind == "video"]
        assert found and found[0].bank == "TVEC_TEST", name
        assert found[0].query_share is not None and found[0].query_share >= 0.8, (name, found[0])
    unrelated = write_video(
        tmp_path / "unrelated.mp4",
        lambda t: (
            _fit(data.camera()[..., None].repeat(3, axis=2), 640, 360)[:, ::-1]
            if t < 3
            else np.full((360, 640, 3), 90, np.uint8)
        ),
        width=640,
        height=360,
        fps=10,
        duration=6.0,
    )
    assert _matches(matcher, unrelated) == []


def test_negative_banks_gradual_enabling_and_disabled_entries(
    store: SqlStore, matcher: IndexedMatcher, tmp_path: Path
) -> None:
    known = _picture(tmp_path, "known", PHOTOS[1])
    entries = service.add_media(store, bank="KNOWN_BAD", paths=[known], actor="t")
    copy = _picture(tmp_path, "copy", _jpeg30(PHOTOS[1]))
    assert len(_matches(matcher, copy)) == 1
    service.configure(store, bank="KNOWN_BAD", enabled_ratio=0.0, actor="t")
    assert _matches(matcher, copy) == []
    service.configure(store, bank="KNOWN_BAD", enabled_ratio=1.0, actor="t")
    service.set_entry_disabled(
        store, bank="KNOWN_BAD", entry=entries[0].id, disabled=True, actor="t"
    )
    assert _matches(matcher, copy) == []
    service.set_entry_disabled(
        store, bank="KNOWN_BAD", entry=entries[0].id, disabled=False, actor="t"
    )
    service.add_media(store, bank="FALSE_POSITIVES", paths=[known], actor="t")
    service.configure(store, bank="FALSE_POSITIVES", negative=True, actor="t")
    # A known false positive explains the perceptual match, and is never reported itself...
    assert _matches(matcher, copy) == []
    # ...but the exact file stays banked: digests are not false positives.
    assert {m.kind for m in _matches(matcher, known)} == {"md5", "sha256"}


def test_csv_import_and_export_round_trip(
    store: SqlStore, matcher: IndexedMatcher, tmp_path: Path
) -> None:
    known = _picture(tmp_path, "known", PHOTOS[2])
    service.add_media(store, bank="SOURCE", paths=[known], actor="t")
    exported = service.export_csv(store, bank="SOURCE")
    assert (
        exported.splitlines()[0] == "signal_type,signal,label" and len(exported.splitlines()) == 4
    )
    assert (
        service.import_csv(store, bank="COPY", text=exported, source="export.csv", actor="t") == 3
    )
    assert (
        service.import_csv(store, bank="COPY", text=exported, source="export.csv", actor="t") == 0
    )
    found = _matches(matcher, _picture(tmp_path, "upload", _jpeg30(PHOTOS[2])))
    assert {m.bank for m in found} == {"SOURCE", "COPY"}


def test_bad_input_changes_nothing(store: SqlStore, tmp_path: Path) -> None:
    bad_rows = "signal_type,signal\npdq," + "a" * 64 + "\npdq,not-a-hash\n"
    with pytest.raises(InvalidBankRequest, match="row 3"):
        service.import_csv(store, bank="NEW", text=bad_rows, source="x.csv", actor="t")
    with pytest.raises(InvalidBankRequest, match="header"):
        service.import_csv(store, bank="NEW", text="a,b\n1,2\n", source="x.csv", actor="t")
    with pytest.raises(InvalidBankRequest, match="bank name"):
        service.import_csv(
            store, bank="lower case", text="signal_type,signal\n", source="x.csv", actor="t"
        )
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    good = _picture(tmp_path, "good", PHOTOS[3])
    with pytest.raises(Exception):  # noqa: B017 - the media layer's own error for a bad file
        service.add_media(store, bank="NEW", paths=[good, corrupt], actor="t")
    assert service.list_banks(store) == []


def test_the_index_file_is_a_checked_cache_of_the_store(
    store: SqlStore, tmp_path: Path, database_url: str
) -> None:
    """One hash in the file (FAISS drops its tables when it saves a single hash), a second
    database beside the first, and a file that disagrees: the store wins every time."""
    folder = tmp_path / "index"
    one = "signal_type,signal\npdq," + "f0" * 32 + "\n"
    service.import_csv(store, bank="ONE", text=one, source="one.csv", actor="t")
    first = IndexedMatcher(store, folder)
    first.save()
    again = IndexedMatcher(store, folder)
    from haven.signals.hashes.matching import MediaHashes
    from haven.signals.hashes.video import FrameHash

    probe = MediaHashes("0" * 32, "0" * 64, True, [[FrameHash(0, 100, "f0" * 32, 0.0)]])
    assert [m.bank for m in again.match(probe)] == ["ONE"]
    if database_url.startswith("sqlite"):
        from haven.store.database import Database

        other_db = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
        other_db.upgrade()
        other = SqlStore(other_db)
        service.import_csv(
            other,
            bank="TWO",
            text="signal_type,signal\npdq," + "0f" * 32 + "\n",
            source="x",
            actor="t",
        )
        beside = IndexedMatcher(other, folder)
        assert beside.path != again.path
        assert beside.match(probe) == []
        other_db.dispose()


def test_videos_sharing_a_first_frame_are_two_entries_and_a_clip_inside_a_longer_upload_matches(
    store: SqlStore, matcher: IndexedMatcher, tmp_path: Path
) -> None:
    black = np.zeros((360, 640, 3), np.uint8)

    def with_intro(photos: list[np.ndarray]) -> Callable[[float], np.ndarray]:
        frames = [_fit(p, 640, 360) for p in photos]
        return lambda t: black if t < 1 else frames[min(int((t - 1) / 1.5), len(frames) - 1)]

    first = write_video(
        tmp_path / "a.mp4", with_intro(PHOTOS[:3]), width=640, height=360, fps=10, duration=5.5
    )
    second = write_video(
        tmp_path / "b.mp4", with_intro(PHOTOS[3:]), width=640, height=360, fps=10, duration=5.5
    )
    added = service.add_media(store, bank="CLIPS", paths=[first, second], actor="t")
    assert [e.kind.value for e in added].count("video") == 2
    # The banked clip (PHOTOS[:3]) inside an upload four times as long.
    filler = [
        data.camera()[..., None].repeat(3, axis=2),
        data.horse().astype(np.uint8)[..., None].repeat(3, axis=2) * 255,
    ]
    longer = [*PHOTOS[3:], *filler, *PHOTOS[:3], *filler]
    frames = [_fit(p, 640, 360) for p in longer]
    upload = write_video(
        tmp_path / "long.mp4",
        lambda t: frames[min(int(t / 1.5), len(frames) - 1)],
        width=640,
        height=360,
        fps=10,
        duration=1.5 * len(frames),
    )
    found = [m for m in _matches(matcher, upload) if m.kind == "video"]
    assert {m.entry_id for m in found} >= {str(added[0].id)}
    assert any(m.index_share is not None and m.index_share >= 0.8 for m in found)
