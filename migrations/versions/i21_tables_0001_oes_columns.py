"""OES's columns the table exports read: the attendee form's fields and check-in times of ticket
holders, the orders' billing details, the events' custom forms and virtual-room check-ins, and the
sessions' rating aggregates.

Standalone mode only (in Open Event mode OES's own tables have them). Types, nullability and
defaults as OES's schema has them (``../shared/oes/schema.sql``); ``custom_forms`` with the columns
the exports read and those OES requires.

Revision ID: i21_tables_0001_oes_columns
Revises: i19_feeds_0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i21_tables_0001_oes_columns"
down_revision: str | None = "i19_feeds_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
data_loss: str | None = (
    "drops the custom forms, the virtual check-ins, the holders' form answers and check-in times, the orders'"
    " billing details,"
    " and the session ratings"
)

_HOLDER_TEXT = (
    "checkin_times", "checkout_times", "address", "city", "state", "country", "job_title", "phone",
    "tax_business_info", "billing_address", "home_address", "shipping_address", "company", "work_address",
    "work_phone", "website", "blog", "twitter", "facebook", "instagram", "linkedin", "github", "gender",
    "age_group", "home_wiki", "wiki_scholarship",
)  # fmt: skip
_HOLDER_BOOLEAN = (
    "accept_video_recording", "accept_share_details", "accept_receive_emails", "is_consent_of_refund_policy",
    "is_consent_form_field", "is_consent_form_field_photo", "is_consent_form_field_email",
)  # fmt: skip
_HOLDER_JSON = ("complex_field_values", "native_language", "fluent_language")
_ORDER_TEXT = ("payment_mode", "tax_business_info", "address", "company", "country", "state", "city", "zipcode")


def _holder_columns() -> list[tuple[str, str]]:
    return [
        *((name, "varchar") for name in _HOLDER_TEXT),
        *((name, "boolean") for name in _HOLDER_BOOLEAN),
        *((name, "json") for name in _HOLDER_JSON),
    ]


def upgrade() -> None:
    added = ", ".join(f"ADD COLUMN {name} {kind}" for name, kind in _holder_columns())
    op.execute(f"ALTER TABLE ticket_holders {added}")
    op.execute("ALTER TABLE orders " + ", ".join(f"ADD COLUMN {name} varchar" for name in _ORDER_TEXT))
    op.execute(
        "ALTER TABLE sessions ADD COLUMN average_rating double precision NOT NULL DEFAULT 0,"
        " ADD COLUMN rating_count integer NOT NULL DEFAULT 0"
    )
    op.execute(
        """CREATE TABLE custom_forms (
            id serial CONSTRAINT pk_custom_forms PRIMARY KEY,
            event_id integer CONSTRAINT fk_custom_forms_event_id_events REFERENCES events (id) ON DELETE CASCADE,
            field_identifier varchar NOT NULL,
            form varchar NOT NULL,
            type varchar NOT NULL,
            name varchar NOT NULL,
            is_included boolean,
            is_complex boolean NOT NULL DEFAULT false,
            "position" integer NOT NULL DEFAULT 0,
            is_public boolean NOT NULL DEFAULT false,
            is_allow_edit boolean NOT NULL DEFAULT false
        )"""
    )
    op.execute(
        """CREATE TABLE virtual_check_in (
            id serial CONSTRAINT pk_virtual_check_in PRIMARY KEY,
            ticket_holder_id integer[],
            event_id integer CONSTRAINT fk_virtual_check_in_event_id_events REFERENCES events (id) ON DELETE CASCADE,
            check_in_type varchar NOT NULL,
            check_in_at timestamp with time zone,
            deleted_at timestamp with time zone
        )"""
    )


def downgrade() -> None:
    op.drop_table("virtual_check_in")
    op.drop_table("custom_forms")
    op.execute("ALTER TABLE orders " + ", ".join(f"DROP COLUMN {name}" for name in _ORDER_TEXT))
    op.execute("ALTER TABLE sessions DROP COLUMN average_rating, DROP COLUMN rating_count")
    dropped = ", ".join(f"DROP COLUMN {name}" for name, _ in _holder_columns())
    op.execute(f"ALTER TABLE ticket_holders {dropped}")
