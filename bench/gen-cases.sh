#!/usr/bin/env bash
# gen-cases.sh DB N [SEED] - adds N realistic cases to an existing bianmin SQLite database that
# holds offices and services (`bianmin demo`), deterministically from SEED and the anchor date.
#
# What it makes, all in SQL inside sqlite3 (a million cases in a minute or two):
#   - staff: per unit that owns services, one supervisor (<office>-<unit>-sup, handler and
#     supervisor roles) and four handlers (<office>-<unit>-h1..h4), with the unit set and a
#     counter each, with the password of the office's demo handler (BIANMIN_DEMO_PASSWORD,
#     default bianmin-demo-2026);
#   - cases spread over the offices (OFFICES="slug:weight ..." to choose, default every office
#     by size: land offices busiest), services by a realistic mix of each office's catalogue,
#     received on the working days of the last two years (08:30-17:30 Taipei; 85% at the
#     counter), numbered per office, word and ROC year exactly like intake, each with a handler
#     of the service's unit, the deadline from the service's time limit in working hours;
#   - outcomes: most cases go through every step of their workflow (land registration: first
#     review, second review, recording, proofreading, records updated, closed, archived after a
#     month; others: processing, closed) and are picked up; 5% have a correction (補正: the
#     clock stops, then resumes), 1.5% are rejected after the correction deadline, 1.5% are
#     withdrawn, about 2-3% finish late (an overdue event). Cases received recently are still
#     open at the step their progress has reached, due soon or overdue as of now;
#   - the timeline of every case (every status move, correction, overdue, pickup), the clock
#     pauses, and the number sequences, so that intake goes on numbering after them.
# The check code and everything else derive from SEED and the case's ordinal: `bench/lib.sh
# samples` draws valid lookups from the database. ANCHOR (YYYY-MM-DD, default today in Taipei)
# fixes "today": the same N, SEED and ANCHOR give the same cases. Applicant fields are a masked
# name only (the bench never unseals personal data); notify is none (no outbox messages).
set -euo pipefail
db=$1 n=$2 seed=${3:-42}
anchor=${ANCHOR:-$(TZ=Asia/Taipei date +%F)}
A=$(date -u -d "$anchor 00:00 +0800" +%s)       # the anchor day's midnight in Taipei
dow=$(date -u -d "$anchor 12:00 +0800" +%u)      # 1 = Monday
S=$((A - (728 + dow - 1) * 86400))             # the Monday about two years before
days=$(((A - S) / 86400))
W=$((days / 7 * 5 + (days % 7 < 5 ? days % 7 : 5))) # working days from S to the day before A
NOW=$(date +%s)
[ "$n" -ge 1 ] || { echo "gen-cases: N must be at least 1" >&2; exit 2; }
OFFICES=${OFFICES:-"xinxing:30 hsinchu:28 anle:20 kh-udd:12 niaosong:10"}
office_values=$(for ow in $OFFICES; do printf "('%s', %d)," "${ow%%:*}" "${ow##*:}"; done)
office_values=${office_values%,}
# Since migration 13 a reminded case says so on its row too (pickup_reminded_at), which takes it
# out of the scanner's index; older schemas have only the timeline event.
reminded_sql=""
if [ "$(sqlite3 "$db" "SELECT count(*) FROM pragma_table_info('cases')
    WHERE name = 'pickup_reminded_at'")" = 1 ]; then
  reminded_sql="UPDATE cases SET pickup_reminded_at = b.at FROM (SELECT case_id, at FROM bev
    WHERE kind = 'not_picked_up') b WHERE cases.id = b.case_id;"
