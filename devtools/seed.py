"""A synthetic event of any size, generated inside PostgreSQL (``generate_series``), for benchmarks.

One million orders take seconds because no row travels through Python. The rows are written through
``TableWriter`` in OES's columns, so the same seeder fills the standalone database and an OES-shaped
one (``DATABASE_URL=<OES database> python -m devtools.cli seed``; the benchmark of Open Event mode):
OES's NOT NULL columns that no export reads get neutral values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from chalicelib.auth import hash_password
from devtools.table_writer import TableWriter

SEED_PASSWORD = "password"


@dataclass(frozen=True)
class SeedSpec:
    identifier: str
    orders: int = 1000
    sessions: int = 100
    speakers: int = 50
    rooms: int = 5
    days: int = 3
    buyers: int = 1000
    holders: int = 0  # ticket holders, spread over the orders, named in several scripts
    timezone: str = "Europe/Berlin"
    first_day: date = date(2026, 6, 1)


def _ids(table: str, where: str = "event_id = :e") -> str:
    """A one-row subquery: the ids of ``table``'s rows of the event, in order, as an array ``ids``."""
    return f"(SELECT array_agg(id ORDER BY id) AS ids FROM {table} WHERE {where})"


def _event(writer: TableWriter, session: Session, spec: SeedSpec) -> int:
    owner_email = f"owner@{spec.identifier}.example.com"
    password = hash_password(SEED_PASSWORD)
    user = {"_email": ":email", "_password": ":pw", "salt": ":salt", "is_blocked": "false"}
    writer.insert_select(
        "users",
        user | {"first_name": "'Seed'", "last_name": "'Owner'"},
        "ON CONFLICT (_email) DO NOTHING",
        email=owner_email,
        pw=password.password,
        salt=password.salt,
    )
    zone = ZoneInfo(spec.timezone)
    event_id = writer.insert_id(
        "events",
        {
            "identifier": spec.identifier,
            "name": f"Seeded event {spec.identifier}",
            "timezone": spec.timezone,
            "starts_at": datetime.combine(spec.first_day, time(8), zone),
            "ends_at": datetime.combine(spec.first_day + timedelta(days=spec.days), time(4), zone),
            "state": "published",
            "location_name": "Seed Convention Centre",
        },
    )
    session.execute(
        text(
            """INSERT INTO users_events_roles (user_id, event_id, role_id)
               SELECT users.id, :event, roles.id FROM users, roles WHERE users._email = :email AND roles.name = 'owner'"""
        ),
        {"event": event_id, "email": owner_email},
    )
    # Buyers share one password hash: hashing a thousand passwords would take minutes.
    writer.insert_select(
        "users",
        user
        | {
            "_email": "'buyer' || g || '@' || :identifier || '.example.com'",
            "first_name": "'Buyer'",
            "last_name": "'Number ' || g",
        },
        "FROM generate_series(1, :buyers) g ON CONFLICT (_email) DO NOTHING",
        identifier=spec.identifier,
        pw=password.password,
        salt=password.salt,
        buyers=spec.buyers,
    )
    return event_id


