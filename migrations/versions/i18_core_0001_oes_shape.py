"""Reshape the standalone tables to Open Event Server's names, columns and types; move ours out.

Standalone mode only (``migrate`` runs this chain only without ``OPEN_EVENT_DATABASE_URL``), after
the own chain (``migrations/own``) has created schema ``serverless``. Nothing is lost:
- users: ``email`` becomes ``_email`` (citext), ``password_hash`` becomes ``_password`` (the old
  scrypt hashes stay verifiable: ``salt`` NULL marks them, see chalicelib/auth.py), plus
  ``salt``, ``is_super_admin``, ``is_blocked``; ``roles``, ``groups``, ``users_groups_roles`` and
  ``events.group_id`` as OES has them; ``users_events_roles.role`` becomes ``role_id``.
- money (tickets.price, orders.amount, discount_codes.value) becomes float8; ``orders.deleted_at``
  becomes ``trashed_at``; names of ticket holders are nullable again (OES revision 2b19596af9f0);
  ticket holders gain ``identifier`` and ``event_id`` (from their order); emails and discount codes
  become citext.
- the CHECKs OES does not have (order status, session and event state) are dropped.
- export tasks and Stripe authorizations are copied into ``serverless``, and the schedule import's
  extras (session, speaker and room guids, links, ...) into its side tables, then dropped here.
``events.email`` (OES has none) is left in place, unread.

Revision ID: i18_core_0001_oes_shape
Revises: 0007_stripe_code_hash
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i18_core_0001_oes_shape"
down_revision: str | None = "0007_stripe_code_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# A downgrade restores the old shape but not what only OES's shape holds (group roles, roles other
# than owner/organizer/coorganizer, holder identifiers, super admin and blocked flags).
data_loss: str | None = (
    "drops groups, group roles, roles other than owner/organizer/coorganizer, holder identifiers, the blocked"
    " flag, and the salts of passwords set since (those users must reset their passwords)"
)

# OES's reference roles, with OES's ids (its installer's rows).
_ROLES = (
    (1, "organizer", "Organizer"),
    (2, "coorganizer", "Co-Organizer"),
    (3, "owner", "Owner"),
    (4, "track_organizer", "Track Organizer"),
    (5, "moderator", "Moderator"),
    (6, "registrar", "Registrar"),
)

_TASK_COLUMNS = (
    "id, user_id, event_id, format, options, state, progress, attempts, object_key, file_name, content_type,"
    " size_bytes, row_count, error, created_at, started_at, finished_at, updated_at"
)
_STRIPE_COLUMNS = (
    "id, event_id, stripe_user_id, stripe_publishable_key, livemode, encrypted_data_key, encrypted_tokens,"
    " code_hash, created_at, updated_at"
)

_UPGRADE = """
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE roles (
    id serial CONSTRAINT pk_roles PRIMARY KEY,
    name varchar(64) NOT NULL CONSTRAINT uq_roles_name UNIQUE,
    title_name varchar(255)
);
{roles}
SELECT setval(pg_get_serial_sequence('roles', 'id'), (SELECT max(id) FROM roles));

ALTER TABLE users RENAME COLUMN email TO _email;
ALTER TABLE users ALTER COLUMN _email TYPE citext;
ALTER TABLE users RENAME CONSTRAINT uq_users_email TO uq_users__email;
ALTER TABLE users RENAME COLUMN password_hash TO _password;
ALTER TABLE users ALTER COLUMN _password TYPE varchar(128);
ALTER TABLE users ADD COLUMN salt varchar(128),
    ADD COLUMN is_super_admin boolean DEFAULT false,
    ADD COLUMN is_blocked boolean NOT NULL DEFAULT false,
    ALTER COLUMN is_admin DROP NOT NULL,
    ALTER COLUMN created_at DROP NOT NULL;

