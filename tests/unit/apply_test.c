/*
 * apply_test.c - online applications on a real SQLite store with the demo catalogue: the
 * non-staff submission into a case (cases_submit_online), one-time codes (tries, expiry,
 * resend limits), drafts and resume links, uploads (real type, caps, names, all-or-nothing),
 * the submission of a draft with its uploads, and the applicant's withdrawal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_store.h"
#include "domain/accounts.h"
#include "base/arena.h"
#include "domain/apply.h"
#include "domain/cases.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "store/store.h"

#include "base/common.h"

struct fixture {
  char dir[64];
  struct store *store;
  int64_t office_id, transcript_id, manual_id;
  json_t *questions;
};

/* The fake sender keeps the last message. */
static char sent_to[256], sent_text[1024], sent_channel[16];
static int sender_fails;

static int fake_send(void *ctx, const char *channel, const char *to, const char *subject,
                     const char *text)
{
  (void)ctx;
  (void)subject;
  if (sender_fails)
    return ST_IO;
  snprintf(sent_channel, sizeof(sent_channel), "%s", channel);
  snprintf(sent_to, sizeof(sent_to), "%s", to);
  snprintf(sent_text, sizeof(sent_text), "%s", text);
  return ST_OK;
}

static const struct apply_message code_msg = {"Your code", "Code: {code}", NULL};

static int64_t service_id(struct fixture *f, const char *slug, json_t **questions)
{
  json_t *list, *s;
  size_t i;
  int64_t id = 0;
  assert_int_equal(store_service_list(f->store, f->office_id, true, &list), 0);
  json_array_foreach(list, i, s) if (!strcmp(json_string_value(json_object_get(s, "slug")), slug))
  {
    id = json_integer_value(json_object_get(s, "id"));
    if (questions)
      *questions = json_incref(json_object_get(s, "questions"));
  }
  json_decref(list);
  assert_true(id > 0);
  return id;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  if (!f || demo_store_open(f->dir, "apply", "xinxing", &f->store, &f->office_id))
    return -1;
  f->transcript_id = service_id(f, "transcript", &f->questions);
  *state = f;
  apply_sender_set(fake_send, NULL);
  sender_fails = 0;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  json_decref(f->questions);
  store_close(f->store);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  free(f);
  return rc;
}

static json_t *transcript_answers(void)
{
  return json_pack("{s:s, s:s, s:s, s:s}", "kind", "land", "section", "新興段", "parcel_number",
                   "100-1", "copies", "2");
}

static void test_submit_online_is_a_case(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  struct intake_result r;
  const char *reason = NULL;
  json_t *answers = transcript_answers();
  struct online_submission in = {f->office_id, f->transcript_id, "王小明", "wang@example.com",
                                 "",           "zh-TW",          "online", answers,
                                 "請寄送"};
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_OK);
  json_decref(answers);
  assert_true(r.case_id > 0);
  assert_int_equal(strlen(r.token), CASE_TOKEN_SIZE - 1);
  json_t *c, *online, *events;
  assert_int_equal(store_case_get(f->store, f->office_id, r.case_id, &c), 0);
  assert_string_equal(json_string_value(json_object_get(c, "channel")), "online");
  assert_string_equal(json_string_value(json_object_get(c, "status")), "received");
  assert_string_equal(json_string_value(json_object_get(c, "notify")), "email");
  /* the contact is sealed like a counter intake's */
  assert_null(strstr(json_string_value(json_object_get(c, "applicant_email")), "example"));
  assert_string_equal(json_string_value(json_object_get(c, "applicant_name_masked")), "王○明");
  json_decref(c);
  assert_int_equal(store_case_online(f->store, r.case_id, &online), 0);
  assert_non_null(
      strstr(json_string_value(json_object_get(online, "answers")), "\"copies\":\"2\""));
  assert_string_equal(json_string_value(json_object_get(online, "description")), "請寄送");
  json_decref(online);
  assert_int_equal(store_case_events(f->store, r.case_id, false, &events), 0);
  json_t *first = json_array_get(events, 0);
  assert_string_equal(json_string_value(json_object_get(first, "actor")),
                      "online application (w***@example.com)");
  assert_int_equal(json_integer_value(json_object_get(first, "actor_id")), 0);
  json_decref(events);
  json_t *messages;
  assert_int_equal(store_outbox_for_case(f->store, r.case_id, &messages), 0);
  assert_int_equal(json_array_size(messages), 1); /* the "received" notice by e-mail */
  json_decref(messages);
}