fi
# Since migration 36 a case's row carries its public history (cases.public_history, what the
# progress lookup reads): filled from the generated events with migration 36's own backfill
# statement (src/store/migrations_sqlite.c; keep the two the same).
history_sql=""
if [ "$(sqlite3 "$db" "SELECT count(*) FROM pragma_table_info('cases')
    WHERE name = 'public_history'")" = 1 ]; then
  history_sql="UPDATE cases SET public_history = h.history FROM (SELECT case_id, history FROM (
    SELECT case_id, row_number() OVER (PARTITION BY case_id ORDER BY id DESC) AS last,
    group_concat(length(id) || ':' || id || ',' || length(at) || ':' || at || ',' ||
    CASE WHEN public = 1 THEN '1:1,' ELSE '1:0,' END || length(CAST(kind AS BLOB)) || ':' ||
    kind || ',' || length(CAST(from_status AS BLOB)) || ':' || from_status || ',' ||
    length(CAST(to_status AS BLOB)) || ':' || to_status || ',' || CASE WHEN public = 1 THEN
    length(CAST(note AS BLOB)) || ':' || note || ',' || length(CAST(data AS BLOB)) || ':' ||
    data || ',' ELSE '0:,0:,' END, '') OVER (PARTITION BY case_id ORDER BY id) AS history
    FROM case_events WHERE public = 1 OR kind = 'status') WHERE last = 1) AS h
    WHERE h.case_id = cases.id;"
fi
# Since migration 37 a case's row mirrors its fee and the counts of its payments and uploads
# (cases.fee_due, payment_count, upload_count): filled by migration 37's backfill statement,
# assembled here from the expressions the store's writers use, read out of
# src/store/case_mirror.h (CASE_MIRROR_FEE_DUE, _PAYMENTS, _UPLOADS for the cases
# CASE_MIRROR_ANY selects, as CASE_MIRROR_BACKFILL does), so that no copy can differ. The cases
# made here owe no fee and have no payments or uploads, so today it changes no row; it keeps
# them right if that changes. The check-code lock (check_locked_day) starts at its default 0.
c_macro()
{
  awk -v name="$1" '
    $0 ~ "^#define " name "( |$)" { on = 1 }
    on {
      line = $0
      while (match(line, /"[^"]*"/)) {
        out = out substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, RSTART + RLENGTH)
      }
      if ($0 !~ /\\$/) on = 0
    }
    END { print out }' "$(dirname "${BASH_SOURCE[0]}")/../src/store/case_mirror.h"
}
mirror_sql=""
if [ "$(sqlite3 "$db" "SELECT count(*) FROM pragma_table_info('cases')
    WHERE name = 'fee_due'")" = 1 ]; then
  mirror_sql="UPDATE cases SET $(c_macro CASE_MIRROR_FEE_DUE), $(c_macro CASE_MIRROR_PAYMENTS),
    $(c_macro CASE_MIRROR_UPLOADS) WHERE $(c_macro CASE_MIRROR_ANY);"
  case "$mirror_sql" in
  *"SET fee_due = "*", payment_count = "*"upload_count = "*" WHERE id IN (SELECT "*) ;;
  *) echo "gen-cases: cannot read the CASE_MIRROR_ macros of src/store/case_mirror.h" >&2; exit 1 ;;
  esac
fi

sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
PRAGMA temp_store = MEMORY;
BEGIN;
-- Offices by weight, on a scale of 1000.
CREATE TEMP TABLE bo AS
WITH w(slug, weight) AS (VALUES $office_values),
j AS (SELECT o.id, o.slug, o.kind, o.case_word_code AS word, w.weight FROM w JOIN offices o
      ON o.slug = w.slug),
t AS (SELECT sum(weight) AS total FROM j)
SELECT id, slug, kind, word,
  (sum(weight) OVER (ORDER BY id) - weight) * 1000 / total AS lo,
  sum(weight) OVER (ORDER BY id) * 1000 / total AS hi FROM j, t;

-- The service mix: how often each service is applied for (weights per slug; others 5).
CREATE TEMP TABLE bw(slug TEXT PRIMARY KEY, weight INTEGER);
INSERT INTO bw VALUES ('mortgage-creation', 22), ('mortgage-cancellation', 20),
  ('sale-transfer', 18), ('inheritance', 8), ('boundary-survey', 7), ('address-change', 6),
  ('gift-transfer', 5), ('transcript', 4), ('deed-replacement', 3), ('land-subdivision', 3),
  ('building-survey', 3), ('land-value-query', 1), ('rent-subsidy', 60),
  ('home-loan-subsidy', 25), ('zoning-certificate', 15), ('senior-card', 40), ('mediation', 10),
  ('conscript-family-survey', 25), ('conscript-exit', 25);
