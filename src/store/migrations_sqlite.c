/*
 * migrations_sqlite.c - the SQLite schema as numbered migrations, compiled into the binary.
 * Rules: never edit a migration that has shipped; add the next number instead. Numbers and
 * meaning match the PostgreSQL migrations so both backends reach the same schema version.
 * Every table that holds office data carries office_id; timestamps are ISO-8601 UTC text.
 */
#include <stddef.h>

#include "store/case_mirror.h"
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

/* Cases: numbering, the case record (personal data sealed, with keyed hashes for lookups and
 * masked copies for public pages), the timeline, clock pauses, delegation, staff presence. */
static const char migration_5_sql[] =
    "CREATE TABLE case_sequences ("
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " word_code TEXT NOT NULL,"
    " roc_year INTEGER NOT NULL,"
    " last_serial INTEGER NOT NULL,"
    " PRIMARY KEY (office_id, word_code, roc_year));"
    "CREATE TABLE cases ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " service_id INTEGER NOT NULL,"
    " unit_id INTEGER,"
    " roc_year INTEGER NOT NULL,"
    " word_code TEXT NOT NULL,"
    " serial INTEGER NOT NULL,"
    " case_key TEXT NOT NULL,"
    " check_code TEXT NOT NULL,"
    " qr_token_hash TEXT NOT NULL UNIQUE,"
    " workflow TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " channel TEXT NOT NULL,"
    " handler_id INTEGER,"
    " counter TEXT NOT NULL DEFAULT '',"
    " received_at INTEGER NOT NULL,"
    " time_limit_minutes INTEGER NOT NULL,"
    " extension_minutes INTEGER NOT NULL DEFAULT 0,"
    " due_at INTEGER,"
    " due_state TEXT NOT NULL DEFAULT 'on_time',"
    " paused_since INTEGER,"
    " correction_count INTEGER NOT NULL DEFAULT 0,"
    " correction_items TEXT NOT NULL DEFAULT '',"
    " correction_deadline TEXT NOT NULL DEFAULT '',"
    " second_correction_approved INTEGER NOT NULL DEFAULT 0,"
    " overdue_reason TEXT NOT NULL DEFAULT '',"
    " overdue_new_date TEXT NOT NULL DEFAULT '',"
    " fee_amount INTEGER NOT NULL DEFAULT 0,"
    " documents TEXT NOT NULL DEFAULT '[]',"
    " applicant_name TEXT NOT NULL,"
    " applicant_name_masked TEXT NOT NULL,"
    " applicant_id TEXT NOT NULL DEFAULT '',"
    " applicant_id_hash TEXT NOT NULL DEFAULT '',"
    " applicant_phone TEXT NOT NULL DEFAULT '',"
    " applicant_email TEXT NOT NULL DEFAULT '',"
    " applicant_name_hash TEXT NOT NULL DEFAULT '',"
    " notify TEXT NOT NULL DEFAULT 'none',"
    " lang TEXT NOT NULL DEFAULT 'zh-TW',"
    " picked_up_at INTEGER,"
    " closed_at INTEGER,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (office_id, word_code, roc_year, serial));"
    "CREATE INDEX cases_office_status ON cases(office_id, status, due_at);"
    "CREATE INDEX cases_handler ON cases(handler_id, status);"
    "CREATE UNIQUE INDEX cases_key ON cases(office_id, case_key);"
    "CREATE INDEX cases_applicant_id ON cases(office_id, applicant_id_hash);"
    "CREATE TABLE case_events ("
    " id INTEGER PRIMARY KEY,"
    " case_id INTEGER NOT NULL REFERENCES cases(id),"
    " at INTEGER NOT NULL,"
    " actor_id INTEGER NOT NULL DEFAULT 0,"
    " actor TEXT NOT NULL DEFAULT '',"
    " on_behalf_of TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL,"
    " from_status TEXT NOT NULL DEFAULT '',"
    " to_status TEXT NOT NULL DEFAULT '',"
    " note TEXT NOT NULL DEFAULT '',"
    " public INTEGER NOT NULL DEFAULT 0,"
    " data TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX case_events_case ON case_events(case_id, id);"
    "CREATE TABLE case_pauses ("
    " id INTEGER PRIMARY KEY,"
    " case_id INTEGER NOT NULL REFERENCES cases(id),"
    " from_at INTEGER NOT NULL,"
    " to_at INTEGER);"
    "CREATE INDEX case_pauses_case ON case_pauses(case_id);"
    "CREATE TABLE delegations ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " delegate_id INTEGER NOT NULL REFERENCES users(id),"
    " starts_on TEXT NOT NULL,"
    " ends_on TEXT NOT NULL,"
    " reason TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX delegations_delegate ON delegations(delegate_id, ends_on);"
    "CREATE TABLE staff_presence ("
    " user_id INTEGER PRIMARY KEY REFERENCES users(id),"
    " present INTEGER NOT NULL DEFAULT 1,"
    " counter TEXT NOT NULL DEFAULT '',"
    " last_assigned_at INTEGER NOT NULL DEFAULT 0);";

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

/* Notices (migration 6): the outbox (one row per message; at most one per case, event
 * occurrence and channel) and the offices' edited message templates. */
static const char migration_6_sql[] =
    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " event TEXT NOT NULL,"
    " occurrence INTEGER NOT NULL DEFAULT 1,"
    " channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),"
    " lang TEXT NOT NULL,"
    " recipient TEXT NOT NULL,"
    " recipient_masked TEXT NOT NULL DEFAULT '',"
    " subject TEXT NOT NULL DEFAULT '',"
    " body_text TEXT NOT NULL,"
    " body_html TEXT NOT NULL DEFAULT '',"
    " urgent INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', "
    "'failed_temp', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER NOT NULL,"
    " claimed_by TEXT,"
    " claimed_at INTEGER,"
    " provider_id TEXT,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " sent_at INTEGER,"
    " delivered_at INTEGER,"
    " UNIQUE (case_id, event, occurrence, channel));"
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at);"
    "CREATE INDEX outbox_office ON outbox (office_id, status, id);"
    "CREATE INDEX outbox_provider ON outbox (provider_id);"
    "CREATE TABLE message_templates ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " event TEXT NOT NULL,"
    " channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),"
    " lang TEXT NOT NULL,"
    " subject TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " updated_by TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (office_id, event, channel, lang));";

/* Application forms (migration 7): a service's questions (domain/form.h), as JSON text. */
static const char migration_7_sql[] =
    "ALTER TABLE services ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';";

/* Fees and payments (migration 9): the amount owed on a case (one row per case that owes
 * something) and every attempt to pay it online (domain/payment.h). At most one pending payment
 * per case; the merchant order number is what the provider knows the payment by. */
