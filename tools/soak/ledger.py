"""Acknowledged writes, and checking them against the database afterwards.

The load records every write the server acknowledged (a 201 with the new
note, a 200 for an edit, a 204 for a delete). Once the server has stopped,
the note table must agree: every acknowledged note is there with the
owner and the last acknowledged title, and every acknowledged delete is
gone. A write that got no answer (a socket error) may or may not have
happened, so its note is left out of the title and presence checks.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Ledger:
    """What the server promised, note by note."""

    owners: dict[int, int] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    uncertain: set[int] = field(default_factory=set)
    edits: int = 0
    unanswered_creates: int = 0

    def created(self, note_id: int, owner: int, title: str) -> None:
        self.owners[note_id] = owner
        self.titles[note_id] = title

    def edited(self, note_id: int, title: str) -> None:
        self.titles[note_id] = title
        self.edits += 1

    def removed(self, note_id: int) -> None:
        self.deleted.add(note_id)

    @property
    def acknowledged(self) -> int:
        """Writes the server acknowledged: creates, edits and deletes."""
        return len(self.owners) + self.edits + len(self.deleted)


@dataclass(frozen=True)
class Audit:
    """How the database compares with the ledger."""

    acknowledged: int
    creates: int
    edits: int
    deletes: int
    expected_present: int
    found: int
    lost: list[int]
    resurrected: list[int]
    wrong_owner: list[int]
    stale_title: list[int]

    @property
    def ok(self) -> bool:
        return not (self.lost or self.resurrected or self.wrong_owner or self.stale_title)


def audit(database: Path, ledger: Ledger) -> Audit:
    """Compare the note table of ``database`` with ``ledger``."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows = {
            row[0]: (row[1], row[2])
            for row in conn.execute("SELECT id, author_id, title FROM note")
        }
    certain = {note for note in ledger.owners if note not in ledger.uncertain}
    present = sorted(note for note in certain if note not in ledger.deleted)
    gone = sorted(note for note in certain if note in ledger.deleted)
    return Audit(
        acknowledged=ledger.acknowledged,
        creates=len(ledger.owners),
        edits=ledger.edits,
        deletes=len(ledger.deleted),
        expected_present=len(present),
        found=sum(1 for note in present if note in rows),
        lost=[note for note in present if note not in rows],
        resurrected=[note for note in gone if note in rows],
        wrong_owner=[n for n in present if n in rows and rows[n][0] != ledger.owners[n]],
        stale_title=[n for n in present if n in rows and rows[n][1] != ledger.titles[n]],
    )
