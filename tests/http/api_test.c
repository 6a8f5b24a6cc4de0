/*
 * api_test.c - the versioned JSON API (/api/v1) and its OpenAPI document over HTTP: the
 * document served is docs/openapi.json byte for byte, every documented path answers one of its
 * documented statuses as JSON, the catalogue and FAQ, case creation with an api key (the same
 * path as Open311's POST) and the progress lookup by number and check code in the lookup rate
 * class. (tests/unit/open311_test.c checks that every /api route is documented.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define ADMIN_PASSWORD "admin-password-123"
#define JSON_TYPE      "application/json; charset=utf-8"
#define LOOKUPS        8 /* BIANMIN_RATE_LOOKUP for this server */

static struct server server;
static char key_udd[128], key_xx[128];
static const char *const env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_PUBLIC=100000",
                                  "BIANMIN_RATE_LOOKUP=8", NULL};
static int lookups;                          /* lookup-class requests made so far */
static char made_number[64], made_check[16]; /* the case test_create_and_progress made */

static void assert_type(struct response *r, const char *type)
{
  char *got = response_header(r, "Content-Type");
  bool same = got && !strcmp(got, type);
  if (!same)
    fail_msg("Content-Type \"%s\", expected \"%s\"", got ? got : "(none)", type);
  free(got);
}

/* A JSON answer (whatever the Accept header) with this status. */
static json_t *call_json(const char *method, const char *path, const char *const *headers,
                         const char *body, long status)
{
  struct response r;
  assert_int_equal(http_call(&server, method, path, headers, body, body ? strlen(body) : 0, &r), 0);
  if (r.status != status)
    fail_msg("%s %s: %ld, expected %ld: %.2000s", method, path, r.status, status, r.body);
  assert_type(&r, JSON_TYPE);
  json_t *j = response_json(&r);
  if (!j)
    fail_msg("%s %s: not JSON: %.2000s", method, path, r.body);
  response_free(&r);
  return j;
}

static json_t *get_json(const char *path, long status)
{
  const char *html[] = {"Accept: text/html", NULL}; /* the API answers JSON anyway */
  return call_json("GET", path, html, NULL, status);
}

static void add_admin(const char *office, const char *username)
{
  const char *args[] = {"user",   "add",    "--office", office,  "--username",  username,
                        "--name", "管理員", "--roles",  "admin", "--no-expire", NULL};
  const char *pw[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, pw), 0);
}

static int issue_key(const char *office, const char *username, char *out, size_t size)
{
  struct client admin;
  struct response r;
  char totp[64] = "";
  add_admin(office, username);
  client_init(&admin, &server);
  int rc = client_login_totp(&admin, username, ADMIN_PASSWORD, totp, sizeof(totp));
  if (!rc)
    rc = client_get(&admin, "/staff/admin/api-keys", &r);
  if (!rc) {
    response_free(&r);
    rc = client_post(&admin, "/staff/admin/api-keys", "name=api-test", &r);
  }
  const char *marker = "id=\"new-key\" type=\"text\" readonly value=\"";
  const char *p = rc ? NULL : strstr(r.body, marker);
  if (p) {
    p += strlen(marker);
    snprintf(out, size, "%.*s", (int)strcspn(p, "\""), p);
  }
  if (!rc)
    response_free(&r);
  client_free(&admin);
  return p ? 0 : -1;
}