static const char migration_9_sql[] =
    "CREATE TABLE case_fees ("
    " case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " amount INTEGER NOT NULL CHECK (amount >= 0),"
    " set_by TEXT NOT NULL DEFAULT '',"
    " set_at INTEGER NOT NULL);"
    "CREATE TABLE payments ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    " order_no TEXT NOT NULL UNIQUE,"
    " amount INTEGER NOT NULL CHECK (amount > 0),"
    " currency TEXT NOT NULL DEFAULT 'TWD',"
    " provider TEXT NOT NULL,"
    " provider_ref TEXT NOT NULL DEFAULT '',"
    " redirect_url TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired', "
    "'refunded')),"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " paid_at INTEGER,"
    " expires_at INTEGER NOT NULL);"
    "CREATE INDEX payments_case ON payments (case_id, id);"
    "CREATE INDEX payments_pending ON payments (status, expires_at);"
    "CREATE UNIQUE INDEX payments_one_pending ON payments (case_id) WHERE status = 'pending';";
/* Online applications (migration 8): a case's answers and description; applications in
 * progress (drafts: the applicant's verified contact, sealed, the one-time code's hash and
 * tries, the answers so far, the resume link's hash); uploaded documents, content-addressed
 * (upload_blobs, by SHA-256) and linked to a draft and then to its case (uploads). */
static const char migration_8_sql[] =
    "ALTER TABLE cases ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE cases ADD COLUMN description TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE apply_drafts ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " service_id INTEGER NOT NULL,"
    " session_hash TEXT NOT NULL UNIQUE,"
    " resume_hash TEXT UNIQUE,"
    " resume_expires_at INTEGER NOT NULL DEFAULT 0,"
    " contact_kind TEXT NOT NULL CHECK (contact_kind IN ('email', 'sms')),"
    " contact TEXT NOT NULL,"
    " contact_hash TEXT NOT NULL,"
    " contact_masked TEXT NOT NULL,"
    " code_hash TEXT NOT NULL DEFAULT '',"
    " code_expires_at INTEGER NOT NULL DEFAULT 0,"
    " code_tries INTEGER NOT NULL DEFAULT 0,"
    " codes_sent INTEGER NOT NULL DEFAULT 0,"
    " code_sent_at INTEGER NOT NULL DEFAULT 0,"
    " verified INTEGER NOT NULL DEFAULT 0,"
    " applicant_name TEXT NOT NULL DEFAULT '',"
    " answers TEXT NOT NULL DEFAULT '{}',"
    " lang TEXT NOT NULL DEFAULT 'zh-TW',"
    " case_id INTEGER REFERENCES cases(id),"
    " case_token TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL);"
    "CREATE INDEX apply_drafts_contact ON apply_drafts(contact_hash, created_at);"
    "CREATE INDEX apply_drafts_expiry ON apply_drafts(expires_at);"
    "CREATE TABLE upload_blobs ("
    " sha256 TEXT PRIMARY KEY,"
    " size INTEGER NOT NULL,"
    " bytes BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE uploads ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " draft_id INTEGER REFERENCES apply_drafts(id),"
    " case_id INTEGER REFERENCES cases(id),"
    " sha256 TEXT NOT NULL REFERENCES upload_blobs(sha256),"
    " name TEXT NOT NULL,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX uploads_draft ON uploads(draft_id);"
    "CREATE INDEX uploads_case ON uploads(case_id);";
/* API keys and Open311 requests (migration 10): keys an office's admins issue (only the
 * SHA-256 of the secret is kept), and what an API client sent with a case it created. */
static const char migration_10_sql[] =
    "CREATE TABLE api_keys ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " prefix TEXT NOT NULL,"
    " key_hash TEXT NOT NULL UNIQUE,"
    " created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL DEFAULT '',"
    " last_used_at INTEGER,"
    " revoked_at INTEGER);"
    "CREATE INDEX api_keys_office ON api_keys (office_id, id);"
    "CREATE TABLE api_requests ("
    " case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " api_key_id INTEGER REFERENCES api_keys(id) ON DELETE SET NULL,"
    " description TEXT NOT NULL DEFAULT '',"
    " answers TEXT NOT NULL DEFAULT '{}',"
    " address TEXT NOT NULL DEFAULT '',"
    " lat TEXT NOT NULL DEFAULT '',"
    " lng TEXT NOT NULL DEFAULT '',"
    " media_url TEXT NOT NULL DEFAULT '',"
    " requested_at INTEGER NOT NULL);"
    "CREATE INDEX api_requests_office ON api_requests (office_id, requested_at);";

/* Work-list indexes (migration 11): partial indexes on the open cases only (closed_at IS NULL),
 * one per work-list scope, so that a handler's, a unit's or an office's open cases are found
 * without reading the closed ones (most of the table after a few years). Each also holds what
 * the list's conditions read (due state, status, case key, name hash), so a page's ids are
 * sorted from the index alone. */
static const char migration_11_sql[] =
    "CREATE INDEX cases_open_handler ON cases(office_id, handler_id, due_at, due_state, status, "
    "case_key, applicant_name_hash, closed_at) WHERE closed_at IS NULL;"
    "CREATE INDEX cases_open_unit ON cases(office_id, unit_id, due_at, due_state, status, "
    "case_key, applicant_name_hash, closed_at) WHERE closed_at IS NULL;"
    "CREATE INDEX cases_open_office ON cases(office_id, due_at, due_state, status, case_key, "
    "applicant_name_hash, closed_at) WHERE closed_at IS NULL;";

/* One schema (migration 12): on PostgreSQL it makes cases_key unique per office, as migration 5
 * made it here; SQLite already has that index, so the statement only states the shared target
 * (tests/pg/schema_compare_test.c compares both schemas). */
static const char migration_12_sql[] =
    "CREATE UNIQUE INDEX IF NOT EXISTS cases_key ON cases(office_id, case_key);";
/* The directory's version also moves with the FAQ and announcements (migration 18): the office
 * search and the FAQ page keep their published records and answers in memory
 * (domain/office_search.c). Only edits of what a page shows move it: a vote or a view counted
 * on a question (helpful, not_helpful, views) does not. */
static const char migration_18_sql[] =
    "CREATE TRIGGER faq_insert_directory AFTER INSERT ON faq"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER faq_update_directory AFTER UPDATE OF slug, category_zh, category_en, sort, "
    "question_zh, question_en, answer_zh, answer_en, published ON faq"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER faq_delete_directory AFTER DELETE ON faq"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER announcements_insert_directory AFTER INSERT ON announcements"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER announcements_update_directory AFTER UPDATE OF slug, kind, title_zh, title_en, "
    "body_zh, body_en, starts_on, ends_on, published ON announcements"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER announcements_delete_directory AFTER DELETE ON announcements"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;";
