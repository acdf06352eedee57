"""Checking recorded prompts: that a file is really audio Twilio can play, and how long it is."""

from __future__ import annotations

import wave
from pathlib import Path

# MPEG-1 Layer III bitrates (kbit/s) by index, and sample rates by version.
_MP3_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_MP3_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)


class AudioError(ValueError):
    """Not a playable recording; the message says why, for an operator."""


def audio_seconds(path: Path) -> float:
    """The length of a WAV or MP3 file in seconds; raise :class:`AudioError` if it is not one."""
    try:
        head = path.read_bytes()[:4096]
    except FileNotFoundError:
        raise AudioError(f"the recording {path} does not exist") from None
    except OSError as exc:
        raise AudioError(f"the recording {path} cannot be read ({exc.strerror})") from None
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        try:
            with wave.open(str(path)) as audio:
                return audio.getnframes() / float(audio.getframerate())
        except (wave.Error, EOFError, ZeroDivisionError) as exc:
            raise AudioError(f"{path} is a damaged WAV file ({exc})") from None
    offset = 0
    if head[:3] == b"ID3" and len(head) >= 10:
        offset = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F))
        head = path.read_bytes()[offset : offset + 4]
    if len(head) >= 4 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        version_bits = (head[1] >> 3) & 0x03
        bitrates = _MP3_BITRATES if version_bits == 0x03 else _MP3_BITRATES_V2
        kbps = bitrates[(head[2] >> 4) & 0x0F]
        if kbps:
            return (path.stat().st_size - offset) * 8 / (kbps * 1000)
    raise AudioError(f"{path} is not a WAV or MP3 recording")
