"""A Pipedrive-style deals export of N rows for the import benchmark: every
column a real export has that pipetui reads, in Hebrew, Arabic and English, two
deals per person, four of five deals open."""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADERS = [
    "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Pipeline",
    "Deal - Stage", "Deal - Status", "Deal - Expected close date", "Deal - Deal created",
    "Deal - Won time", "Deal - Lost time", "Deal - Lost reason", "Deal - Organization",
    "Person - Name", "Person - Email", "Person - Phone", "Deal - Source", "Deal - Owner",
]  # fmt: skip
STAGES = ["Lead", "Qualified", "Demo", "Proposal", "Negotiation"]
FIRST = ["דנה", "أحمد", "Lea", "Yuki", "Omar", "נועה", "Sara", "李"]
LAST = ["כהן", "حسن", "Martin", "Tanaka", "לוי", "Smith"]


def write_export(path: Path, rows: int, seed: int = 1) -> Path:
    """Write the file (once per size; it is kept beside the databases)."""
    if path.exists():
        return path
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for i in range(rows):
            roll = rng.random()
            status = "Open" if roll < 0.8 else "Won" if roll < 0.9 else "Lost"
            person = i // 2
            value = f"{rng.randint(1, 99_999):,}.{rng.randint(0, 99):02d}"
            writer.writerow(
                [i + 1, f"Deal {i} – חוזה שנתי", value,
                 rng.choice(["USD", "ILS", "EUR"]), "Imported", rng.choice(STAGES), status,
                 "2027-01-15", f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 10:00:00",
                 "2026-11-01 12:00:00" if status == "Won" else "",
                 "2026-11-02 12:00:00" if status == "Lost" else "",
                 "Too expensive" if status == "Lost" else "", f"Org {person % 5000}",
                 f"{rng.choice(FIRST)} {rng.choice(LAST)} {person}", f"p{person}@example.com",
                 f"+972-50-{person:07d}", rng.choice(["Web", "Referral", "Ads"]), "Me"]
            )  # fmt: skip
    return path