/* Messages not tied to a case (migration 16, notify_subject_event in domain/notify.h): an
 * outbox row names its subject (subject_kind "case", "ticket", "booking", "petition", ...;
 * subject_id its row, the case's id for a case's message); case_id is NULL for the others. At
 * most one row per (subject, event, occurrence, channel). SQLite cannot drop a NOT NULL, so the
 * table is rebuilt the documented way (sqlite.org/lang_altertable.html, "other kinds of table
 * schema changes"): a new table, every row copied, the old one dropped, the new one renamed, its
 * indexes made again. Nothing references outbox, and the migration runs in one transaction. */
#define OUTBOX_COLUMNS_15                                                                          \
  "id, office_id, case_id, event, occurrence, channel, lang, recipient, recipient_masked, "        \
  "subject, body_text, body_html, urgent, status, attempts, next_attempt_at, claimed_by, "         \
  "claimed_at, provider_id, last_error, created_at, sent_at, delivered_at"
static const char migration_16_sql[] =
    "CREATE TABLE outbox_new ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " case_id INTEGER REFERENCES cases(id) ON DELETE CASCADE,"
    " event TEXT NOT NULL,"
    " occurrence INTEGER NOT NULL DEFAULT 1,"
    " channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),"
    " lang TEXT NOT NULL,"
    " recipient TEXT NOT NULL,"
    " recipient_masked TEXT NOT NULL DEFAULT '',"
    " subject TEXT NOT NULL DEFAULT '',"
    " body_text TEXT NOT NULL,"
    " body_html TEXT NOT NULL DEFAULT '',"
    " urgent INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', "
    "'failed_temp', 'failed')),"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at INTEGER NOT NULL,"
    " claimed_by TEXT,"
    " claimed_at INTEGER,"
    " provider_id TEXT,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL,"
    " sent_at INTEGER,"
    " delivered_at INTEGER,"
    " subject_kind TEXT NOT NULL DEFAULT 'case',"
    " subject_id INTEGER,"
    " UNIQUE (case_id, event, occurrence, channel));"
    "INSERT INTO outbox_new (" OUTBOX_COLUMNS_15
    ", subject_kind, subject_id) SELECT " OUTBOX_COLUMNS_15 ", 'case', case_id FROM outbox;"
    "DROP TABLE outbox;"
    "ALTER TABLE outbox_new RENAME TO outbox;"
    "CREATE INDEX outbox_due ON outbox (status, next_attempt_at);"
    "CREATE INDEX outbox_office ON outbox (office_id, status, id);"
    "CREATE INDEX outbox_provider ON outbox (provider_id);"
    "CREATE UNIQUE INDEX outbox_subject ON outbox (subject_kind, subject_id, event, occurrence, "
    "channel);";
#undef OUTBOX_COLUMNS_15

/* Migration 17 (issue 21, ASVS 3.7.1): when the session last re-authenticated (signed in,
 * or confirmed the password or a TOTP code): administrators' account changes need it recent
 * (domain/accounts.h, step-up). 0 = never. */
static const char migration_17_sql[] =
    "ALTER TABLE sessions ADD COLUMN stepup_at INTEGER NOT NULL DEFAULT 0;";

/* Petitions and the director's mailbox (migration 27, issue 19; domain/petition.h): an office's
 * petition categories (the unit that answers, the answer period in working days, a canned
 * answer), a number sequence per office and ROC year, the petitions (personal data sealed,
 * the contact's keyed hash for finding the same matter filed again, a random token's hash for
 * the petitioner's own links), each petition's timeline and the scans of letters. */
static const char migration_27_sql[] =
    "CREATE TABLE petition_categories ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,"
    " answer_days INTEGER NOT NULL DEFAULT 6,"
    " canned_zh TEXT NOT NULL DEFAULT '',"
    " canned_en TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (office_id, code));"
    "CREATE TABLE petition_sequences ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " roc_year INTEGER NOT NULL,"
    " last INTEGER NOT NULL,"
    " PRIMARY KEY (office_id, roc_year));"
    "CREATE TABLE petitions ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " petition_key TEXT,"
    " check_code TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL CHECK (kind IN ('petition', 'mailbox')),"
    " channel TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'phone', 'letter')),"
    " status TEXT NOT NULL CHECK (status IN ('unverified', 'open', 'transferred', 'answered', "
    "'closed')),"
    " category_id INTEGER REFERENCES petition_categories(id) ON DELETE SET NULL,"
    " unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,"
    " subject TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " name_sealed TEXT NOT NULL DEFAULT '',"
    " contact_kind TEXT NOT NULL DEFAULT '',"
    " contact_sealed TEXT NOT NULL DEFAULT '',"
    " contact_masked TEXT NOT NULL DEFAULT '',"
    " contact_hash TEXT NOT NULL DEFAULT '',"
    " lang TEXT NOT NULL DEFAULT 'zh-TW',"
    " confidential INTEGER NOT NULL DEFAULT 0,"
    " token_hash TEXT NOT NULL,"
    " code_hash TEXT NOT NULL DEFAULT '',"
    " code_expires_at INTEGER NOT NULL DEFAULT 0,"
    " code_tries INTEGER NOT NULL DEFAULT 0,"
    " codes_sent INTEGER NOT NULL DEFAULT 0,"
    " received_at INTEGER NOT NULL,"
    " due_at INTEGER NOT NULL DEFAULT 0,"
    " reminded_at INTEGER,"
    " answered_at INTEGER,"
    " flag TEXT NOT NULL DEFAULT '',"
    " flag_by TEXT NOT NULL DEFAULT '',"
    " flag_confirmed_by TEXT NOT NULL DEFAULT '',"
    " transferred_to TEXT NOT NULL DEFAULT '',"
    " answer TEXT NOT NULL DEFAULT '',"
    " answer_state TEXT NOT NULL DEFAULT '',"
    " answer_by TEXT NOT NULL DEFAULT '',"
    " approved_by TEXT NOT NULL DEFAULT '',"
    " duplicate_of INTEGER REFERENCES petitions(id) ON DELETE SET NULL,"
    " rating INTEGER,"
    " rated_at INTEGER,"
    " UNIQUE (office_id, petition_key));"
    "CREATE UNIQUE INDEX petitions_token ON petitions (token_hash);"
    "CREATE INDEX petitions_office ON petitions (office_id, status, due_at);"
    "CREATE INDEX petitions_contact ON petitions (office_id, contact_hash);"
    "CREATE TABLE petition_events ("
    " id INTEGER PRIMARY KEY,"
    " petition_id INTEGER NOT NULL REFERENCES petitions(id) ON DELETE CASCADE,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " at INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " actor TEXT NOT NULL DEFAULT '',"
    " note TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX petition_events_petition ON petition_events (petition_id, id);"
    "CREATE TABLE petition_files ("
    " id INTEGER PRIMARY KEY,"
    " petition_id INTEGER NOT NULL REFERENCES petitions(id) ON DELETE CASCADE,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " bytes BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX petition_files_petition ON petition_files (petition_id, id);";

