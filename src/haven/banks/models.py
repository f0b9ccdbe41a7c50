from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from haven.signals.hashes.video import FrameHash

BANK_NAME = r"[A-Z][A-Z0-9_]{1,63}"  # HMA's convention: CAPS_AND_UNDERSCORE


class BankCategory(StrEnum):
    CHILD_SAFETY = "child_safety"  # known CSAM: the child-safety queue, a CyberTipline draft
    TERRORISM = "terrorism"  # terrorist and violent extremist content (GIFCT, TCAP)
    OTHER = "other"


class EntryKind(StrEnum):
    PDQ = "pdq"  # a picture
    VIDEO = "video"  # a video's frame hashes (vPDQ)
    MD5 = "md5"  # exact file digests
    SHA256 = "sha256"


@dataclass(frozen=True)
class Bank:
    name: str
    category: BankCategory
    enabled_ratio: float  # 0-1: the share of entries matching (gradual rollout)
    negative: bool  # entries are known false positives: a match suppresses others
    created_at: datetime
    entries: int = 0


@dataclass(frozen=True)
class BankEntry:
    id: int
    bank: str
    kind: EntryKind
    value: str  # the hash (hex) or digest; for a video its first frame's hash
    label: str
    source: str  # where it came from: a file name, an import, an exchange
    added_at: datetime
    disabled: bool = False
    frames: tuple[FrameHash, ...] = field(default=())
