"""Evidence of learning and the year-end showcase: the rules, with no framework import.

A piece of evidence is a photo, a PDF, a short audio clip or a link, attached to a goal (and
optionally one of its tasks) of a plan. A file is recognised by what it *is* (its first bytes),
never by its name or the type a browser claims; anything else is refused. Families see a piece
only once the mentor has approved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ilp_app.domain.errors import ValidationFailed
from ilp_app.i18n.runtime import N_


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    PDF = "pdf"
    AUDIO = "audio"
    LINK = "link"


EVIDENCE_KIND_LABELS = {
    EvidenceKind.PHOTO: N_("Photo"),
    EvidenceKind.PDF: N_("PDF"),
    EvidenceKind.AUDIO: N_("Audio clip"),
    EvidenceKind.LINK: N_("Link"),
}

MB = 1024 * 1024
#: The largest file accepted, counted as it streams in.
MAX_EVIDENCE_BYTES = 10 * MB
#: What one person's files may take in all, across their plans.
EVIDENCE_QUOTA_BYTES = 100 * MB
#: The most pixels a photo may unpack to; a small file claiming more is a decompression bomb.
MAX_IMAGE_PIXELS = 40_000_000
#: The longest side of a stored photo: phone photos are scaled down, which also drops their size.
MAX_IMAGE_SIDE = 2400
MAX_EVIDENCE_TITLE = 120
MAX_EVIDENCE_PER_PLAN = 200
MAX_CLOSING_REFLECTION = 3000
#: The longest audio clip: a short spoken reflection, not a recording of a whole lesson.
MAX_AUDIO_SECONDS = 180

MSG_TOO_LARGE = f"A file may be at most {MAX_EVIDENCE_BYTES // MB} MB."
MSG_QUOTA = (
    f"This would go over the {EVIDENCE_QUOTA_BYTES // MB} MB of evidence each person may keep. "
    "Remove an older file first."
)
MSG_EMPTY_FILE = N_("The file is empty.")
MSG_UNKNOWN_TYPE = N_(
    "That file is not a photo (JPEG, PNG or WebP), a PDF or an audio clip (MP3, M4A, OGG or WAV)."
)
MSG_BAD_IMAGE = N_("That photo could not be read. Take it again, or save it as JPEG or PNG.")
MSG_IMAGE_TOO_BIG = N_("That photo is too large to open. Save it smaller and try again.")
MSG_PDF_ACTIVE = N_("PDFs with scripts, attachments or actions cannot be added.")
MSG_AUDIO_TOO_LONG = (
    f"An audio clip may be at most {MAX_AUDIO_SECONDS // 60} minutes long. "
    "Record a shorter one, or split it in two."
)
MSG_BAD_AUDIO = N_("That audio clip could not be read. Record it again, or save it as MP3 or M4A.")
MSG_ONE_FILE = N_("Add one file at a time.")
MSG_TOO_MANY = f"A plan holds at most {MAX_EVIDENCE_PER_PLAN} pieces of evidence."
MSG_NOT_APPROVED = N_("Only evidence the mentor has approved can go in the showcase.")
MSG_EVIDENCE_NOT_FOUND = N_("That evidence does not exist.")
MSG_CHOOSE_GOAL = N_("Choose the goal (or task) this evidence belongs to.")


@dataclass(frozen=True)
class FileType:
    kind: EvidenceKind
    media_type: str
    extension: str


JPEG = FileType(EvidenceKind.PHOTO, "image/jpeg", "jpg")
PNG = FileType(EvidenceKind.PHOTO, "image/png", "png")
WEBP = FileType(EvidenceKind.PHOTO, "image/webp", "webp")
PDF = FileType(EvidenceKind.PDF, "application/pdf", "pdf")
MP3 = FileType(EvidenceKind.AUDIO, "audio/mpeg", "mp3")
M4A = FileType(EvidenceKind.AUDIO, "audio/mp4", "m4a")
OGG = FileType(EvidenceKind.AUDIO, "audio/ogg", "ogg")
WAV = FileType(EvidenceKind.AUDIO, "audio/wav", "wav")

#: Every media type a stored file may be served as (with its file extension); anything else in
#: the database is not served.
MEDIA_EXTENSIONS = {t.media_type: t.extension for t in (JPEG, PNG, WEBP, PDF, MP3, M4A, OGG, WAV)}
SERVED_MEDIA_TYPES = frozenset(MEDIA_EXTENSIONS)

_M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom", b"iso2", b"mp41")
# A PDF that runs code, opens other files or carries files of its own is not evidence.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA")


def sniff(data: bytes) -> FileType:
    """What a file is, from its first bytes (its name and claimed type are never trusted).

    Raises:
        ValidationFailed: empty, or none of the accepted kinds (an HTML page renamed ``.png``,
            a zip, an executable...).
    """
    if not data:
        raise ValidationFailed(MSG_EMPTY_FILE)
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp" and head[8:12] in _M4A_BRANDS:
        return M4A
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MP3
    raise ValidationFailed(MSG_UNKNOWN_TYPE)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that carries scripts, actions or embedded files.

    Raises:
        ValidationFailed: it does (:data:`MSG_PDF_ACTIVE`), or it does not end as a PDF does.
    """
    if b"%%EOF" not in data[-2048:]:
        raise ValidationFailed(MSG_UNKNOWN_TYPE)
    if any(marker in data for marker in _PDF_ACTIVE):
        raise ValidationFailed(MSG_PDF_ACTIVE)


def check_size(size: int, *, used: int) -> None:
    """A file of ``size`` bytes, for someone who already keeps ``used`` bytes.

    Raises:
        ValidationFailed: empty, over :data:`MAX_EVIDENCE_BYTES`, or over the quota.
    """
    if size <= 0:
        raise ValidationFailed(MSG_EMPTY_FILE)
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(MSG_TOO_LARGE)
    if used + size > EVIDENCE_QUOTA_BYTES:
        raise ValidationFailed(MSG_QUOTA)


def check_image_size(width: int, height: int) -> None:
    """Refuse a photo whose pixels would not fit in memory safely (a decompression bomb).

    Raises:
        ValidationFailed: :data:`MSG_IMAGE_TOO_BIG`.
    """
    if width <= 0 or height <= 0 or width * height > MAX_IMAGE_PIXELS:
        raise ValidationFailed(MSG_IMAGE_TOO_BIG)


def check_audio_length(seconds: float) -> None:
    """Refuse a clip longer than :data:`MAX_AUDIO_SECONDS`, or one whose length makes no sense.

    Raises:
        ValidationFailed: :data:`MSG_AUDIO_TOO_LONG`, or :data:`MSG_BAD_AUDIO` for a length that
            is not a positive finite number of seconds.
    """
    if not isinstance(seconds, int | float) or not 0 < seconds < float("inf"):
        raise ValidationFailed(MSG_BAD_AUDIO)
    if seconds > MAX_AUDIO_SECONDS:
        raise ValidationFailed(MSG_AUDIO_TOO_LONG)


class ShowcasePart(StrEnum):
    """What the learner puts on a slide: the goal itself, a reflection of it, or evidence."""

    GOAL = "goal"
    REFLECTION = "reflection"
    EVIDENCE = "evidence"


def move(ids: list[int], item: int, direction: str) -> list[int]:
    """``ids`` with ``item`` moved one place ``"up"`` or ``"down"`` (unchanged at either end).

    Raises:
        ValidationFailed: an unknown direction, or an item that is not in the list.
    """
    if direction not in ("up", "down") or item not in ids:
        raise ValidationFailed("Move up or down.")
    order = list(ids)
    at = order.index(item)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    return order