/* Migration 19: the search index holds each row's office as an indexed token ("office12", in
 * office_key), so a search intersects the office's rows inside FTS5 instead of ranking every
 * office's matches and dropping the others' (office_search_read: the cost grew with every
 * office of a shared database). Queries name the office (office_key : office12) and search
 * only title and body. The triggers of migration 3 are replaced by ones that fill office_key. */
#define OFFICE_KEY "'office' || new.office_id"
#define SERVICE_INDEX_ROW_19                                                                       \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) VALUES "     \
  "(new.id * 4 + 1, 'service', new.id, new.office_id, " OFFICE_KEY ", new.name_zh || ' ' || "      \
  "new.name_en, new.summary_zh || ' ' || new.summary_en || ' ' || new.eligibility_zh || ' ' || "   \
  "new.eligibility_en || ' ' || new.documents_zh || ' ' || new.documents_en || ' ' || "            \
  "new.steps_zh || ' ' || new.steps_en || ' ' || new.fee_zh || ' ' || new.fee_en);"
#define FAQ_INDEX_ROW_19                                                                           \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) VALUES "     \
  "(new.id * 4 + 2, 'faq', new.id, new.office_id, " OFFICE_KEY ", new.question_zh || ' ' || "      \
  "new.question_en, new.category_zh || ' ' || new.category_en || ' ' || new.answer_zh || ' ' || "  \
  "new.answer_en);"
#define ANNOUNCEMENT_INDEX_ROW_19                                                                  \
  "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) VALUES "     \
  "(new.id * 4 + 3, 'announcement', new.id, new.office_id, " OFFICE_KEY ", new.title_zh || ' ' "   \
  "|| new.title_en, new.body_zh || ' ' || new.body_en);"

static const char migration_19_sql[] =
    "DROP TRIGGER services_index_insert; DROP TRIGGER services_index_update;"
    "DROP TRIGGER services_index_delete; DROP TRIGGER faq_index_insert;"
    "DROP TRIGGER faq_index_update; DROP TRIGGER faq_index_delete;"
    "DROP TRIGGER announcements_index_insert; DROP TRIGGER announcements_index_update;"
    "DROP TRIGGER announcements_index_delete; DROP TABLE search_index;"
    "CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, ref_id UNINDEXED, office_id "
    "UNINDEXED, office_key, title, body, tokenize = 'bigram');"
    "CREATE TRIGGER services_index_insert AFTER INSERT ON services BEGIN " SERVICE_INDEX_ROW_19
    " END;"
    "CREATE TRIGGER services_index_update AFTER UPDATE ON services BEGIN DELETE FROM search_index "
    "WHERE rowid = old.id * 4 + 1; " SERVICE_INDEX_ROW_19 " END;"
    "CREATE TRIGGER services_index_delete AFTER DELETE ON services BEGIN DELETE FROM search_index "
    "WHERE rowid = old.id * 4 + 1; END;"
    "CREATE TRIGGER faq_index_insert AFTER INSERT ON faq BEGIN " FAQ_INDEX_ROW_19 " END;"
    "CREATE TRIGGER faq_index_update AFTER UPDATE OF category_zh, category_en, question_zh, "
    "question_en, answer_zh, answer_en ON faq BEGIN DELETE FROM search_index WHERE rowid = old.id "
    "* 4 + 2; " FAQ_INDEX_ROW_19 " END;"
    "CREATE TRIGGER faq_index_delete AFTER DELETE ON faq BEGIN DELETE FROM search_index WHERE "
    "rowid = old.id * 4 + 2; END;"
    "CREATE TRIGGER announcements_index_insert AFTER INSERT ON announcements "
    "BEGIN " ANNOUNCEMENT_INDEX_ROW_19 " END;"
    "CREATE TRIGGER announcements_index_update AFTER UPDATE OF title_zh, title_en, body_zh, "
    "body_en ON announcements BEGIN DELETE FROM search_index WHERE rowid = old.id * 4 + "
    "3; " ANNOUNCEMENT_INDEX_ROW_19 " END;"
    "CREATE TRIGGER announcements_index_delete AFTER DELETE ON announcements BEGIN DELETE FROM "
    "search_index WHERE rowid = old.id * 4 + 3; END;"
    "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) SELECT "
    "id * 4 + 1, 'service', id, office_id, 'office' || office_id, name_zh || ' ' || name_en, "
    "summary_zh || ' ' || summary_en || ' ' || eligibility_zh || ' ' || eligibility_en || ' ' || "
    "documents_zh || ' ' || documents_en || ' ' || steps_zh || ' ' || steps_en || ' ' || fee_zh "
    "|| ' ' || fee_en FROM services;"
    "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) SELECT "
    "id * 4 + 2, 'faq', id, office_id, 'office' || office_id, question_zh || ' ' || question_en, "
    "category_zh || ' ' || category_en || ' ' || answer_zh || ' ' || answer_en FROM faq;"
    "INSERT INTO search_index (rowid, kind, ref_id, office_id, office_key, title, body) SELECT "
    "id * 4 + 3, 'announcement', id, office_id, 'office' || office_id, title_zh || ' ' || "
    "title_en, body_zh || ' ' || body_en FROM announcements;";
#undef OFFICE_KEY

/* Booked visits (migration 26, domain/booking.h): the office's booking settings, a count of
 * places taken per lane (a unit's counters, or the consultation desk), day and slot start (a
 * conditional UPDATE of that row is what lets one of two people win the last place), and the
 * bookings themselves with sealed contact details and their check-in (arrived_at, late). */
