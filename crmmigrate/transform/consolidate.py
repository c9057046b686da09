"""Customers from orders, on a run's clean records: history, RFM segment, activity, archive.

``clean`` calls :func:`consolidate` after dedupe, so an order's customer reference already
points at the surviving record of its customer (a member merged into a legacy contact takes its
orders along) and guest orders that dedupe linked by phone or e-mail are counted too.

For each customer with orders it sets the history fields (first and last order date, order
count, total and average in the customer's main currency, favourite channel), the RFM score
(``"545"``: recency, frequency, monetary) and the named segment; with ``inactive_before`` every
customer is tagged Active or Inactive by its latest activity date, and with ``archive`` the
inactive ones, with the records that reference them, leave the load for ``clean/archive/``.
Every set cell is in the change log (``customers.history``, ``customers.rfm``,
``customers.activity``); orders without a customer are listed by order number with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from phonenumbers import NumberParseException, PhoneNumberType, number_type, parse

from crmmigrate.config import Customers, customer_reference
from crmmigrate.target_schema import EXTERNAL_ID, TargetSchema
from crmmigrate.transform.changes import ChangeLog
from crmmigrate.transform.customers import SEGMENTS, order_history, rfm
from crmmigrate.transform.standardise.name import split as split_full_name

# order_history column → the customer field it fills
HISTORY_FIELDS = {
    "first_order_date": "first_order_date",
    "last_order_date": "last_order_date",
    "order_count": "order_count",
    "order_total": "order_total",
    "average_order": "average_order",
    "currency": "order_currency",
    "favourite_channel": "favourite_channel",
}
RFM_FIELDS = ("rfm_score", "rfm_segment")
ACTIVITY_FIELD = "activity_status"
ACTIVE, INACTIVE = "Active", "Inactive"
UNMATCHED_COLUMNS = [
    "order_number",
    "external_id",
    "source",
    "source_file",
    "source_sheet",
    "source_row",
    "reason",
]
SEGMENT_COLUMNS = [
    "segment",
    "customers",
    "share",
    "orders",
    "order_total",
    "currency",
    "median_recency_days",
]
# why an order has no customer: no key and no contact detail matched a customer (guest), or a
# key naming no customer record (the reference resolution reported it as unresolved)
GUEST, UNKNOWN = "guest-no-match", "unknown-customer"


@dataclass(frozen=True)
class CustomersOutcome:
    frames: dict[str, pd.DataFrame]
    archived: dict[str, pd.DataFrame]  # object → records moved out of the load (archive: true)
    unmatched: pd.DataFrame  # UNMATCHED_COLUMNS: orders without a customer
    segments: pd.DataFrame  # SEGMENT_COLUMNS: one row per segment with customers
    stats: dict[str, Any] = field(default_factory=dict)


def consolidate(
    frames: dict[str, pd.DataFrame],
    schema: TargetSchema,
    settings: Customers,
    log: ChangeLog,
) -> CustomersOutcome | None:
    """History, segments and activity for the customers of ``settings.orders``; None when
    there is nothing to do (disabled, no orders object in the schema or no orders read)."""
    found = customer_reference(schema, settings.orders)
    if not settings.enabled or found is None or settings.orders not in frames:
        return None
    ref_field, customer_obj = found
    orders = frames[settings.orders]
    customers = frames.get(customer_obj)
    if customers is None:
        customers = pd.DataFrame({"_record_id": [], EXTERNAL_ID: []}, dtype=object)
    out = dict(frames)
    fields = schema.objects[customer_obj].fields
    created = 0
    if settings.unmatched_orders == "create":
        orders, customers, created = _create_guests(
            orders, customers, ref_field, settings.orders, customer_obj, set(fields), log
        )
        out[settings.orders] = orders

    history = order_history(orders, customer=ref_field)
    # each customer record's row in ``history`` (-1: no orders), from one hash lookup; a
    # customer key of the orders that no record has was reported by the reference resolution
    where = _history_rows(history, customers)
    known = np.zeros(len(history), dtype=bool)
    known[where[where >= 0]] = True
    if not known.all():
        renumber = np.cumsum(known) - 1
        history = history[known]
        where = np.where(where >= 0, renumber[np.maximum(where, 0)], -1)
    reference = _reference_date(settings, history)
    edges = settings.rfm
    scores = rfm(
        history,
        (reference or dt.date(1970, 1, 1)).isoformat(),  # only empty or undated histories lack one
        recency_edges=edges.recency_days,
        frequency_edges=edges.frequency,
        monetary_edges=edges.monetary,
    )
    values = _field_values(history, scores)
    updated = customers.copy()
    has_orders = where >= 0
    _put(updated, customer_obj, where, values, [f for f in values if f in fields], log)

    rolled_up = _roll_up(out, schema, updated, customer_obj, orders, ref_field, log)

    activity = _activity(updated, settings, fields)
    if activity is not None and ACTIVITY_FIELD in fields:
        known = activity.notna().to_numpy()
        _set(updated, customer_obj, ACTIVITY_FIELD, activity, known, "customers.activity", log)

    archived: dict[str, pd.DataFrame] = {}
    if settings.archive and activity is not None:
        gone = (activity == INACTIVE).to_numpy()
        archived[customer_obj] = updated[gone].reset_index(drop=True)
        gone_keys = set(updated.loc[gone, EXTERNAL_ID])
        updated = updated[~gone].reset_index(drop=True)
        for obj_name, frame in frames.items():
            if obj_name == customer_obj:
                continue
            refs = [
                f
                for f, d in schema.objects[obj_name].fields.items()
                if d.type == "reference" and d.object == customer_obj and f in frame
            ]
            if not refs:
                continue
            follows = np.zeros(len(frame), dtype=bool)
            for ref in refs:
                follows |= frame[ref].isin(gone_keys).to_numpy()
            if follows.any():
                archived[obj_name] = frame[follows].reset_index(drop=True)
                out[obj_name] = frame[~follows].reset_index(drop=True)
    if customer_obj in frames or len(updated):  # no customer source and none created: absent
        out[customer_obj] = updated

    unmatched = _unmatched(orders, ref_field)
    segments = _segments(history, scores)
    stats = {
        "orders_object": settings.orders,
        "customer_object": customer_obj,
        "reference_date": reference.isoformat() if reference else None,
        "rfm": "fixed edges" if any(vars(edges).values()) else "quintiles",
        "customers": len(customers),
        "created": created,
        "with_orders": int(has_orders.sum()),
        "rolled_up": rolled_up,
        "without_order_dates": int(history["last_order_date"].isna().sum()),
        "without_orders": int((~has_orders).sum()),
        "orders": len(orders),
        "orders_with_customer": int(orders[ref_field].notna().sum()),
        "orders_without_customer": len(unmatched),
        "unmatched_reasons": {
            str(k): int(v) for k, v in unmatched["reason"].value_counts().items()
        },
        "segments": _records(segments),
        "inactive_before": settings.inactive_before.isoformat()
        if settings.inactive_before
        else None,
        "activity": (
            {str(k): int(v) for k, v in activity.fillna("unknown").value_counts().items()}
            if activity is not None
            else {}
        ),
        "archived": {obj: len(frame) for obj, frame in archived.items()},
    }
    return CustomersOutcome(out, archived, unmatched, segments, stats)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (numpy scalars to Python, NaN to None)."""
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return [
        {str(k): v.item() if isinstance(v, np.generic) else v for k, v in r.items()} for r in rows
    ]


