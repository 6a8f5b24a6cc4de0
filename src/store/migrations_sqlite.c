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

/* Migration 3: the service catalogue, FAQ, announcements, their revisions and the full-text
 * index. (2 is the accounts work's number; the runner applies any missing number in ascending
 * order, so a gap is fine.) search_index uses the "bigram" tokenizer that every connection
 * registers (sqlite_fts.c); its rowid is the record id times 4 plus the kind (1 service, 2 faq,
 * 3 announcement), so the triggers below reach a record's row without a scan. */
#define SERVICE_INDEX_ROW                                                                          \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, title, body) VALUES (new.id * 4 + "   \
  "1, 'service', new.id, new.office_id, new.name_zh || ' ' || new.name_en, new.summary_zh || ' ' " \
  "|| new.summary_en || ' ' || new.eligibility_zh || ' ' || new.eligibility_en || ' ' || "         \
  "new.documents_zh || ' ' || new.documents_en || ' ' || new.steps_zh || ' ' || new.steps_en || "  \
  "' ' || new.fee_zh || ' ' || new.fee_en);"
#define FAQ_INDEX_ROW                                                                              \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, title, body) VALUES (new.id * 4 + "   \
  "2, 'faq', new.id, new.office_id, new.question_zh || ' ' || new.question_en, new.category_zh "   \
  "|| ' ' || new.category_en || ' ' || new.answer_zh || ' ' || new.answer_en);"
#define ANNOUNCEMENT_INDEX_ROW                                                                     \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, title, body) VALUES (new.id * 4 + "   \
  "3, 'announcement', new.id, new.office_id, new.title_zh || ' ' || new.title_en, new.body_zh "    \
  "|| ' ' || new.body_en);"