CREATE TEMP TABLE bs AS
WITH j AS (SELECT s.id, s.office_id, s.unit_id, s.time_limit_minutes AS lim,
             coalesce(s.fee_amount, 0) AS fee, coalesce(bw.weight, 5) AS weight,
             CASE WHEN s.case_word_code GLOB '[A-Z][A-Z0-9]*' THEN s.case_word_code END AS word
           FROM services s LEFT JOIN bw ON bw.slug = s.slug
           WHERE s.published = 1 AND s.office_id IN (SELECT id FROM bo) AND s.unit_id IS NOT NULL)
SELECT id, office_id, unit_id, lim, fee, word,
  (sum(weight) OVER (PARTITION BY office_id ORDER BY id) - weight) * 1000
    / sum(weight) OVER (PARTITION BY office_id) AS lo,
  sum(weight) OVER (PARTITION BY office_id ORDER BY id) * 1000
    / sum(weight) OVER (PARTITION BY office_id) AS hi FROM j;

-- Staff of every unit that owns services: a supervisor (n = 0) and four handlers.
CREATE TEMP TABLE bnames(k INTEGER PRIMARY KEY, name TEXT);
INSERT INTO bnames VALUES (0, '陳美玲'), (1, '林志明'), (2, '黃淑芬'), (3, '張家豪'), (4, '李怡君'),
  (5, '王建宏'), (6, '吳雅婷'), (7, '劉俊傑'), (8, '蔡佩珊'), (9, '楊宗翰'), (10, '許雅雯'),
  (11, '鄭文彬'), (12, '謝欣怡'), (13, '郭信宏'), (14, '洪秀琴'), (15, '曾國華');
INSERT OR IGNORE INTO users (office_id, unit_id, username, display_name, roles, password_hash,
  created_at, updated_at)
SELECT u.office_id, u.id, printf('%s-%s-%s', o.slug, u.code, CASE h.n WHEN 0 THEN 'sup'
    ELSE 'h' || h.n END),
  (SELECT name FROM bnames WHERE k = (u.id * 5 + h.n) % 16),
  CASE h.n WHEN 0 THEN 6 ELSE 2 END,
  (SELECT password_hash FROM users WHERE username = o.slug || '-handler'),
  strftime('%Y-%m-%dT%H:%M:%SZ', $S, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%SZ', $S, 'unixepoch')
FROM units u JOIN bo o ON o.id = u.office_id
JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) h
WHERE u.id IN (SELECT unit_id FROM bs)
  AND EXISTS (SELECT 1 FROM users WHERE username = o.slug || '-handler');
CREATE TEMP TABLE bh AS
SELECT u.id AS user_id, u.unit_id,
  row_number() OVER (PARTITION BY u.unit_id ORDER BY u.id) - 1 AS k,
  count(*) OVER (PARTITION BY u.unit_id) AS nk
FROM users u WHERE u.unit_id IN (SELECT unit_id FROM bs) AND u.username GLOB '*-h[0-9]';
INSERT OR IGNORE INTO staff_presence (user_id, present, counter, last_assigned_at)
SELECT user_id, 1, CAST(k + 1 AS TEXT), 0 FROM bh;