def _create_guests(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    ref_field: str,
    orders_obj: str,
    customer_obj: str,
    fields: set[str],
    log: ChangeLog,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """One new customer per guest (an order with no customer key that dedupe linked to no one)
    with a name and an e-mail or phone: keyed by the e-mail, else the phone, so a guest who
    ordered twice is one customer. Its name, e-mail and phone come from its latest order; its
    created date is its first. The orders point at it; every set cell is logged
    (``customers.create``). Guests without a name or contact detail stay unmatched."""
    status = orders.get(f"_ref_{ref_field}_status")
    guest = orders[ref_field].isna().to_numpy().copy()
    if status is not None:
        guest &= status.to_numpy(dtype=object) != "unresolved"
    email = orders.get("customer_email")
    phone = orders.get("customer_phone")
    name = orders.get("customer_name")
    if name is None or (email is None and phone is None) or not guest.any():
        return orders, customers, 0
    none = pd.Series(None, index=orders.index, dtype=object)
    email = none if email is None else email
    phone = none if phone is None else phone
    key = email.where(email.notna(), phone)
    usable = guest & key.notna().to_numpy() & name.notna().to_numpy()
    if not usable.any():
        return orders, customers, 0
    table = pd.DataFrame(
        {
            "key": key[usable].to_numpy(dtype=object),
            "date": orders.loc[usable, "order_date"].to_numpy(dtype=object),
            "name": name[usable].to_numpy(dtype=object),
            "email": email[usable].to_numpy(dtype=object),
            "phone": phone[usable].to_numpy(dtype=object),
            "row": np.flatnonzero(usable),
        }
    ).sort_values(["key", "date", "row"], na_position="first")
    latest = table.drop_duplicates("key", keep="last").set_index("key")
    first = table.drop_duplicates("key", keep="first").set_index("key")["date"]
    external = f"{orders_obj}-guest:" + latest.index.to_series()
    parts = split_full_name(latest["name"].reset_index(drop=True))
    new = pd.DataFrame(
        {
            "_record_id": ("created:" + external).to_numpy(),
            "_source": "customers.create",
            "_source_key": latest.index.to_numpy(),
            EXTERNAL_ID: external.to_numpy(),
        },
        dtype=object,
    )
    values = {
        "salutation": parts.extras["salutation"],
        "first_name": parts.extras["first"],
        "last_name": parts.extras["last"].where(
            parts.extras["last"].notna(), latest["name"].reset_index(drop=True)
        ),
        "email": latest["email"].reset_index(drop=True),
        **_phone_fields(latest["phone"].reset_index(drop=True), fields),
        "created_date": first.reindex(latest.index).reset_index(drop=True),
        "lead_source": pd.Series("guest-order", index=new.index),
    }
    for fname, column in values.items():
        if fname not in fields:
            continue
        new[fname] = column.to_numpy(dtype=object)
        empty = pd.Series(None, index=new.index, dtype=object)
        log.record(
            new["_record_id"], customer_obj, fname, empty, new[fname], "customers.create", "filled"
        )
    customers = pd.concat([customers, new], ignore_index=True)
    customers = customers.astype(object).where(customers.notna(), None)
    # a created customer has no source row: the others keep whole numbers (not 9.0)
    if "_source_row" in customers.columns:
        customers["_source_row"] = customers["_source_row"].astype("Int64")

    orders = orders.copy()
    before = orders[ref_field].copy()
    rows = table["row"].to_numpy()
    at = orders.index[rows]
    orders.loc[at, ref_field] = (f"{orders_obj}-guest:" + table["key"]).to_numpy(dtype=object)
    if status is not None:
        orders.loc[at, f"_ref_{ref_field}_status"] = "created"
    log.record(orders["_record_id"], orders_obj, ref_field, before, orders[ref_field],
               "customers.create", "filled")  # fmt: skip
    return orders, customers, len(new)


def _phone_fields(phones: pd.Series, fields: set[str]) -> dict[str, pd.Series]:
    """E.164 numbers split into ``mobile_phone`` (mobile numbers, when the object has that
    field) and ``phone`` (the rest); each distinct number is typed once."""
    if "mobile_phone" not in fields:
        return {"phone": phones}
    mobile_types = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}

    def is_mobile(number: str) -> bool:
        try:
            return number_type(parse(number, None)) in mobile_types
        except NumberParseException:
            return False

    distinct = phones.dropna().unique()
    # a boolean array built whole: mapping then fillna would upcast an all-missing column
    lookup = {n: is_mobile(n) for n in distinct}
    mobile = phones.map(lookup).eq(True)
    return {"mobile_phone": phones.where(mobile, None), "phone": phones.where(~mobile, None)}


