"""Fixed data for the customer-journey TUI tests (stories and snapshots).

The clock is frozen at conftest.NOW (2026-11-20 10:00 UTC). Deals that should be
old are created with the clock moved back (`at`), so their stage_entered_at is
old and a stage with a rotting limit shows them rotting.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from pipetui.domain.bant import Answer, AnswerPatch
from pipetui.domain.journey import Direction
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.contacts import add_contact
from pipetui.services.followups import add_followup
from pipetui.services.pipelines import set_stage
from pipetui.services.qualification import qualify_deal
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace

DANA = "דנה כהן"  # the non-linear journey; Hebrew
YOSSI = "יוסי כהן"  # Hebrew too: a search for "דנה" must not find him
LAYLA = "ليلى حداد"  # Arabic
OMAR_AR = "عمر خليل"  # Arabic, no touchpoint, no deal
JOSE = "José Álvarez"  # accented Latin
ZOE = "Zoë Müller"  # accented Latin
OMAR = "Omar Haddad"  # the rotting deal's contact, never touched
WANG = "王小明"  # CJK (double-width cells)

COMPANIES = {
    DANA: "Negev Solar",
    YOSSI: "Galil Tech",
    LAYLA: "شركة النور",
    OMAR_AR: None,
    JOSE: "Álvarez & Hijos",
    ZOE: "Müller GmbH",
    OMAR: "Haddad & Sons",
    WANG: "北京科技",
}

# Sorted by name (casefolded, code point order: Latin, Hebrew, Arabic, CJK).
BY_NAME = [JOSE, OMAR, ZOE, DANA, YOSSI, OMAR_AR, LAYLA, WANG]
# Latest touch first; never touched last, by name.
BY_LAST_TOUCH = [ZOE, YOSSI, LAYLA, DANA, WANG, JOSE, OMAR, OMAR_AR]
# Largest open value first (minor units, whatever the currency); then by name.
BY_VALUE = [LAYLA, YOSSI, OMAR, DANA, JOSE, ZOE, OMAR_AR, WANG]

DANA_PATH = "awareness → interest → consideration → interest → intent"
HEBREW_SUMMARY = "נפגשנו בכנס אנרגיה בתל אביב"
ARABIC_SUMMARY = "عرض توضيحي للفريق في حيفا"
QUOTE_SUMMARY = "ביקשה הצעת מחיר ל-40 פאנלים"

ROTTING_STAGE = "Needs assessment"
ROTTING_DAYS = 14


@dataclass(frozen=True)
class JourneyIds:
    """Ids of what the stories act on."""

    contacts: dict[str, int]
    website: int  # "Website redesign", Proposal, Dana's
    galil: int  # "Galil rollout", Negotiation, Yossi's, a follow-up due today
    nour: int  # "Nour expansion", Proposal, Layla's, qualified, no next step
    stale: int  # "Stale audit", Needs assessment, Omar's, rotting 50 days
    old_pilot: int  # "Old pilot", Needs assessment, no contact, rotting 80 days
    overdue: int  # José's follow-up, overdue since 2026-11-15
    today: int  # Galil rollout's follow-up, due today
    dana_next: int  # Dana's follow-up, due 2026-11-25


@contextmanager
def at(moment: str) -> Iterator[None]:
    """Move the frozen clock to `moment` for what is created inside."""
    before = os.environ.get("PIPETUI_NOW")
    os.environ["PIPETUI_NOW"] = moment
    try:
        yield
    finally:
        if before is None:
            del os.environ["PIPETUI_NOW"]
        else:
            os.environ["PIPETUI_NOW"] = before


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def seed_journey(ws: Workspace) -> JourneyIds:
    """Eight contacts in four scripts, their touchpoints, deals and follow-ups."""
    db = ws.db
    ids: dict[str, int] = {}
    with at("2026-05-01T08:00:00+00:00"):
        for name, company in COMPANIES.items():
            ids[name] = add_contact(db, name=name, company=company).id

    def touch(who: str, kind: str, moment: str, **more: object) -> None:
        log_touchpoint(db, contact=f"#{ids[who]}", kind=kind, at=when(moment), **more)  # type: ignore[arg-type]

    # Dana: aware → interest → consideration → (73 days) interest → (62 days) intent.
    touch(
        DANA,
        "event_met",
        "2026-06-01T09:30:00+00:00",
        channel="conference",
        direction=Direction.INBOUND,
        summary=HEBREW_SUMMARY,
    )
    touch(DANA, "website visit", "2026-06-10T14:00:00+00:00")
    touch(
        DANA,
        "demo",
        "2026-06-20T10:00:00+00:00",
        channel="Zoom",
        direction=Direction.OUTBOUND,
        summary=ARABIC_SUMMARY,
        score=9,
    )
    touch(DANA, "newsletter_signup", "2026-09-01T11:00:00+00:00")
    touch(
        DANA,
        "Quote requested",
        "2026-11-02T16:45:00+00:00",
        channel="email",
        direction=Direction.INBOUND,
        summary=QUOTE_SUMMARY,
    )
    touch(YOSSI, "call", "2026-11-18T12:00:00+00:00", summary="שיחת היכרות")
    touch(LAYLA, "meeting", "2026-11-10T13:00:00+00:00", summary="اجتماع في عمّان")
    touch(JOSE, "enquiry", "2026-10-15T09:00:00+00:00", summary="¿Precio por volumen?")
    touch(ZOE, "survey", "2026-11-19T08:00:00+00:00", score=9, summary="Sehr zufrieden")
    touch(WANG, "website_visit", "2026-11-01T03:00:00+00:00", summary="看了价格页面")

    def deal(title: str, minor: int, currency: str, stage: str, who: str | None) -> int:
        added = deals.add_deal(
            db, title=title, value=Money(minor, currency), stage=stage, contact=who
        )
        return added.view.deal.id

    with at("2026-09-01T09:00:00+00:00"):
        old_pilot = deal("Old pilot", 90_000, "USD", ROTTING_STAGE, None)
    with at("2026-10-01T09:00:00+00:00"):
        stale = deal("Stale audit", 250_000, "USD", ROTTING_STAGE, OMAR)
    website = deal("Website redesign", 120_050, "USD", "Proposal", DANA)
    nour = deal("Nour expansion", 800_000, "EUR", "Proposal", LAYLA)
    galil = deal("Galil rollout", 300_000, "ILS", "Negotiation", YOSSI)
    set_stage(db, pipeline=None, stage=ROTTING_STAGE, rotting_days=ROTTING_DAYS)

    yes: AnswerPatch = {"status": Answer.YES}
    qualify_deal(db, nour, {"budget": yes, "authority": yes, "need": yes, "timeline": yes})

    overdue = add_followup(db, title="Send the catalogue", due=date(2026, 11, 15), contact=JOSE)
    today = add_followup(db, title="Call about the PO", due=date(2026, 11, 20), deal_id=galil)
    dana_next = add_followup(
        db, title="Send the revised quote", due=date(2026, 11, 25), contact=f"#{ids[DANA]}"
    )
    return JourneyIds(
        ids, website, galil, nour, stale, old_pilot, overdue.id, today.id, dana_next.id
    )
