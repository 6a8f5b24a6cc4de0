/*
 * petition_test.c - petitions and the director's mailbox end to end (issue 19) against a real
 * `bianmin serve` with its outbox worker and a real SMTP server (tests/support/smtp_sink.py).
 *
 * A citizen files online with an e-mail address proven by the one-time code (a wrong code is
 * refused), gets a number, check code and due date, and the "received" notice; the number finds
 * the petition from the progress lookup. Staff route it to another unit with a note; a second
 * petition is transferred to another agency and the petitioner gets the §172 notice; an
 * anonymous one is flagged under §173, which a handler cannot confirm and a supervisor does.
 * With the office's approval setting on, the answer (the category's canned text) cannot be
 * sent before a supervisor approves it; then it goes out by SMTP with the rating link, and the
 * answer is rated once. The public statistics hold no personal data and suppress small cells;
 * a confidential petition (§170) shows its petitioner masked to a handler and in full to a
 * supervisor. The same contact filing the same matter again is linked to the first petition.
 * A petitioner with a mobile number gets the code and the answer by SMS (a local fake gateway,
 * tests/support/fake_sms_gateway.py); one contact cannot start more than 5 filings an hour; a
 * letter is recorded with its scan; admins edit the categories; the deadline scan reminds once,
 * lists the petition as overdue and deletes filings never verified.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>

#include "harness.h"

#define PASSWORD                "bianmin-demo-2026"
#define PETITION_STATS_MIN_CELL 5 /* domain/petition.h */
#define PYTHON                  "/usr/bin/python3"
#define OFFICE                  "/o/niaosong"
#define CITIZEN                 "citizen.lin%40example.org"
#define NAME                    "%E6%9E%97%E5%B0%8F%E8%8A%B3" /* 林小芳 */
#define SUBJECT                                                                                    \
  "%E4%B8%AD%E5%B1%B1%E8%B7%AF%E8%B7%AF%E9%9D%A2%E5%9D%91%E6%B4%9E" /* 中山路路面坑洞 */

extern char **environ;

static struct server server;
static struct server gateway; /* only its port: the fake SMS gateway's control API */
static pid_t smtp_pid, gateway_pid;
static char work[64], mail_dir[128], env_text[96], sms_text[96], admin_secret[64];
static struct client handler, boss, admin;

/* ---- the SMTP sink ----------------------------------------------------------------------- */

static int count_mail(void)
{
  return harness_mail_count(mail_dir);
}

static bool path_exists(void *path)
{
  return access(path, F_OK) == 0;
}

