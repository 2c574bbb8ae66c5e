"""Audio clips of a chosen length, built byte by byte (no encoder needed): WAV, MP3, Ogg, M4A.

Each holds silence, but its headers are those a real recording carries, so the length the
app reads from them is the length asked for.
"""

from __future__ import annotations

import io
import struct
import wave

from mutagen.ogg import OggPage

# Constant bit rate frames of 1152 samples each; the length follows from the frame count.
_MP3_HEADER = bytes([0xFF, 0xFB, 0x18, 0xC4])  # MPEG-1 L3, 32 kbit/s, 32 kHz, no padding, mono
_MP3_RATE = 32_000
_MP3_FRAME = 144 * 32_000 // _MP3_RATE  # bytes per frame: 144 * bitrate / sample rate


def wav(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * int(seconds * rate))
    return out.getvalue()


def mp3(seconds: float) -> bytes:
    frames = int(seconds * _MP3_RATE / 1152) + 1
    return (_MP3_HEADER + b"\0" * (_MP3_FRAME - 4)) * frames


def ogg_opus(seconds: float) -> bytes:
    pre_skip = 312
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    pages = []
    first = OggPage()
    first.packets = [head]
    first.first = True
    first.serial, first.sequence, first.position = 1, 0, 0
    pages.append(first)
    second = OggPage()
    second.packets = [tags]
    second.serial, second.sequence, second.position = 1, 1, 0
    pages.append(second)
    last = OggPage()
    last.packets = [b"\xf8\xff\xfe"]  # one silent Opus frame
    last.last = True
    last.serial, last.sequence = 1, 2
    last.position = int(seconds * 48000) + pre_skip
    pages.append(last)
    return b"".join(page.write() for page in pages)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def m4a(seconds: float) -> bytes:
    scale = 1000
    mvhd = _box(
        b"mvhd",
        struct.pack(">B3xIIII", 0, 0, 0, scale, int(seconds * scale))
        + struct.pack(">IH10x", 0x00010000, 0x0100)
        + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    ftyp = _box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A isom")
    return ftyp + _box(b"moov", mvhd)