-- One row per case: the draws, then the times (working minutes over Monday-Friday,
-- 08:30-12:30 and 13:30-17:30 Taipei; day d of the range is calendar day d + 2 * (d / 5)).
CREATE TEMP TABLE bp AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n),
r0 AS (SELECT i, (i * 2654435 + $seed * 97 + 12345) % 2147483647 AS x FROM s),
r1 AS (SELECT i, x, (x * x + 7) % 2147483647 AS a FROM r0),
r2 AS (SELECT i, a, (a * 48271 + x) % 2147483647 AS b FROM r1),
r3 AS (SELECT i, a, b, (b * b + 13) % 2147483647 AS c FROM r2),
r4 AS (SELECT i, a, b, c, (c * 69621 + a) % 2147483647 AS d FROM r3),
r5 AS (SELECT i, a, b, c, d, (d * d + 17) % 2147483647 AS e FROM r4),
r6 AS (SELECT i, a, b, c, d, e, (e * 48271 + b) % 2147483647 AS f FROM r5),
p AS (
  SELECT r.i, o.id AS office_id, o.kind, coalesce(sv.word, o.word) AS word, sv.id AS service_id,
    sv.unit_id, sv.lim, sv.fee, r.c, r.d, r.e, r.f,
    (r.i - 1) * $W / $n AS k,
    510 + r.c % 540 AS minute,
    CASE WHEN r.d % 100 < 85 THEN 'counter' WHEN r.d % 100 < 97 THEN 'online' ELSE 'mail' END
      AS channel,
    CASE WHEN r.e % 1000 < 15 THEN 'withdrawn' WHEN r.e % 1000 < 30 THEN 'rejected'
      WHEN r.e % 1000 < 80 THEN 'corrected' ELSE 'normal' END AS outcome,
    -- processing time in working minutes: 20% to 102% of the limit (a few finish late)
    CASE WHEN sv.lim = 0 THEN 5 + r.f % 25 ELSE max(10, sv.lim * (200 + r.f % 820) / 1000) END
      AS work,
    -- a correction keeps the applicant 2-14 days; pickup 0-11 days after closing (3% never)
    (2 + r.a % 13) * 86400 AS pause,
    CASE WHEN r.f % 100 < 3 THEN NULL ELSE (r.a % 12) * 86400 + 3600 + r.c % 25200 END AS pickup
  FROM r6 r JOIN bo o ON r.a % 1000 >= o.lo AND r.a % 1000 < o.hi
  JOIN bs sv ON sv.office_id = o.id AND r.b % 1000 >= sv.lo AND r.b % 1000 < sv.hi),
m AS (SELECT *, CASE WHEN minute < 750 THEN minute - 510 WHEN minute < 810 THEN 240
  ELSE minute - 570 END AS m0 FROM p),
t AS (SELECT *,
  $S + (k + 2 * (k / 5)) * 86400 + minute * 60 AS t0,
  -- the deadline: m0 + limit working minutes, as day dd and minute rem of that day
  CASE WHEN (m0 + lim) % 480 = 0 AND m0 + lim > 0 THEN (m0 + lim) / 480 - 1
    ELSE (m0 + lim) / 480 END AS dd,
  CASE WHEN (m0 + lim) % 480 = 0 AND m0 + lim > 0 THEN 480 ELSE (m0 + lim) % 480 END AS drem,
  CASE WHEN (m0 + work) % 480 = 0 THEN (m0 + work) / 480 - 1 ELSE (m0 + work) / 480 END AS wd,
  CASE WHEN (m0 + work) % 480 = 0 THEN 480 ELSE (m0 + work) % 480 END AS wrem FROM m)
SELECT i, office_id, kind, word, service_id, unit_id, lim, fee, channel, outcome, t0, pause,
  pickup, c % 1000 AS draw,
  $S + ((k + dd) + 2 * ((k + dd) / 5)) * 86400
    + (CASE WHEN drem <= 240 THEN 510 + drem ELSE 570 + drem END) * 60 AS due0,
  $S + ((k + wd) + 2 * ((k + wd) / 5)) * 86400
    + (CASE WHEN wrem <= 240 THEN 510 + wrem ELSE 570 + wrem END) * 60 AS done0,
  CASE WHEN kind = 'land' THEN 'land_registration' ELSE 'simple' END AS workflow
FROM t ORDER BY i;

-- Ids and numbers: in order of receipt, per office, word and ROC year, after any existing.
CREATE TEMP TABLE bn AS
WITH y AS (SELECT i, office_id, word,
  CAST(strftime('%Y', t0 + 28800, 'unixepoch') AS INTEGER) - 1911 AS roc_year FROM bp)
