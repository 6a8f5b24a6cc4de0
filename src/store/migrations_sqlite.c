/*
 * migrations_sqlite.c - the SQLite schema as numbered migrations, compiled into the binary.
 * Rules: never edit a migration that has shipped; add the next number instead. Numbers and
 * meaning match the PostgreSQL migrations so both backends reach the same schema version.
 * Every table that holds office data carries office_id; timestamps are ISO-8601 UTC text.
 */
#include <stddef.h>

#include "store/store_impl.h"
#include "base/common.h"

static const char migration_1_sql[] =
    "CREATE TABLE offices ("
    " id INTEGER PRIMARY KEY,"
    " slug TEXT NOT NULL UNIQUE,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL CHECK (kind IN ('land', 'district', 'bureau')),"
    " city_zh TEXT NOT NULL DEFAULT '',"
    " city_en TEXT NOT NULL DEFAULT '',"
    " address_zh TEXT NOT NULL DEFAULT '',"
    " address_en TEXT NOT NULL DEFAULT '',"
    " phone TEXT NOT NULL DEFAULT '',"
    " email TEXT NOT NULL DEFAULT '',"
    " hours_zh TEXT NOT NULL DEFAULT '',"
    " hours_en TEXT NOT NULL DEFAULT '',"
    " case_word_zh TEXT NOT NULL DEFAULT '',"
    " case_word_code TEXT NOT NULL DEFAULT '',"
    " updated_at TEXT NOT NULL);"
    "CREATE TABLE units ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " floor_zh TEXT NOT NULL DEFAULT '',"
    " floor_en TEXT NOT NULL DEFAULT '',"
    " counter TEXT NOT NULL DEFAULT '',"
    " phone TEXT NOT NULL DEFAULT '',"
    " duties_zh TEXT NOT NULL DEFAULT '',"
    " duties_en TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (office_id, code));"
    /* office_id 0 holds deployment-wide settings, so no foreign key here. */
    "CREATE TABLE settings ("
    " office_id INTEGER NOT NULL,"
    " key TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " PRIMARY KEY (office_id, key));";

static const char migration_2_sql[] =
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " unit_id INTEGER REFERENCES units(id),"
    " username TEXT NOT NULL UNIQUE,"
    " display_name TEXT NOT NULL,"
    " email TEXT NOT NULL DEFAULT '',"
    " roles INTEGER NOT NULL DEFAULT 0,"
    " password_hash TEXT NOT NULL,"
    " totp_secret TEXT NOT NULL DEFAULT '',"
    " totp_enabled INTEGER NOT NULL DEFAULT 0,"
    " totp_last_step INTEGER NOT NULL DEFAULT 0,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    "CREATE INDEX users_office ON users(office_id);"
    /* Sessions are found by the hash of their cookie token; the token itself is never stored. */
    "CREATE TABLE sessions ("
    " id_hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf_token TEXT NOT NULL,"
    " mfa_pending INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " last_seen_at INTEGER NOT NULL,"
    " ip TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    /* Failed sign-ins per key ("user:<name>" whether or not the account exists, "ip:<addr>"). */
    "CREATE TABLE login_throttle ("
    " key TEXT PRIMARY KEY,"
    " failures INTEGER NOT NULL,"
    " window_start INTEGER NOT NULL,"
    " locked_until INTEGER NOT NULL);"
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " office_id INTEGER NOT NULL DEFAULT 0,"
    " actor_id INTEGER NOT NULL DEFAULT 0,"
    " actor TEXT NOT NULL DEFAULT '',"
    " ip TEXT NOT NULL DEFAULT '',"
    " action TEXT NOT NULL,"
    " object_kind TEXT NOT NULL DEFAULT '',"
    " object_id TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '',"
    " prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE INDEX audit_office ON audit_log(office_id, id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/* Land offices' parcel data (store/parcels.c): sections (地段), parcels with their announced
 * values by year, old -> new numbers after a resurvey (重測) and house addresses (門牌). Areas
 * are exact decimal text ("123.45"); money is whole NT$. Section codes and parcel numbers are
 * stored normalised ("0012", "0123-0004"); address_key is the normalised address matched by
 * lookups. Resurvey and address rows name sections by code: an old section may no longer
 * exist after a resurvey. Number 3 belongs to the catalogue branch; runners skip nothing. */
static const char migration_4_sql[] =
    "CREATE TABLE land_sections ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " code TEXT NOT NULL,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " UNIQUE (office_id, code));"
    "CREATE TABLE parcels ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " section_id INTEGER NOT NULL REFERENCES land_sections(id),"
    " number TEXT NOT NULL,"
    " area_m2 TEXT NOT NULL,"
    " previous_value INTEGER,"
    " previous_date TEXT,"
    " UNIQUE (section_id, number));"
    "CREATE INDEX parcels_office ON parcels(office_id);"
    "CREATE TABLE parcel_values ("
    " parcel_id INTEGER NOT NULL REFERENCES parcels(id) ON DELETE CASCADE,"
    " year INTEGER NOT NULL,"
    " current_value INTEGER NOT NULL,"
    " land_value INTEGER NOT NULL,"
    " PRIMARY KEY (parcel_id, year));"
    "CREATE TABLE parcel_resurvey ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " old_section_code TEXT NOT NULL,"
    " old_section_name TEXT NOT NULL,"
    " old_number TEXT NOT NULL,"
    " new_section_code TEXT NOT NULL,"
    " new_number TEXT NOT NULL,"
    " UNIQUE (office_id, old_section_code, old_number));"
    "CREATE INDEX parcel_resurvey_new ON parcel_resurvey(office_id, new_section_code, new_number);"
    "CREATE TABLE parcel_addresses ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " address TEXT NOT NULL,"
    " address_key TEXT NOT NULL,"
    " section_code TEXT NOT NULL,"
    " number TEXT NOT NULL,"
    " building_number TEXT NOT NULL DEFAULT '',"
    " UNIQUE (office_id, address_key, section_code, number, building_number));";

const struct store_migration sqlite_migrations[] = {
    {1, "offices, units, settings", migration_1_sql},
    {2, "users, sessions, sign-in throttling, audit trail", migration_2_sql},
    {4, "land sections, parcels, values by year, resurvey, addresses", migration_4_sql},
};

const size_t sqlite_migrations_count = ARRAY_LEN(sqlite_migrations);
