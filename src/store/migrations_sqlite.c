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

const struct store_migration sqlite_migrations[] = {
    {1, "offices, units, settings", migration_1_sql},
};

const size_t sqlite_migrations_count = ARRAY_LEN(sqlite_migrations);