/* The text part of message number n (1-based), decoded, malloc'd; with its headers in front. */
static char *mail_text(int n)
{
  char path[256];
  snprintf(path, sizeof(path), "%s/%04d.eml", mail_dir, n);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *raw = calloc(1, 1 << 20);
  size_t len = fread(raw, 1, (1 << 20) - 1, f);
  fclose(f);
  char *part = strstr(raw, "text/plain"), *start = part ? strstr(part, "\r\n\r\n") : NULL;
  char *end = start ? strstr(start + 4, "\r\n--") : NULL;
  if (start && !end)
    end = raw + len;
  unsigned char *out = calloc(1, 1 << 20);
  size_t head = start ? (size_t)(start - raw) : 0, out_len = 0;
  memcpy(out, raw, head);
  if (!start ||
      sodium_base642bin(out + head, (1 << 20) - 1 - head, start + 4, (size_t)(end - start - 4),
                        "\r\n", &out_len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
    free(raw);
    free(out);
    return NULL;
  }
  free(raw);
  out[head + out_len] = '\0';
  return (char *)out;
}

struct mail_match {
  int from;
  const char *needle, *needle2;
  int found;
};

static bool mail_matched(void *arg)
{
  struct mail_match *m = arg;
  for (int n = m->from; n <= count_mail() && !m->found; n++) {
    char *text = mail_text(n);
    if (text && strstr(text, m->needle) && (!m->needle2 || strstr(text, m->needle2)))
      m->found = n;
    free(text);
  }
  return m->found != 0;
}

/* The text of the first message from number from on holding both needles (malloc'd). */
static char *mail_with(int from, const char *needle, const char *needle2)
{
  struct mail_match m = {from, needle, needle2, 0};
  if (!harness_wait_until(mail_matched, &m, needle))
    fail_msg("no message from number %d on holds \"%s\"", from, needle);
  return mail_text(m.found);
}

/* The first run of exactly n digits in text after start (0-terminated into out). */
static void digits_after(const char *text, const char *start, size_t n, char *out)
{
  const char *p = strstr(text, start);
  assert_non_null(p);
  while (*p && !(strspn(p, "0123456789") == n && (p[-1] < '0' || p[-1] > '9')))
    p++;
  assert_true(*p);
  memcpy(out, p, n);
  out[n] = '\0';
}

static int spawn_logged(const char *const *args, const char *log, pid_t *pid)
{
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = posix_spawn(pid, PYTHON, &actions, NULL, (char *const *)args, environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? 0 : -1;
}

/* The fake SMS gateway (tests/support/fake_sms_gateway.py), answering 200 to every message. */
static int start_gateway(void)
{
  char port_file[128], log[128];
  snprintf(port_file, sizeof(port_file), "%s/gateway.port", work);
  snprintf(log, sizeof(log), "%s/gateway.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/fake_sms_gateway.py", port_file,
                        NULL};
  if (spawn_logged(args, log, &gateway_pid) ||
      !harness_wait_until(path_exists, port_file, "the SMS gateway"))
    return -1;
  FILE *f = fopen(port_file, "r");
  if (!f || fscanf(f, "%d", &gateway.port) != 1)
    gateway.port = 0;
  if (f)
    fclose(f);
  snprintf(sms_text, sizeof(sms_text), "BIANMIN_SMS_URL=http://127.0.0.1:%d/send", gateway.port);
  return gateway.port > 0 ? 0 : -1;
}

static int setup(void **state)
{
  (void)state;
  snprintf(work, sizeof(work), "/tmp/bianmin-petition-XXXXXX");
  if (!mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  int port = harness_free_port();
  char port_text[16], ready[160], log[128];
  snprintf(port_text, sizeof(port_text), "%d", port);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py", port_text,
                        mail_dir, NULL};
  if (spawn_logged(args, log, &smtp_pid) ||
      !harness_wait_until(path_exists, ready, "the SMTP server") || start_gateway())
    return -1;
  snprintf(env_text, sizeof(env_text), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", port);
  const char *env[] = {env_text,
                       sms_text,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=petitions@niaosong.example",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00",
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_NOTIFY_POLL=1",
                       "BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000",
                       NULL};
  if (harness_clock_start(time(NULL)) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "niaosong", "pt-handler", "handler", PASSWORD);
  harness_add_user(&server, "niaosong", "pt-boss", "supervisor", PASSWORD);
  harness_add_user(&server, "niaosong", "pt-admin", "admin", PASSWORD);
  client_init(&handler, &server);
  client_init(&boss, &server);
  client_init(&admin, &server);
  if (client_login(&handler, "pt-handler", PASSWORD) != 303 ||
      client_login(&boss, "pt-boss", PASSWORD) != 303)
    return -1;
  return client_login_totp(&admin, "pt-admin", PASSWORD, admin_secret, sizeof(admin_secret));
}

static int teardown(void **state)
{
  (void)state;
  client_free(&handler);
  client_free(&boss);
  client_free(&admin);
  int rc = server_stop(&server); /* a sanitizer's report makes the server exit non-zero */
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  if (gateway_pid > 0) {
    kill(gateway_pid, SIGTERM);
    waitpid(gateway_pid, NULL, 0);
  }
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  return system(cmd) == 0 && rc == 0 ? 0 : -1;
}

/* ---- helpers -------------------------------------------------------------------------- */

/* POSTs form as c (after reading get_path for its CSRF token); returns the status and, for a
 * redirect, the Location in where (malloc'd, may be NULL). */
static long post(struct client *c, const char *get_path, const char *path, const char *form,
                 char **where)
{
  struct response r;
  assert_int_equal(client_get(c, get_path, &r), 0);
  response_free(&r);
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  if (where)
    *where = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static long long id_of(const char *location)
{
  const char *p = strstr(location, "/staff/petitions/");
  assert_non_null(p);
  return strtoll(p + strlen("/staff/petitions/"), NULL, 10);
}

/* Staff record a petition; returns its id. */
static long long record(const char *form)
{
  char *where = NULL;
  long status = post(&handler, "/staff/petitions/new", "/staff/petitions", form, &where);
  if (status != 303)
    fail_msg("recording answered %ld", status);
  long long id = id_of(where);
  free(where);
  return id;
}

static long act(struct client *c, long long id, const char *action, const char *form)
{
  char get[64], path[96];
  snprintf(get, sizeof(get), "/staff/petitions/%lld", id);
  snprintf(path, sizeof(path), "/staff/petitions/%lld/%s", id, action);
  return post(c, get, path, form, NULL);
}

static json_t *staff_view(struct client *c, long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/petitions/%lld", id);
  return expect_view(&server, c, path, 200);
}

static int64_t first_category(void)
{
  json_t *v = expect_view(&server, NULL, OFFICE "/petition", 200);
  int64_t id = json_integer_value(json_at(v, "categories.0.id"));
  json_decref(v);
  assert_true(id > 0);
  return id;
}

/* Files online as a citizen through the code; returns the petition's own page path. */
static char *file_online(struct client *citizen, const char *subject, char key[24], char check[7])
{
  char form[512], code[7], *where = NULL, *verify = NULL;
  int before = count_mail();
  snprintf(
      form, sizeof(form),
      "kind=petition&category_id=%lld&subject=%s&body=%s&name=%s&contact_kind=email&contact=%s",
      (long long)first_category(), subject, subject, NAME, CITIZEN);
  assert_int_equal(post(citizen, OFFICE "/petition", OFFICE "/petition", form, &verify), 303);
  char *text = mail_with(before + 1, "citizen.lin@example.org", "驗證碼");
  digits_after(text, "驗證碼為", 6, code);
  free(text);
  /* a wrong code is refused and changes nothing */
  snprintf(form, sizeof(form), "code=%s", strcmp(code, "000000") ? "000000" : "111111");
  assert_int_equal(post(citizen, verify, verify, form, NULL), 400);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(citizen, verify, verify, form, &where), 303);
  free(verify);
  json_t *v = expect_view(&server, citizen, where, 200);
  snprintf(key, 24, "%s", json_text_at(v, "petition.key"));
  snprintf(check, 7, "%s", json_text_at(v, "petition.check_code"));
  expect_text_at(v, "petition.status", "open");
  assert_true(strlen(key) == 13 && !strncmp(key + 3, "-PT-", 4));
  assert_true(*json_text_at(v, "petition.due_text"));
  json_decref(v);
  return where;
}

static long long staff_id_of(const char *key)
{
  json_t *v = expect_view(&server, &handler, "/staff/petitions?list=all", 200), *p;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "petitions"), i, p)
  {
    if (!strcmp(json_string_value(json_object_get(p, "key")), key))
      id = json_integer_value(json_object_get(p, "id"));
  }
  json_decref(v);
  assert_true(id > 0);
  return id;
}

static bool has_event(json_t *view, const char *kind)
{
  json_t *e;
  size_t i;
  json_array_foreach(json_at(view, "petition.events"), i, e)
  {
    if (!strcmp(json_string_value(json_object_get(e, "kind")), kind))
      return true;
  }
  return false;
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_file_online_route_and_find(void **state)
{
  (void)state;
  struct client citizen;
  char key[24], check[7], path[160];
  client_init(&citizen, &server);
  /* a kind that is neither petition nor mailbox is refused, not filed as a petition */
  json_t *refused = NULL;
  struct response page;
  assert_int_equal(client_get(&citizen, OFFICE "/petition", &page), 0); /* its CSRF token */
  response_free(&page);
  assert_int_equal(
      harness_post_json(&citizen, OFFICE "/petition",
                        "kind=%3Cscript%3E&subject=x&body=y&name=z&contact_kind=", &refused),
      400);
  assert_string_equal(json_text_at(refused, "field_errors.kind"), "請選擇陳情或首長信箱。");
  json_decref(refused);
  /* the message is at the refused field and describes it, what was typed is kept */
  struct response empty;
  assert_int_equal(
      client_post(&citizen, OFFICE "/petition",
                  "kind=petition&category_id=0&subject=&body=keep+me&contact_kind=", &empty),
      0);
  assert_int_equal(empty.status, 400);
  expect_contains(empty.body, "<p class=\"govuk-error-message\" id=\"subject-error\">");
  expect_contains(empty.body, "govuk-input--error\" id=\"subject\"");
  expect_contains(empty.body, "aria-describedby=\"subject-error\"");
  expect_contains(empty.body, ">keep me</textarea>");
  response_free(&empty);
  /* an empty form is corrected in one round: every refused field is listed and marked */
  assert_int_equal(
      client_post(&citizen, OFFICE "/petition",
                  "kind=petition&category_id=0&subject=&body=&name=&contact_kind=", &empty),
      0);
  assert_int_equal(empty.status, 400);
  expect_contains(empty.body, "<li><a href=\"#subject\">");
  expect_contains(empty.body, "<li><a href=\"#body\">");
  expect_contains(empty.body, "<li><a href=\"#contact\">");
  expect_contains(empty.body, "id=\"body-error\"");
  expect_contains(empty.body, "id=\"contact-error\"");
  expect_contains(empty.body, "aria-describedby=\"contact-hint contact-error\"");
  response_free(&empty);
  refused = NULL;
  assert_int_equal(harness_post_json(&citizen, OFFICE "/petition",
                                     "kind=petition&subject=ok&body=&contact_kind=email&contact=x",
                                     &refused),
                   400);
  expect_text_at(refused, "errors.0.field", "body");
  expect_text_at(refused, "errors.1.field", "contact");
  assert_null(json_object_get(json_object_get(refused, "field_errors"), "subject"));
  json_decref(refused);
  int before = count_mail();
  char *own = file_online(&citizen, SUBJECT, key, check);
  /* the "received" notice names the number and check code */
  char *text = mail_with(before + 1, key, check);
  expect_contains(text, "citizen.lin@example.org");
  free(text);
  /* the number and check code find it from the progress lookup */
  snprintf(path, sizeof(path), OFFICE "/progress?number=%s&check=%s", key, check);
  struct response r;
  assert_int_equal(client_get(&citizen, path, &r), 0);
  assert_int_equal(r.status, 303);
  char *to = response_header(&r, "Location");
  response_free(&r);
  json_t *v = expect_view(&server, NULL, to, 200);
  expect_text_at(v, "petition.key", key);
  json_decref(v);
  free(to);
  snprintf(path, sizeof(path), OFFICE "/petition/status?number=%s&check=%s", key,
           strcmp(check, "000000") ? "000000" : "111111");
  free(expect_page(&server, NULL, path, 404));
  /* staff see it with the petitioner's name; routing to another unit needs a note */
  long long id = staff_id_of(key);
  v = staff_view(&handler, id);
  expect_text_at(v, "petition.name", "林小芳");
  int64_t unit = json_integer_value(json_at(v, "petition.unit_id"));
  json_t *u;
  size_t i;
  int64_t other = 0;
  json_array_foreach(json_object_get(v, "units"), i, u)
  {
    if (json_integer_value(json_object_get(u, "id")) != unit && !other)
      other = json_integer_value(json_object_get(u, "id"));
  }
  json_decref(v);
  assert_true(other > 0);
  char form[128];
  snprintf(form, sizeof(form), "unit_id=%lld&note=", (long long)other);
  assert_int_equal(act(&handler, id, "route", form), 400);
  snprintf(form, sizeof(form), "unit_id=%lld&note=road+works+unit", (long long)other);
  assert_int_equal(act(&handler, id, "route", form), 303);
  v = staff_view(&handler, id);
  assert_int_equal(json_integer_value(json_at(v, "petition.unit_id")), other);
  assert_true(has_event(v, "route"));
  json_decref(v);
  /* the same contact filing the same matter again is linked to the first */
  char key2[24], check2[7];
  free(file_online(&citizen, SUBJECT "%EF%BC%8C%E8%AB%8B%E4%BF%AE%E8%A3%9C", key2, check2));
  v = staff_view(&handler, staff_id_of(key2));
  assert_int_equal(json_integer_value(json_at(v, "petition.duplicate_of")), id);
  assert_true(has_event(v, "same_matter"));
  json_decref(v);
  /* its page links to the first one (and the first, linked to nothing, has no such row) */
  char first_href[64];
  snprintf(path, sizeof(path), "/staff/petitions/%lld", staff_id_of(key2));
  snprintf(first_href, sizeof(first_href), "href=\"/staff/petitions/%lld\"", id);
  char *html = expect_page(&server, &handler, path, 200);
  expect_contains(html, "相同事項");
  expect_contains(html, first_href);
  free(html);
  snprintf(path, sizeof(path), "/staff/petitions/%lld", id);
  html = expect_page(&server, &handler, path, 200);
  expect_lacks(html, "相同事項");
  expect_lacks(html, "href=\"/staff/petitions/0\"");
  free(html);
  free(own);
  client_free(&citizen);
}

static void test_transfer_tells_the_petitioner(void **state)
{
  (void)state;
  long long id = record("channel=counter&kind=petition&category_id=0&subject=Noise+from+a+bar"
                        "&body=Loud+music+at+night&name=Chen&contact_kind=email"
                        "&contact=chen%40example.org&lang=en");
  int before = count_mail();
  assert_int_equal(act(&handler, id, "transfer", "agency=&note="), 400);
  /* refused: the petition's page again, the message linked to the agency's input */
  json_t *refused = NULL;
  char path[96];
  snprintf(path, sizeof(path), "/staff/petitions/%lld/transfer", id);
  assert_int_equal(harness_post_json(&handler, path, "agency=&note=", &refused), 400);
  expect_text_at(refused, "errors.0.field", "agency");
  expect_text_at(refused, "petition.status", "open");
  json_decref(refused);
  assert_int_equal(
      act(&handler, id, "transfer", "agency=Kaohsiung+Police&note=noise+is+a+police+matter"), 303);
  char *text = mail_with(before + 1, "Kaohsiung Police", "172");
  expect_contains(text, "chen@example.org");
  expect_contains(text, "noise is a police matter");
  free(text);
  json_t *v = staff_view(&handler, id);
  expect_text_at(v, "petition.status", "transferred");
  /* the channel in words, also on the timeline; no rating shown before one is given */
  expect_text_at(v, "petition.channel_label", "臨櫃");
  expect_text_at(v, "petition.events.0.note_text", "臨櫃");
  expect_text_at(v, "petition.events.0.note", "counter");
  assert_true(json_is_false(json_at(v, "petition.rated")));
  json_decref(v);
  /* nothing more can be done to it */
  assert_int_equal(act(&handler, id, "draft", "answer=too+late"), 400);
}

static void test_section_173_flag_confirmed_by_supervisor(void **state)
{
  (void)state;
  long long id = record("channel=letter&kind=petition&category_id=0&subject=Unsigned+letter"
                        "&body=No+name+and+no+address&contact_kind=");
  assert_int_equal(act(&handler, id, "flag", "flag=nonsense"), 400);
  assert_int_equal(act(&handler, id, "flag", "flag=anonymous"), 303);
  json_t *v = expect_view(&server, &boss, "/staff/petitions?list=flags", 200);
  char id_text[24];
  snprintf(id_text, sizeof(id_text), "%lld", id);
  expect_text_at(v, "list", "flags");
  assert_int_equal(json_integer_value(json_at(v, "petitions.0.id")), id);
  json_decref(v);
  assert_int_equal(act(&handler, id, "confirm_flag", ""), 403);
  assert_int_equal(act(&boss, id, "confirm_flag", ""), 303);
  v = staff_view(&boss, id);
  expect_text_at(v, "petition.status", "closed");
  expect_text_at(v, "petition.flag_confirmed_by", "pt-boss");
  json_decref(v);
  /* no answer is due: not in the open or overdue lists */
  v = expect_view(&server, &boss, "/staff/petitions?list=open", 200);
  json_t *p;
  size_t i;
  json_array_foreach(json_object_get(v, "petitions"), i, p)
  {
    assert_true(json_integer_value(json_object_get(p, "id")) != id);
  }
  json_decref(v);
}

static void test_answer_approved_sent_and_rated_once(void **state)
{
  (void)state;
  assert_int_equal(
      post(&admin, "/staff/admin/petitions", "/staff/admin/petitions", "approval=1", NULL), 303);
  long long id = record("channel=phone&kind=mailbox&category_id=0&subject=Opening+hours"
                        "&body=Please+open+on+Saturdays&name=Wu&contact_kind=email"
                        "&contact=wu%40example.org&lang=en");
  assert_int_equal(act(&handler, id, "draft", "answer=We+will+open+on+the+first+Saturday."), 303);
  json_t *v = staff_view(&handler, id);
  expect_text_at(v, "petition.answer_state", "pending");
  json_decref(v);
  assert_int_equal(act(&handler, id, "send", ""), 400); /* not approved yet */
  assert_int_equal(act(&handler, id, "approve", ""), 403);
  assert_int_equal(act(&boss, id, "approve", ""), 303);
  int before = count_mail();
  assert_int_equal(act(&handler, id, "send", ""), 303);
  char *text = mail_with(before + 1, "We will open on the first Saturday.", "wu@example.org");
  const char *link = strstr(text, "https://bianmin.example/o/niaosong/petition/rate/");
  assert_non_null(link);
  char path[160];
  size_t n = strcspn(link + strlen("https://bianmin.example"), " \r\n");
  snprintf(path, sizeof(path), "%.*s", (int)n, link + strlen("https://bianmin.example"));
  free(text);
  struct client citizen;
  client_init(&citizen, &server);
  v = expect_view(&server, &citizen, path, 200);
  expect_text_at(v, "petition.status", "answered");
  assert_true(json_is_true(json_at(v, "petition.can_rate")));
  json_decref(v);
  assert_int_equal(post(&citizen, path, path, "rating=9", NULL), 400);
  assert_int_equal(post(&citizen, path, path, "rating=4", NULL), 303);
  assert_int_equal(post(&citizen, path, path, "rating=5", NULL), 409);
  v = staff_view(&handler, id);
  assert_int_equal(json_integer_value(json_at(v, "petition.rating")), 4);
  json_decref(v);
  client_free(&citizen);
  assert_int_equal(post(&admin, "/staff/admin/petitions", "/staff/admin/petitions", "", NULL), 303);
}

static void test_confidential_masked_for_the_unit(void **state)
{
  (void)state;
  long long id = record("channel=counter&kind=petition&category_id=0&subject=About+a+colleague"
                        "&body=Private+matter&name=%E7%8E%8B%E5%A4%A7%E6%98%8E&contact_kind=sms"
                        "&contact=0912345678&confidential=1");
  json_t *v = staff_view(&handler, id);
  assert_true(json_is_true(json_at(v, "petition.personal_hidden")));
  expect_lacks(json_text_at(v, "petition.name"), "王大明");
  expect_lacks(json_text_at(v, "petition.contact"), "0912345678");
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/petitions/%lld", id);
  char *page = expect_page(&server, &handler, path, 200);
  expect_lacks(page, "王大明");
  expect_lacks(page, "0912345678");
  free(page);
  v = staff_view(&boss, id);
  expect_text_at(v, "petition.name", "王大明");
  expect_text_at(v, "petition.contact", "0912345678");
  json_decref(v);
}

/* Five answers in one category: its count is shown, and the answer times and on-time share
 * appear (all answered at once: no working time passed, all on time). */
static void test_stats_with_enough_answers(void **state)
{
  (void)state;
  char form[256];
  int64_t category = first_category();
  for (int i = 0; i < PETITION_STATS_MIN_CELL; i++) {
    snprintf(form, sizeof(form),
             "channel=counter&kind=petition&category_id=%lld&subject=Queue+%d&body=Long+queue"
             "&contact_kind=",
             (long long)category, i);
    long long id = record(form);
    assert_int_equal(act(&handler, id, "draft", "answer=We+added+a+counter."), 303);
    assert_int_equal(act(&handler, id, "send", ""), 303);
  }
  json_t *v = expect_view(&server, NULL, OFFICE "/petitions/stats", 200);
  assert_true(json_integer_value(json_at(v, "stats.by_category.0.count")) >= 5);
  assert_true(json_integer_value(json_at(v, "stats.answered")) >= 5);
  expect_text_at(v, "stats.on_time_share", "100");
  assert_true(*json_text_at(v, "stats.mean_days") && *json_text_at(v, "stats.median_days"));
  json_decref(v);
  /* petitions of no category have a row of their own: the categories add up to the total */
  for (int i = 0; i < PETITION_STATS_MIN_CELL; i++) {
    snprintf(form, sizeof(form),
             "channel=counter&kind=petition&category_id=0&subject=Other+%d&body=Something"
             "&contact_kind=",
             i);
    record(form);
  }
  v = expect_view(&server, NULL, OFFICE "/petitions/stats", 200);
  json_t *cells = json_at(v, "stats.by_category"), *cell;
  size_t i;
  int64_t sum = 0, total = json_integer_value(json_at(v, "stats.total"));
  const char *last = NULL;
  json_array_foreach(cells, i, cell)
  {
    sum += json_integer_value(json_object_get(cell, "count"));
    last = json_string_value(json_object_get(cell, "name"));
  }
  assert_true(total > 0);
  assert_int_equal(sum, total); /* every count shown here: none is under 5 */
  assert_string_equal(last, "未分類");
  json_decref(v);
}

/* The id of the office's category of code (0 when none). */
static long long category_of(const char *code)
{
  json_t *v = expect_view(&server, &admin, "/staff/admin/petitions", 200), *c;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "categories"), i, c)
  {
    if (!strcmp(json_string_value(json_object_get(c, "code")), code))
      id = (long long)json_integer_value(json_object_get(c, "id"));
  }
  json_decref(v);
  return id;
}