CREATE TABLE groups (
    id serial CONSTRAINT pk_groups PRIMARY KEY,
    name varchar(1024) NOT NULL,
    user_id integer NOT NULL CONSTRAINT fk_groups_user_id_users REFERENCES users (id) ON DELETE CASCADE,
    deleted_at timestamptz
);
CREATE TABLE users_groups_roles (
    id serial CONSTRAINT pk_users_groups_roles PRIMARY KEY,
    email citext NOT NULL,
    accepted boolean NOT NULL DEFAULT false,
    group_id integer NOT NULL
        CONSTRAINT fk_users_groups_roles_group_id_groups REFERENCES groups (id) ON DELETE CASCADE,
    user_id integer CONSTRAINT fk_users_groups_roles_user_id_users REFERENCES users (id) ON DELETE CASCADE,
    role_id integer NOT NULL CONSTRAINT fk_users_groups_roles_role_id_roles REFERENCES roles (id) ON DELETE CASCADE
);
CREATE INDEX ix_users_groups_roles_group_id ON users_groups_roles (group_id);
CREATE INDEX ix_users_groups_roles_user_id ON users_groups_roles (user_id);

ALTER TABLE events ADD COLUMN group_id integer
        CONSTRAINT fk_events_group_id_groups REFERENCES groups (id) ON DELETE SET NULL,
    DROP CONSTRAINT ck_events_state,
    ALTER COLUMN created_at DROP NOT NULL;

ALTER TABLE users_events_roles ADD COLUMN role_id integer
    CONSTRAINT fk_users_events_roles_role_id_roles REFERENCES roles (id) ON DELETE CASCADE;
UPDATE users_events_roles SET role_id = roles.id FROM roles WHERE roles.name = users_events_roles.role;
ALTER TABLE users_events_roles ALTER COLUMN role_id SET NOT NULL, DROP COLUMN role;

ALTER TABLE sessions DROP CONSTRAINT ck_sessions_state, ALTER COLUMN created_at DROP NOT NULL;
INSERT INTO serverless.session_sources
    (session_id, event_id, guid, url, links, attachments, recording_optout, recording_license)
SELECT id, event_id, guid, url, links, attachments, recording_optout, recording_license FROM sessions
WHERE guid IS NOT NULL OR url IS NOT NULL OR links IS NOT NULL OR attachments IS NOT NULL
    OR recording_optout OR recording_license IS NOT NULL;
ALTER TABLE sessions DROP COLUMN guid, DROP COLUMN url, DROP COLUMN links, DROP COLUMN attachments,
    DROP COLUMN recording_optout, DROP COLUMN recording_license;

INSERT INTO serverless.speaker_sources (speaker_id, event_id, guid, source_id)
SELECT id, event_id, guid, source_id FROM speaker WHERE guid IS NOT NULL OR source_id IS NOT NULL;
ALTER TABLE speaker DROP COLUMN guid, DROP COLUMN source_id;
ALTER TABLE speaker ALTER COLUMN email TYPE citext;

INSERT INTO serverless.room_sources (microlocation_id, event_id, guid)
SELECT id, event_id, guid FROM microlocations WHERE guid IS NOT NULL;
ALTER TABLE microlocations DROP COLUMN guid;

ALTER TABLE tickets ALTER COLUMN price TYPE float8, ALTER COLUMN price DROP NOT NULL;
ALTER TABLE discount_codes ALTER COLUMN value TYPE float8, ALTER COLUMN code TYPE citext;
UPDATE orders SET amount = 0 WHERE amount IS NULL;
ALTER TABLE orders ALTER COLUMN amount TYPE float8, ALTER COLUMN amount SET NOT NULL,
    ALTER COLUMN amount SET DEFAULT 0, DROP CONSTRAINT ck_orders_status, ALTER COLUMN created_at DROP NOT NULL;
ALTER TABLE orders RENAME COLUMN deleted_at TO trashed_at;

