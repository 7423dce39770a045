"""Which file columns mean which pipetui field: pipetui's own CSV headers (what
`pipetui export` writes) and the column names of Pipedrive, HubSpot and
Salesforce exports (and Pipedrive's import template).

Headers are compared without case, spaces, underscores, a UTF-8 BOM or a
trailing `*` (Pipedrive's template marks required columns so), so
"Deal - Title", "deal-title", "Deal - Title*" and "DEAL -TITLE" are one header,
and "close_date" matches "Close Date". Every column a format does not know is
reported as ignored; nothing is guessed from cell contents.
"""

from __future__ import annotations

KINDS = ("deals", "contacts", "touchpoints")

# pipetui's own columns per kind, in the order `export` writes them.
OWN_FIELDS: dict[str, tuple[str, ...]] = {
    "contacts": (
        "id", "external_id", "name", "email", "phone", "company", "role", "source", "notes",
        "tags", "journey_stage", "journey_stage_manual", "created_at", "updated_at",
    ),
    "deals": (
        "id", "external_id", "title", "pipeline", "stage", "status", "value", "currency",
        "probability", "close_date", "source", "lost_reason", "contact_id", "contact_name",
        "contact_email", "created_at", "updated_at", "stage_entered_at", "closed_at", "history",
        "owner", "notes", "tags",
    ),
    "touchpoints": (
        "id", "contact_id", "contact_name", "contact_email", "deal_id", "deal_title", "kind",
        "journey_stage", "channel", "direction", "at", "summary", "score", "by",
    ),
}  # fmt: skip


_PIPEDRIVE_PERSON = {
    "person-name": "name",
    "person-email": "email",
    "person-email-work": "email",
    "person-email-home": "email",
    "person-email-other": "email",
    "person-phone": "phone",
    "person-phone-work": "phone",
    "person-phone-mobile": "phone",
    "person-phone-home": "phone",
    "person-phone-other": "phone",
    "person-labels": "tags",
    "person-label": "tags",
    "person-notes": "notes",
    "note-content": "notes",
    "person-organization": "company",
    "organization-name": "company",
    "person-jobtitle": "role",
    "person-source": "source",
    "person-personcreated": "created_at",
    "person-updatetime": "updated_at",
    "person-id": "external_id",
}
_PIPEDRIVE_DEAL = {
    "deal-id": "external_id",
    "deal-title": "title",
    "deal-value": "value",
    "deal-currency": "currency",
    "deal-currencyofvalue": "currency",
    "deal-pipeline": "pipeline",
    "deal-stage": "stage",
    "deal-status": "status",
    "deal-probability": "probability",
    "deal-expectedclosedate": "close_date",
    "deal-dealcreated": "created_at",
    "deal-updatetime": "updated_at",
    "deal-laststagechange": "stage_entered_at",
    "deal-wontime": "won_time",
    "deal-losttime": "lost_time",
    "deal-lostreason": "lost_reason",
    "deal-organization": "company",
    "organization-name": "company",
    "deal-contactperson": "contact_name",
    "person-name": "contact_name",
    "person-email": "contact_email",
    "person-email-work": "contact_email",
    "person-email-home": "contact_email",
    "person-email-other": "contact_email",
    "person-phone": "contact_phone",
    "person-phone-work": "contact_phone",
    "person-phone-mobile": "contact_phone",
    "person-phone-home": "contact_phone",
    "person-phone-other": "contact_phone",
    "deal-source": "source",
    "deal-owner": "owner",
    "deal-label": "tags",
    "deal-labels": "tags",
}
_HUBSPOT_CONTACT = {
    "recordid": "external_id",
    "contactid": "external_id",
    "firstname": "contact_first",
    "lastname": "contact_last",
    "email": "email",
    "phonenumber": "phone",
    "mobilephonenumber": "phone",
    "companyname": "company",
    "company": "company",
    "associatedcompany": "company",
    "jobtitle": "role",
    "lifecyclestage": "journey_stage",
    "originalsource": "source",
    "originaltrafficsource": "source",
    "createdate": "created_at",
    "lastmodifieddate": "updated_at",
}
_HUBSPOT_DEAL = {
    "recordid": "external_id",
    "dealid": "external_id",
    "dealname": "title",
    "dealstage": "stage",
    "amount": "value",
    "currency": "currency",
    "dealcurrencycode": "currency",
    "closedate": "close_date",
    "createdate": "created_at",
    "lastmodifieddate": "updated_at",
    "pipeline": "pipeline",
    "closedlostreason": "lost_reason",
    "originalsource": "source",
    "originalsourcetype": "source",
    "originaltrafficsource": "source",
    "firstname": "contact_first",
    "lastname": "contact_last",
    "email": "contact_email",
    "phonenumber": "contact_phone",
    "mobilephonenumber": "contact_phone",
    "companyname": "company",
    "associatedcompany": "company",
    "associatedcontact": "associated_contact",
    "dealowner": "owner",
    "dealstageprobability": "stage_probability",
    "dealprobability": "stage_probability",
    "isclosed": "is_closed",
    "isdealclosed?": "is_closed",
    "isclosedwon": "is_closed_won",
}
# Salesforce, by API name (Data Loader, Data Export) and by report label.
_SALESFORCE_DEAL = {
    "id": "external_id",
    "opportunityid": "external_id",
    "name": "title",
    "opportunityname": "title",
    "stagename": "stage",
    "stage": "stage",
    "amount": "value",
    "closedate": "close_date",
    "currencyisocode": "currency",
    "opportunitycurrency": "currency",
    "amountcurrency": "currency",
    "leadsource": "source",
    "probability": "probability",
    "probability(%)": "probability",
    "accountname": "company",
    "createddate": "created_at",
    "lastmodifieddate": "updated_at",
    "isclosed": "is_closed",
    "closed": "is_closed",
    "iswon": "is_closed_won",
    "won": "is_closed_won",
}
_SALESFORCE_CONTACT = {
    "id": "external_id",
    "contactid": "external_id",
    "firstname": "contact_first",
    "lastname": "contact_last",
    "email": "email",
    "phone": "phone",
    "businessphone": "phone",
    "mobile": "phone",
    "mobilephone": "phone",
    "accountname": "company",
    "title": "role",
    "leadsource": "source",
    "description": "notes",
    "createddate": "created_at",
    "lastmodifieddate": "updated_at",
}