static const char migration_26_sql[] =
    "CREATE TABLE booking_config ("
    " office_id INTEGER PRIMARY KEY REFERENCES offices(id) ON DELETE CASCADE,"
    " slot_minutes INTEGER NOT NULL,"
    " capacity INTEGER NOT NULL,"
    " lunch_service INTEGER NOT NULL DEFAULT 0,"
    " services TEXT NOT NULL DEFAULT '',"
    " pickup INTEGER NOT NULL DEFAULT 0,"
    " consult_weekday INTEGER NOT NULL DEFAULT 0,"
    " consult_start INTEGER NOT NULL DEFAULT 0,"
    " consult_end INTEGER NOT NULL DEFAULT 0,"
    " consult_capacity INTEGER NOT NULL DEFAULT 0,"
    " consult_title_zh TEXT NOT NULL DEFAULT '',"
    " consult_title_en TEXT NOT NULL DEFAULT '',"
    " updated_at INTEGER NOT NULL);"
    "CREATE TABLE booking_slot_counts ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " lane TEXT NOT NULL,"
    " day INTEGER NOT NULL,"
    " start_minute INTEGER NOT NULL,"
    " booked INTEGER NOT NULL,"
    " PRIMARY KEY (office_id, lane, day, start_minute));"
    "CREATE TABLE bookings ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " token TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL,"
    " service_id INTEGER,"
    " case_id INTEGER,"
    " lane TEXT NOT NULL,"
    " day INTEGER NOT NULL,"
    " start_minute INTEGER NOT NULL,"
    " end_minute INTEGER NOT NULL,"
    " name_sealed TEXT NOT NULL,"
    " name_masked TEXT NOT NULL,"
    " contact_sealed TEXT NOT NULL,"
    " channel TEXT NOT NULL,"
    " lang TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " arrived_at INTEGER,"
    " late INTEGER NOT NULL DEFAULT 0,"
    " reminded_at INTEGER);"
    "CREATE INDEX bookings_day ON bookings (office_id, day, start_minute);"
    "CREATE INDEX bookings_due ON bookings (day, status);";
/* Initial passwords (migration 24, issue 21 sec4): when the password was set (unix seconds;
 * 0 for passwords set before this migration). A password someone else set (password_expired)
 * that is still unused 24 hours after it was set no longer signs in (domain/accounts.h). */
static const char migration_24_sql[] =
    "ALTER TABLE users ADD COLUMN password_set_at INTEGER NOT NULL DEFAULT 0;";
/* Fee schedules as data (migration 23, issue 17): a service's fee schedule, a JSON list of
 * items (domain/fee_schedule.h), [] for none (then fee_amount x copies applies). */
static const char migration_23_sql[] =
    "ALTER TABLE services ADD COLUMN fee_schedule TEXT NOT NULL DEFAULT '[]';";
/* Indicators (migration 29, issue 20): counters per (office, Taipei month, unit, service,
 * channel) that each status event of the case log is added to once (case_events.kpi_counted,
 * found through a partial index of the events not yet counted; kpi_state is the one row an
 * updater locks so two nodes never count an event twice), and the completed cases by working
 * hours for the medians and P90s. Events already in the log start uncounted. */
static const char migration_29_sql[] =
    "ALTER TABLE case_events ADD COLUMN kpi_counted INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX case_events_kpi ON case_events (id) WHERE kpi_counted = 0 AND kind = 'status';"
    "CREATE TABLE kpi_state ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " updated_at INTEGER NOT NULL);"
    "INSERT INTO kpi_state (id, updated_at) VALUES (1, 0);"
    "CREATE TABLE kpi_case_month ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " month INTEGER NOT NULL,"
    " unit_id INTEGER NOT NULL,"
    " service_id INTEGER NOT NULL,"
    " channel TEXT NOT NULL,"
    " received INTEGER NOT NULL DEFAULT 0,"
    " completed INTEGER NOT NULL DEFAULT 0,"
    " on_time INTEGER NOT NULL DEFAULT 0,"
    " ended_other INTEGER NOT NULL DEFAULT 0,"
    " used_minutes INTEGER NOT NULL DEFAULT 0,"
    " corrections INTEGER NOT NULL DEFAULT 0,"
    " second_corrections INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (office_id, month, unit_id, service_id, channel));"
    "CREATE TABLE kpi_case_hours ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " month INTEGER NOT NULL,"
    " unit_id INTEGER NOT NULL,"
    " service_id INTEGER NOT NULL,"
    " channel TEXT NOT NULL,"
    " hours INTEGER NOT NULL,"
    " cases INTEGER NOT NULL,"
    " PRIMARY KEY (office_id, month, unit_id, service_id, channel, hours));";

/* Plan control (migration 30, issue 20): an office's yearly plan (管考), one row per focal
 * point (工作重點) carrying its item (工作要項: number and title, as the seeds' tables
 * do), its responsible unit (0: every unit, "各課"), deadline (ISO date), indicator (linked:
 * a kpi.h name in kpi_name; by hand: label and unit) and target (x1000, -1 none); monthly
 * progress per focal point and unit (month YYYYMM), one row each, the latest entry kept. */
static const char migration_30_sql[] =
    "CREATE TABLE plans ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " roc_year INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (office_id, roc_year));"
    "CREATE TABLE plan_points ("
    " id INTEGER PRIMARY KEY,"
    " plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " item_no INTEGER NOT NULL,"
    " item TEXT NOT NULL,"
    " point TEXT NOT NULL,"
    " unit_id INTEGER NOT NULL,"
    " deadline TEXT NOT NULL,"
    " kpi_name TEXT NOT NULL,"
    " indicator TEXT NOT NULL,"
    " target_milli INTEGER NOT NULL,"
    " target_unit TEXT NOT NULL,"
    " UNIQUE (plan_id, seq));"
    "CREATE TABLE plan_progress ("
    " id INTEGER PRIMARY KEY,"
    " point_id INTEGER NOT NULL REFERENCES plan_points(id) ON DELETE CASCADE,"
    " month INTEGER NOT NULL,"
    " unit_id INTEGER NOT NULL,"
    " percent INTEGER NOT NULL,"
    " body TEXT NOT NULL,"
    " author TEXT NOT NULL,"
    " at INTEGER NOT NULL,"
    " UNIQUE (point_id, month, unit_id));";

/* Counter queues, part 2 (migration 31, issue 18). A kiosk check-in of a booking issues a ticket
 * (tickets.booking_id, at most one per booking); booked = 1 when the citizen checked in on time,
 * which places the ticket ahead of walk-ins from its slot's start (domain/queue.h, the published
 * rule). ticket_matters: the further matters (services) a counter serves in the same visit, each
 * with the case its intake made. The admin page (/staff/admin/queues) closes a queue (is_open = 0:
 * no tickets taken) and names a counter. */
static const char migration_31_sql[] =
    "ALTER TABLE tickets ADD COLUMN booking_id INTEGER REFERENCES bookings(id) ON DELETE SET NULL;"
    "ALTER TABLE tickets ADD COLUMN booked INTEGER NOT NULL DEFAULT 0;"
    "CREATE UNIQUE INDEX tickets_booking ON tickets (booking_id);"
    "CREATE TABLE ticket_matters ("
    " id INTEGER PRIMARY KEY,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
    " service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,"
    " case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,"
    " added_at INTEGER NOT NULL);"
    "CREATE INDEX ticket_matters_ticket ON ticket_matters (ticket_id);"
    "ALTER TABLE queues ADD COLUMN is_open INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE counters ADD COLUMN name TEXT NOT NULL DEFAULT '';";