ALTER TABLE ticket_holders ALTER COLUMN firstname DROP NOT NULL, ALTER COLUMN lastname DROP NOT NULL,
    ALTER COLUMN email TYPE citext, ADD COLUMN identifier varchar(64),
    ADD COLUMN event_id integer CONSTRAINT fk_ticket_holders_event_id_events REFERENCES events (id) ON DELETE CASCADE;
UPDATE ticket_holders SET event_id = orders.event_id FROM orders WHERE orders.id = ticket_holders.order_id;

INSERT INTO serverless.export_tasks ({task_columns}) SELECT {task_columns} FROM export_tasks;
DROP TABLE export_tasks;
INSERT INTO serverless.stripe_authorizations ({stripe_columns}) SELECT {stripe_columns} FROM stripe_authorizations;
SELECT setval(pg_get_serial_sequence('serverless.stripe_authorizations', 'id'),
    greatest((SELECT max(id) FROM serverless.stripe_authorizations), 1));
DROP TABLE stripe_authorizations;
"""


def upgrade() -> None:
    roles = "\n".join(f"INSERT INTO roles VALUES ({i}, '{name}', '{title}');" for i, name, title in _ROLES)
    op.execute(_UPGRADE.format(roles=roles, task_columns=_TASK_COLUMNS, stripe_columns=_STRIPE_COLUMNS))


_DOWNGRADE = """
CREATE TABLE stripe_authorizations (LIKE serverless.stripe_authorizations INCLUDING DEFAULTS);
CREATE SEQUENCE stripe_authorizations_id_seq OWNED BY stripe_authorizations.id;
ALTER TABLE stripe_authorizations ALTER COLUMN id SET DEFAULT nextval('stripe_authorizations_id_seq'),
    ADD CONSTRAINT pk_stripe_authorizations PRIMARY KEY (id),
    ADD CONSTRAINT uq_stripe_authorizations_event_id UNIQUE (event_id),
    ADD CONSTRAINT fk_stripe_authorizations_event_id_events FOREIGN KEY (event_id)
        REFERENCES events (id) ON DELETE CASCADE;
INSERT INTO stripe_authorizations ({stripe_columns}) SELECT {stripe_columns} FROM serverless.stripe_authorizations;
SELECT setval('stripe_authorizations_id_seq', greatest((SELECT max(id) FROM stripe_authorizations), 1));
DELETE FROM serverless.stripe_authorizations;
CREATE TABLE export_tasks (LIKE serverless.export_tasks INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE export_tasks ADD CONSTRAINT pk_export_tasks PRIMARY KEY (id),
    ADD CONSTRAINT fk_export_tasks_event_id_events FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
    ADD CONSTRAINT fk_export_tasks_user_id_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX ix_export_tasks_event_id ON export_tasks (event_id);
CREATE INDEX ix_export_tasks_user_id ON export_tasks (user_id);
CREATE INDEX ix_export_tasks_unfinished_updated_at ON export_tasks (updated_at)
    WHERE state IN ('WAITING', 'STARTED');
INSERT INTO export_tasks ({task_columns}) SELECT {task_columns} FROM serverless.export_tasks;
DELETE FROM serverless.export_tasks;

ALTER TABLE ticket_holders DROP COLUMN event_id, DROP COLUMN identifier,
    ALTER COLUMN email TYPE varchar(320);
UPDATE ticket_holders SET firstname = ' ' WHERE firstname IS NULL;
UPDATE ticket_holders SET lastname = ' ' WHERE lastname IS NULL;
ALTER TABLE ticket_holders ALTER COLUMN firstname SET NOT NULL, ALTER COLUMN lastname SET NOT NULL;

UPDATE orders SET created_at = now() WHERE created_at IS NULL;
ALTER TABLE orders RENAME COLUMN trashed_at TO deleted_at;
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12, 2), ALTER COLUMN amount DROP NOT NULL,
    ALTER COLUMN amount DROP DEFAULT, ALTER COLUMN created_at SET NOT NULL,
    ADD CONSTRAINT ck_orders_status CHECK (status IN
        ('initializing', 'pending', 'placed', 'completed', 'expired', 'cancelled', 'deleted')) NOT VALID;
