"""Checking recorded prompts: that a file is really audio Twilio can play, and how long it is.

mutagen reads only the headers it needs (never the whole file) and measures a
variable-bitrate MP3 by its frame count, where dividing the size by the first frame's
bitrate would be wrong by as much as the bitrate varies.
"""

from __future__ import annotations

from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.wave import WAVE


class AudioError(ValueError):
    """Not a playable recording; the message says why, for an operator."""


def audio_seconds(path: Path) -> float:
    """The length of a WAV or MP3 file in seconds; raise :class:`AudioError` if it is not one.

    The kind is told by the content, not the name: a file that starts as a WAV file is read
    as one (and is damaged if it does not read), anything else must be MP3."""
    wav = False
    try:
        with path.open("rb") as file:
            head = file.read(12)
            wav = head[:4] == b"RIFF" and head[8:12] == b"WAVE"
            file.seek(0)
            audio = WAVE(file) if wav else MP3(file)
    except FileNotFoundError:
        raise AudioError(f"the recording {path} does not exist") from None
    except OSError as exc:
        raise AudioError(f"the recording {path} cannot be read ({exc.strerror})") from None
    except (MutagenError, EOFError, ValueError) as exc:
        if wav:
            raise AudioError(f"{path} is a damaged WAV file" + (f" ({exc})" if str(exc) else "")) from None
        raise AudioError(f"{path} is not a WAV or MP3 recording") from None
    if wav and audio.info.sample_rate <= 0:
        raise AudioError(f"{path} is a damaged WAV file (its sample rate is 0)")
    return float(audio.info.length)