/* Plan evidence files (migration 34, issue 20): the files a responsible unit attaches to a
 * monthly progress entry (photos, PDFs, ODF documents), the bytes once per SHA-256 in
 * upload_blobs like the case documents; removing a file deletes its row (the audit trail keeps
 * who, when and which file). */
static const char migration_34_sql[] =
    "CREATE TABLE plan_evidence ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " progress_id INTEGER NOT NULL REFERENCES plan_progress(id) ON DELETE CASCADE,"
    " sha256 TEXT NOT NULL REFERENCES upload_blobs(sha256),"
    " name TEXT NOT NULL,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL,"
    " created_by_name TEXT NOT NULL);"
    "CREATE INDEX plan_evidence_progress ON plan_evidence(progress_id);";

/* Documents checked online instead of on paper (migration 35, issue 20: 減少書證謄本 /
 * 免附證明文件). One row per case taken in since: how many documents its service required,
 * how many were handed in on paper, how many the office checked electronically (data exchange)
 * instead, and the names of those; the case's unit, service and channel at intake. The
 * indicators read it by office and time of receipt (the index covers the filters and counts). */
static const char migration_35_sql[] =
    "CREATE TABLE case_document_checks ("
    " case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " received_at INTEGER NOT NULL,"
    " unit_id INTEGER NOT NULL,"
    " service_id INTEGER NOT NULL,"
    " channel TEXT NOT NULL,"
    " required INTEGER NOT NULL,"
    " on_paper INTEGER NOT NULL,"
    " online INTEGER NOT NULL,"
    " online_documents TEXT NOT NULL DEFAULT '[]');"
    "CREATE INDEX case_document_checks_received ON case_document_checks(office_id, received_at, "
    "unit_id, service_id, channel, required, on_paper, online);";

/* Words per service (migration 20, issue 15): an office's case words (收件字, e.g. 新登 EB01,
 * 新測 EB02, 新謄 EB03), one row per (office, code), seeded from each office's own word. A
 * service names one by code (services.case_word_code); cases are numbered per (office, word,
 * ROC year) in case_sequences as before. Changes move the directory version like migration 14. */
static const char migration_20_sql[] =
    "CREATE TABLE case_words ("
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL,"
    " word_zh TEXT NOT NULL,"
    " word_en TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (office_id, code));"
    "INSERT INTO case_words (office_id, code, word_zh, word_en) SELECT id, case_word_code, "
    "case_word_zh, '' FROM offices WHERE case_word_code <> '' AND case_word_zh <> '';"
    "CREATE TRIGGER case_words_insert_directory AFTER INSERT ON case_words"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER case_words_update_directory AFTER UPDATE ON case_words"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER case_words_delete_directory AFTER DELETE ON case_words"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;";

/* Outcome documents and the remote 即時 limit (migration 22, issue 15). services gains
 * remote_instant_minutes: the working minutes a 即時 service (time limit 0) gives a case that
 * arrives online, by post or through the API (default 480, one working day; never 0, so never a
 * deadline at arrival). case_outcome_documents holds what staff issue on a case (a certificate
 * as PDF or an image) for the applicant to download through the case's link; the bytes live in
 * upload_blobs like the applicants' uploads. A withdrawn document keeps its row (who, when,
 * why) and is no longer offered. */
static const char migration_22_sql[] =
    "ALTER TABLE services ADD COLUMN remote_instant_minutes INTEGER NOT NULL DEFAULT 480;"
    "CREATE TABLE case_outcome_documents ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id),"
    " case_id INTEGER NOT NULL REFERENCES cases(id),"
    " sha256 TEXT NOT NULL REFERENCES upload_blobs(sha256),"
    " name TEXT NOT NULL,"
    " mime TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by INTEGER NOT NULL,"
    " created_by_name TEXT NOT NULL,"
    " withdrawn_at INTEGER,"
    " withdrawn_by_name TEXT NOT NULL DEFAULT '',"
    " withdrawn_reason TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX case_outcome_documents_case ON case_outcome_documents(case_id);";
/* Counter queues (migration 25, issue 18). A queue (code letter A, B, ...) per office serves
 * some services (queue_services); a counter serves some queues (counter_queues) and is open,
 * paused or closed, with the clerk who sits at it. queue_days hands out each queue's numbers per
 * Taipei day (day = days since 1970-01-01 in Asia/Taipei) gap-free: the ticket is inserted in the
 * same transaction as the number is taken. A ticket waits in waiting_queue_id (its own queue
 * until a transfer) and, after a transfer to a counter, for that counter only (for_counter_id).
 * queue_calls is the log boards follow: one row per call or recall, its id the event id. */
static const char migration_25_sql[] =
    "CREATE TABLE queues ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL,"
    " name_zh TEXT NOT NULL,"
    " name_en TEXT NOT NULL DEFAULT '',"
    " sort INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (office_id, code));"
    "CREATE TABLE queue_services ("
    " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
    " service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
    " PRIMARY KEY (queue_id, service_id));"
    "CREATE TABLE counters ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " number TEXT NOT NULL,"
    " unit_id INTEGER REFERENCES units(id) ON DELETE SET NULL,"
    " status TEXT NOT NULL DEFAULT 'closed',"
    " user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
    " UNIQUE (office_id, number));"
    "CREATE TABLE counter_queues ("
    " counter_id INTEGER NOT NULL REFERENCES counters(id) ON DELETE CASCADE,"
    " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
    " PRIMARY KEY (counter_id, queue_id));"
    "CREATE TABLE queue_days ("
    " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
    " day INTEGER NOT NULL,"
    " last_number INTEGER NOT NULL,"
    " PRIMARY KEY (queue_id, day));"
    "CREATE TABLE tickets ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
    " day INTEGER NOT NULL,"
    " number INTEGER NOT NULL,"
    " code TEXT NOT NULL,"
    " service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,"
    " waiting_queue_id INTEGER NOT NULL REFERENCES queues(id) ON DELETE CASCADE,"
    " for_counter_id INTEGER REFERENCES counters(id) ON DELETE SET NULL,"
    " counter_id INTEGER REFERENCES counters(id) ON DELETE SET NULL,"
    " status TEXT NOT NULL,"
    " priority TEXT NOT NULL DEFAULT '',"
    " channel TEXT NOT NULL,"
    " token_hash TEXT NOT NULL,"
    " taken_at INTEGER NOT NULL,"
    " queued_at INTEGER NOT NULL,"
    " first_called_at INTEGER,"
    " called_at INTEGER,"
    " served_at INTEGER,"
    " done_at INTEGER,"
    " note TEXT NOT NULL DEFAULT '',"
    " notify_ahead INTEGER NOT NULL DEFAULT 0,"
    " notify_channel TEXT NOT NULL DEFAULT '',"
    " notify_to TEXT NOT NULL DEFAULT '',"
    " notify_lang TEXT NOT NULL DEFAULT '',"
    " notified_at INTEGER,"
    " case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,"
    " UNIQUE (queue_id, day, number),"
    " UNIQUE (token_hash));"
    "CREATE INDEX tickets_waiting ON tickets (waiting_queue_id, status, queued_at);"
    "CREATE INDEX tickets_office_day ON tickets (office_id, day, status);"
    "CREATE TABLE queue_calls ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,"
    " counter_id INTEGER REFERENCES counters(id) ON DELETE SET NULL,"
    " kind TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX queue_calls_office ON queue_calls (office_id, id);";

