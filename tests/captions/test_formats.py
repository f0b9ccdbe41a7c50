"""WebVTT and SRT: what Haven writes it reads back, and edited files are checked."""

from __future__ import annotations

import pytest

from haven.captions import (
    CaptionFormatError,
    CaptionTrack,
    Cue,
    parse_captions,
    to_srt,
    to_webvtt,
)

TRACK = CaptionTrack(
    [
        Cue(0.0, 1.5, ("Hello and welcome,",)),
        Cue(1.5, 4.25, ("today we look at captions", "for short video.")),
        Cue(3661.5, 3663.0, ("An hour later — ünïcode too!",)),
    ],
    language="en",
)


@pytest.mark.parametrize("write", [to_webvtt, to_srt])
def test_round_trip(write) -> None:
    back = parse_captions(write(TRACK))
    assert back.cues == TRACK.cues
    if write is to_webvtt:
        assert back.language == "en"


def test_webvtt_and_srt_look_as_players_expect() -> None:
    vtt = to_webvtt(TRACK)
    assert vtt.startswith("WEBVTT\n") and "00:00:01.500 --> 00:00:04.250" in vtt
    assert "01:01:01.500 --> 01:01:03.000" in vtt
    srt = to_srt(TRACK)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\nHello and welcome,\n")


def test_hand_edited_webvtt_is_read() -> None:
    edited = (
        "\ufeffWEBVTT - edited by the creator\r\n\r\n"
        "NOTE fixed a typo\r\n\r\n"
        "STYLE\r\n::cue { color: yellow }\r\n\r\n"
        "00:01.000 --> 00:02.500 align:start position:10%\r\n"
        "<i>Short</i> times work\r\n\r\n"
        "intro-2\r\n00:00:03.000 --> 00:00:04.000\r\nwith an id\r\n"
    )
    track = parse_captions(edited)
    assert [(c.start, c.end, c.text) for c in track.cues] == [
        (1.0, 2.5, "<i>Short</i> times work"),
        (3.0, 4.0, "with an id"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n", "ends at or before"),
        ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nbad arrow\n", "timing line"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n", "line 3"),
        ("WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nsixty-one seconds\n", "bad time"),
        ("1\n00:00:01.000 --> 00:00:02,000\ndot in srt\n", "bad time"),
        ("hello\n", "cue number"),
        (
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nlate\n\n"
            "00:00:01.000 --> 00:00:02.000\nearly\n",
            "time order",
        ),
        ("WEBVTTX\n", "starts with 'WEBVTT'"),
    ],
)
def test_bad_files_are_refused_with_the_line(text: str, message: str) -> None:
    with pytest.raises(CaptionFormatError, match=message):
        parse_captions(text)


def test_oversize_file_is_refused() -> None:
    with pytest.raises(CaptionFormatError, match="larger than"):
        parse_captions("WEBVTT\n\n" + "x" * 3_000_000)