# HubSpot's lifecycle stages, as the journey stage each one means.
HUBSPOT_LIFECYCLE = {
    "subscriber": "awareness",
    "lead": "interest",
    "marketingqualifiedlead": "consideration",
    "salesqualifiedlead": "consideration",
    "opportunity": "intent",
    "customer": "purchase",
    "evangelist": "advocacy",
    "other": "",
}

# The prefix of an external id per format, so Pipedrive's deal 12 and HubSpot's
# deal 12 stay two deals.
ID_PREFIX = {
    "pipedrive": "pipedrive:",
    "hubspot": "hubspot:",
    "salesforce": "salesforce:",
    "pipetui": "",
}
# Formats that give a person's first and last name in two columns.
SPLIT_NAMES = ("hubspot", "salesforce")


def norm_header(header: str) -> str:
    """A header as compared: no BOM, case, whitespace, underscores or trailing `*`."""
    text = "".join(header.removeprefix("\ufeff").split()).replace("_", "").casefold()
    return text.rstrip("*") or text


MAPS: dict[tuple[str, str], dict[str, str]] = {
    **{
        ("pipetui", kind): {norm_header(f): f for f in fields}
        for kind, fields in OWN_FIELDS.items()
    },
    ("pipedrive", "contacts"): _PIPEDRIVE_PERSON,
    ("pipedrive", "deals"): _PIPEDRIVE_DEAL,
    ("hubspot", "contacts"): _HUBSPOT_CONTACT,
    ("hubspot", "deals"): _HUBSPOT_DEAL,
    ("salesforce", "contacts"): _SALESFORCE_CONTACT,
    ("salesforce", "deals"): _SALESFORCE_DEAL,
}
MAPS["pipetui", "deals"].update({norm_header(f): f for f in ("contact_phone", "company")})


_SALESFORCE = {
    "stagename", "currencyisocode", "leadsource", "accountname", "opportunityname",
    "accountid", "iswon", "forecastcategoryname",
}  # fmt: skip


def detect_format(headers: list[str]) -> str:
    """pipedrive, salesforce, hubspot or pipetui, from the header names alone."""
    keys = {norm_header(h) for h in headers}
    if any(k.startswith(("deal-", "person-", "organization-")) for k in keys):
        return "pipedrive"
    if keys & _SALESFORCE:
        return "salesforce"
    hubspot = {"dealname", "dealstage", "firstname", "lastname", "recordid", "lifecyclestage"}
    if keys & hubspot:
        return "hubspot"
    return "pipetui"


def detect_kind(file_format: str, headers: list[str]) -> str | None:
    """The kind of rows a file holds, from its headers; None when it cannot tell."""
    keys = {norm_header(h) for h in headers}
    if file_format == "pipedrive":
        return "deals" if any(k.startswith("deal-") for k in keys) else "contacts"
    if file_format == "hubspot":
        return "deals" if keys & {"dealname", "dealstage", "amount"} else "contacts"
    if file_format == "salesforce":
        deal = {"stagename", "stage", "amount", "opportunityname", "closedate"}
        return "deals" if keys & deal else "contacts"
    for kind, marker in (("deals", "title"), ("touchpoints", "kind"), ("contacts", "name")):
        if marker in keys:
            return kind
    return None


def field_map(file_format: str, kind: str) -> dict[str, str]:
    """Normalised header → field for a format and kind (empty when unsupported)."""
    return MAPS.get((file_format, kind), {})