/* Surveys and quality records (migration 28, issue 19; domain/survey.c). A survey's questions,
 * options, conditions and waves are one JSON document (definition), the same text its export
 * and import carry. An answer keeps its case only to refuse a second answer for the same case
 * (UNIQUE (survey_id, case_id); NULL for answers open to all); no export reads case_id. */
static const char migration_28_sql[] =
    "CREATE TABLE surveys ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " slug TEXT NOT NULL,"
    " measure TEXT NOT NULL DEFAULT '',"
    " collect TEXT NOT NULL,"
    " title_zh TEXT NOT NULL,"
    " title_en TEXT NOT NULL DEFAULT '',"
    " definition TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " UNIQUE (office_id, slug));"
    "CREATE TABLE survey_answers ("
    " id INTEGER PRIMARY KEY,"
    " survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
    " wave TEXT NOT NULL DEFAULT '',"
    " month TEXT NOT NULL,"
    " channel TEXT NOT NULL,"
    " case_id INTEGER,"
    " service_id INTEGER,"
    " unit_id INTEGER,"
    " counter TEXT NOT NULL DEFAULT '',"
    " answers TEXT NOT NULL,"
    " answered_at INTEGER NOT NULL,"
    " UNIQUE (survey_id, case_id));"
    "CREATE TABLE quality_records ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " unit_id INTEGER,"
    " kind TEXT NOT NULL,"
    " held_on TEXT NOT NULL,"
    " topic TEXT NOT NULL DEFAULT '',"
    " items TEXT NOT NULL DEFAULT '[]',"
    " score INTEGER NOT NULL DEFAULT 0,"
    " attendees INTEGER NOT NULL DEFAULT 0,"
    " hours_tenths INTEGER NOT NULL DEFAULT 0,"
    " recorded_by INTEGER,"
    " recorded_at INTEGER NOT NULL);"
    "CREATE INDEX quality_records_office ON quality_records(office_id, held_on);";

/* The directory's version (migration 14): one row whose number moves with every change to an
 * office, unit, service or service form, so that each process holding them in memory
 * (domain/directory.c) sees another node's edit by reading one integer. */
static const char migration_14_sql[] =
    "CREATE TABLE directory_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT "
    "NULL);"
    "INSERT INTO directory_version (id, version) VALUES (1, 1);"
    "CREATE TRIGGER offices_insert_directory AFTER INSERT ON offices"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER offices_update_directory AFTER UPDATE ON offices"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER offices_delete_directory AFTER DELETE ON offices"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER units_insert_directory AFTER INSERT ON units"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER units_update_directory AFTER UPDATE ON units"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER units_delete_directory AFTER DELETE ON units"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER services_insert_directory AFTER INSERT ON services"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER services_update_directory AFTER UPDATE ON services"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER services_delete_directory AFTER DELETE ON services"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER service_forms_insert_directory AFTER INSERT ON service_forms"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER service_forms_update_directory AFTER UPDATE ON service_forms"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;"
    "CREATE TRIGGER service_forms_delete_directory AFTER DELETE ON service_forms"
    " BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;";

/* Deadline-scanner indexes (migration 13): each minute the scanner reads the open cases and the
 * closed ones whose pickup reminder is due, not every case ever taken. cases_open_scan walks
 * the open cases in id order and holds what the scan reads of them; pickup_reminded_at (when the
 * not-picked-up reminder was sent, filled here from the timeline for the cases reminded before)
 * takes a reminded case out of cases_pickup_due, so that index holds only the closed cases still
 * waiting for pickup and their reminder, by closing time. */
static const char migration_13_sql[] =
    "ALTER TABLE cases ADD COLUMN pickup_reminded_at INTEGER;"
    "UPDATE cases SET pickup_reminded_at = (SELECT min(e.at) FROM case_events e WHERE e.case_id = "
    "cases.id AND e.kind = 'not_picked_up') WHERE picked_up_at IS NULL AND EXISTS (SELECT 1 FROM "
    "case_events e WHERE e.case_id = cases.id AND e.kind = 'not_picked_up');"
    "CREATE INDEX cases_open_scan ON cases(id, office_id, due_at, due_state, paused_since, "
    "closed_at) WHERE closed_at IS NULL;"
    "CREATE INDEX cases_pickup_due ON cases(closed_at) WHERE status = 'closed' AND picked_up_at "
    "IS NULL AND pickup_reminded_at IS NULL;";

/* Security (migration 15). case_check_failures counts wrong check codes typed for a case on
 * one Taipei day (day = days since 1970-01-01 in Asia/Taipei); from CASE_CHECK_LOCK_AFTER on, the
 * number + check code lookup of that case is locked until the day ends (domain/case_read.c).
 * users.password_expired: an administrator set the password, so the person must choose a new
 * one before anything else. Sign-in throttling rows of typed user names in clear are dropped. */
static const char migration_15_sql[] =
    "CREATE TABLE case_check_failures ("
    " case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,"
    " day INTEGER NOT NULL,"
    " failures INTEGER NOT NULL);"
    "ALTER TABLE users ADD COLUMN password_expired INTEGER NOT NULL DEFAULT 0;"
    /* throttling rows keyed by a typed name in clear (now a keyed hash: domain/accounts.c) */
    "DELETE FROM login_throttle WHERE key LIKE 'user:%';";

/* Workflows as data (migration 21, issue 15): each office's workflow definitions, one row per
 * (office, code, version), never changed once written (store/workflows.h); the newest version
 * is current. A case remembers the version it started on and finishes on it; the cases taken
 * before this migration ran the shipped definitions, which are version 1. */
static const char migration_21_sql[] =
    "CREATE TABLE workflow_definitions ("
    " id INTEGER PRIMARY KEY,"
    " office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " definition TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " created_by TEXT NOT NULL DEFAULT '',"
    " UNIQUE (office_id, code, version));"
    "ALTER TABLE cases ADD COLUMN workflow_version INTEGER NOT NULL DEFAULT 1;";