def _roll_up(
    frames: dict[str, pd.DataFrame],
    schema: TargetSchema,
    customers: pd.DataFrame,
    customer_obj: str,
    orders: pd.DataFrame,
    ref_field: str,
    log: ChangeLog,
) -> dict[str, int]:
    """The history of the customers' parents (an account, over the orders of its contacts)
    on every object the customer object references that has history fields; sets ``frames``
    in place and returns records with orders per parent object. RFM stays on the customers."""
    done: dict[str, int] = {}
    customer_fields = schema.objects[customer_obj].fields
    for link, fdef in customer_fields.items():
        parent_obj = fdef.object
        if fdef.type != "reference" or parent_obj not in frames or link not in customers:
            continue
        parent_fields = schema.objects[parent_obj].fields
        wanted = [f for f in HISTORY_FIELDS.values() if f in parent_fields]
        if not wanted:
            continue
        parent_of = pd.Series(
            customers[link].to_numpy(dtype=object), index=customers[EXTERNAL_ID].to_numpy()
        )
        by_parent = orders.assign(**{ref_field: orders[ref_field].map(parent_of)})
        history = order_history(by_parent, customer=ref_field)
        parents = frames[parent_obj].copy()
        where = _history_rows(history, parents)
        _put(parents, parent_obj, where, _field_values(history, pd.DataFrame()), wanted, log)
        frames[parent_obj] = parents
        done[parent_obj] = int((where >= 0).sum())
    return done