static int setup(void **state)
{
  if (server_start(&server, env))
    return -1;
  if (issue_key("kh-udd", "api-admin", key_udd, sizeof(key_udd)) ||
      issue_key("xinxing", "api-admin-x", key_xx, sizeof(key_xx)))
    return -1;
  return 0;
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- the document ------------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

/* The documented path with every {parameter} replaced by its example. */
static void fill_path(const char *path, json_t *params, char *out, size_t size)
{
  size_t o = 0;
  for (const char *p = path; *p && o + 1 < size;) {
    if (*p != '{') {
      out[o++] = *p++;
      continue;
    }
    const char *close = strchr(p, '}');
    assert_non_null(close);
    const char *example = NULL;
    json_t *param;
    size_t i;
    json_array_foreach(params, i, param)
    {
      const char *name = json_string_value(json_object_get(param, "name"));
      if (name && strlen(name) == (size_t)(close - p - 1) && !strncmp(name, p + 1, strlen(name)))
        example = json_string_value(json_object_get(param, "example"));
    }
    if (!example)
      fail_msg("%s: no example for %.*s", path, (int)(close - p + 1), p);
    o += (size_t)snprintf(out + o, size - o, "%s", example);
    p = close + 1;
  }
  out[o < size ? o : size - 1] = '\0';
}

static void test_document_served(void **state)
{
  size_t len;
  char *file = read_file(BIANMIN_SOURCE_DIR "/docs/openapi.json", &len);
  struct response r;
  assert_int_equal(http_get(&server, "/api/openapi.json", &r), 0);
  assert_int_equal(r.status, 200);
  assert_type(&r, JSON_TYPE);
  assert_int_equal(r.len, len);
  assert_memory_equal(r.body, file, len);
  json_t *doc = response_json(&r);
  assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
  response_free(&r);
  free(file);

  /* Every documented operation answers one of its documented statuses, as JSON. */
  const char *path;
  json_t *item;
  json_object_foreach(json_object_get(doc, "paths"), path, item)
  {
    const char *method;
    json_t *op;
    json_object_foreach(item, method, op)
    {
      char filled[512], status[8];
      fill_path(path, json_object_get(op, "parameters"), filled, sizeof(filled));
      bool post = !strcmp(method, "post");
      if (strstr(path, "/cases/")) {
        strncat(filled, "?check_code=000000", sizeof(filled) - strlen(filled) - 1);
        lookups++;
      }
      assert_int_equal(http_call(&server, post ? "POST" : "GET", filled, NULL, post ? "{}" : NULL,
                                 post ? 2 : 0, &r),
                       0);
      snprintf(status, sizeof(status), "%ld", r.status);
      if (!json_object_get(json_object_get(op, "responses"), status))
        fail_msg("%s %s answered %ld, which is not documented: %.500s", method, filled, r.status,
                 r.body);
      assert_type(&r, JSON_TYPE);
      json_t *body = response_json(&r);
      assert_non_null(body);
      json_decref(body);
      response_free(&r);
    }
  }
  json_decref(doc);
}

/* ---- the catalogue ------------------------------------------------------------------------ */

static void test_catalogue(void **state)
{
  json_t *offices = get_json("/api/v1/offices", 200);
  assert_int_equal(json_array_size(json_object_get(offices, "offices")), 5);
  json_decref(offices);
  json_t *office = get_json("/api/v1/offices/niaosong", 200);
  assert_string_equal(json_string_value(json_object_get(office, "slug")), "niaosong");
  assert_true(json_array_size(json_object_get(office, "units")) > 0);
  json_decref(office);
  json_t *missing = get_json("/api/v1/offices/atlantis/services", 404);
  assert_int_equal(json_integer_value(json_object_get(missing, "status")), 404);
  assert_true(json_is_string(json_object_get(missing, "message")));
  json_decref(missing);

  json_t *services = get_json("/api/v1/offices/kh-udd/services?lang=en", 200);
  json_t *s, *rent = NULL;
  size_t i;
  json_array_foreach(json_object_get(services, "services"), i,
                     s) if (!strcmp(json_string_value(json_object_get(s, "slug")), "rent-subsidy"))
      rent = s;
  assert_non_null(rent);
  json_t *questions = json_object_get(rent, "questions");
  assert_true(json_array_size(questions) >= 5);
  assert_true(json_is_true(json_object_get(json_array_get(questions, 0), "required")));
  assert_string_equal(
      json_string_value(json_object_get(
          json_array_get(json_object_get(rent, "open311_attributes"), 0), "description")),
      "Household members");
  json_decref(services);
  json_t *one = get_json("/api/v1/offices/kh-udd/services/zoning-certificate", 200);
  assert_int_equal(json_integer_value(json_object_get(one, "fee_amount")), 100);
  json_decref(one);
  json_decref(get_json("/api/v1/offices/kh-udd/services/transcript", 404));
  json_t *faq = get_json("/api/v1/offices/xinxing/faq", 200);
  assert_true(json_array_size(json_object_get(faq, "faq")) > 0);
  assert_true(json_is_string(
      json_object_get(json_array_get(json_object_get(faq, "faq"), 0), "question_zh")));
  json_decref(faq);
}

/* ---- creating a case, then its progress ---------------------------------------------------- */

static json_t *create(const char *key_header, const char *body, long status)
{
  char header[256];
  snprintf(header, sizeof(header), "%s", key_header ? key_header : "X-Nothing: 1");
  const char *headers[] = {header, "Content-Type: application/json", NULL};
  return call_json("POST", "/api/v1/offices/kh-udd/requests", headers, body, status);
}

static void test_create_and_progress(void **state)
{
  char key[200], bearer[200], other[200];
  snprintf(key, sizeof(key), "X-API-Key: %s", key_udd);
  snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", key_udd);
  snprintf(other, sizeof(other), "X-API-Key: %s", key_xx);
  const char *good = "{\"service_code\": \"zoning-certificate\", \"answers\": {\"section\": "
                     "\"0001\", \"parcel_number\": \"100\", \"copies\": \"2\", \"use\": "
                     "\"building\"}, \"email\": \"lin@example.com\", \"lang\": \"en\"}";
  json_decref(create(NULL, good, 403));
  json_decref(create("X-API-Key: bm_nope", good, 403));
  json_decref(create(other, good, 403)); /* another office's key */
  json_decref(create(key, "{not json", 400));
  json_decref(create(key, "[1, 2]", 400));
  json_decref(create(key, "{\"service_code\": 7}", 400));
  json_decref(create(key, "{\"service_code\": \"potholes\"}", 404));
  /* a member the API does not know (a typo of "description") is refused, naming it */
  json_t *typo =
      create(key, "{\"service_code\": \"zoning-certificate\", \"descripton\": \"x\"}", 400);
  assert_string_equal(json_string_value(json_object_get(typo, "field")), "descripton");
  json_decref(typo);
  json_t *refused = create(key, "{\"service_code\": \"zoning-certificate\", \"answers\": {}}", 400);
  assert_string_equal(json_string_value(json_object_get(refused, "field")), "section");
  json_decref(refused);

  json_t *def = get_json("/api/v1/offices/kh-udd/services/zoning-certificate", 200);
  const char *use = NULL;
  json_t *q;
  size_t i;
  json_array_foreach(json_object_get(def, "questions"), i,
                     q) if (!strcmp(json_string_value(json_object_get(q, "code")), "use")) use =
      json_string_value(json_object_get(json_array_get(json_object_get(q, "values"), 0), "key"));
  assert_non_null(use);
  char body[1024];
  snprintf(body, sizeof(body),
           "{\"service_code\": \"zoning-certificate\", \"answers\": {\"section\": \"0001\", "
           "\"parcel_number\": \"100\", \"copies\": 2, \"use\": \"%s\"}, \"email\": "
           "\"lin@example.com\", \"lang\": \"en\"}",
           use);
  json_decref(def);
  /* copies as a JSON number (the service says datatype number); the answer in the body's
   * language */
  json_t *made = create(bearer, body, 201);
  expect_contains(json_string_value(json_object_get(made, "service_notice")), "Case number");
  const char *number = json_string_value(json_object_get(made, "case_number"));
  const char *check = json_string_value(json_object_get(made, "check_code"));
  assert_non_null(number);
  assert_non_null(check);
  assert_string_equal(number, json_string_value(json_object_get(made, "service_request_id")));
  expect_contains(json_string_value(json_object_get(made, "progress_url")), "/p/");
  snprintf(made_number, sizeof(made_number), "%s", number);
  snprintf(made_check, sizeof(made_check), "%s", check);

  /* Progress by number and check code; a wrong code is "not found" like a wrong number. */
  char path[256];
  snprintf(path, sizeof(path), "/api/v1/offices/kh-udd/cases/%s?check_code=%s", number, check);
  json_t *progress = get_json(path, 200);
  json_t *c = json_object_get(progress, "case");
  assert_string_equal(json_string_value(json_object_get(c, "case_key")), number);
  assert_string_equal(json_string_value(json_object_get(c, "state")), "open");
  assert_null(json_object_get(c, "applicant_email"));
  /* the case's fee is what it owes: two copies at NT$100 (the service's fee_amount is one) */
  assert_int_equal(json_integer_value(json_object_get(c, "fee_amount")), 200);
  assert_string_equal(json_string_value(json_object_get(c, "fee_text")), "NT$200");
  json_decref(progress);
  snprintf(path, sizeof(path), "/api/v1/offices/kh-udd/cases/%s?check_code=%06d", number,
           (int)((strtol(check, NULL, 10) + 1) % 1000000));
  json_t *wrong = get_json(path, 404);
  json_t *nowhere = get_json("/api/v1/offices/kh-udd/cases/115-UD01-999999?check_code=123456", 404);
  assert_string_equal(json_string_value(json_object_get(wrong, "message")),
                      json_string_value(json_object_get(nowhere, "message")));
  json_decref(wrong);
  json_decref(nowhere);
  lookups += 3;

  /* The case is an Open311 request too. */
  snprintf(path, sizeof(path), "/o/kh-udd/open311/v2/requests/%s.json", number);
  json_t *o311 = get_json(path, 200);
  assert_string_equal(json_string_value(json_object_get(json_array_get(o311, 0), "service_code")),
                      "zoning-certificate");
  json_decref(o311);
  json_decref(made);
}

/* ---- the contract: errors, refusals, members -------------------------------------------- */

/* An error answer: JSON whatever the Accept header, {status, code, message} with this status
 * and code (and field, when given). */
static void expect_error(const char *method, const char *path, const char *const *headers,
                         const char *body, long status, const char *code, const char *field)
{
  json_t *e = call_json(method, path, headers, body, status);
  assert_int_equal(json_integer_value(json_object_get(e, "status")), status);
  assert_string_equal(json_string_value(json_object_get(e, "code")), code);
  assert_true(json_string_length(json_object_get(e, "message")) > 0);
  if (field)
    assert_string_equal(json_string_value(json_object_get(e, "field")), field);
  json_decref(e);
}

/* What the HTTP layer refuses under /api/ is JSON too: unknown paths, other methods, bodies
 * too large, malformed queries. */
static void test_errors_are_json(void **state)
{
  const char *html[] = {"Accept: text/html", NULL};
  expect_error("GET", "/api/v1/nowhere", html, NULL, 404, "not_found", NULL);
  expect_error("GET", "/api/v1/offices/xinxing/nowhere", html, NULL, 404, "not_found", NULL);
  expect_error("GET", "/api/v2/offices", html, NULL, 404, "not_found", NULL);
  expect_error("GET", "/api/", html, NULL, 404, "not_found", NULL); /* the API's root too */
  expect_error("GET", "/api", html, NULL, 404, "not_found", NULL);
  expect_error("POST", "/api/v1/nowhere", html, "{}", 404, "not_found", NULL);
  expect_error("DELETE", "/api/v1/offices", html, NULL, 405, "method_not_allowed", NULL);
  expect_error("POST", "/api/v1/offices/xinxing", html, "{}", 405, "method_not_allowed", NULL);
  expect_error("GET", "/api/v1/offices/kh-udd/requests", html, NULL, 405, "method_not_allowed",
               NULL);
  expect_error("GET", "/api/v1/offices?q=%ff", html, NULL, 400, "invalid", NULL);
  struct response r;
  assert_int_equal(http_call(&server, "DELETE", "/api/v1/offices", NULL, NULL, 0, &r), 0);
  char *allow = response_header(&r, "Allow");
  assert_non_null(allow);
  assert_string_equal(allow, "GET, HEAD");
  free(allow);
  response_free(&r);

  /* A body over the cap is refused from its Content-Length, before it is read. */
  enum { BIG = 65 * 1024 };
  char *big = malloc(BIG + 1);
  assert_non_null(big);
  memset(big, ' ', BIG);
  big[0] = '{';
  big[BIG - 1] = '}';
  big[BIG] = '\0';
  const char *json[] = {"Content-Type: application/json", NULL};
  expect_error("POST", "/api/v1/offices/kh-udd/requests", json, big, 413, "payload_too_large",
               NULL);
  /* Without a Content-Length (chunked), once the body read passes the cap. */
  const char *chunked[] = {"Content-Type: application/json", "Transfer-Encoding: chunked", NULL};
  expect_error("POST", "/api/v1/offices/kh-udd/requests", chunked, big, 413, "payload_too_large",
               NULL);
  free(big);
  /* A path with its query over 8 KiB: its own code and words, not "internal_error, try later" */
  enum { LONG = 9 * 1024 };
  char *long_path = malloc(LONG + 1);
  assert_non_null(long_path);
  int n = snprintf(long_path, LONG, "/api/v1/offices?lang=en&q=");
  memset(long_path + n, 'a', LONG - (size_t)n);
  long_path[LONG] = '\0';
  json_t *e = call_json("GET", long_path, html, NULL, 414);
  assert_string_equal(json_string_value(json_object_get(e, "code")), "uri_too_long");
  assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "too long"));
  json_decref(e);
  memcpy(long_path, "/api/v1/offices/", 16); /* zh-TW, and a path no route answers */
  memset(long_path + 16, 'a', LONG - 16);
  e = call_json("GET", long_path, html, NULL, 414);
  assert_string_equal(json_string_value(json_object_get(e, "code")), "uri_too_long");
  assert_non_null(strstr(json_string_value(json_object_get(e, "message")), "網址太長"));
  json_decref(e);
  free(long_path);
  /* The pages keep their HTML error pages. */
  assert_int_equal(http_call(&server, "GET", "/o/nowhere/at-all", html, NULL, 0, &r), 0);
  assert_int_equal(r.status, 404);
  assert_type(&r, "text/html; charset=utf-8");
  response_free(&r);
}