/* Migration 33 (issue 20, indicators): indexes for the indicators' reads that are not the
 * counters of migration 29 - the status events by time (the cases behind a dashboard figure,
 * domain/kpi_cases.c), petitions by receipt and survey answers by month (store/kpi_service.c). */
static const char migration_33_sql[] =
    "CREATE INDEX case_events_status_at ON case_events (at, case_id, from_status, to_status) "
    "WHERE kind = 'status';"
    "CREATE INDEX petitions_kpi_received ON petitions (office_id, received_at);"
    "CREATE INDEX survey_answers_kpi_month ON survey_answers (survey_id, month);";

/* The case row carries its public history (migration 36, issue 14): cases.public_history holds
 * exactly what the public timeline shows of case_events (its public events and every status
 * move, a move's note and data '' unless public), in id order, so the progress lookup reads one
 * row instead of the row and then the events. case_events stays the record (staff pages,
 * indicators, audit); store_case_event_add appends to both in one transaction. Encoding (the
 * store decodes it, store/cases.c): per event eight fields id, at, public (0/1), kind,
 * from_status, to_status, note, data, each "<byte length>:<bytes>," (docs/ARCHITECTURE.md).
 * Existing cases are filled here from their events. */
static const char migration_36_sql[] =
    "ALTER TABLE cases ADD COLUMN public_history TEXT NOT NULL DEFAULT '';"
    "UPDATE cases SET public_history = h.history FROM (SELECT case_id, history FROM (SELECT "
    "case_id, row_number() OVER (PARTITION BY case_id ORDER BY id DESC) AS last, group_concat("
    "length(id) || ':' || id || ',' || length(at) || ':' || at || ',' || CASE WHEN public = 1 "
    "THEN '1:1,' ELSE '1:0,' END || length(CAST(kind AS BLOB)) || ':' || kind || ',' || "
    "length(CAST(from_status AS BLOB)) || ':' || from_status || ',' || "
    "length(CAST(to_status AS BLOB)) || ':' || to_status || ',' || CASE WHEN public = 1 THEN "
    "length(CAST(note AS BLOB)) || ':' || note || ',' || length(CAST(data AS BLOB)) || ':' || "
    "data || ',' ELSE '0:,0:,' END, '') OVER (PARTITION BY case_id ORDER BY id) AS history "
    "FROM case_events WHERE public = 1 OR kind = 'status') WHERE last = 1) AS h "
    "WHERE h.case_id = cases.id;";

/* The case row carries the rest of what the public lookup reads (migration 37, issue 14), so
 * its statement reads the cases_key index and the row and nothing else: fee_due, payment_count
 * and upload_count mirror case_fees, payments and uploads (store/case_mirror.h: kept by their
 * writers in the same transaction, filled here by the same statement); check_locked_day is the
 * Taipei day on which the case's wrong check codes reached the lock (0: never), set by the
 * wrong code that reaches it and cleared by the unlock, so a lookup knows a lock without
 * reading case_check_failures, which keeps the count (10: CASE_CHECK_LOCK_AFTER, domain). */
static const char migration_37_sql[] =
    "ALTER TABLE cases ADD COLUMN fee_due INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN payment_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN upload_count INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN check_locked_day INTEGER NOT NULL DEFAULT 0;" CASE_MIRROR_BACKFILL
    ";"
    "UPDATE cases SET check_locked_day = k.day FROM case_check_failures k WHERE k.case_id = "
    "cases.id AND k.failures >= 10;";

/* A progress link (/p/<token>) lists the case's outcome documents: outcome_count mirrors how
 * many it has not withdrawn (store/case_mirror.h: kept by store_outcome_add and _withdraw in
 * the same transaction, filled here by the same expression), so the lookup of a case without
 * any, which is most of them, reads its row and nothing else. */
static const char migration_38_sql[] = "ALTER TABLE cases ADD COLUMN outcome_count INTEGER NOT "
                                       "NULL DEFAULT 0;" CASE_MIRROR_OUTCOME_BACKFILL ";";

const struct store_migration sqlite_migrations[] = {
    {1, "offices, units, settings", migration_1_sql},
    {2, "users, sessions, sign-in throttling, audit trail", migration_2_sql},
    {3, "catalogue: services, files, FAQ, announcements, revisions, search", migration_3_sql},
    {4, "land sections, parcels, values by year, resurvey, addresses", migration_4_sql},
    {5, "cases, timeline, pauses, delegation, staff presence", migration_5_sql},
    {6, "notices: outbox and message templates", migration_6_sql},
    {7, "application forms: service questions", migration_7_sql},
    {9, "fees and payments", migration_9_sql},
    {8, "online applications: answers on cases, drafts, uploads", migration_8_sql},
    {10, "api keys, Open311 requests", migration_10_sql},
    {11, "work-list indexes on open cases", migration_11_sql},
    {12, "one schema: cases_key unique per office", migration_12_sql},
    {13, "deadline-scanner indexes: open cases, pickup reminders due", migration_13_sql},
    {14, "directory version for in-memory offices, units and services", migration_14_sql},
    {15, "security: check-code failures per case, expired passwords", migration_15_sql},
    {16, "outbox: messages not tied to a case (subject kind and id)", migration_16_sql},
    {17, "sessions: time of the last re-authentication (step-up)", migration_17_sql},
    {18, "FAQ and announcements move the directory version", migration_18_sql},
    {19, "search index: each row's office as an indexed token", migration_19_sql},
    {20, "case words per office", migration_20_sql},
    {21, "workflow definitions per office, the version each case started on", migration_21_sql},
    {22, "outcome documents, remote 即時 limit per service", migration_22_sql},
    {23, "fee schedules as data: services.fee_schedule", migration_23_sql},
    {24, "initial passwords: users.password_set_at", migration_24_sql},
    {25, "counter queues: queues, counters, tickets, calls", migration_25_sql},
    {26, "booked visits: settings, places per slot, bookings", migration_26_sql},
    {27, "petitions: categories, numbers, petitions, timeline", migration_27_sql},
    {28, "surveys, survey answers, quality records", migration_28_sql},
    {29, "indicators: monthly case counters from the event log", migration_29_sql},
    {30, "plan control: plans, focal points, monthly progress", migration_30_sql},
    {31, "queues: booked check-in tickets, several matters per visit", migration_31_sql},
    {33, "indicators: status events by time, petitions by receipt, answers by month",
     migration_33_sql},
    {34, "plan evidence files on progress entries", migration_34_sql},
    {35, "documents checked online instead of on paper, per case", migration_35_sql},
    {36, "the case row carries its public history", migration_36_sql},
    {37, "the case row mirrors its fee, payment and upload counts, its check-code lock",
     migration_37_sql},
    {38, "the case row mirrors its count of outcome documents", migration_38_sql},
};

const size_t sqlite_migrations_count = ARRAY_LEN(sqlite_migrations);