SELECT y.i, y.roc_year,
  coalesce((SELECT last_serial FROM case_sequences q WHERE q.office_id = y.office_id
    AND q.word_code = y.word AND q.roc_year = y.roc_year), 0)
  + row_number() OVER (PARTITION BY y.office_id, y.word, y.roc_year ORDER BY y.i) AS serial
FROM y;
CREATE TEMP TABLE bbase AS SELECT coalesce(max(id), 0) AS base FROM cases;

-- The timeline: pt = when the correction starts (30% into the work), the pause shifts what
-- follows; a rejected case stops at the correction, a withdrawn one at 20%.
CREATE TEMP TABLE bstep(workflow TEXT, ord INTEGER, status TEXT, frac INTEGER);
INSERT INTO bstep VALUES ('land_registration', 0, 'received', 0),
  ('land_registration', 1, 'first_review', 150), ('land_registration', 2, 'second_review', 450),
  ('land_registration', 3, 'recording', 650), ('land_registration', 4, 'proofreading', 800),
  ('land_registration', 5, 'records_updated', 900), ('land_registration', 6, 'closed', 1000),
  ('simple', 0, 'received', 0), ('simple', 1, 'processing', 300), ('simple', 2, 'closed', 1000);
CREATE TEMP TABLE bev(case_id INTEGER, at INTEGER, seq INTEGER, actor TEXT, kind TEXT,
  from_status TEXT, to_status TEXT, note TEXT, public INTEGER, data TEXT);
-- status moves along the main path
INSERT INTO bev
SELECT b.base + p.i, p.t0 + (p.done0 - p.t0) * st.frac / 1000
    + CASE WHEN p.outcome = 'corrected' AND st.frac > 300 THEN p.pause ELSE 0 END,
  st.ord * 10, CASE st.ord WHEN 0 THEN 'counter' ELSE 'handler' END, 'status',
  coalesce((SELECT status FROM bstep z WHERE z.workflow = st.workflow AND z.ord = st.ord - 1), ''),
  st.status, '', CASE st.ord WHEN 0 THEN 1 ELSE 0 END, ''
FROM bp p JOIN bbase b JOIN bstep st ON st.workflow = p.workflow
WHERE p.outcome IN ('normal', 'corrected')
   OR (p.outcome = 'rejected' AND st.frac <= 300) OR (p.outcome = 'withdrawn' AND st.frac < 200);
-- corrections (and what ends them)
INSERT INTO bev
SELECT b.base + p.i, p.t0 + (p.done0 - p.t0) * 300 / 1000, 25, 'handler', 'status',
  CASE p.workflow WHEN 'land_registration' THEN 'first_review' ELSE 'processing' END,
  'correction', '土地登記申請書填寫不完整；缺義務人印鑑證明', 1,
  json_object('items', json_array('土地登記申請書填寫不完整', '缺義務人印鑑證明'),
    'deadline', date(p.t0 + (p.done0 - p.t0) * 300 / 1000 + 28800 + 15 * 86400, 'unixepoch'),
    'number', 1)
FROM bp p JOIN bbase b WHERE p.outcome IN ('corrected', 'rejected');
INSERT INTO bev
SELECT b.base + p.i, p.t0 + (p.done0 - p.t0) * 300 / 1000 + p.pause, 26, 'handler', 'status',
  'correction', CASE p.workflow WHEN 'land_registration' THEN 'first_review' ELSE 'processing' END,
  '', 0, ''
FROM bp p JOIN bbase b WHERE p.outcome = 'corrected';
INSERT INTO bev
SELECT b.base + p.i, p.t0 + (p.done0 - p.t0) * 300 / 1000 + (17 + p.draw % 6) * 86400, 27,
  'supervisor', 'status', 'correction', 'rejected', '逾期未補正，依土地登記規則第57條駁回', 1, ''
