/*
 * case_notice.c - a case's public notice (公告) on its office's news (issue 15).
 *
 * When a case enters a step whose public_notice_days is N > 0, an announcement made from the
 * case is published on the office's news: the service, the number as printed, the applicant's
 * name masked as the progress page masks it, and the notice period from the day it starts to
 * the last day calendar_add_days_period gives for N days. It is unpublished when the case
 * leaves the step, or by the deadline scan once the period has ended. Its slug is
 * "case-notice-" + the case key in lower case, so each case has at most one and a case that
 * enters the step again republishes it with the new period.
 *
 * The announcement goes through the catalogue's own calls (catalog_announcement_save and
 * _publish: checked, with a revision), which open their own transaction: it is written just
 * after the case's move commits. The texts are stored content in both languages with ISO
 * dates, not a page: nothing here formats for display.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/calendar.h"
#include "domain/case_number.h"
#include "domain/catalog.h"
#include "domain/cases_internal.h"
#include "domain/directory.h"
#include "base/log.h"
#include "store/store.h"

#include "base/common.h"

#define NOTICE_SLUG_PREFIX "case-notice-"

static const struct catalog_actor system_actor = {0, "bianmin"};

static void notice_slug(const char *case_key, char out[64])
{
  size_t n = (size_t)snprintf(out, 64, NOTICE_SLUG_PREFIX "%s", case_key);
  for (size_t i = 0; i < n && i < 63; i++)
    out[i] = (char)tolower((unsigned char)out[i]);
}

void case_notice_of(const struct case_record *c, const struct workflow_step *from,
                    const struct workflow_step *to, struct case_notice *out)
{
  *out = (struct case_notice){c->office_id,
                              c->service_id,
                              (int)c->roc_year,
                              c->serial,
                              to && to->kind != STEP_FINAL ? to->public_notice_days : 0,
                              from && from->public_notice_days > 0 &&
                                  !(to && to->public_notice_days > 0),
                              "",
                              "",
                              ""};
  snprintf(out->case_key, sizeof(out->case_key), "%s", c->case_key);
  snprintf(out->word_code, sizeof(out->word_code), "%s", c->word_code);
  snprintf(out->masked, sizeof(out->masked), "%s", c->applicant_name_masked);
}

/* The Chinese word of the case's word code at its office ("" when none). */
static void word_zh(struct store *store, const struct case_notice *n, char out[64])
{
  struct arena *arena = arena_new(1 << 16);
  const struct directory *dir = NULL;
  out[0] = '\0';
  if (arena && !directory_acquire(store, arena, &dir))
    snprintf(out, 64, "%s",
             directory_word_zh(dir, directory_office(dir, n->office_id), n->word_code));
  arena_free(arena);
}

/* The announcement of n for a period from today to the last day. */
static json_t *announcement(struct store *store, const struct case_notice *n, const char *today,
                            const char *last)
{
  json_t *service = NULL;
  char slug[64], zh_word[64], num_zh[96] = "", num_en[96] = "";
  struct case_number number = {n->roc_year, "", n->serial};
  snprintf(number.word_code, sizeof(number.word_code), "%s", n->word_code);
  word_zh(store, n, zh_word);
  case_number_display(&number, zh_word, "zh-TW", num_zh, sizeof(num_zh));
  case_number_display(&number, zh_word, "en", num_en, sizeof(num_en));
  notice_slug(n->case_key, slug);
  if (store_service_get(store, n->office_id, n->service_id, NULL, &service))
    return NULL;
  const char *name_zh = case_text(service, "name_zh"), *name_en = case_text(service, "name_en");
  char title_zh[256], title_en[256], body_zh[1024], body_en[1024];
  snprintf(title_zh, sizeof(title_zh), "公告：%s %s", name_zh, num_zh);
  snprintf(title_en, sizeof(title_en), "Public notice: %s %s", *name_en ? name_en : name_zh,
           num_en);
  snprintf(body_zh, sizeof(body_zh),
           "%s（收件號 %s，申請人 %s）依法公告 %d 日，公告期間自 %s 起至 %s 止。"
           "利害關係人如有異議，請於公告期間內以書面向本所提出。",
           name_zh, num_zh, n->masked, n->days, today, last);
  snprintf(body_en, sizeof(body_en),
           "%s (case %s, applicant %s) is on public notice for %d days, from %s to %s. Anyone "
           "concerned may object in writing to this office within the notice period.",
           *name_en ? name_en : name_zh, num_en, n->masked, n->days, today, last);
  json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "slug", slug, "kind",
                        strstr(case_text(service, "slug"), "deed") ? "lost_deed_notice" : "general",
                        "title_zh", title_zh, "title_en", title_en, "body_zh", body_zh, "body_en",
                        body_en, "starts_on", today, "ends_on", last);
  json_decref(service);
  return a;
}