/* A language the API does not speak, a body not declared JSON and a lookup without its check
 * code are refused, not guessed at. */
static void test_refusals(void **state)
{
  char key[200];
  snprintf(key, sizeof(key), "X-API-Key: %s", key_udd);
  const char *path = "/api/v1/offices/kh-udd/requests";
  const char *body = "{\"service_code\": \"zoning-certificate\", \"answers\": {}}";
  const char *fr = "{\"service_code\": \"zoning-certificate\", \"answers\": {}, \"lang\": \"fr\"}";
  const char *as_json[] = {key, "Content-Type: application/json; charset=utf-8", NULL};
  const char *as_text[] = {key, "Content-Type: text/plain", NULL};
  const char *as_form[] = {key, "Content-Type: application/x-www-form-urlencoded", NULL};
  const char *untyped[] = {key, "Content-Type:", NULL}; /* curl sends none */
  expect_error("POST", path, as_json, fr, 400, "invalid", "lang");
  expect_error("POST", path, as_text, body, 415, "unsupported_media_type", NULL);
  expect_error("POST", path, as_form, body, 415, "unsupported_media_type", NULL);
  expect_error("POST", path, untyped, body, 415, "unsupported_media_type", NULL);
  /* Declared JSON with a charset is fine: the form's own refusal comes next. */
  expect_error("POST", path, as_json, body, 400, "invalid", "section");

  static const char *const catalogue[] = {"", "/xinxing", "/xinxing/services",
                                          "/xinxing/services/transcript", "/xinxing/faq"};
  for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++) {
    char path_fr[128], unknown[128];
    snprintf(path_fr, sizeof(path_fr), "/api/v1/offices%s?lang=fr", catalogue[i]);
    expect_error("GET", path_fr, NULL, NULL, 400, "invalid", "lang");
    if (!i)
      continue;
    /* The same path at an office that does not exist. */
    snprintf(unknown, sizeof(unknown), "/api/v1/offices/atlantis%s",
             catalogue[i] + strlen("/xinxing"));
    expect_error("GET", unknown, NULL, NULL, 404, "not_found", NULL);
  }
  json_decref(get_json("/api/v1/offices?lang=en", 200));
  expect_error("GET", "/api/v1/offices/kh-udd/cases/115-UD01-000001", NULL, NULL, 400, "invalid",
               "check_code");
  expect_error("GET", "/api/v1/offices/kh-udd/cases/115-UD01-000001?check_code=", NULL, NULL, 400,
               "invalid", "check_code");
  lookups += 2;
}

