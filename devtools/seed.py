"""A synthetic event of any size, generated inside PostgreSQL (``generate_series``), for benchmarks.

One million orders take seconds because no row travels through Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from chalicelib.auth import hash_password

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


def _run(session: Session, sql: str, **params: Any) -> None:
    session.execute(text(sql), params)


def _event(session: Session, spec: SeedSpec) -> int:
    owner_email = f"owner@{spec.identifier}.example.com"
    password = hash_password(SEED_PASSWORD)
    _run(
        session,
        """INSERT INTO users (_email, _password, salt, first_name, last_name)
           VALUES (:email, :pw, :salt, 'Seed', 'Owner') ON CONFLICT (_email) DO NOTHING""",
        email=owner_email,
        pw=password.password,
        salt=password.salt,
    )
    event_id = session.scalar(
        text(
            """INSERT INTO events (identifier, name, timezone, starts_at, ends_at, state, location_name)
               VALUES (:identifier, :name, :tz, (CAST(:day AS timestamp) + interval '8 hours') AT TIME ZONE :tz,
                       (CAST(:day AS timestamp) + make_interval(days => :days) + interval '4 hours') AT TIME ZONE :tz,
                       'published', 'Seed Convention Centre')
               RETURNING id"""
        ),
        {
            "identifier": spec.identifier,
            "name": f"Seeded event {spec.identifier}",
            "tz": spec.timezone,
            "day": spec.first_day,
            "days": spec.days,
        },
    )
    _run(
        session,
        """INSERT INTO users_events_roles (user_id, event_id, role_id)
           SELECT users.id, :event, roles.id FROM users, roles WHERE users._email = :email AND roles.name = 'owner'""",
        event=event_id,
        email=owner_email,
    )
    # Buyers share one password hash: hashing a thousand passwords would take minutes.
    _run(
        session,
        """INSERT INTO users (_email, _password, salt, first_name, last_name)
           SELECT 'buyer' || g || '@' || :identifier || '.example.com', :pw, :salt, 'Buyer', 'Number ' || g
           FROM generate_series(1, :buyers) g ON CONFLICT (_email) DO NOTHING""",
        identifier=spec.identifier,
        pw=password.password,
        salt=password.salt,
        buyers=spec.buyers,
    )
    assert isinstance(event_id, int)
    return event_id


def _orders(session: Session, spec: SeedSpec, event_id: int) -> None:
    _run(
        session,
        """INSERT INTO tickets (event_id, name, type, price, quantity)
           VALUES (:e, 'Standard', 'paid', 49.00, 1000000), (:e, 'Supporter', 'paid', 120.00, 1000000),
                  (:e, 'Student', 'free', 0, 1000000)""",
        e=event_id,
    )
    _run(
        session,
        """INSERT INTO discount_codes (event_id, code, value, type)
           SELECT :e, 'SEED' || g, g * 5, 'amount' FROM generate_series(1, 5) g""",
        e=event_id,
    )
    _run(
        session,
        """WITH buyers AS (SELECT array_agg(id ORDER BY id) AS ids FROM users
                           WHERE starts_with(_email::text, 'buyer') AND right(_email::text, length(:domain)) = :domain),
                codes AS (SELECT array_agg(id ORDER BY id) AS ids FROM discount_codes WHERE event_id = :e)
           INSERT INTO orders (identifier, event_id, user_id, discount_code_id, status, paid_via, amount, created_at)
           SELECT :identifier || '-' || g, :e, buyers.ids[1 + mod(g, greatest(cardinality(buyers.ids), 1))],
                  CASE WHEN mod(g, 10) = 0 THEN codes.ids[1 + mod(g, 5)] END,
                  (ARRAY['completed','completed','completed','placed','pending','cancelled','expired'])[1 + mod(g, 7)],
                  (ARRAY['stripe','paypal','free','bank'])[1 + mod(g, 4)],
                  CASE WHEN mod(g, 4) = 2 THEN 0 ELSE 49 + (mod(g, 3)) * 71 END,
                  now() - make_interval(mins => mod(g, 100000))
           FROM generate_series(1, :n) g, buyers, codes""",
        identifier=spec.identifier,
        domain=f"@{spec.identifier}.example.com",
        e=event_id,
        n=spec.orders,
    )
    _run(
        session,
        """WITH t AS (SELECT array_agg(id ORDER BY id) AS ids FROM tickets WHERE event_id = :e)
           INSERT INTO orders_tickets (order_id, ticket_id, quantity)
           SELECT o.id, t.ids[1 + mod(o.id, 3)], 1 + mod(o.id, 3) FROM orders o, t WHERE o.event_id = :e
           UNION ALL
           SELECT o.id, t.ids[1 + mod(o.id + 1, 3)], 1 FROM orders o, t WHERE o.event_id = :e AND mod(o.id, 5) = 0""",
        e=event_id,
    )


# Holders' names: mostly Latin, some Cyrillic, Greek, CJK and Hangul, one in twenty Arabic
# (the PDFs draw that one on their slow path: fallback font, shaping).
_FIRST_NAMES = ("Ada", "Zoë", "Иван", "Γιώργος", "太郎", "Grace", "Hong", "Mario", "Ana", "민준",
                "Olga", "Lukas", "Chiara", "محمد", "Sven", "Aiko", "Pedro", "Léa", "Nikos", "Priya")  # fmt: skip
_LAST_NAMES = ("Lovelace", "Ünal", "Петров", "Παπαδόπουλος", "山田", "Hopper", "Phuc", "Behling", "Lima", "김",
               "Schmidt", "Rossi", "García")  # fmt: skip


def _holders(session: Session, spec: SeedSpec, event_id: int) -> None:
    _run(
        session,
        """WITH o AS (SELECT array_agg(id ORDER BY id) AS ids FROM orders WHERE event_id = :e),
                t AS (SELECT array_agg(id ORDER BY id) AS ids FROM tickets WHERE event_id = :e)
           INSERT INTO ticket_holders (firstname, lastname, email, order_id, ticket_id, event_id, identifier)
           SELECT (CAST(:first AS text[]))[1 + mod(g, cardinality(CAST(:first AS text[])))],
                  (CAST(:last AS text[]))[1 + mod(g, cardinality(CAST(:last AS text[])))],
                  'holder' || g || '@' || :identifier || '.example.com',
                  o.ids[1 + mod(g, cardinality(o.ids))], t.ids[1 + mod(g, 3)], :e, 'h' || g
           FROM generate_series(1, :n) g, o, t""",
        e=event_id,
        identifier=spec.identifier,
        first=list(_FIRST_NAMES),
        last=list(_LAST_NAMES),
        n=spec.holders,
    )


def _schedule(session: Session, spec: SeedSpec, event_id: int) -> None:
    _run(
        session,
        "INSERT INTO microlocations (event_id, name, position) SELECT :e, 'Room ' || g, g FROM generate_series(1, :n) g",
        e=event_id,
        n=spec.rooms,
    )
    _run(
        session,
        "INSERT INTO tracks (event_id, name, color) SELECT :e, 'Track ' || g, '#' || lpad(to_hex(mod(g * 1234567, 16777215)), 6, '0') FROM generate_series(1, 8) g",
        e=event_id,
    )
    _run(
        session,
        "INSERT INTO session_types (event_id, name, length) VALUES (:e, 'Talk', '00:30'), (:e, 'Workshop', '01:30'), (:e, 'Lightning', '00:10')",
        e=event_id,
    )
    _run(
        session,
        """INSERT INTO speaker (event_id, name, email, organisation, short_biography)
                     SELECT :e, 'Speaker ' || g, 'speaker' || g || '@example.com', 'Org ' || (mod(g, 50)),
                            'Speaker number ' || g || ' has a short biography.'
                     FROM generate_series(1, :n) g""",
        e=event_id,
        n=spec.speakers,
    )
    # Session i goes to room i mod rooms on day (i / rooms) mod days, in slot i / (rooms * days):
    # 12-minute slots from 09:00 local, so large events run past midnight like real ones do.
    _run(
        session,
        """WITH r AS (SELECT array_agg(id ORDER BY id) AS ids FROM microlocations WHERE event_id = :e),
                t AS (SELECT array_agg(id ORDER BY id) AS ids FROM tracks WHERE event_id = :e),
                st AS (SELECT array_agg(id ORDER BY id) AS ids FROM session_types WHERE event_id = :e)
           INSERT INTO sessions (event_id, title, subtitle, short_abstract, long_abstract, language, state,
                                 starts_at, ends_at, track_id, microlocation_id, session_type_id)
           SELECT :e, 'Session ' || g || ': on schedules & <streams>', 'Part ' || (mod(g, 3)),
                  'Abstract of session ' || g, repeat('A longer description. ', 20), 'en',
                  (ARRAY['accepted','confirmed','accepted','pending'])[1 + mod(g, 4)],
                  s.local_start AT TIME ZONE :tz, (s.local_start + interval '10 minutes') AT TIME ZONE :tz,
                  t.ids[1 + mod(g, cardinality(t.ids))], r.ids[1 + mod(g, CAST(:rooms AS int))], st.ids[1 + mod(g, 3)]
           FROM generate_series(0, CAST(:n AS int) - 1) g, r, t, st,
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
    _run(
        session,
        """WITH sp AS (SELECT array_agg(id ORDER BY id) AS ids FROM speaker WHERE event_id = :e)
           INSERT INTO speakers_sessions (speaker_id, session_id)
           SELECT DISTINCT sp.ids[1 + mod(x.k, cardinality(sp.ids))], x.id
           FROM sp, (SELECT id, id AS k FROM sessions WHERE event_id = :e
                     UNION ALL SELECT id, id * 7 + 3 FROM sessions WHERE event_id = :e AND mod(id, 2) = 0) x""",
        e=event_id,
    )


def seed(session: Session, spec: SeedSpec) -> dict[str, Any]:
    """Create the event described by ``spec``; returns its identifier, id and owner's credentials."""
    event_id = _event(session, spec)
    _orders(session, spec, event_id)
    if spec.holders:
        _holders(session, spec, event_id)
    if spec.sessions:
        _schedule(session, spec, event_id)
    return {
        "identifier": spec.identifier,
        "id": event_id,
        "owner": {"email": f"owner@{spec.identifier}.example.com", "password": SEED_PASSWORD},
        "orders": spec.orders,
        "sessions": spec.sessions,
    }