static int notice_start(const struct case_env *env, const struct case_notice *n)
{
  char today[CIVIL_ISO_SIZE], last[CIVIL_ISO_SIZE], err[256] = "";
  struct civil_date d = civil_taipei(env->now).date, end;
  civil_taipei_iso(env->now, today);
  int rc = calendar_add_days_period(cases_calendar(), d.year, d.month, d.day, n->days, &end.year,
                                    &end.month, &end.day);
  if (!rc)
    rc = civil_format_iso(end, last);
  json_t *a = rc ? NULL : announcement(env->store, n, today, last);
  int64_t id = 0;
  rc = rc ? rc : (a ? ST_OK : ST_NOMEM);
  if (!rc)
    rc = catalog_announcement_save(env->store, n->office_id, a, &system_actor, &id, err,
                                   sizeof(err));
  if (!rc)
    rc = catalog_announcement_publish(env->store, n->office_id, id, true, &system_actor, err,
                                      sizeof(err));
  json_decref(a);
  if (rc)
    log_error("public notice of case %s not published: %s (%s)", n->case_key, status_name(rc), err);
  return rc;
}

static int notice_end(struct store *store, int64_t office_id, const char *case_key)
{
  char slug[64], err[256] = "";
  json_t *a = NULL;
  notice_slug(case_key, slug);
  int rc = catalog_announcement_read(store, office_id, 0, slug, &a);
  if (rc == ST_NOTFOUND)
    return ST_OK; /* none was published (it failed, or the workflow changed meanwhile) */
  if (!rc && json_is_true(json_object_get(a, "published")))
    rc = catalog_announcement_publish(store, office_id, case_int(a, "id"), false, &system_actor,
                                      err, sizeof(err));
  json_decref(a);
  if (rc)
    log_error("public notice of case %s not taken down: %s (%s)", case_key, status_name(rc), err);
  return rc;
}

int case_notice_after_move(const struct case_env *env, const struct case_notice *n)
{
  if (n->days > 0)
    return notice_start(env, n);
  return n->leaving ? notice_end(env->store, n->office_id, n->case_key) : ST_OK;
}

/* Unpublishes the office's case notices whose period ended before today. */
static int end_due_office(const struct case_env *env, int64_t office_id, const char *today,
                          int64_t *ended)
{
  json_t *list = NULL, *a;
  size_t i;
  char err[256];
  int rc =
      store_announcement_list(env->store, office_id, STORE_ANNOUNCEMENTS_ARCHIVE, today, &list);
  json_array_foreach(list, i, a)
  {
    if (rc || strncmp(case_text(a, "slug"), NOTICE_SLUG_PREFIX, strlen(NOTICE_SLUG_PREFIX)) != 0)
      continue;
    rc = catalog_announcement_publish(env->store, office_id, case_int(a, "id"), false,
                                      &system_actor, err, sizeof(err));
    *ended += !rc;
  }
  json_decref(list);
  return rc;
}

int cases_public_notices_end_due(const struct case_env *env, int64_t *ended)
{
  json_t *offices = NULL, *o;
  size_t i;
  char today[CIVIL_ISO_SIZE];
  civil_taipei_iso(env->now, today);
  *ended = 0;
  int rc = store_office_list(env->store, &offices);
  json_array_foreach(offices, i, o)
  {
    if (!rc)
      rc = end_due_office(env, case_int(o, "id"), today, ended);
  }
  json_decref(offices);
  return rc;
}
