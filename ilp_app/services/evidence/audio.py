"""An audio clip's length, read from its container's headers.

Each sniffed type is opened only with its own reader (never a guess from the name): a WAV's
format and data chunk, an MP3's Xing/VBRI header or frame headers, the last Ogg page's granule
position, an M4A's ``mvhd`` duration. A file the reader cannot make sense of is refused rather
than accepted with an unknown length.
"""

from __future__ import annotations

import io

from mutagen import MutagenError
from mutagen.mp3 import MP3 as Mp3Reader
from mutagen.mp4 import MP4 as Mp4Reader
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.evidence import M4A, MP3, MSG_BAD_AUDIO, OGG, WAV, FileType, check_audio_length

_OGG_READERS = (OggVorbis, OggOpus, OggFLAC, OggSpeex)


def _length(data: bytes, kind: FileType) -> float:
    if kind is WAV:
        return WAVE(io.BytesIO(data)).info.length
    if kind is MP3:
        return Mp3Reader(io.BytesIO(data)).info.length
    if kind is M4A:
        return Mp4Reader(io.BytesIO(data)).info.length
    if kind is OGG:
        for reader in _OGG_READERS:
            try:
                return reader(io.BytesIO(data)).info.length
            except MutagenError:
                continue
    raise ValidationFailed(MSG_BAD_AUDIO)


def audio_check(data: bytes, kind: FileType) -> float:
    """The clip's length in seconds, if it is readable and short enough.

    Raises:
        ValidationFailed: unreadable headers (:data:`MSG_BAD_AUDIO`) or too long
            (:data:`MSG_AUDIO_TOO_LONG`).
    """
    try:
        seconds = _length(data, kind)
    except ValidationFailed:
        raise
    # A forged header can fail in any of the reader's own ways; none of them is the user's fault
    # to decode, and none may let the file through.
    except (MutagenError, ValueError, IndexError, KeyError, OverflowError, EOFError) as error:
        raise ValidationFailed(MSG_BAD_AUDIO) from error
    check_audio_length(seconds)
    return seconds
