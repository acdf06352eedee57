"""Recordings are measured by what they contain: a variable-bitrate MP3 by its frames, a WAV
by its samples; a file that is not a playable recording is an error that says why."""

from __future__ import annotations

import struct
import wave

import pytest

from ivr.definition.audio import AudioError, audio_seconds

#: MPEG-1 Layer III bitrates (kbit/s), by their index in a frame header.
BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
FRAME_SECONDS = 1152 / 44100  # samples in a Layer III frame, at 44.1 kHz


def mp3_frame(kbps: int, body: bytes = b"") -> bytes:
    """One silent MPEG-1 Layer III frame at 44.1 kHz, mono, ``body`` after its header."""
    header = bytes([0xFF, 0xFB, BITRATES.index(kbps) << 4, 0xC0])
    return (header + body).ljust(144 * kbps * 1000 // 44100, b"\0")


def variable_bitrate_mp3(bitrates: list[int]) -> bytes:
    """Frames at these bitrates after a Xing header that counts them, as encoders write it."""
    xing = b"\0" * 17 + b"Xing" + struct.pack(">II", 1, len(bitrates))  # after mono side information
    return mp3_frame(32, xing) + b"".join(mp3_frame(kbps) for kbps in bitrates)


def test_a_variable_bitrate_mp3_is_measured_by_its_frames(tmp_path):
    path = tmp_path / "welcome.mp3"
    # Half the frames at 320 kbit/s, half at 32: its size divided by the first frame's
    # bitrate would make 100 frames (2.6 s) last 14 s.
    path.write_bytes(variable_bitrate_mp3([320, 32] * 50))
    assert audio_seconds(path) == pytest.approx(100 * FRAME_SECONDS)


def test_an_mp3_after_an_id3_tag_is_measured(tmp_path):
    path = tmp_path / "tagged.mp3"
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\0" * 10  # an ID3v2 header and 10 bytes of tag
    path.write_bytes(tag + b"".join(mp3_frame(128) for _ in range(100)))
    assert audio_seconds(path) == pytest.approx(100 * FRAME_SECONDS, rel=0.01)  # constant bitrate: by size


def test_a_wav_file_is_measured_by_its_samples(tmp_path):
    path = tmp_path / "menu.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 12000)
    assert audio_seconds(path) == 1.5


def test_what_is_wrong_with_a_file_that_is_not_a_recording_is_said(tmp_path):
    (tmp_path / "text.mp3").write_text("not audio")
    (tmp_path / "tag_only.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00")
    (tmp_path / "cut.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    (tmp_path / "folder.wav").mkdir()
    expected = {
        "text.mp3": f"{tmp_path}/text.mp3 is not a WAV or MP3 recording",
        "tag_only.mp3": f"{tmp_path}/tag_only.mp3 is not a WAV or MP3 recording",
        "cut.wav": f"""{tmp_path}/cut.wav is a damaged WAV file ("No 'fmt' chunk found")""",
        "folder.wav": f"the recording {tmp_path}/folder.wav cannot be read (Is a directory)",
        "missing.wav": f"the recording {tmp_path}/missing.wav does not exist",
    }
    said = {}
    for name in expected:
        with pytest.raises(AudioError) as raised:
            audio_seconds(tmp_path / name)
        said[name] = str(raised.value)
    assert said == expected