static void test_submit_online_refusals(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  struct intake_result r;
  const char *reason = NULL;
  json_t *answers = json_pack("{s:s, s:s, s:s, s:s}", "kind", "land", "section", "x",
                              "parcel_number", "1", "copies", "many");
  struct online_submission in = {f->office_id, f->transcript_id, "王小明", "", "0912345678",
                                 "en",         "online",         answers,  ""};
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "form_err_number");
  json_decref(answers);
  answers = json_pack("{s:s}", "nonsense", "1");
  in.answers = answers;
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "form_err_unknown");
  json_decref(answers);
  answers = transcript_answers();
  in.answers = answers;
  in.channel = "fax";
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "case_err_channel");
  in.channel = "api";
  in.service_id = 999999;
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "case_err_service");
  /* an API submission without a name */
  in.service_id = f->transcript_id;
  in.applicant_name = "";
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_OK);
  json_t *c;
  assert_int_equal(store_case_get(f->store, f->office_id, r.case_id, &c), 0);
  assert_string_equal(json_string_value(json_object_get(c, "channel")), "api");
  assert_string_equal(json_string_value(json_object_get(c, "notify")), "sms");
  json_decref(c);
  json_decref(answers);
}

static void test_withdraw(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  struct intake_result r;
  const char *reason = NULL;
  json_t *answers = transcript_answers();
  struct online_submission in = {
      f->office_id, f->transcript_id, "Ann Lee", "ann@example.com", "", "en",
      "online",     answers,          ""};
  assert_int_equal(cases_submit_online(&env, &in, &r, &reason), ST_OK);
  json_decref(answers);
  assert_int_equal(cases_withdraw_by_token(&env, "short", &reason), ST_NOTFOUND);
  assert_int_equal(cases_withdraw_by_token(&env, r.token, &reason), ST_OK);
  json_t *c;
  assert_int_equal(store_case_get(f->store, f->office_id, r.case_id, &c), 0);
  assert_string_equal(json_string_value(json_object_get(c, "status")), "withdrawn");
  assert_true(json_integer_value(json_object_get(c, "closed_at")) > 0);
  json_decref(c);
  /* once withdrawn (or once review started) it cannot be withdrawn again */
  assert_int_equal(cases_withdraw_by_token(&env, r.token, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_not_withdrawable");
}

static const char *code_of_sent(void)
{
  const char *p = strstr(sent_text, "Code: ");
  return p ? p + 6 : "";
}

static void test_one_time_code(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  char session[APPLY_TOKEN_SIZE], verified[APPLY_TOKEN_SIZE], code[8];
  const char *reason = NULL;
  assert_int_equal(apply_start(&env, f->office_id, f->transcript_id, "email", "not-an-email", "en",
                               &code_msg, session, &reason),
                   ST_INVALID);
  assert_string_equal(reason, "apply_err_email");
  static const struct apply_message both = {"Your code", "Code: {code}", "SMS Code: {code}"};
  assert_int_equal(apply_start(&env, f->office_id, f->transcript_id, "sms", "0912-345-678", "en",
                               &both, session, &reason),
                   ST_OK);
  assert_string_equal(sent_channel, "sms");
  assert_memory_equal(sent_text, "SMS Code: ", 10); /* the text message's own wording */
  assert_string_equal(sent_to, "0912-345-678");
  snprintf(code, sizeof(code), "%s", code_of_sent());
  assert_int_equal(strlen(code), 6);
  json_t *d;
  assert_int_equal(apply_draft_row(&env, session, &d), ST_OK);
  /* a wrong code counts a try; the shape is checked first */
  assert_int_equal(apply_verify(&env, d, "12ab", verified, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_code_shape");
  const char *wrong = strcmp(code, "000000") ? "000000" : "111111";
  assert_int_equal(apply_verify(&env, d, wrong, verified, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_code_wrong");
  json_decref(d);
  /* resending is limited in time */
  assert_int_equal(apply_draft_row(&env, session, &d), ST_OK);
  assert_int_equal(apply_resend(&env, d, &code_msg, &reason), ST_LIMIT);
  assert_string_equal(reason, "apply_err_resend_wait");
  json_decref(d);
  /* an expired code is refused even when right */
  struct case_env later = {f->store, env.now + APPLY_CODE_SECONDS + 1};
  assert_int_equal(apply_draft_row(&later, session, &d), ST_OK);
  assert_int_equal(apply_verify(&later, d, code, verified, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_code_expired");
  assert_int_equal(apply_resend(&later, d, &code_msg, &reason), ST_OK);
  json_decref(d);
  snprintf(code, sizeof(code), "%s", code_of_sent());
  /* five wrong tries spend the code */
  for (int i = 0; i < APPLY_CODE_TRIES; i++) {
    assert_int_equal(apply_draft_row(&later, session, &d), ST_OK);
    wrong = strcmp(code, "000000") ? "000000" : "111111";
    assert_int_equal(apply_verify(&later, d, wrong, verified, &reason), ST_INVALID);
    json_decref(d);
  }
  assert_string_equal(reason, "apply_err_code_expired");
  assert_int_equal(apply_draft_row(&later, session, &d), ST_OK);
  assert_int_equal(apply_verify(&later, d, code, verified, &reason), ST_INVALID);
  json_decref(d);
  /* a fresh code works, and the session token changes */
  struct case_env later2 = {f->store, later.now + 120};
  assert_int_equal(apply_draft_row(&later2, session, &d), ST_OK);
  assert_int_equal(apply_resend(&later2, d, &code_msg, &reason), ST_OK);
  json_decref(d);
  snprintf(code, sizeof(code), "%s", code_of_sent());
  assert_int_equal(apply_draft_row(&later2, session, &d), ST_OK);
  assert_int_equal(apply_verify(&later2, d, code, verified, &reason), ST_OK);
  json_decref(d);
  assert_int_equal(apply_draft_row(&later2, session, &d), ST_NOTFOUND);
  assert_int_equal(apply_draft_row(&later2, verified, &d), ST_OK);
  assert_int_equal(json_integer_value(json_object_get(d, "verified")), 1);
  json_decref(d);
}

static void test_too_many_starts_and_send_failure(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL;
  for (int i = 0; i < APPLY_STARTS_PER_HOUR; i++)
    assert_int_equal(apply_start(&env, f->office_id, f->transcript_id, "email", "Same@Example.com",
                                 "en", &code_msg, session, &reason),
                     ST_OK);
  assert_int_equal(apply_start(&env, f->office_id, f->transcript_id, "email", "same@example.com",
                               "en", &code_msg, session, &reason),
                   ST_LIMIT);
  assert_string_equal(reason, "apply_err_too_many");
  sender_fails = 1;
  assert_int_equal(apply_start(&env, f->office_id, f->transcript_id, "email", "other@example.com",
                               "en", &code_msg, session, &reason),
                   ST_IO);
  assert_string_equal(reason, "apply_err_send");
  sender_fails = 0;
}

/* A verified draft: returns its session token in session. */
static json_t *verified_draft(struct fixture *f, struct case_env *env, const char *email,
                              char session[APPLY_TOKEN_SIZE])
{
  char first[APPLY_TOKEN_SIZE], code[8];
  const char *reason;
  json_t *d;
  assert_int_equal(apply_start(env, f->office_id, f->transcript_id, "email", email, "zh-TW",
                               &code_msg, first, &reason),
                   ST_OK);
  snprintf(code, sizeof(code), "%s", code_of_sent());
  assert_int_equal(apply_draft_row(env, first, &d), ST_OK);
  assert_int_equal(apply_verify(env, d, code, session, &reason), ST_OK);
  json_decref(d);
  assert_int_equal(apply_draft_row(env, session, &d), ST_OK);
  return d;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0,    0, 0, 0x0d,
                                    'I',  'H', 'D', 'R', 0,    0,    0,    1,    0,    0, 0, 1,
                                    8,    6,   0,   0,   0,    0x1f, 0x15, 0xc4, 0x89, 0, 0, 0,
                                    0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};

static void test_file_types_and_names(void **state)
{
  (void)state;
  assert_string_equal(apply_file_type(pdf, sizeof(pdf) - 1), "application/pdf");
  assert_string_equal(apply_file_type(png, sizeof(png)), "image/png");
  static const char html[] = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
  assert_null(apply_file_type(html, sizeof(html) - 1));
  static const char elf[] = "\x7f"
                            "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0";
  assert_null(apply_file_type(elf, sizeof(elf) - 1));
  assert_null(apply_file_type("", 0));
  char out[256];
  apply_display_name("申請書.pdf", out, sizeof(out));
  assert_string_equal(out, "申請書.pdf");
  apply_display_name("a\"b\\c/d.pdf", out, sizeof(out));
  assert_string_equal(out, "a_b_c_d.pdf");
  apply_display_name("..", out, sizeof(out));
  assert_string_equal(out, "");
}

static void test_uploads_and_submit(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL, *bad = NULL;
  json_t *d = verified_draft(f, &env, "lee@example.com", session);
  int64_t uploads0, blobs0, uploads1, blobs1;
  assert_int_equal(store_upload_counts(f->store, &uploads0, &blobs0), 0);
  /* all or nothing: a good PDF and a fake one in one request stores neither */
  static const char fake[] = "<html>not a pdf</html>";
  struct apply_file files[] = {{"a.pdf", "a.pdf", pdf, sizeof(pdf) - 1},
                               {"b.pdf", "b.pdf", fake, sizeof(fake) - 1}};
  assert_int_equal(apply_upload(&env, d, files, 2, &reason, &bad), ST_INVALID);
  assert_string_equal(reason, "apply_err_file_type");
  assert_string_equal(bad, "b.pdf");
  struct apply_file path_trick = {"passwd.pdf", "../../etc/passwd.pdf", pdf, sizeof(pdf) - 1};
  assert_int_equal(apply_upload(&env, d, &path_trick, 1, &reason, &bad), ST_INVALID);
  assert_string_equal(reason, "apply_err_file_name");
  struct apply_file empty = {"e.pdf", "e.pdf", "", 0};
  assert_int_equal(apply_upload(&env, d, &empty, 1, &reason, &bad), ST_INVALID);
  assert_string_equal(reason, "apply_err_file_empty");
  assert_int_equal(store_upload_counts(f->store, &uploads1, &blobs1), 0);
  assert_int_equal(uploads1, uploads0);
  assert_int_equal(blobs1, blobs0);
  /* two good files (the same PDF twice is stored once) */
  struct apply_file good[] = {{"a.pdf", "a.pdf", pdf, sizeof(pdf) - 1},
                              {"p.png", "p.png", png, sizeof(png)},
                              {"copy.pdf", "copy.pdf", pdf, sizeof(pdf) - 1}};
  assert_int_equal(apply_upload(&env, d, good, 3, &reason, &bad), ST_OK);
  assert_int_equal(store_upload_counts(f->store, &uploads1, &blobs1), 0);
  assert_int_equal(uploads1, uploads0 + 3);
  assert_int_equal(blobs1, blobs0 + 2);
  /* submitting needs the name and the required answers */
  struct intake_result r;
  assert_int_equal(apply_submit(&env, d, f->questions, NULL, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_name");
  json_t *answers = transcript_answers();
  assert_int_equal(apply_save(&env, d, "李大同", answers), ST_OK);
  json_decref(answers);
  json_decref(d);
  assert_int_equal(apply_draft_row(&env, session, &d), ST_OK);
  assert_string_equal(json_string_value(json_object_get(d, "applicant_name")), "李大同");
  /* the same draft typed for pages: the row's fields, the name opened, the answers saved */
  struct arena *arena = arena_new(1 << 16);
  struct apply_draft typed;
  assert_non_null(arena);
  assert_int_equal(apply_draft_read(&env, arena, session, &typed), ST_OK);
  assert_int_equal(typed.id, json_integer_value(json_object_get(d, "id")));
  assert_int_equal(typed.office_id, f->office_id);
  assert_int_equal(typed.case_id, 0);
  assert_true(typed.verified);
  assert_string_equal(typed.applicant_name, "李大同");
  assert_string_equal(typed.contact_kind, "email");
  assert_string_equal(typed.contact_masked,
                      json_string_value(json_object_get(d, "contact_masked")));
  assert_true(json_equal((json_t *)typed.answers, json_object_get(d, "answers")));
  assert_int_equal(apply_draft_read(&env, arena, "no-such-session", &typed), ST_NOTFOUND);
  arena_free(arena);
  assert_int_equal(apply_submit(&env, d, f->questions, NULL, &r, &reason), ST_OK);
  struct intake_result first = r;
  json_t *list;
  assert_int_equal(store_uploads_of(f->store, 0, first.case_id, &list), 0);
  assert_int_equal(json_array_size(list), 3);
  json_decref(list);
  /* a second submit of the same draft is refused (a stale copy by the store, a fresh one at
   * once) */
  assert_int_equal(apply_submit(&env, d, f->questions, NULL, &r, &reason), ST_CONFLICT);
  json_decref(d);
  assert_int_equal(apply_draft_row(&env, session, &d), ST_OK);
  assert_int_equal(apply_submit(&env, d, f->questions, NULL, &r, &reason), ST_INVALID);
  assert_string_equal(reason, "apply_err_submitted");
  char *token = apply_case_token(d);
  assert_non_null(token);
  assert_string_equal(token, first.token);
  free(token);
  json_decref(d);
}

static void test_expired_drafts_are_purged(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL, *bad = NULL;
  int64_t uploads0, blobs0, uploads1, blobs1;
  assert_int_equal(store_upload_counts(f->store, &uploads0, &blobs0), 0);
  json_t *d = verified_draft(f, &env, "old@example.com", session);
  struct apply_file file = {"old.png", "old.png", png, sizeof(png)};
  assert_int_equal(apply_upload(&env, d, &file, 1, &reason, &bad), ST_OK);
  json_decref(d);
  assert_int_equal(store_upload_counts(f->store, &uploads1, &blobs1), 0);
  assert_int_equal(uploads1, uploads0 + 1);
  /* 31 days later a new draft's start removes the old one, its upload and its blob */
  struct case_env later = {f->store, env.now + (APPLY_DRAFT_DAYS + 1) * 86400};
  char other[APPLY_TOKEN_SIZE];
  assert_int_equal(apply_start(&later, f->office_id, f->transcript_id, "email", "new@example.com",
                               "en", &code_msg, other, &reason),
                   ST_OK);
  assert_int_equal(store_upload_counts(f->store, &uploads1, &blobs1), 0);
  assert_int_equal(uploads1, uploads0);
  assert_int_equal(blobs1, blobs0);
}

static void test_resume_link(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, 1795000000};
  char session[APPLY_TOKEN_SIZE], again[APPLY_TOKEN_SIZE], code[8];
  const char *reason = NULL;
  static const struct apply_message link_msg = {"Continue", "Link: {link}", NULL};
  json_t *d = verified_draft(f, &env, "resume@example.com", session);
  assert_int_equal(apply_send_resume(&env, d, "https://x.example/r/", &link_msg, &reason), ST_OK);
  json_decref(d);
  const char *link = strstr(sent_text, "https://x.example/r/");
  assert_non_null(link);
  char token[APPLY_TOKEN_SIZE];
  snprintf(token, sizeof(token), "%s", link + strlen("https://x.example/r/"));
  int64_t office = 0, service = 0;
  assert_int_equal(apply_resume(&env, "nonsense", &code_msg, again, &office, &service, &reason),
                   ST_NOTFOUND);
  assert_int_equal(apply_resume(&env, token, &code_msg, again, &office, &service, &reason), ST_OK);
  assert_int_equal(office, f->office_id);
  assert_int_equal(service, f->transcript_id);
  /* the old session is gone; the new one needs the code */
  assert_int_equal(apply_draft_row(&env, session, &d), ST_NOTFOUND);
  assert_int_equal(apply_draft_row(&env, again, &d), ST_OK);
  assert_int_equal(json_integer_value(json_object_get(d, "verified")), 0);
  snprintf(code, sizeof(code), "%s", code_of_sent());
  assert_int_equal(apply_verify(&env, d, code, session, &reason), ST_OK);
  json_decref(d);
  /* the link was spent by the verification */
  assert_int_equal(apply_resume(&env, token, &code_msg, again, &office, &service, &reason),
                   ST_NOTFOUND);
  /* drafts expire */
  struct case_env much_later = {f->store, env.now + (APPLY_DRAFT_DAYS + 1) * 86400};
  assert_int_equal(apply_draft_row(&much_later, session, &d), ST_NOTFOUND);
}

int main(void)
{
  if (demo_keys_and_calendar())
    return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_submit_online_is_a_case, setup, teardown),
      cmocka_unit_test_setup_teardown(test_submit_online_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
      cmocka_unit_test_setup_teardown(test_one_time_code, setup, teardown),
      cmocka_unit_test_setup_teardown(test_too_many_starts_and_send_failure, setup, teardown),
      cmocka_unit_test(test_file_types_and_names),
      cmocka_unit_test_setup_teardown(test_uploads_and_submit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_resume_link, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expired_drafts_are_purged, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