/* The members of each object in value are among those schema (in doc) describes, recursively
 * through arrays and $refs. */
static void expect_documented(json_t *doc, json_t *schema, json_t *value, const char *where)
{
  const char *ref = json_string_value(json_object_get(schema, "$ref"));
  if (ref && !strncmp(ref, "#/components/schemas/", 21))
    schema =
        json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), ref + 21);
  json_t *props = json_object_get(schema, "properties"), *v;
  const char *name;
  size_t i;
  if (json_is_array(value))
    json_array_foreach(value, i, v)
        expect_documented(doc, json_object_get(schema, "items"), v, where);
  if (!json_is_object(value) || !props)
    return;
  json_object_foreach(value, name, v)
  {
    json_t *sub = json_object_get(props, name);
    if (!sub)
      fail_msg("%s: member \"%s\" is not in docs/openapi.json", where, name);
    if (json_is_null(v) && !json_is_true(json_object_get(sub, "nullable")))
      fail_msg("%s: member \"%s\" is null, docs/openapi.json says it is not", where, name);
    expect_documented(doc, sub, v, where);
  }
}

/* Answers carry only documented members (a null only where the document allows it). */
static void test_members_documented(void **state)
{
  size_t len;
  char *file = read_file(BIANMIN_SOURCE_DIR "/docs/openapi.json", &len);
  json_t *doc = json_loadb(file, len, 0, NULL);
  free(file);
  assert_non_null(doc);
  json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
  json_t *services = get_json("/api/v1/offices/xinxing/services", 200);
  json_t *s;
  size_t i;
  json_array_foreach(json_object_get(services, "services"), i, s)
      expect_documented(doc, json_object_get(schemas, "Service"), s, "service");
  json_decref(services);
  json_t *office = get_json("/api/v1/offices/xinxing", 200);
  expect_documented(doc, json_object_get(schemas, "OfficeWithUnits"), office, "office");
  json_decref(office);

  /* The case test_create_and_progress made, read back. */
  char path[256];
  assert_true(*made_number && *made_check);
  snprintf(path, sizeof(path), "/api/v1/offices/kh-udd/cases/%s?check_code=%s", made_number,
           made_check);
  json_t *progress = get_json(path, 200);
  expect_documented(doc, json_object_get(schemas, "CaseProgress"),
                    json_object_get(progress, "case"), "case");
  assert_true(json_array_size(json_object_get(json_object_get(progress, "case"), "events")) > 0);
  json_decref(progress);
  lookups++;
  json_decref(doc);
}

/* The lookup is in the progress page's rate class (BIANMIN_RATE_LOOKUP=8 here). */
static void test_lookup_rate_limited(void **state)
{
  struct response r;
  long last = 0;
  for (int i = lookups; i < LOOKUPS; i++) {
    assert_int_equal(
        http_get(&server, "/api/v1/offices/kh-udd/cases/115-UD01-999999?check_code=1", &r), 0);
    last = r.status;
    response_free(&r);
  }
  assert_int_equal(last, 404);
  /* Refused as JSON, with Retry-After. */
  expect_error("GET", "/api/v1/offices/kh-udd/cases/115-UD01-999999?check_code=1", NULL, NULL, 429,
               "too_many_requests", NULL);
  assert_int_equal(
      http_get(&server, "/api/v1/offices/kh-udd/cases/115-UD01-999999?check_code=1", &r), 0);
  char *retry = response_header(&r, "Retry-After");
  assert_non_null(retry);
  free(retry);
  response_free(&r);
  /* Other routes are not slowed by it. */
  json_decref(get_json("/api/v1/offices", 200));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_document_served),     cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_create_and_progress), cmocka_unit_test(test_members_documented),
      cmocka_unit_test(test_errors_are_json),     cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_lookup_rate_limited),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