FROM bp p JOIN bbase b WHERE p.outcome = 'rejected';
INSERT INTO bev
SELECT b.base + p.i, p.t0 + (p.done0 - p.t0) * 200 / 1000 + 3600, 19, 'counter', 'status',
  CASE p.workflow WHEN 'land_registration' THEN 'first_review' ELSE 'received' END, 'withdrawn', '申請人撤回', 1, ''
FROM bp p JOIN bbase b WHERE p.outcome = 'withdrawn';
-- late: the scanner's overdue event at the deadline
INSERT INTO bev
SELECT b.base + p.i, p.due0 + CASE WHEN p.outcome = 'corrected' THEN p.pause ELSE 0 END, 5,
  'scanner', 'overdue', '', '', '', 0, ''
FROM bp p JOIN bbase b WHERE p.outcome IN ('normal', 'corrected') AND p.lim > 0
  AND p.done0 > p.due0;
-- pickup, the reminder when not picked up, archiving a month after closing (land)
INSERT INTO bev
SELECT b.base + p.i, p.done0 + CASE WHEN p.outcome = 'corrected' THEN p.pause ELSE 0 END
    + p.pickup, 70, 'counter', 'picked_up', '', '', '', 1, ''
FROM bp p JOIN bbase b WHERE p.outcome IN ('normal', 'corrected') AND p.pickup IS NOT NULL;
INSERT INTO bev
SELECT b.base + p.i, p.done0 + CASE WHEN p.outcome = 'corrected' THEN p.pause ELSE 0 END
    + 14 * 86400 + 600, 71, 'scanner', 'not_picked_up', '', '', '', 0, ''
FROM bp p JOIN bbase b WHERE p.outcome IN ('normal', 'corrected') AND p.pickup IS NULL;
INSERT INTO bev
SELECT b.base + p.i, p.done0 + CASE WHEN p.outcome = 'corrected' THEN p.pause ELSE 0 END
    + 30 * 86400, 80, 'handler', 'status', 'closed', 'archived', '', 0, ''
FROM bp p JOIN bbase b WHERE p.outcome IN ('normal', 'corrected') AND p.workflow = 'land_registration';
DELETE FROM bev WHERE at > $NOW;
CREATE INDEX bev_case ON bev(case_id, seq);

-- Each case as it stands now: its last status move, when it ended, whether its clock runs.
CREATE TEMP TABLE bst AS
SELECT case_id, seq FROM (SELECT case_id, seq, row_number() OVER (PARTITION BY case_id
  ORDER BY at DESC, seq DESC) AS r FROM bev WHERE kind = 'status') WHERE r = 1;
CREATE TEMP TABLE bcase AS
SELECT p.i, b.base + p.i AS id, e.to_status AS status, e.at AS status_at,
  p.t0 + (p.done0 - p.t0) * 300 / 1000 AS pt,
  CASE WHEN e.to_status = 'correction' THEN NULL
    WHEN p.outcome = 'corrected' AND p.t0 + (p.done0 - p.t0) * 300 / 1000 + p.pause <= $NOW
      THEN p.due0 + p.pause ELSE p.due0 END AS due,
  EXISTS (SELECT 1 FROM bev x WHERE x.case_id = b.base + p.i AND x.kind = 'overdue') AS late,
  (SELECT at FROM bev x WHERE x.case_id = b.base + p.i AND x.kind = 'picked_up') AS picked_up_at,
  (SELECT at FROM bev x WHERE x.case_id = b.base + p.i AND x.to_status = 'closed') AS closed_first
FROM bp p JOIN bbase b JOIN bst ON bst.case_id = b.base + p.i
JOIN bev e ON e.case_id = bst.case_id AND e.seq = bst.seq;
CREATE INDEX bcase_i ON bcase(i);

INSERT INTO cases (id, office_id, service_id, unit_id, roc_year, word_code, serial, case_key,
  check_code, qr_token_hash, workflow, status, channel, handler_id, counter, received_at,
  time_limit_minutes, due_at, due_state, paused_since, correction_count, correction_items,
  correction_deadline, fee_amount, documents, applicant_name, applicant_name_masked, notify, lang,
  picked_up_at, closed_at, updated_at)