static const char migration_3_sql[] =
    "CREATE TABLE services ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,"
    " slug TEXT NOT NULL,"
    " topic TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " summary_zh TEXT NOT NULL DEFAULT '',"
    " summary_en TEXT NOT NULL DEFAULT '',"
    " eligibility_zh TEXT NOT NULL DEFAULT '',"
    " eligibility_en TEXT NOT NULL DEFAULT '',"
    " steps_zh TEXT NOT NULL DEFAULT '[]',"
    " steps_en TEXT NOT NULL DEFAULT '[]',"
    " documents_zh TEXT NOT NULL DEFAULT '[]',"
    " documents_en TEXT NOT NULL DEFAULT '[]',"
    " fee_zh TEXT NOT NULL DEFAULT '',"
    " fee_en TEXT NOT NULL DEFAULT '',"
    " fee_amount INTEGER,"
    " time_limit_minutes INTEGER NOT NULL CHECK (time_limit_minutes BETWEEN 0 AND 43200),"
    " where_zh TEXT NOT NULL DEFAULT '',"
    " where_en TEXT NOT NULL DEFAULT '',"
    " counter TEXT NOT NULL DEFAULT '',"
    " floor_zh TEXT NOT NULL DEFAULT '',"
    " floor_en TEXT NOT NULL DEFAULT '',"
    " hours_zh TEXT NOT NULL DEFAULT '',"
    " hours_en TEXT NOT NULL DEFAULT '',"
    " channel_counter INTEGER NOT NULL DEFAULT 1,"
    " channel_online INTEGER NOT NULL DEFAULT 0,"
    " channel_mail INTEGER NOT NULL DEFAULT 0,"
    " online_capable INTEGER NOT NULL DEFAULT 0,"
    " online_url TEXT NOT NULL DEFAULT '',"
    " case_word_code TEXT NOT NULL DEFAULT '',"
    " workflow TEXT NOT NULL DEFAULT '',"
    " published INTEGER NOT NULL DEFAULT 0,"
    " content_hash TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " UNIQUE (office_id, slug));"
    "CREATE INDEX services_unit ON services (unit_id);"
    "CREATE TABLE files ("
    " sha256 TEXT PRIMARY KEY,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " bytes BLOB NOT NULL,"
    " created_at TEXT NOT NULL);"
    "CREATE TABLE service_forms ("
    " service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
    " file_sha256 TEXT NOT NULL REFERENCES files(sha256),"
    " kind TEXT NOT NULL CHECK (kind IN ('form', 'example')),"
    " format TEXT NOT NULL CHECK (format IN ('odt', 'pdf')),"
    " title_zh TEXT NOT NULL,"
    " title_en TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (service_id, file_sha256));"
    "CREATE INDEX service_forms_file ON service_forms (file_sha256);"
    "CREATE TABLE faq ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " slug TEXT NOT NULL,"
    " category_zh TEXT NOT NULL DEFAULT '',"
    " category_en TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " question_zh TEXT NOT NULL,"
    " question_en TEXT NOT NULL DEFAULT '',"
    " answer_zh TEXT NOT NULL,"
    " answer_en TEXT NOT NULL DEFAULT '',"
    " published INTEGER NOT NULL DEFAULT 0,"
    " helpful INTEGER NOT NULL DEFAULT 0,"
    " not_helpful INTEGER NOT NULL DEFAULT 0,"
    " views INTEGER NOT NULL DEFAULT 0,"
    " content_hash TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " UNIQUE (office_id, slug));"
    "CREATE TABLE announcements ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " slug TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " title_zh TEXT NOT NULL,"
    " title_en TEXT NOT NULL DEFAULT '',"
    " body_zh TEXT NOT NULL DEFAULT '',"
    " body_en TEXT NOT NULL DEFAULT '',"
    " starts_on TEXT NOT NULL,"
    " ends_on TEXT NOT NULL,"
    " published INTEGER NOT NULL DEFAULT 0,"
    " content_hash TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " CHECK (ends_on >= starts_on),"
    " UNIQUE (office_id, slug));"
    "CREATE INDEX announcements_dates ON announcements (office_id, ends_on);"
    /* actor_id will reference the accounts' users table; kept without a foreign key so this
     * migration does not depend on migration 2. */
    "CREATE TABLE revisions ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL,"
    " entity TEXT NOT NULL,"
    " entity_id INTEGER NOT NULL,"
    " action TEXT NOT NULL,"
    " actor_id INTEGER,"
    " actor TEXT NOT NULL DEFAULT '',"
    " at TEXT NOT NULL,"
    " snapshot TEXT NOT NULL);"
    "CREATE INDEX revisions_entity ON revisions (entity, entity_id, id);"
    "CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, ref_id UNINDEXED, office_id "
    "UNINDEXED, title, body, tokenize = 'bigram');"
    "CREATE TRIGGER services_index_insert AFTER INSERT ON services BEGIN " SERVICE_INDEX_ROW " END;"
    "CREATE TRIGGER services_index_update AFTER UPDATE ON services BEGIN DELETE FROM search_index "
    "WHERE rowid = old.id * 4 + 1; " SERVICE_INDEX_ROW " END;"
    "CREATE TRIGGER services_index_delete AFTER DELETE ON services BEGIN DELETE FROM search_index "
    "WHERE rowid = old.id * 4 + 1; END;"
    "CREATE TRIGGER faq_index_insert AFTER INSERT ON faq BEGIN " FAQ_INDEX_ROW " END;"
    "CREATE TRIGGER faq_index_update AFTER UPDATE OF category_zh, category_en, question_zh, "
    "question_en, answer_zh, answer_en ON faq BEGIN DELETE FROM search_index WHERE rowid = old.id "
    "* 4 + 2; " FAQ_INDEX_ROW " END;"
    "CREATE TRIGGER faq_index_delete AFTER DELETE ON faq BEGIN DELETE FROM search_index WHERE "
    "rowid = old.id * 4 + 2; END;"
    "CREATE TRIGGER announcements_index_insert AFTER INSERT ON announcements "
    "BEGIN " ANNOUNCEMENT_INDEX_ROW " END;"
    "CREATE TRIGGER announcements_index_update AFTER UPDATE OF title_zh, title_en, body_zh, "
    "body_en ON announcements BEGIN DELETE FROM search_index WHERE rowid = old.id * 4 + "
    "3; " ANNOUNCEMENT_INDEX_ROW " END;"
    "CREATE TRIGGER announcements_index_delete AFTER DELETE ON announcements BEGIN DELETE FROM "
    "search_index WHERE rowid = old.id * 4 + 3; END;";

const struct store_migration sqlite_migrations[] = {
    {1, "offices, units, settings", migration_1_sql},
    {3, "catalogue: services, files, FAQ, announcements, revisions, search", migration_3_sql},
};

const size_t sqlite_migrations_count = ARRAY_LEN(sqlite_migrations);