def _history_rows(history: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """Each record's row in ``history`` by its external id (-1: no orders), one hash lookup."""
    return history.index.get_indexer(pd.Index(frame[EXTERNAL_ID].to_numpy(dtype=object)))


def _put(
    frame: pd.DataFrame,
    obj: str,
    where: np.ndarray,
    values: dict[str, pd.Series],
    names: list[str],
    log: ChangeLog,
) -> None:
    """Fields ``names`` from ``values`` (one per history row) onto the records that have a
    row (``where`` >= 0), logged; the other records keep theirs."""
    has_orders = where >= 0
    at = np.maximum(where, 0)
    for fname in names:
        column = values[fname].to_numpy(dtype=object)
        after = pd.Series(column[at] if len(column) else None, index=frame.index, dtype=object)
        rule = "customers.rfm" if fname in RFM_FIELDS else "customers.history"
        _set(frame, obj, fname, after, has_orders, rule, log)


def _reference_date(settings: Customers, history: pd.DataFrame) -> dt.date | None:
    """The configured date, else the day after the latest order (today never enters: a re-run
    of the same data gives the same segments)."""
    if settings.reference_date is not None:
        return settings.reference_date
    latest = history["last_order_date"].max() if len(history) else pd.NaT
    if pd.isna(latest):
        return None  # no dated order: nothing to measure recency of
    return (pd.Timestamp(latest) + pd.Timedelta(days=1)).date()


def _money(values: pd.Series) -> pd.Series:
    """Amounts as the money standardiser writes them: '1234.5', '300' (2 decimals at most)."""
    numbers = values.to_numpy(np.float64)
    text = np.char.mod("%.2f", np.round(np.nan_to_num(numbers), 2))
    out = pd.Series(text, index=values.index).str.replace(r"\.?0+$", "", regex=True)
    out[np.isnan(numbers)] = None
    return out.astype(object)


def _field_values(history: pd.DataFrame, scores: pd.DataFrame) -> dict[str, pd.Series]:
    """Customer field → its text value per customer key."""

    def dates(col: str) -> pd.Series:
        return history[col].dt.strftime("%Y-%m-%d").astype(object)

    values = {
        "first_order_date": dates("first_order_date"),
        "last_order_date": dates("last_order_date"),
        "order_count": history["order_count"].astype(str).astype(object),
        "order_total": _money(history["order_total"]),
        "average_order": _money(history["average_order"]),
        "order_currency": history["currency"].astype(object),
        "favourite_channel": history["favourite_channel"].astype(object),
    }
    if len(scores):
        scored = scores["rfm_segment"].notna()
        score = (
            scores["r_score"].astype(str)
            + scores["f_score"].astype(str)
            + scores["m_score"].astype(str)
        )
        values["rfm_score"] = score.astype(object).where(scored, None)
        values["rfm_segment"] = scores["rfm_segment"].astype(object)
    else:
        values["rfm_score"] = values["rfm_segment"] = pd.Series(dtype=object)
    return {k: v.where(v.notna(), None) for k, v in values.items()}


def _set(
    frame: pd.DataFrame,
    obj: str,
    fname: str,
    after: pd.Series,
    rows: np.ndarray,
    rule: str,
    log: ChangeLog,
) -> None:
    """Set ``fname`` to ``after`` on ``rows`` (others keep their value), logging each cell:
    ``filled`` where it was empty, ``fixed`` where a value was replaced."""
    before = frame[fname] if fname in frame else pd.Series(None, index=frame.index, dtype=object)
    new = before.astype(object).copy()
    new[rows] = after[rows].to_numpy(dtype=object)
    new = new.where(new.notna(), None)
    was_empty = before.isna().to_numpy()
    for mask, status in ((was_empty, "filled"), (~was_empty, "fixed")):
        log.record(frame["_record_id"], obj, fname, before, new, rule, status, rows=mask & rows)
    frame[fname] = new


def _activity(
    customers: pd.DataFrame, settings: Customers, fields: dict[str, Any]
) -> pd.Series | None:
    """Active / Inactive per customer by its latest activity date; None (no tag) when no
    activity field has a date, or None overall when no cut-off is configured."""
    if settings.inactive_before is None:
        return None
    dates = [
        pd.to_datetime(customers[f], errors="coerce", format="%Y-%m-%d")
        for f in settings.activity_fields
        if f in customers and f in fields
    ]
    if not dates:
        return pd.Series(None, index=customers.index, dtype=object)
    latest = pd.concat(dates, axis=1).max(axis=1)
    cutoff = pd.Timestamp(settings.inactive_before)
    status = pd.Series(np.where(latest < cutoff, INACTIVE, ACTIVE), index=customers.index)
    return status.where(latest.notna(), None).astype(object)


def _unmatched(orders: pd.DataFrame, ref_field: str) -> pd.DataFrame:
    missing = orders[orders[ref_field].isna()]
    status = missing.get(f"_ref_{ref_field}_status")
    reason = (
        np.where(status.to_numpy(dtype=object) == "unresolved", UNKNOWN, GUEST)
        if status is not None
        else np.full(len(missing), GUEST, dtype=object)
    )
    number = missing["order_number"] if "order_number" in missing else missing["_source_key"]
    table = pd.DataFrame(
        {
            "order_number": number.to_numpy(dtype=object),
            "external_id": missing[EXTERNAL_ID].to_numpy(dtype=object),
            "source": missing.get("_source"),
            "source_file": missing.get("_source_file"),
            "source_sheet": missing.get("_source_sheet"),
            "source_row": missing.get("_source_row"),
            "reason": reason,
        },
        index=missing.index,
    )
    return table.reindex(columns=UNMATCHED_COLUMNS).reset_index(drop=True)


def _segments(history: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Per segment (in the grid's order): customers, their share, orders, order total in the
    main currency (blank with ``mixed`` when customers buy in different currencies) and the
    median days since the last order."""
    if history.empty:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    table = pd.DataFrame(
        {
            "segment": scores["rfm_segment"],
            "orders": history["order_count"],
            "total": history["order_total"],
            "currency": history["currency"],
            "recency": scores["recency_days"],
        }
    )
    grouped = table.groupby("segment", sort=False)
    currencies = grouped["currency"].nunique(dropna=True)
    summary = pd.DataFrame(
        {
            "customers": grouped.size(),
            "orders": grouped["orders"].sum(),
            "order_total": grouped["total"].sum().round(2),
            "currency": grouped["currency"].first(),
            "median_recency_days": grouped["recency"].median(),
        }
    )
    mixed = (currencies.reindex(summary.index).fillna(0) > 1).to_numpy()
    # built whole, not assigned into: the first currency of a file without any is an
    # all-missing float column, which cannot hold the text "mixed"
    summary["order_total"] = summary["order_total"].where(~mixed)
    summary["currency"] = np.where(mixed, "mixed", summary["currency"].astype(object))
    summary["share"] = (summary["customers"] / len(history)).round(4)
    order = [s for s in SEGMENTS if s in summary.index]
    summary = summary.loc[order].rename_axis("segment").reset_index()
    return summary[SEGMENT_COLUMNS]