def _orders(writer: TableWriter, spec: SeedSpec, event_id: int) -> None:
    for name, kind, price in (("Standard", "paid", 49.0), ("Supporter", "paid", 120.0), ("Student", "free", 0.0)):
        writer.insert(
            "tickets", {"event_id": event_id, "name": name, "type": kind, "price": price, "quantity": 1000000}
        )
    writer.insert_select(
        "discount_codes",
        {"event_id": ":e", "code": "'SEED' || g", "value": "g * 5", "type": "'amount'"},
        "FROM generate_series(1, 5) g",
        e=event_id,
    )
    buyers = _ids("users", "starts_with(_email::text, 'buyer') AND right(_email::text, length(:domain)) = :domain")
    writer.insert_select(
        "orders",
        {
            "identifier": ":identifier || '-' || g",
            "event_id": ":e",
            "user_id": "buyers.ids[1 + mod(g, greatest(cardinality(buyers.ids), 1))]",
            "discount_code_id": "CASE WHEN mod(g, 10) = 0 THEN codes.ids[1 + mod(g, 5)] END",
            "status": "(ARRAY['completed','completed','completed','placed','pending','cancelled','expired'])[1 + mod(g, 7)]",
            "paid_via": "(ARRAY['stripe','paypal','free','bank'])[1 + mod(g, 4)]",
            "amount": "CASE WHEN mod(g, 4) = 2 THEN 0 ELSE 49 + (mod(g, 3)) * 71 END",
            "created_at": "now() - make_interval(mins => mod(g, 100000))",
        },
        f"FROM generate_series(1, :n) g, {buyers} buyers, {_ids('discount_codes')} codes",
        identifier=spec.identifier,
        domain=f"@{spec.identifier}.example.com",
        e=event_id,
        n=spec.orders,
    )
    writer.insert_select(
        "orders_tickets",
        {"order_id": "x.order_id", "ticket_id": "x.ticket_id", "quantity": "x.quantity"},
        f"""FROM (SELECT o.id AS order_id, t.ids[1 + mod(o.id, 3)] AS ticket_id, 1 + mod(o.id, 3) AS quantity
                  FROM orders o, {_ids("tickets")} t WHERE o.event_id = :e
                  UNION ALL
                  SELECT o.id, t.ids[1 + mod(o.id + 1, 3)], 1
                  FROM orders o, {_ids("tickets")} t WHERE o.event_id = :e AND mod(o.id, 5) = 0) x""",
        e=event_id,
    )


# Holders' names: mostly Latin, some Cyrillic, Greek, CJK and Hangul, one in twenty Arabic
# (the PDFs draw that one on their slow path: fallback font, shaping).
_FIRST_NAMES = ("Ada", "Zoë", "Иван", "Γιώργος", "太郎", "Grace", "Hong", "Mario", "Ana", "민준",
                "Olga", "Lukas", "Chiara", "محمد", "Sven", "Aiko", "Pedro", "Léa", "Nikos", "Priya")  # fmt: skip
_LAST_NAMES = ("Lovelace", "Ünal", "Петров", "Παπαδόπουλος", "山田", "Hopper", "Phuc", "Behling", "Lima", "김",
               "Schmidt", "Rossi", "García")  # fmt: skip


def _holders(writer: TableWriter, spec: SeedSpec, event_id: int) -> None:
    writer.insert_select(
        "ticket_holders",
        {
            "firstname": "(CAST(:first AS text[]))[1 + mod(g, cardinality(CAST(:first AS text[])))]",
            "lastname": "(CAST(:last AS text[]))[1 + mod(g, cardinality(CAST(:last AS text[])))]",
            "email": "'holder' || g || '@' || :identifier || '.example.com'",
            "order_id": "o.ids[1 + mod(g, cardinality(o.ids))]",
            "ticket_id": "t.ids[1 + mod(g, 3)]",
            "event_id": ":e",
            "identifier": "'h' || g",
        },
        f"FROM generate_series(1, :n) g, {_ids('orders')} o, {_ids('tickets')} t",
        e=event_id,
        identifier=spec.identifier,
        first=list(_FIRST_NAMES),
        last=list(_LAST_NAMES),
        n=spec.holders,
    )


