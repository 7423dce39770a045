"""The reads behind `pipetui export`: every row of a kind with what relates it
(names beside ids), as plain tuples in id order, streamed rather than held."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from pipetui.store.tables import (
    CONTACT,
    CONTACT_DETAIL,
    DEAL,
    FOLLOWUP,
    FUNNEL_COUNT,
    GOAL,
    PIPELINE,
    QUALIFICATION,
    QUALIFICATION_CHANGE,
    SOURCE_SPEND,
    STAGE,
    STAGE_HISTORY,
    TOUCHPOINT,
    TOUCHPOINT_KIND,
)

Row = dict[str, Any]


def _rows(conn: Connection, query: Any) -> Iterator[Row]:
    for row in conn.execute(query):
        yield dict(row._mapping)


def contacts(conn: Connection) -> Iterator[Row]:
    """Every contact, all columns, with its `details` as a list of
    {kind, label, value, pref} in their order (read beside the contacts, in
    the same id order, not one query per contact)."""
    details = conn.execute(
        select(
            CONTACT_DETAIL.c.contact_id,
            CONTACT_DETAIL.c.kind,
            CONTACT_DETAIL.c.label,
            CONTACT_DETAIL.c.value,
            CONTACT_DETAIL.c.pref,
        ).order_by(CONTACT_DETAIL.c.contact_id, CONTACT_DETAIL.c.position, CONTACT_DETAIL.c.id)
    ).all()
    groups = groupby(details, key=lambda d: d[0])
    pending = next(groups, None)
    for row in _rows(conn, select(CONTACT).order_by(CONTACT.c.id)):
        while pending is not None and pending[0] < row["id"]:
            pending = next(groups, None)
        found: list[Row] = []
        if pending is not None and pending[0] == row["id"]:
            found = [
                {"kind": kind, "label": label, "value": value, "pref": bool(pref)}
                for _contact, kind, label, value, pref in pending[1]
            ]
            pending = next(groups, None)
        row["details"] = found
        yield row


def stage_names(conn: Connection) -> dict[int, str]:
    """Every stage's name by id (removed ones too: history names them)."""
    return {int(i): str(n) for i, n in conn.execute(select(STAGE.c.id, STAGE.c.name))}


def deals(conn: Connection) -> Iterator[Row]:
    """Every deal with its pipeline's and stage's names, its contact's name and
    email, and its history as a list of rows ([at, from stage, to stage, from
    status, to status, imported, by]), oldest first: `history` names the
    stages, `history_ids` gives their ids (a removed stage may share a name)."""
    names = stage_names(conn)
    query = (
        select(
            DEAL,
            PIPELINE.c.name.label("pipeline"),
            CONTACT.c.name.label("contact_name"),
            CONTACT.c.email.label("contact_email"),
        )
        .join(PIPELINE, PIPELINE.c.id == DEAL.c.pipeline_id)
        .outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
        .order_by(DEAL.c.id)
    )
    history = conn.execute(
        select(
            STAGE_HISTORY.c.deal_id,
            STAGE_HISTORY.c.at,
            STAGE_HISTORY.c.from_stage_id,
            STAGE_HISTORY.c.to_stage_id,
            STAGE_HISTORY.c.from_status,
            STAGE_HISTORY.c.to_status,
            STAGE_HISTORY.c.imported,
            STAGE_HISTORY.c.by,
        ).order_by(STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.at, STAGE_HISTORY.c.id)
    )
    groups = groupby(history, key=lambda h: h[0])
    pending = next(groups, None)
    for row in _rows(conn, query):
        while pending is not None and pending[0] < row["id"]:
            pending = next(groups, None)
        changes: list[list[Any]] = []
        if pending is not None and pending[0] == row["id"]:
            changes = [
                [at, a, b, f, t, bool(imp), by] for _deal, at, a, b, f, t, imp, by in pending[1]
            ]
            pending = next(groups, None)
        row["stage"] = names[row["stage_id"]]
        row["history_ids"] = changes
        row["history"] = [
            [at, None if a is None else names[a], names[b], f, t, imp, by]
            for at, a, b, f, t, imp, by in changes
        ]
        yield row


def touchpoints(conn: Connection) -> Iterator[Row]:
    """Every touchpoint with its contact's name and email and its deal's title."""
    query = (
        select(
            TOUCHPOINT,
            CONTACT.c.name.label("contact_name"),
            CONTACT.c.email.label("contact_email"),
            DEAL.c.title.label("deal_title"),
        )
        .join(CONTACT, CONTACT.c.id == TOUCHPOINT.c.contact_id)
        .outerjoin(DEAL, DEAL.c.id == TOUCHPOINT.c.deal_id)
        .order_by(TOUCHPOINT.c.id)
    )
    return _rows(conn, query)


def followups(conn: Connection, *, open_only: bool = False) -> Iterator[Row]:
    """Follow-ups with their deal's title and contact's name."""
    query = (
        select(FOLLOWUP, DEAL.c.title.label("deal_title"), CONTACT.c.name.label("contact_name"))
        .outerjoin(DEAL, DEAL.c.id == FOLLOWUP.c.deal_id)
        .outerjoin(CONTACT, CONTACT.c.id == FOLLOWUP.c.contact_id)
        .order_by(FOLLOWUP.c.due, FOLLOWUP.c.id)
    )
    if open_only:
        query = query.where(FOLLOWUP.c.done_at.is_(None))
    return _rows(conn, query)


def pipelines(conn: Connection) -> list[Row]:
    """Pipelines with their stages (removed ones too), in order."""
    stages = list(_rows(conn, select(STAGE).order_by(STAGE.c.pipeline_id, STAGE.c.position)))
    found = []
    for pipe in _rows(conn, select(PIPELINE).order_by(PIPELINE.c.position, PIPELINE.c.id)):
        pipe["stages"] = [s for s in stages if s["pipeline_id"] == pipe["id"]]
        found.append(pipe)
    return found


def table(conn: Connection, name: str) -> Iterator[Row]:
    """All rows of one of the smaller tables, in id order."""
    chosen = {
        "touchpoint_kind": TOUCHPOINT_KIND,
        "qualification": QUALIFICATION,
        "qualification_change": QUALIFICATION_CHANGE,
        "source_spend": SOURCE_SPEND,
        "funnel_count": FUNNEL_COUNT,
        "goal": GOAL,
        "followup": FOLLOWUP,
    }[name]
    return _rows(conn, select(chosen).order_by(*chosen.primary_key.columns))