static void test_stats_have_no_personal_data(void **state)
{
  (void)state;
  /* one petition about roads (the category the admin added, none yet): a count of 1 beside
   * a shown total, which the total would give away unless another count is withheld too */
  char form[256];
  long long roads = category_of("roads");
  assert_true(roads > 0);
  snprintf(form, sizeof(form),
           "channel=counter&kind=petition&category_id=%lld&subject=Pothole&body=Pothole"
           "&contact_kind=",
           roads);
  record(form);
  json_t *v = expect_view(&server, NULL, OFFICE "/petitions/stats", 200);
  /* fewer than 5 petitions of each category and month so far: suppressed, never 1..4 */
  json_t *c;
  size_t i;
  json_array_foreach(json_at(v, "stats.by_category"), i, c)
  {
    json_int_t n = json_integer_value(json_object_get(c, "count"));
    assert_true(n == 0 || n == -1 || n >= 5);
  }
  json_int_t total = json_integer_value(json_at(v, "stats.total"));
  assert_true(total >= 5); /* seven petitions by now */
  /* the total is shown: no category and no month is the only one withheld, or it would be
   * the total minus the others (complementary suppression, domain/suppress.c) */
  const char *const lines[] = {"stats.by_category", "stats.by_month"};
  for (size_t l = 0; l < 2; l++) {
    size_t withheld = 0;
    json_array_foreach(json_at(v, lines[l]), i, c)
    {
      withheld += json_is_true(json_object_get(c, "suppressed"));
    }
    if (withheld == 1)
      fail_msg("%s: one count withheld beside a shown total", lines[l]);
  }
  /* months kept as "2026-03" in the answer, shown as zh-TW writes them (115年3月) */
  json_array_foreach(json_at(v, "stats.by_month"), i, c)
  {
    const char *month = json_string_value(json_object_get(c, "month"));
    char label[32];
    assert_non_null(month);
    snprintf(label, sizeof(label), "%ld年%ld月", strtol(month, NULL, 10) - 1911,
             strtol(month + 5, NULL, 10));
    assert_string_equal(json_string_value(json_object_get(c, "month_label")), label);
  }
  json_decref(v);
  char *page = expect_page(&server, NULL, OFFICE "/petitions/stats", 200);
  const char *personal[] = {"林小芳", "citizen.lin", "chen@example.org",
                            "王大明", "0912345678",  "中山路"};
  for (size_t k = 0; k < sizeof(personal) / sizeof(*personal); k++)
    expect_lacks(page, personal[k]);
  free(page);
}