ALTER TABLE discount_codes ALTER COLUMN value TYPE numeric(12, 2), ALTER COLUMN code TYPE varchar(255);
UPDATE tickets SET price = 0 WHERE price IS NULL;
ALTER TABLE tickets ALTER COLUMN price TYPE numeric(12, 2), ALTER COLUMN price SET NOT NULL;

ALTER TABLE microlocations ADD COLUMN guid uuid;
UPDATE microlocations SET guid = s.guid FROM serverless.room_sources s WHERE s.microlocation_id = microlocations.id;
DELETE FROM serverless.room_sources;
ALTER TABLE speaker ADD COLUMN guid uuid, ADD COLUMN source_id bigint, ALTER COLUMN email TYPE varchar(320);
UPDATE speaker SET guid = s.guid, source_id = s.source_id FROM serverless.speaker_sources s WHERE s.speaker_id = speaker.id;
DELETE FROM serverless.speaker_sources;
UPDATE sessions SET created_at = now() WHERE created_at IS NULL;
ALTER TABLE sessions ADD COLUMN guid uuid, ADD COLUMN url varchar(2048), ADD COLUMN links jsonb,
    ADD COLUMN attachments jsonb, ADD COLUMN recording_optout boolean NOT NULL DEFAULT false,
    ADD COLUMN recording_license text, ALTER COLUMN created_at SET NOT NULL,
    ADD CONSTRAINT ck_sessions_state CHECK (state IN
        ('draft', 'pending', 'accepted', 'confirmed', 'rejected', 'withdrawn', 'canceled')) NOT VALID;
UPDATE sessions SET guid = s.guid, url = s.url, links = s.links, attachments = s.attachments,
    recording_optout = s.recording_optout, recording_license = s.recording_license
FROM serverless.session_sources s WHERE s.session_id = sessions.id;
DELETE FROM serverless.session_sources;

ALTER TABLE users_events_roles ADD COLUMN role varchar(32);
UPDATE users_events_roles SET role = roles.name FROM roles WHERE roles.id = users_events_roles.role_id;
DELETE FROM users_events_roles WHERE role NOT IN ('owner', 'organizer', 'coorganizer');
ALTER TABLE users_events_roles ALTER COLUMN role SET NOT NULL, DROP COLUMN role_id,
    ADD CONSTRAINT ck_users_events_roles_role CHECK (role IN ('owner', 'organizer', 'coorganizer')),
    ADD CONSTRAINT uq_users_events_roles_user_event_role UNIQUE (user_id, event_id, role);

ALTER TABLE events DROP COLUMN group_id, ALTER COLUMN created_at SET NOT NULL,
    ADD CONSTRAINT ck_events_state CHECK (state IN ('draft', 'published')) NOT VALID;
UPDATE events SET created_at = now() WHERE created_at IS NULL;
"""

_DOWNGRADE_USERS = """
UPDATE users SET is_admin = coalesce(is_admin, false) OR coalesce(is_super_admin, false),
    created_at = coalesce(created_at, now());
ALTER TABLE users DROP COLUMN salt, DROP COLUMN is_super_admin, DROP COLUMN is_blocked,
    ALTER COLUMN is_admin SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE users RENAME COLUMN _password TO password_hash;
ALTER TABLE users ALTER COLUMN password_hash TYPE varchar(255);
ALTER TABLE users RENAME CONSTRAINT uq_users__email TO uq_users_email;
ALTER TABLE users RENAME COLUMN _email TO email;
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
"""


def downgrade() -> None:
    op.execute(_DOWNGRADE.format(task_columns=_TASK_COLUMNS, stripe_columns=_STRIPE_COLUMNS))
    op.drop_table("users_groups_roles")
    op.drop_table("groups")
    op.execute(_DOWNGRADE_USERS)
    op.drop_table("roles")
