#!/usr/bin/env bash
# gen-cases-pg.sh URL N [SEED] - the PostgreSQL twin of gen-cases.sh: adds the same N cases
# (same numbers, check codes, statuses, dates, one timeline event each) to the demo office
# xinxing of a bianmin PostgreSQL database, in one transaction with generate_series. Much
# faster than generating into SQLite and moving the rows with `bianmin copy-db`. PSQL overrides
# the psql binary.
set -euo pipefail
url=$1 n=$2 seed=${3:-42}
PSQL=${PSQL:-psql}
"$PSQL" -q -v ON_ERROR_STOP=1 "$url" >/dev/null <<SQL
BEGIN;
WITH o AS (SELECT id FROM offices WHERE slug = 'xinxing'),
sv AS (SELECT id, unit_id, row_number() OVER (ORDER BY id) - 1 AS k FROM services
       WHERE office_id = (SELECT id FROM o)),
nsv AS (SELECT count(*) AS n FROM sv)
INSERT INTO cases (office_id, service_id, unit_id, roc_year, word_code, serial, case_key,
  check_code, qr_token_hash, workflow, status, channel, handler_id, counter, received_at,
  time_limit_minutes, due_at, due_state, fee_amount, documents, applicant_name,
  applicant_name_masked, notify, lang, updated_at, closed_at)
SELECT (SELECT id FROM o),
  sv.id, sv.unit_id,
  114, 'BENCH', i, '114-BENCH-' || lpad(i::text, 6, '0'),
  lpad(((i * 7919 + $seed) % 1000000)::text, 6, '0'),
  'bench-$seed-' || i, 'land_registration',
  CASE (i * 13 + $seed) % 10 WHEN 0 THEN 'first_review' WHEN 1 THEN 'second_review'
    WHEN 2 THEN 'correction' WHEN 3 THEN 'recording' ELSE 'closed' END,
  CASE i % 7 WHEN 0 THEN 'online' ELSE 'counter' END, NULL, '1-12',
  1735700000 + i * 30, 1440, 1735700000 + i * 30 + 259200,
  CASE (i * 17) % 20 WHEN 0 THEN 'overdue' WHEN 1 THEN 'due_soon' ELSE 'on_time' END,
  80, '[]', '', '王○明', 'none', 'zh-TW', 1735700000 + i * 30,
  CASE WHEN (i * 13 + $seed) % 10 >= 4 THEN 1735700000 + i * 30 + 86400 ELSE NULL END
FROM generate_series(1, $n) AS s(i) CROSS JOIN nsv JOIN sv ON sv.k = (s.i * 31 + $seed) % nsv.n;
INSERT INTO case_events (case_id, at, actor, kind, to_status, public)
SELECT c.id, c.received_at, 'bench', 'status', 'received', 1 FROM cases c
WHERE c.word_code = 'BENCH' AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id);
COMMIT;
VACUUM ANALYZE;
SQL