/* Records a letter with a scan (multipart, as the browser sends the form); returns the status
 * and the petition's id in *id on success. */
static long record_letter(const void *scan, size_t len, long long *id)
{
  static const char boundary[] = "bmPetitionBoundary4f7Q";
  struct response r;
  assert_int_equal(client_get(&handler, "/staff/petitions/new", &r), 0);
  response_free(&r);
  const char *fields[][2] = {{"csrf", handler.csrf},
                             {"channel", "letter"},
                             {"kind", "petition"},
                             {"category_id", "0"},
                             {"subject", "Letter about a fence"},
                             {"body", "See the scan"},
                             {"contact_kind", ""}};
  size_t cap = len + 4096, n = 0;
  char *buf = malloc(cap);
  for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
    n += (size_t)snprintf(buf + n, cap - n,
                          "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                          boundary, fields[i][0], fields[i][1]);
  n += (size_t)snprintf(buf + n, cap - n,
                        "--%s\r\nContent-Disposition: form-data; name=\"scan\"; "
                        "filename=\"letter.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
                        boundary);
  memcpy(buf + n, scan, len);
  n += len;
  n += (size_t)snprintf(buf + n, cap - n, "\r\n--%s--\r\n", boundary);
  char ctype[96];
  snprintf(ctype, sizeof(ctype), "Content-Type: multipart/form-data; boundary=%s", boundary);
  const char *headers[] = {ctype, NULL};
  assert_int_equal(client_call(&handler, "POST", "/staff/petitions", headers, buf, n, &r), 0);
  free(buf);
  long status = r.status;
  char *where = response_header(&r, "Location");
  if (where && id)
    *id = id_of(where);
  free(where);
  response_free(&r);
  return status;
}

static void test_letter_with_its_scan(void **state)
{
  (void)state;
  static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
  static const char text[] = "just some words, not a document";
  long long id = 0;
  assert_int_equal(record_letter(text, sizeof(text) - 1, &id), 400); /* refused */
  assert_int_equal(record_letter(pdf, sizeof(pdf) - 1, &id), 303);
  json_t *v = staff_view(&handler, id);
  expect_text_at(v, "petition.channel", "letter");
  expect_text_at(v, "petition.files.0.name", "letter.pdf");
  long long file = json_integer_value(json_at(v, "petition.files.0.id"));
  json_decref(v);
  char path[96];
  snprintf(path, sizeof(path), "/staff/petitions/%lld/files/%lld", id, file);
  struct response r;
  assert_int_equal(client_get(&handler, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.len, sizeof(pdf) - 1);
  assert_memory_equal(r.body, pdf, sizeof(pdf) - 1);
  response_free(&r);
}

/* The subject's limit is 200 characters, as the form's maxlength and the message say: 150
 * Chinese ones (450 bytes) are taken, 201 are refused. */
static void test_subject_limit_in_characters(void **state)
{
  (void)state;
  static char form[201 * 9 + 256];
  size_t n = (size_t)snprintf(form, sizeof(form),
                              "channel=phone&kind=petition&category_id=0&body=x&lang=zh-TW"
                              "&contact_kind=&subject=");
  for (int i = 0; i < 150; i++)
    n += (size_t)snprintf(form + n, sizeof(form) - n, "%%E8%%B7%%AF"); /* 路 */
  long long id = record(form);
  json_t *v = staff_view(&handler, id);
  assert_int_equal(strlen(json_text_at(v, "petition.subject")), 450);
  json_decref(v);
  for (int i = 150; i < 201; i++)
    n += (size_t)snprintf(form + n, sizeof(form) - n, "%%E8%%B7%%AF");
  json_t *refused = NULL;
  assert_int_equal(harness_post_json(&handler, "/staff/petitions", form, &refused), 400);
  expect_text_at(refused, "errors.0.field", "subject");
  json_decref(refused);
}

/* A text over the limit is refused as too long, not as missing: the petition's and the answer's. */
static void test_long_text_refused_as_too_long(void **state)
{
  (void)state;
  static char form[9000];
  size_t n = (size_t)snprintf(form, sizeof(form),
                              "channel=phone&kind=petition&category_id=0&subject=long&lang=zh-TW"
                              "&contact_kind=&body=");
  memset(form + n, 'a', 8001);
  form[n + 8001] = '\0';
  json_t *refused = NULL;
  assert_int_equal(harness_post_json(&handler, "/staff/petitions", form, &refused), 400);
  expect_text_at(refused, "errors.0.field", "body");
  expect_contains(json_text_at(refused, "errors.0.message"), "2,600");
  json_decref(refused);
  long long id = record("channel=phone&kind=petition&category_id=0&subject=short&body=x"
                        "&lang=zh-TW&contact_kind=");
  char path[96];
  snprintf(path, sizeof(path), "/staff/petitions/%lld/draft", id);
  n = (size_t)snprintf(form, sizeof(form), "answer=");
  memset(form + n, 'a', 8001);
  form[n + 8001] = '\0';
  assert_int_equal(harness_post_json(&handler, path, form, &refused), 400);
  expect_contains(json_text_at(refused, "errors.0.message"), "2,600");
  json_decref(refused);
}

static void test_admin_edits_categories(void **state)
{
  (void)state;
  const char *page = "/staff/admin/petitions", *path = "/staff/admin/petitions/categories";
  assert_int_equal(post(&admin, page, path, "code=Bad+Code&name_zh=x&answer_days=3", NULL), 400);
  assert_int_equal(post(&admin, page, path, "code=roads&name_zh=&answer_days=3", NULL), 400);
  assert_int_equal(post(&admin, page, path, "code=roads&name_zh=x&answer_days=0", NULL), 400);
  assert_int_equal(
      post(&handler, "/staff/petitions", path, "code=roads&name_zh=x&answer_days=3", NULL), 403);
  assert_int_equal(post(&admin, page, path,
                        "code=roads&name_zh=%E9%81%93%E8%B7%AF&name_en=Roads&answer_days=3"
                        "&unit_id=0&sort=5",
                        NULL),
                   303);
  json_t *v = expect_view(&server, &admin, page, 200), *c;
  size_t i;
  bool found = false;
  json_array_foreach(json_object_get(v, "categories"), i, c)
  {
    if (!strcmp(json_string_value(json_object_get(c, "code")), "roads")) {
      found = true;
      assert_int_equal(json_integer_value(json_object_get(c, "answer_days")), 3);
      expect_text_at(c, "name_zh", "道路");
    }
  }
  json_decref(v);
  assert_true(found);
}

static char unverified_path[192]; /* an online filing never verified (purged by the scan) */

/* One contact cannot have codes sent more than 5 times an hour. */
static void test_codes_per_contact_limited(void **state)
{
  (void)state;
  struct client someone;
  client_init(&someone, &server);
  const char *form = "kind=petition&category_id=0&subject=Flood&body=Flood&contact_kind=email"
                     "&contact=flood%40example.org";
  for (int i = 0; i < 5; i++) {
    char *where = NULL;
    assert_int_equal(post(&someone, OFFICE "/petition", OFFICE "/petition", form, &where), 303);
    snprintf(unverified_path, sizeof(unverified_path), "%s", where);
    free(where);
  }
  assert_int_equal(post(&someone, OFFICE "/petition", OFFICE "/petition", form, NULL), 429);
  free(expect_page(&server, &someone, unverified_path, 200));
  /* a new code: not within a minute of the last one, then once the minute has passed */
  char resend[224];
  snprintf(resend, sizeof(resend), "%s/resend", unverified_path);
  assert_int_equal(post(&someone, unverified_path, resend, "", NULL), 429);
  int before = count_mail();
  harness_clock_advance(61);
  char *where = NULL;
  assert_int_equal(post(&someone, unverified_path, resend, "", &where), 303);
  expect_contains(where, "resent=1");
  free(where);
  free(mail_with(before + 1, "flood@example.org", "驗證碼為"));
  client_free(&someone);
}

struct sms_wait {
  const char *needle, *needle2;
  char *found; /* the text of the first message holding both (malloc'd) */
};

/* Every string value of the JSON body of each message the gateway received, searched. */
static bool sms_arrived(void *arg)
{
  struct sms_wait *w = arg;
  struct response r;
  if (http_get(&gateway, "/_control/log", &r))
    return false;
  json_t *log = response_json(&r), *req;
  response_free(&r);
  size_t i;
  json_array_foreach(json_object_get(log, "requests"), i, req)
  {
    json_t *body = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL), *v;
    const char *key;
    json_object_foreach(body, key, v)
    {
      const char *t = json_string_value(v);
      if (!w->found && t && strstr(t, w->needle) && (!w->needle2 || strstr(t, w->needle2)))
        w->found = strdup(t);
    }
    json_decref(body);
  }
  json_decref(log);
  return w->found != NULL;
}

static char *sms_with(const char *needle, const char *needle2)
{
  struct sms_wait w = {needle, needle2, NULL};
  if (!harness_wait_until(sms_arrived, &w, needle))
    fail_msg("no text message holds \"%s\"", needle);
  return w.found;
}

/* Filing online with a mobile number: the code and the answer come by SMS. */
static void test_sms_petitioner(void **state)
{
  (void)state;
  struct client citizen;
  char code[7], form[256], *verify = NULL, *own = NULL;
  client_init(&citizen, &server);
  assert_int_equal(post(&citizen, OFFICE "/petition", OFFICE "/petition",
                        "kind=mailbox&category_id=0&subject=Parking+at+the+office&body=Too+few"
                        "&contact_kind=sms&contact=0912-000-111",
                        &verify),
                   303);
  char *text = sms_with("驗證碼為", NULL);
  digits_after(text, "驗證碼為", 6, code);
  free(text);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(post(&citizen, verify, verify, form, &own), 303);
  json_t *v = expect_view(&server, &citizen, own, 200);
  char key[24];
  snprintf(key, sizeof(key), "%s", json_text_at(v, "petition.key"));
  json_decref(v);
  long long id = staff_id_of(key);
  assert_int_equal(act(&handler, id, "draft", "answer=Ten+more+spaces+from+June."), 303);
  assert_int_equal(act(&handler, id, "send", ""), 303);
  text = sms_with(key, "/petition/rate/");
  expect_contains(text, "已答復");
  free(text);
  free(verify);
  free(own);
  client_free(&citizen);
}

static int count_events(json_t *view, const char *kind)
{
  json_t *e;
  size_t i;
  int n = 0;
  json_array_foreach(json_at(view, "petition.events"), i, e)
  {
    n += !strcmp(json_string_value(json_object_get(e, "kind")), kind);
  }
  return n;
}

static bool listed(const char *list, long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/petitions?list=%s", list);
  json_t *v = expect_view(&server, &boss, path, 200), *p;
  size_t i;
  bool found = false;
  json_array_foreach(json_object_get(v, "petitions"), i, p)
  {
    found = found || json_integer_value(json_object_get(p, "id")) == id;
  }
  json_decref(v);
  return found;
}

/* Last: it moves the clock on. The deadline scan (`bianmin scan`, the scanner's own function)
 * reminds once of a petition due within a working day; past its due date it is overdue. */
static void test_reminder_and_overdue_list(void **state)
{
  (void)state;
  const char *scan[] = {"scan", NULL};
  long long id = record("channel=counter&kind=petition&category_id=0&subject=Bus+stop+sign"
                        "&body=The+sign+fell+down&contact_kind=");
  assert_int_equal(server_cli(&server, scan), 0);
  json_t *v = staff_view(&handler, id);
  assert_int_equal(count_events(v, "reminder"), 0); /* six working days to go */
  json_decref(v);
  assert_false(listed("overdue", id));
  harness_clock_advance(30L * 24 * 3600);
  /* the sessions ended with the month: sign in again */
  assert_int_equal(client_login(&handler, "pt-handler", PASSWORD), 303);
  assert_int_equal(client_login(&boss, "pt-boss", PASSWORD), 303);
  assert_int_equal(server_cli(&server, scan), 0);
  assert_int_equal(server_cli(&server, scan), 0);
  v = staff_view(&handler, id);
  assert_int_equal(count_events(v, "reminder"), 1);
  assert_true(json_is_true(json_at(v, "petition.overdue")));
  json_decref(v);
  assert_true(listed("overdue", id));
  /* the scan deleted the online filings never verified */
  free(expect_page(&server, NULL, unverified_path, 404));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_file_online_route_and_find),
      cmocka_unit_test(test_transfer_tells_the_petitioner),
      cmocka_unit_test(test_section_173_flag_confirmed_by_supervisor),
      cmocka_unit_test(test_answer_approved_sent_and_rated_once),
      cmocka_unit_test(test_confidential_masked_for_the_unit),
      cmocka_unit_test(test_letter_with_its_scan),
      cmocka_unit_test(test_subject_limit_in_characters),
      cmocka_unit_test(test_long_text_refused_as_too_long),
      cmocka_unit_test(test_admin_edits_categories),
      cmocka_unit_test(test_codes_per_contact_limited),
      cmocka_unit_test(test_sms_petitioner),
      cmocka_unit_test(test_stats_with_enough_answers),
      cmocka_unit_test(test_stats_have_no_personal_data),
      cmocka_unit_test(test_reminder_and_overdue_list),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
