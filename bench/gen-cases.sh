#!/usr/bin/env bash
# gen-cases.sh DB N [SEED] - adds N realistic cases (numbers, statuses, dates, one timeline event
# each) to the demo office xinxing of an existing bianmin SQLite database, deterministically from
# SEED. The check code of serial s is ((s * 7919 + SEED) mod 1000000), zero-padded, so load
# scripts can compute valid lookups. Applicant fields are a masked name only (no sealed data:
# lookups never unseal).
set -euo pipefail
db=$1 n=$2 seed=${3:-42}
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n),
o AS (SELECT id, case_word_code AS word FROM offices WHERE slug = 'xinxing'),
sv AS (SELECT id, unit_id, row_number() OVER (ORDER BY id) - 1 AS k FROM services
       WHERE office_id = (SELECT id FROM o)),
nsv AS (SELECT count(*) AS n FROM sv)
INSERT INTO cases (office_id, service_id, unit_id, roc_year, word_code, serial, case_key,
  check_code, qr_token_hash, workflow, status, channel, handler_id, counter, received_at,
  time_limit_minutes, due_at, due_state, fee_amount, documents, applicant_name,
  applicant_name_masked, notify, lang, updated_at, closed_at)
SELECT (SELECT id FROM o),
  sv.id, sv.unit_id,
  114, 'BENCH', i, printf('114-BENCH-%06d', i),
  printf('%06d', (i * 7919 + $seed) % 1000000),
  printf('bench-%d-%d', $seed, i), 'land_registration',
  CASE (i * 13 + $seed) % 10 WHEN 0 THEN 'first_review' WHEN 1 THEN 'second_review'
    WHEN 2 THEN 'correction' WHEN 3 THEN 'recording' ELSE 'closed' END,
  CASE i % 7 WHEN 0 THEN 'online' ELSE 'counter' END, NULL, '1-12',
  1735700000 + i * 30, 1440, 1735700000 + i * 30 + 259200,
  CASE (i * 17) % 20 WHEN 0 THEN 'overdue' WHEN 1 THEN 'due_soon' ELSE 'on_time' END,
  80, '[]', '', '王○明', 'none', 'zh-TW', 1735700000 + i * 30,
  CASE WHEN (i * 13 + $seed) % 10 >= 4 THEN 1735700000 + i * 30 + 86400 ELSE NULL END
FROM s JOIN nsv JOIN sv ON sv.k = (s.i * 31 + $seed) % nsv.n;
INSERT INTO case_events (case_id, at, actor, kind, to_status, public)
SELECT id, received_at, 'bench', 'status', 'received', 1 FROM cases WHERE word_code = 'BENCH'
  AND id NOT IN (SELECT case_id FROM case_events);
COMMIT;
SQL