SELECT c.id, p.office_id, p.service_id, p.unit_id, n.roc_year, p.word, n.serial,
  printf('%03d-%s-%06d', n.roc_year, p.word, n.serial),
  printf('%06d', (p.i * 7919 + $seed * 104729 + p.draw * 1009) % 1000000),
  printf('bench-%d-%d', $seed, p.i), p.workflow, c.status, p.channel, h.user_id, bhc.counter,
  p.t0, p.lim,
  c.due,
  CASE WHEN c.status = 'correction' THEN 'paused' WHEN c.late THEN 'overdue'
    WHEN c.status IN ('closed', 'archived', 'rejected', 'withdrawn') THEN 'on_time'
    WHEN c.due < $NOW THEN 'overdue' WHEN c.due - $NOW < 14400 THEN 'due_soon'
    ELSE 'on_time' END,
  CASE WHEN c.status = 'correction' THEN c.pt END,
  CASE WHEN p.outcome IN ('corrected', 'rejected') AND c.pt <= $NOW THEN 1 ELSE 0 END,
  CASE WHEN p.outcome IN ('corrected', 'rejected') AND c.pt <= $NOW
    THEN '["土地登記申請書填寫不完整","缺義務人印鑑證明"]' ELSE '' END,
  CASE WHEN p.outcome IN ('corrected', 'rejected') AND c.pt <= $NOW
    THEN date(c.pt + 28800 + 15 * 86400, 'unixepoch') ELSE '' END,
  p.fee, '[]', '',
  (SELECT substr('王林陳黃張李吳劉蔡楊許鄭謝郭洪曾邱廖賴周', 1 + p.draw % 20, 1)) || '○'
    || substr('明華玲宏芬傑婷豪君偉', 1 + p.i % 10, 1),
  'none', CASE WHEN p.draw % 50 = 0 THEN 'en' ELSE 'zh-TW' END,
  c.picked_up_at,
  CASE WHEN c.status IN ('closed', 'archived', 'rejected', 'withdrawn') THEN c.status_at END,
  max(c.status_at, coalesce(c.picked_up_at, 0))
FROM bp p JOIN bcase c ON c.i = p.i JOIN bn n ON n.i = p.i
JOIN (SELECT unit_id, max(nk) AS nk FROM bh GROUP BY unit_id) hu ON hu.unit_id = p.unit_id
JOIN bh h ON h.unit_id = p.unit_id AND h.k = p.draw % hu.nk
JOIN staff_presence bhc ON bhc.user_id = h.user_id
ORDER BY p.i;

INSERT INTO case_events (case_id, at, actor_id, actor, kind, from_status, to_status, note, public,
  data)
SELECT e.case_id, e.at, CASE e.actor WHEN 'scanner' THEN 0 ELSE c.handler_id END,
  CASE e.actor WHEN 'scanner' THEN 'scanner' ELSE u.username END, e.kind, e.from_status,
  e.to_status, e.note, e.public, e.data
FROM bev e JOIN cases c ON c.id = e.case_id LEFT JOIN users u ON u.id = c.handler_id
ORDER BY e.case_id, e.at, e.seq;

INSERT INTO case_pauses (case_id, from_at, to_at)
SELECT c.id, p.t0 + (p.done0 - p.t0) * 300 / 1000,
  CASE WHEN c.status = 'correction' THEN NULL
    WHEN p.outcome = 'rejected' THEN c.closed_at
    ELSE p.t0 + (p.done0 - p.t0) * 300 / 1000 + p.pause END
FROM bp p JOIN bbase b JOIN cases c ON c.id = b.base + p.i
WHERE c.correction_count > 0;

INSERT INTO case_sequences (office_id, word_code, roc_year, last_serial)
SELECT office_id, word_code, roc_year, max(serial) FROM cases WHERE true GROUP BY 1, 2, 3
ON CONFLICT (office_id, word_code, roc_year) DO UPDATE SET last_serial = excluded.last_serial;
$reminded_sql
$history_sql
$mirror_sql
COMMIT;
SQL