def _places(writer: TableWriter, spec: SeedSpec, event_id: int) -> None:
    """Rooms, tracks, session types and speakers."""
    writer.insert_select(
        "microlocations",
        {"event_id": ":e", "name": "'Room ' || g", "position": "g"},
        "FROM generate_series(1, :n) g",
        e=event_id,
        n=spec.rooms,
    )
    writer.insert_select(
        "tracks",
        {"event_id": ":e", "name": "'Track ' || g", "color": "'#' || lpad(to_hex(mod(g * 1234567, 16777215)), 6, '0')"},
        "FROM generate_series(1, 8) g",
        e=event_id,
    )
    for name, length in (("Talk", "00:30"), ("Workshop", "01:30"), ("Lightning", "00:10")):
        writer.insert("session_types", {"event_id": event_id, "name": name, "length": length})
    writer.insert_select(
        "speaker",
        {
            "event_id": ":e",
            "name": "'Speaker ' || g",
            "email": "'speaker' || g || '@example.com'",
            "organisation": "'Org ' || (mod(g, 50))",
            "short_biography": "'Speaker number ' || g || ' has a short biography.'",
        },
        "FROM generate_series(1, :n) g",
        e=event_id,
        n=spec.speakers,
    )


def _schedule(writer: TableWriter, session: Session, spec: SeedSpec, event_id: int) -> None:
    _places(writer, spec, event_id)
    # Session i goes to room i mod rooms on day (i / rooms) mod days, in slot i / (rooms * days):
    # 12-minute slots from 09:00 local, so large events run past midnight like real ones do.
    writer.insert_select(
        "sessions",
        {
            "event_id": ":e",
            "title": "'Session ' || g || ': on schedules & <streams>'",
            "subtitle": "'Part ' || (mod(g, 3))",
            "short_abstract": "'Abstract of session ' || g",
            "long_abstract": "repeat('A longer description. ', 20)",
            "language": "'en'",
            "state": "(ARRAY['accepted','confirmed','accepted','pending'])[1 + mod(g, 4)]",
            "starts_at": "s.local_start AT TIME ZONE :tz",
            "ends_at": "(s.local_start + interval '10 minutes') AT TIME ZONE :tz",
            "track_id": "t.ids[1 + mod(g, cardinality(t.ids))]",
            "microlocation_id": "r.ids[1 + mod(g, CAST(:rooms AS int))]",
            "session_type_id": "st.ids[1 + mod(g, 3)]",
        },
        f"""FROM generate_series(0, CAST(:n AS int) - 1) g, {_ids("microlocations")} r, {_ids("tracks")} t,
                 {_ids("session_types")} st,
                 LATERAL (SELECT CAST(:day AS timestamp) + make_interval(days => mod(g / CAST(:rooms AS int), CAST(:days AS int)))
                                 + interval '9 hours' + (g / (CAST(:rooms AS int) * CAST(:days AS int))) * interval '12 minutes' AS local_start) s""",
        e=event_id,
        n=spec.sessions,
        rooms=spec.rooms,
        days=spec.days,
        tz=spec.timezone,
        day=spec.first_day,
    )
    if not spec.speakers:
        return
    session.execute(
        text(
            """WITH sp AS (SELECT array_agg(id ORDER BY id) AS ids FROM speaker WHERE event_id = :e)
               INSERT INTO speakers_sessions (speaker_id, session_id)
               SELECT DISTINCT sp.ids[1 + mod(x.k, cardinality(sp.ids))], x.id
               FROM sp, (SELECT id, id AS k FROM sessions WHERE event_id = :e
                         UNION ALL SELECT id, id * 7 + 3 FROM sessions WHERE event_id = :e AND mod(id, 2) = 0) x"""
        ),
        {"e": event_id},
    )


def seed(session: Session, spec: SeedSpec) -> dict[str, Any]:
    """Create the event described by ``spec``; returns its identifier, id and owner's credentials."""
    writer = TableWriter(session)
    event_id = _event(writer, session, spec)
    _orders(writer, spec, event_id)
    if spec.holders:
        _holders(writer, spec, event_id)
    if spec.sessions:
        _schedule(writer, session, spec, event_id)
    return {
        "identifier": spec.identifier,
        "id": event_id,
        "owner": {"email": f"owner@{spec.identifier}.example.com", "password": SEED_PASSWORD},
        "orders": spec.orders,
        "sessions": spec.sessions,
    }
