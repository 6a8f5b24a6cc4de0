/*
 * open311_test.c - Open311 GeoReport v2 over HTTP (../shared/design/OPEN311.md), in both
 * formats: XML parsed with libxml2 (XPath), JSON with jansson. Keys are issued the way an
 * office's admin does it, on the staff console.
 *
 * Covered: the api keys page (secret shown once, stored hashed, CSRF, revoke, audit, another
 * office's key refused); discovery; services and service definitions (labels in the request's
 * language, hints, values, multivaluelist); jurisdiction_id (required with several offices,
 * unknown 404, per-office base, POST body and query string); POST requests (403 without or with
 * a bad key, 404 unknown service, 400 naming a missing or refused attribute, repeated
 * attribute[CODE][], description limits, no HTML); GET requests (filters, empty = absent, dates,
 * status, 90-day span, page/page_size, extensions=true notes, no personal data), requests/{id},
 * tokens/{token}; status collapse after the case is closed; exact Content-Types; ids with
 * leading zeros; "//" and trailing slashes; what the HTTP layer refuses on an Open311 path (405,
 * 413, 400 for a malformed body or query, 415, 429) in Open311's error format.
 */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define ADMIN_PASSWORD "admin-password-123"
#define STAFF_PASSWORD "staff-password-123"

#define XML_TYPE  "text/xml; charset=utf-8"
#define JSON_TYPE "application/json; charset=utf-8"
#define BASE      "/open311/v2/"
#define UDD       "/o/kh-udd/open311/v2/"

static struct server server;
static struct client admin_udd, admin_xx;
static char totp_udd[64], totp_xx[64];
static char key_udd[128], key_xx[128];
static const char *const env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_PUBLIC=100000",
                                  "BIANMIN_RATE_LOOKUP=100000", NULL};

/* ---- helpers ----------------------------------------------------------------------------- */

static void assert_type(struct response *r, const char *type)
{
  char *got = response_header(r, "Content-Type");
  if (!got || strcmp(got, type) != 0)
    fail_msg("Content-Type \"%s\", expected \"%s\"", got ? got : "(none)", type);
  free(got);
}

static void get(const char *path, struct response *r)
{
  assert_int_equal(http_get(&server, path, r), 0);
}

static void post(const char *path, const char *body, struct response *r)
{
  assert_int_equal(http_call(&server, "POST", path, NULL, body, strlen(body), r), 0);
}

/* The JSON answer with its exact Content-Type and status. */
static json_t *get_json(const char *path, long status)
{
  struct response r;
  get(path, &r);
  if (r.status != status)
    fail_msg("GET %s: %ld, expected %ld: %.2000s", path, r.status, status, r.body);
  assert_type(&r, JSON_TYPE);
  json_t *j = response_json(&r);
  if (!j)
    fail_msg("GET %s: not JSON: %.2000s", path, r.body);
  response_free(&r);
  return j;
}

static xmlDocPtr parse_xml(struct response *r)
{
  assert_type(r, XML_TYPE);
  if (strncmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38) != 0)
    fail_msg("XML declaration missing: %.200s", r->body);
  xmlDocPtr doc = xmlReadMemory(r->body, (int)r->len, "answer.xml", "utf-8", XML_PARSE_NONET);
  if (!doc)
    fail_msg("not XML: %.2000s", r->body);
  return doc;
}

static xmlDocPtr get_xml(const char *path, long status)
{
  struct response r;
  get(path, &r);
  if (r.status != status)
    fail_msg("GET %s: %ld, expected %ld: %.2000s", path, r.status, status, r.body);
  xmlDocPtr doc = parse_xml(&r);
  response_free(&r);
  return doc;
}

/* The number the XPath expression evaluates to (count(...)). */
static double xnum(xmlDocPtr doc, const char *expr)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
  double v = o ? xmlXPathCastToNumber(o) : -1;
  xmlXPathFreeObject(o);
  xmlXPathFreeContext(ctx);
  return v;
}

/* The string value of an XPath expression, malloc'd. */
static char *xstr(xmlDocPtr doc, const char *expr)
{
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
  xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
  char *out = strdup(s ? (const char *)s : "");
  xmlFree(s);
  xmlXPathFreeObject(o);
  xmlXPathFreeContext(ctx);
  return out;
}

static void assert_xstr(xmlDocPtr doc, const char *expr, const char *want)
{
  char *got = xstr(doc, expr);
  if (strcmp(got, want) != 0)
    fail_msg("%s = \"%s\", expected \"%s\"", expr, got, want);
  free(got);
}

/* An error answer in both formats: the status, code and a description containing want. */
static void assert_error(const char *path_no_suffix, const char *query, const char *body,
                         long status, const char *want)
{
  char path[2048];
  struct response r;
  for (int xml = 0; xml < 2; xml++) {
    snprintf(path, sizeof(path), "%s.%s%s", path_no_suffix, xml ? "xml" : "json", query);
    if (body)
      post(path, body, &r);
    else
      get(path, &r);
    if (r.status != status)
      fail_msg("%s %s: %ld, expected %ld: %.2000s", body ? "POST" : "GET", path, r.status, status,
               r.body);
    if (xml) {
      xmlDocPtr doc = parse_xml(&r);
      assert_int_equal((int)xnum(doc, "count(/errors/error)"), 1);
      assert_int_equal((int)xnum(doc, "number(/errors/error/code)"), (int)status);
      char *d = xstr(doc, "string(/errors/error/description)");
      expect_contains(d, want);
      free(d);
      xmlFreeDoc(doc);
    } else {
      assert_type(&r, JSON_TYPE);
      json_t *j = response_json(&r);
      assert_true(json_is_array(j));
      assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "code")), status);
      expect_contains(json_string_value(json_object_get(json_array_get(j, 0), "description")),
                      want);
      json_decref(j);
    }
    response_free(&r);
  }
}

static void add_user(const char *office, const char *username, const char *roles)
{
  const char *args[] = {"user",   "add",  "--office", office, "--username",  username,
                        "--name", "測試", "--roles",  roles,  "--no-expire", NULL};
  const char *pw[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, pw), 0);
}

/* Issues a key on the admins' page and reads the secret from the answer. */
static void issue_key(struct client *admin, const char *name, char *out, size_t size)
{
  struct response r;
  char form[256];
  assert_int_equal(client_get(admin, "/staff/admin/api-keys", &r), 0);
  response_free(&r);
  snprintf(form, sizeof(form), "name=%s", name);
  assert_int_equal(client_post(admin, "/staff/admin/api-keys", form, &r), 0);
  assert_int_equal(r.status, 200);
  char *cache = response_header(&r, "Cache-Control");
  assert_non_null(cache);
  bool no_store = strstr(cache, "no-store") != NULL;
  free(cache);
  assert_true(no_store);
  const char *p = strstr(r.body, "id=\"new-key\" type=\"text\" readonly value=\"");
  assert_non_null(p);
  p += strlen("id=\"new-key\" type=\"text\" readonly value=\"");
  size_t n = strcspn(p, "\"");
  assert_true(n == 46 && n < size);
  memcpy(out, p, n);
  out[n] = '\0';
  assert_true(strncmp(out, "bm_", 3) == 0);
  response_free(&r);
}

static int setup(void **state)
{
  if (server_start(&server, env))
    return -1;
  add_user("kh-udd", "o311-admin", "admin");
  add_user("xinxing", "o311-admin-x", "admin");
  add_user("kh-udd", "o311-super", "supervisor");
  client_init(&admin_udd, &server);
  client_init(&admin_xx, &server);
  if (client_login_totp(&admin_udd, "o311-admin", ADMIN_PASSWORD, totp_udd, sizeof(totp_udd)) ||
      client_login_totp(&admin_xx, "o311-admin-x", ADMIN_PASSWORD, totp_xx, sizeof(totp_xx)))
    return -1;
  issue_key(&admin_udd, "City+app", key_udd, sizeof(key_udd));
  issue_key(&admin_xx, "Xinxing+kiosk", key_xx, sizeof(key_xx));
  return 0;
}

static int teardown(void **state)
{
  client_free(&admin_udd);
  client_free(&admin_xx);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* A good rent-subsidy request for kh-udd; extra fields come first, so they win over the
 * defaults (a server reads the first of repeated parameters). */
static void rent_body(char *out, size_t size, const char *extra)
{
  snprintf(out, size,
           "api_key=%s%s&service_code=rent-subsidy&attribute[household_size]=3"
           "&attribute[monthly_rent]=12000&attribute[rental_address]=%%E9%%AB%%98%%E9%%9B%%84"
           "&attribute[lease_start]=2026-01-01&email=mei.chen%%40example.com&phone=0912345678"
           "&first_name=Meiling&last_name=Chenxyz&description=Secret+story+of+Chenxyz",
           key_udd, extra);
}

/* Creates a request on the office's base; returns its id (malloc'd). */
static char *create_request(const char *extra)
{
  char body[2048];
  struct response r;
  rent_body(body, sizeof(body), extra);
  post(UDD "requests.json", body, &r);
  if (r.status != 200)
    fail_msg("POST: %ld %.2000s", r.status, r.body);
  assert_type(&r, JSON_TYPE);
  json_t *j = response_json(&r);
  assert_int_equal(json_array_size(j), 1);
  json_t *one = json_array_get(j, 0);
  assert_true(json_is_string(json_object_get(one, "service_request_id")));
  assert_null(json_object_get(one, "token")); /* never both */
  char *id = strdup(json_string_value(json_object_get(one, "service_request_id")));
  json_decref(j);
  response_free(&r);
  return id;
}

/* ---- the keys page ----------------------------------------------------------------------- */

static void test_keys_page(void **state)
{
  struct response r;
  assert_int_equal(client_get(&admin_udd, "/staff/admin/api-keys", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "City app");
  char prefix[11];
  memcpy(prefix, key_udd, 10);
  prefix[10] = '\0';
  expect_contains(r.body, prefix);
  expect_lacks(r.body, key_udd); /* shown once, never again */
  expect_lacks(r.body, key_xx);  /* nor another office's */
  response_free(&r);

  /* Without the CSRF token: refused, nothing issued. */
  const char *form = "name=sneaky";
  assert_int_equal(
      client_call(&admin_udd, "POST", "/staff/admin/api-keys", NULL, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* A bad name: 400 naming the field. */
  assert_int_equal(client_get(&admin_udd, "/staff/admin/api-keys", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&admin_udd, "/staff/admin/api-keys", "name=", &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "govuk-error-summary");
  response_free(&r);
  assert_int_equal(client_get(&admin_udd, "/staff/admin/api-keys", &r), 0);
  expect_lacks(r.body, "sneaky");
  response_free(&r);

  /* Issued and revoked: in the audit trail. A key of another office cannot be revoked. */
  char spare[128];
  issue_key(&admin_udd, "spare", spare, sizeof(spare));
  assert_int_equal(client_get(&admin_udd, "/staff/admin/api-keys", &r), 0);
  const char *row = strstr(r.body, "data-id=\"");
  assert_non_null(row);
  long spare_id = strtol(row + 9, NULL, 10); /* newest first */
  response_free(&r);
  char path[128];
  snprintf(path, sizeof(path), "/staff/admin/api-keys/%ld/revoke", spare_id);
  assert_int_equal(client_get(&admin_xx, "/staff/admin/api-keys", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&admin_xx, path, "", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(client_get(&admin_udd, "/staff/admin/api-keys", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&admin_udd, path, "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  char body[2048];
  snprintf(body, sizeof(body), "api_key=%s&service_code=rent-subsidy", spare);
  post(UDD "requests.json", body, &r);
  assert_int_equal(r.status, 403); /* revoked */
  response_free(&r);
  assert_int_equal(client_get(&admin_udd, "/staff/admin/audit", &r), 0);
  expect_contains(r.body, "apikey.issue");
  expect_contains(r.body, "apikey.revoke");
  response_free(&r);
}

/* ---- discovery, services, definitions ----------------------------------------------------- */

static void test_discovery(void **state)
{
  xmlDocPtr doc = get_xml(BASE "discovery.xml", 200);
  assert_true(xnum(doc, "count(/discovery/endpoints/endpoint)") >= 2);
  assert_xstr(doc, "string(/discovery/endpoints/endpoint[1]/specification)",
              "http://wiki.open311.org/GeoReport_v2");
  assert_xstr(doc, "string(/discovery/endpoints/endpoint[1]/type)", "production");
  assert_true(xnum(doc, "count(/discovery/endpoints/endpoint[1]/formats/format[.='text/xml'])") ==
              1);
  char *changeset = xstr(doc, "string(/discovery/changeset)");
  assert_true(strlen(changeset) == 25 && strcmp(changeset + 19, "+08:00") == 0);
  free(changeset);
  char *contact = xstr(doc, "string(/discovery/contact)");
  char *key_service = xstr(doc, "string(/discovery/key_service)");
  assert_true(*contact && *key_service);
  free(contact);
  free(key_service);
  xmlFreeDoc(doc);

  json_t *j = get_json(UDD "discovery.json", 200);
  json_t *eps = json_object_get(j, "endpoints");
  assert_true(json_array_size(eps) >= 2);
  expect_contains(json_string_value(json_object_get(json_array_get(eps, 0), "url")), UDD);
  assert_string_equal(
      json_string_value(json_array_get(json_object_get(json_array_get(eps, 0), "formats"), 0)),
      "text/xml");
  json_decref(j);
}

static void test_jurisdiction(void **state)
{
  /* Several offices: required on the shared base; unknown is 404; an office's base needs none,
   * and an empty parameter is an absent one. */
  assert_error(BASE "services", "", NULL, 400, "jurisdiction_id");
  assert_error(BASE "services", "?jurisdiction_id=atlantis", NULL, 404, "jurisdiction_id");
  assert_error(UDD "services", "?jurisdiction_id=xinxing", NULL, 404, "jurisdiction_id");
  json_t *a = get_json(BASE "services.json?jurisdiction_id=kh-udd", 200);
  json_t *b = get_json(UDD "services.json?jurisdiction_id=", 200);
  json_t *c = get_json(UDD "services.json?jurisdiction_id=kh-udd", 200);
  assert_true(json_equal(a, b) && json_equal(b, c));
  json_decref(a);
  json_decref(b);
  json_decref(c);
  /* "//", a trailing slash, an unknown resource, a missing suffix. */
  json_t *d = get_json("/o/kh-udd/open311/v2//services.json", 200);
  json_t *e = get_json(BASE "/services.json/?jurisdiction_id=kh-udd", 200);
  assert_true(json_array_size(d) > 0 && json_equal(d, e));
  json_decref(d);
  json_decref(e);
  assert_error(UDD "things", "", NULL, 404, "services");
  struct response r;
  get(UDD "services", &r);
  assert_int_equal(r.status, 404);
  assert_type(&r, XML_TYPE);
  response_free(&r);
}

static void test_services(void **state)
{
  json_t *list = get_json(UDD "services.json?lang=en", 200);
  json_t *s, *rent = NULL, *home = NULL;
  size_t i;
  json_array_foreach(list, i, s)
  {
    assert_true(json_is_string(json_object_get(s, "service_code")));
    assert_true(json_is_boolean(json_object_get(s, "metadata")));
    assert_string_equal(json_string_value(json_object_get(s, "type")), "realtime");
    assert_true(json_is_string(json_object_get(s, "service_name")));
    assert_true(json_is_string(json_object_get(s, "keywords")));
    assert_true(json_is_string(json_object_get(s, "group")));
    const char *code = json_string_value(json_object_get(s, "service_code"));
    if (!strcmp(code, "rent-subsidy"))
      rent = s;
    if (!strcmp(code, "home-loan-subsidy"))
      home = s;
  }
  assert_non_null(rent);
  assert_true(json_is_true(json_object_get(rent, "metadata")));
  assert_string_equal(json_string_value(json_object_get(rent, "service_name")), "Rent subsidy");
  assert_non_null(home); /* online-capable without questions: metadata false */
  assert_true(json_is_false(json_object_get(home, "metadata")));
  json_decref(list);

  xmlDocPtr doc = get_xml(UDD "services.xml", 200);
  assert_true(xnum(doc, "count(/services/service)") >= 3);
  assert_xstr(doc, "string(/services/service[service_code='rent-subsidy']/metadata)", "true");
  assert_xstr(doc, "string(/services/service[service_code='rent-subsidy']/service_name)",
              "租金補貼申請");
  xmlFreeDoc(doc);
}

static json_t *attribute_of(json_t *def, const char *code)
{
  json_t *a;
  size_t i;
  json_array_foreach(json_object_get(def, "attributes"), i,
                     a) if (!strcmp(json_string_value(json_object_get(a, "code")), code)) return a;
  fail_msg("no attribute %s", code);
  return NULL;
}

static void test_definition(void **state)
{
  json_t *def = get_json(UDD "services/rent-subsidy.json?lang=en", 200);
  assert_string_equal(json_string_value(json_object_get(def, "service_code")), "rent-subsidy");
  json_t *a = attribute_of(def, "household_size");
  assert_true(json_is_true(json_object_get(a, "variable")));
  assert_true(json_is_true(json_object_get(a, "required")));
  assert_string_equal(json_string_value(json_object_get(a, "datatype")), "number");
  assert_string_equal(json_string_value(json_object_get(a, "description")), "Household members");
  assert_int_equal(json_integer_value(json_object_get(a, "order")), 1);
  json_t *m = attribute_of(def, "status");
  assert_string_equal(json_string_value(json_object_get(m, "datatype")), "multivaluelist");
  json_t *v = json_array_get(json_object_get(m, "values"), 0);
  assert_true(json_is_string(json_object_get(v, "key")) &&
              json_is_string(json_object_get(v, "name")));
  json_decref(def);

  /* Chinese by Accept-Language, hints as datatype_description. */
  struct response r;
  const char *zh[] = {"Accept-Language: zh-TW,zh;q=0.9", NULL};
  assert_int_equal(
      http_call(&server, "GET", "/o/xinxing/open311/v2/services/transcript.xml", zh, NULL, 0, &r),
      0);
  assert_int_equal(r.status, 200);
  xmlDocPtr doc = parse_xml(&r);
  response_free(&r);
  assert_xstr(doc, "string(/service_definition/service_code)", "transcript");
  assert_xstr(doc, "string(/service_definition/attributes/attribute[code='section']/description)",
              "地段（段名或段號）");
  assert_xstr(doc,
              "string(/service_definition/attributes/attribute[code='section']/"
              "datatype_description)",
              "例：新興段或 0001");
  assert_xstr(doc,
              "string(/service_definition/attributes/attribute[code='kind']/values/value[key="
              "'land']/name)",
              "土地登記謄本");
  assert_xstr(doc, "string(/service_definition/attributes/attribute[code='kind']/required)",
              "true");
  xmlFreeDoc(doc);

  json_t *empty = get_json(UDD "services/home-loan-subsidy.json", 200);
  assert_int_equal(json_array_size(json_object_get(empty, "attributes")), 0);
  json_decref(empty);
  assert_error(UDD "services/no-such-service", "", NULL, 404, "service_code");
  assert_error(UDD "services/transcript", "", NULL, 404, "service_code"); /* another office's */
}

/* ---- POST requests ----------------------------------------------------------------------- */

static void test_post_refusals(void **state)
{
  char body[8192];
  /* No key, a malformed key, an unknown key, another office's key: 403. */
  assert_error(UDD "requests", "", "service_code=rent-subsidy", 403, "api_key");
  assert_error(UDD "requests", "", "api_key=nonsense&service_code=rent-subsidy", 403, "api_key");
  snprintf(body, sizeof(body), "api_key=bm_%043d&service_code=rent-subsidy", 7);
  assert_error(UDD "requests", "", body, 403, "api_key");
  snprintf(body, sizeof(body), "api_key=%s&service_code=rent-subsidy", key_xx);
  assert_error(UDD "requests", "", body, 403, "api_key");
  /* Unknown service 404, missing service_code 400. */
  snprintf(body, sizeof(body), "api_key=%s&service_code=potholes", key_udd);
  assert_error(UDD "requests", "", body, 404, "service_code");
  snprintf(body, sizeof(body), "api_key=%s&service_code=", key_udd);
  assert_error(UDD "requests", "", body, 400, "service_code");
  /* A missing required attribute is named (Chicago style: "CODE required"). */
  snprintf(body, sizeof(body), "api_key=%s&service_code=rent-subsidy&attribute[household_size]=3",
           key_udd);
  assert_error(UDD "requests", "?lang=en", body, 400, "monthly_rent required");
  assert_error(UDD "requests", "", body, 400, "monthly_rent");
  /* Type and list membership per datatype. */
  rent_body(body, sizeof(body), "&attribute[status][]=youth&attribute[status][]=dragon");
  assert_error(UDD "requests", "?lang=en", body, 400, "status");
  snprintf(
      body, sizeof(body),
      "api_key=%s&service_code=rent-subsidy&attribute[household_size]=many"
      "&attribute[monthly_rent]=1&attribute[rental_address]=x&attribute[lease_start]=2026-01-01",
      key_udd);
  assert_error(UDD "requests", "?lang=en", body, 400, "household_size must be a number");
  rent_body(body, sizeof(body), "&attribute[colour]=red");
  assert_error(UDD "requests", "", body, 400, "colour");
  /* One answer to a question: given twice (in the body, or in the query string as well) or
   * under a name that is neither attribute[CODE] nor attribute[CODE][] is refused. */
  rent_body(body, sizeof(body), "&attribute[household_size]=4");
  assert_error(UDD "requests", "?lang=en", body, 400, "household_size may be given only once");
  rent_body(body, sizeof(body), "");
  assert_error(UDD "requests", "?lang=en&attribute[household_size]=2", body, 400,
               "household_size may be given only once");
  rent_body(body, sizeof(body), "&attribute[status][0]=youth");
  assert_error(UDD "requests", "?lang=en", body, 400, "status");
  /* a refused e-mail address names its field */
  snprintf(body, sizeof(body),
           "api_key=%s&service_code=rent-subsidy&attribute[household_size]=3"
           "&attribute[monthly_rent]=12000&attribute[rental_address]=x"
           "&attribute[lease_start]=2026-01-01&email=not-an-address",
           key_udd);
  assert_error(UDD "requests", "", body, 400, "email");
  /* Description: no HTML, at most 4000 characters; location both or none. */
  rent_body(body, sizeof(body), "&description=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  assert_error(UDD "requests", "", body, 400, "description");
  char *big = malloc(4200);
  memset(big, 'a', 4001);
  big[4001] = '\0';
  char *extra = malloc(4300), *huge = malloc(8192);
  snprintf(extra, 4300, "&description=%s", big);
  rent_body(huge, 8192, extra);
  free(extra);
  assert_error(UDD "requests", "", huge, 400, "4000");
  free(huge);
  free(big);
  rent_body(body, sizeof(body), "&lat=22.6");
  assert_error(UDD "requests", "", body, 400, "long");
  /* decimal degrees only: strtod's hexadecimal was taken and kept as "0x16" */
  rent_body(body, sizeof(body), "&lat=0x16&long=120.3");
  assert_error(UDD "requests", "", body, 400, "long");
  rent_body(body, sizeof(body), "&lat=%2022.6&long=120.3");
  assert_error(UDD "requests", "", body, 400, "long");
  /* The shared base: the jurisdiction is needed, from the body or the query string. */
  rent_body(body, sizeof(body), "");
  assert_error(BASE "requests", "", body, 400, "jurisdiction_id");
  /* Nothing was created by any of these. */
  json_t *list = get_json(UDD "requests.json", 200);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
}

static void test_post_and_get(void **state)
{
  char body[4096];
  struct response r;
  /* Multivaluelist as repeated attribute[CODE][], in the body; jurisdiction in the query
   * string (node-open311) and in the body (Ruby gem, FixMyStreet). */
  rent_body(body, sizeof(body),
            "&attribute[status][]=youth&attribute[status][]=child&lat=22.63&long=120.30"
            "&address_string=Fengshan-Lane-77&media_url=https%3A%2F%2Fexample.org%2Fa.jpg");
  post(BASE "requests.xml?jurisdiction_id=kh-udd", body, &r);
  assert_int_equal(r.status, 200);
  xmlDocPtr doc = parse_xml(&r);
  response_free(&r);
  assert_int_equal((int)xnum(doc, "count(/service_requests/request)"), 1);
  assert_int_equal((int)xnum(doc, "count(/service_requests/request/token)"), 0);
  char *first = xstr(doc, "string(/service_requests/request/service_request_id)");
  char *notice = xstr(doc, "string(/service_requests/request/service_notice)");
  expect_contains(notice, first);
  /* the expected date as zh-TW writes dates: 116年1月21日, not 2027-01-21 */
  expect_contains(notice, "預計完成日 11");
  expect_contains(notice, "日；進度查詢碼");
  free(notice);
  xmlFreeDoc(doc);
  /* Leading zeros in the id survive ("115-UD01-000001"). */
  expect_contains(first, "-0000");

  /* lang in the form body, like every other parameter: the answer follows it */
  rent_body(body, sizeof(body), "&jurisdiction_id=kh-udd&lang=en");
  post(BASE "requests.json", body, &r);
  assert_int_equal(r.status, 200);
  json_t *made = json_loads(r.body, 0, NULL);
  expect_contains(json_string_value(json_object_get(json_array_get(made, 0), "service_notice")),
                  "Case number");
  json_decref(made);
  response_free(&r);
  char *third = create_request("");
  /* the documents record of an API case carries its channel (issue 20, paperless cases) */
  assert_true(harness_sql_int(&server, "SELECT count(*) FROM case_document_checks WHERE channel "
                                       "= 'api'") >= 3);
  assert_int_equal(harness_sql_int(&server, "SELECT count(*) FROM case_document_checks d JOIN "
                                            "cases c ON c.id = d.case_id WHERE d.channel <> "
                                            "c.channel"),
                   0);

  /* GET requests: both formats; the newest first; no personal data, no free text. */
  struct response raw;
  get(UDD "requests.json", &raw);
  assert_int_equal(raw.status, 200);
  assert_type(&raw, JSON_TYPE);
  static const char *const secrets[] = {"mei.chen", "0912345678",    "Chenxyz",
                                        "Meiling",  "Secret story",  "example.org",
                                        "22.63",    "Fengshan-Lane", "12000"};
  for (size_t i = 0; i < sizeof(secrets) / sizeof(*secrets); i++)
    expect_lacks(raw.body, secrets[i]);
  json_t *list = response_json(&raw);
  response_free(&raw);
  assert_int_equal(json_array_size(list), 3);
  json_t *one = json_array_get(list, 2);
  assert_string_equal(json_string_value(json_object_get(one, "service_request_id")), first);
  assert_string_equal(json_string_value(json_object_get(one, "status")), "open");
  assert_string_equal(json_string_value(json_object_get(one, "service_code")), "rent-subsidy");
  const char *requested = json_string_value(json_object_get(one, "requested_datetime"));
  assert_true(requested && strlen(requested) == 25 && !strcmp(requested + 19, "+08:00"));
  assert_true(json_is_string(json_object_get(one, "expected_datetime")));
  assert_true(json_is_string(json_object_get(one, "updated_datetime")));
  assert_true(json_is_string(json_object_get(one, "status_notes")));
  assert_null(json_object_get(one, "notes")); /* extensions only when asked */
  json_decref(list);

  get(UDD "requests.xml?lang=en", &raw);
  assert_int_equal(raw.status, 200);
  for (size_t i = 0; i < sizeof(secrets) / sizeof(*secrets); i++)
    expect_lacks(raw.body, secrets[i]);
  doc = parse_xml(&raw);
  response_free(&raw);
  assert_int_equal((int)xnum(doc, "count(/service_requests/request)"), 3);
  assert_xstr(doc, "string(/service_requests/request[3]/status_notes)", "Received");
  xmlFreeDoc(doc);

  /* One request: still a list; unknown id 404; tokens map to the id. */
  char path[512];
  snprintf(path, sizeof(path), UDD "requests/%s.json", first);
  list = get_json(path, 200);
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(list, 0), "service_request_id")), first);
  json_decref(list);
  assert_error(UDD "requests/115-UD01-999999", "", NULL, 404, "");
  snprintf(path, sizeof(path), UDD "tokens/%s.xml", first);
  doc = get_xml(path, 200);
  assert_xstr(doc, "string(/service_requests/request/service_request_id)", first);
  xmlFreeDoc(doc);
  assert_error(UDD "tokens/abcdef", "", NULL, 404, "token");

  /* service_request_id (a list) overrides the other filters. */
  snprintf(path, sizeof(path), UDD "requests.json?service_request_id=%s,%s&status=closed", first,
           third);
  list = get_json(path, 200);
  assert_int_equal(json_array_size(list), 2);
  json_decref(list);
  /* ... written with spaces and tabs after the commas, as clients write lists: none dropped */
  snprintf(path, sizeof(path), UDD "requests.json?service_request_id=%s,%%20%s%%09,%%09%s%%20",
           first, third, first);
  list = get_json(path, 200);
  assert_int_equal(json_array_size(list), 3);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(list, 1), "service_request_id")), third);
  json_decref(list);
  free(first);
  free(third);
}

static void test_get_filters(void **state)
{
  /* Empty parameters are absent ones. */
  json_t *all = get_json(UDD "requests.json", 200);
  json_t *same =
      get_json(UDD "requests.json?status=&service_code=&start_date=&end_date=&page=", 200);
  assert_true(json_array_size(all) >= 3 && json_equal(all, same));
  json_decref(same);
  json_t *open = get_json(UDD "requests.json?status=open", 200);
  assert_int_equal(json_array_size(open), json_array_size(all));
  json_decref(open);
  json_t *both = get_json(UDD "requests.json?status=open,closed", 200);
  assert_int_equal(json_array_size(both), json_array_size(all));
  json_decref(both);
  json_t *by_code = get_json(UDD "requests.json?service_code=rent-subsidy,zoning-certificate", 200);
  assert_int_equal(json_array_size(by_code), json_array_size(all));
  json_decref(by_code);
  by_code = get_json(UDD "requests.json?service_code=rent-subsidy,%20zoning-certificate%09", 200);
  assert_int_equal(json_array_size(by_code), json_array_size(all));
  json_decref(by_code);
  both = get_json(UDD "requests.json?status=open,%20closed", 200);
  assert_int_equal(json_array_size(both), json_array_size(all));
  json_decref(both);
  json_t *other = get_json(UDD "requests.json?service_code=zoning-certificate", 200);
  assert_int_equal(json_array_size(other), 0);
  json_decref(other);
  /* Dates: a window in the past is empty; bad dates, bad status, too long a span: 400. */
  json_t *old =
      get_json(UDD "requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01", 200);
  assert_int_equal(json_array_size(old), 0);
  json_decref(old);
  /* "+08:00" typed into a query string unencoded (a browser's address bar, the example our own
   * error shows) arrives as " 08:00": still the offset */
  old =
      get_json(UDD "requests.json?start_date=2020-01-01T00:00:00+08:00&end_date=2020-02-01T00:00:00"
                   "+08:00",
               200);
  assert_int_equal(json_array_size(old), 0);
  json_decref(old);
  json_t *now = get_json(UDD "requests.json?start_date=2020-01-01&end_date=2099-01-01", 400);
  json_decref(now);
  assert_error(UDD "requests", "?start_date=yesterday", NULL, 400, "start_date");
  assert_error(UDD "requests", "?status=pending", NULL, 400, "status");
  assert_error(UDD "requests", "?page=0", NULL, 400, "page");
  assert_error(UDD "requests", "?page_size=1001", NULL, 400, "page_size");
  assert_error(UDD "requests", "?service_code=potholes", NULL, 404, "service_code");

  /* page/page_size: pages of two, in the same order as the whole list. */
  json_t *p1 = get_json(UDD "requests.json?page_size=2", 200);
  json_t *p2 = get_json(UDD "requests.json?page_size=2&page=2", 200);
  assert_int_equal(json_array_size(p1), 2);
  assert_int_equal(json_array_size(p2), json_array_size(all) - 2);
  assert_true(json_equal(json_array_get(p1, 0), json_array_get(all, 0)));
  assert_true(json_equal(json_array_get(p2, 0), json_array_get(all, 2)));
  json_decref(p1);
  json_decref(p2);
  json_decref(all);

  /* extensions=true: the notes from the public timeline, in words. */
  json_t *ext = get_json(UDD "requests.json?extensions=true&lang=en", 200);
  json_t *notes = json_object_get(json_array_get(ext, 0), "notes");
  assert_true(json_array_size(notes) >= 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "description")),
                      "Received");
  assert_string_equal(
      json_string_value(json_object_get(
          json_object_get(json_array_get(ext, 0), "extended_attributes"), "channel")),
      "api");
  json_decref(ext);
  xmlDocPtr doc = get_xml(UDD "requests.xml?extensions=true", 200);
  assert_true(xnum(doc, "count(/service_requests/request[1]/notes/note)") >= 1);
  xmlFreeDoc(doc);
}

/* Signs super in as a supervisor of the office and finds request id's staff case page: its
 * address into href. */
static void staff_case_of(struct client *super, const char *id, char href[128])
{
  struct response r;
  char path[512];
  client_init(super, &server);
  assert_int_equal(client_login(super, "o311-super", ADMIN_PASSWORD), 303);
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s", id);
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(super, "GET", path, accept, NULL, 0, &r), 0);
  json_t *page = response_json(&r);
  response_free(&r);
  json_t *c = json_array_get(json_object_get(page, "rows"), 0);
  assert_non_null(c);
  snprintf(href, 128, "%s", json_string_value(json_object_get(c, "href")));
  json_decref(page);
}

/* The staff case page of request id (HTML) as a supervisor of the office. */
static char *staff_case_page(const char *id)
{
  struct client super;
  struct response r;
  char href[128];
  staff_case_of(&super, id, href);
  assert_int_equal(client_get(&super, href, &r), 0);
  assert_int_equal(r.status, 200);
  char *body = strdup(r.body);
  response_free(&r);
  client_free(&super);
  return body;
}

/* What the client pointed at (address, location, a photo's link) is on the staff case page. */
static void test_staff_see_address_location_and_media(void **state)
{
  char *id = create_request("&lat=22.63&long=120.30&address_string=Fengshan-Lane-77"
                            "&media_url=https%3A%2F%2Fexample.org%2Fa.jpg");
  char *html = staff_case_page(id);
  expect_contains(html, "Fengshan-Lane-77");
  expect_contains(html, "22.63, 120.30");
  expect_contains(html, "href=\"https://www.openstreetmap.org/?mlat=22.63&amp;mlon=120.30\"");
  expect_contains(html, "href=\"https://example.org/a.jpg\"");
  free(html);
  free(id);
  /* a request without them shows no such rows */
  id = create_request("");
  html = staff_case_page(id);
  expect_lacks(html, "openstreetmap");
  free(html);
  free(id);
}

/* Closing the case (a supervisor on the staff console): closed, with the outcome. */
static void test_status_collapse(void **state)
{
  char *id = create_request("");
  struct client super;
  struct response r;
  char path[512], href[128];
  staff_case_of(&super, id, href);
  assert_int_equal(client_get(&super, href, &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "%s/status", href);
  /* The rent subsidy workflow: reviewed, approved, then closed. */
  static const char *const moves[] = {"to=review", "to=approved", "to=closed"};
  for (size_t m = 0; m < sizeof(moves) / sizeof(moves[0]); m++) {
    assert_int_equal(client_post(&super, path, moves[m], &r), 0);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(client_get(&super, href, &r), 0); /* the next form's CSRF token */
    response_free(&r);
  }

  snprintf(path, sizeof(path), UDD "requests/%s.json?lang=en&extensions=true", id);
  json_t *list = get_json(path, 200);
  json_t *one = json_array_get(list, 0);
  assert_string_equal(json_string_value(json_object_get(one, "status")), "closed");
  assert_string_equal(json_string_value(json_object_get(one, "status_notes")),
                      "Completed: application granted, case completed");
  assert_true(json_is_null(json_object_get(one, "expected_datetime")));
  /* received, review, approved, closed */
  assert_int_equal(json_array_size(json_object_get(one, "notes")), 4);
  json_decref(list);
  json_t *closed = get_json(UDD "requests.json?status=closed", 200);
  assert_int_equal(json_array_size(closed), 1);
  json_decref(closed);
  client_free(&super);
  free(id);
}

/* Moves request id's case through the steps (forms "to=<step>") as the office's supervisor. */
static void move_case(const char *id, const char *const *moves, size_t count)
{
  struct client super;
  struct response r;
  char path[512], href[128];
  client_init(&super, &server);
  assert_int_equal(client_login(&super, "o311-super", ADMIN_PASSWORD), 303);
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s", id);
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(&super, "GET", path, accept, NULL, 0, &r), 0);
  json_t *page = response_json(&r);
  response_free(&r);
  json_t *c = json_array_get(json_object_get(page, "rows"), 0);
  assert_non_null(c);
  snprintf(href, sizeof(href), "%s", json_string_value(json_object_get(c, "href")));
  json_decref(page);
  snprintf(path, sizeof(path), "%s/status", href);
  for (size_t m = 0; m < count; m++) {
    assert_int_equal(client_get(&super, href, &r), 0); /* the form's CSRF token */
    response_free(&r);
    assert_int_equal(client_post(&super, path, moves[m], &r), 0);
    assert_int_equal(r.status, 303);
    response_free(&r);
  }
  client_free(&super);
}

/* Whether the list of requests in status (open or closed) names id. */
static bool listed(const char *status, const char *id)
{
  char path[256];
  snprintf(path, sizeof(path), UDD "requests.json?status=%s", status);
  json_t *list = get_json(path, 200), *one;
  size_t i;
  bool found = false;
  json_array_foreach(list, i, one) found =
      found || !strcmp(json_string_value(json_object_get(one, "service_request_id")), id);
  json_decref(list);
  return found;
}

/* An office adds its own final step to its workflow: a case that ends there is closed for
 * Open311 (the step's kind in the case's workflow version, not a list of codes). */
static void test_custom_final_step_is_closed(void **state)
{
  struct response r;
  const char *page = "/staff/admin/workflows/rent_subsidy/steps/new";
  assert_int_equal(client_get(&admin_udd, page, &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  const char *form = "code=transferred_out&after=review&before=&kind=final&completed=1"
                     "&name_zh=%E7%A7%BB%E9%80%81%E4%BB%96%E6%A9%9F%E9%97%9C"
                     "&name_en=Sent+to+another+agency&plain_zh=%E5%B7%B2%E7%A7%BB%E9%80%81"
                     "&plain_en=Another+agency+handles+it&notice_days=0";
  assert_int_equal(client_post(&admin_udd, page, form, &r), 0);
  if (r.status != 303)
    fail_msg("adding the step: %ld %.1500s", r.status, r.body);
  response_free(&r);

  char *id = create_request(""); /* a new case takes the new version */
  assert_true(listed("open", id));
  assert_false(listed("closed", id));
  static const char *const moves[] = {"to=review", "to=transferred_out"};
  move_case(id, moves, 2);
  char path[256];
  snprintf(path, sizeof(path), UDD "requests/%s.json?lang=en", id);
  json_t *list = get_json(path, 200);
  json_t *one = json_array_get(list, 0);
  assert_string_equal(json_string_value(json_object_get(one, "status")), "closed");
  assert_true(json_is_null(json_object_get(one, "expected_datetime")));
  json_decref(list);
  assert_true(listed("closed", id));
  assert_false(listed("open", id));
  free(id);
}

/* scripts/open311-check.py, the compatibility check, passes on both bases. */
static void test_compatibility_script(void **state)
{
  char cmd[1024];
  snprintf(cmd, sizeof(cmd),
           "/usr/bin/python3 %s/scripts/open311-check.py http://127.0.0.1:%d" UDD
           " && /usr/bin/python3 %s/scripts/open311-check.py "
           "http://127.0.0.1:%d" BASE " niaosong",
           BIANMIN_SOURCE_DIR, server.port, BIANMIN_SOURCE_DIR, server.port);
  assert_int_equal(system(cmd), 0);
}

/* ---- refusals of the HTTP layer in Open311's format --------------------------------------- */

/* method path.{json,xml}query (with body and headers when given) answers status with the
 * error list in the suffix's format; code = status, description contains want. */
static void assert_http_error(const char *method, const char *path_no_suffix, const char *query,
                              const char *const *headers, const char *body, size_t body_len,
                              long status, const char *want)
{
  char path[2048];
  struct response r;
  for (int xml = 0; xml < 2; xml++) {
    snprintf(path, sizeof(path), "%s.%s%s", path_no_suffix, xml ? "xml" : "json", query);
    assert_int_equal(http_call(&server, method, path, headers, body, body_len, &r), 0);
    if (r.status != status)
      fail_msg("%s %s: %ld, expected %ld: %.2000s", method, path, r.status, status, r.body);
    if (xml) {
      xmlDocPtr doc = parse_xml(&r);
      assert_int_equal((int)xnum(doc, "count(/errors/error)"), 1);
      assert_int_equal((int)xnum(doc, "number(/errors/error/code)"), (int)status);
      char *d = xstr(doc, "string(/errors/error/description)");
      expect_contains(d, want);
      free(d);
      xmlFreeDoc(doc);
    } else {
      assert_type(&r, JSON_TYPE);
      json_t *j = response_json(&r);
      assert_true(json_is_array(j) && json_array_size(j) == 1);
      assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "code")), status);
      expect_contains(json_string_value(json_object_get(json_array_get(j, 0), "description")),
                      want);
      json_decref(j);
    }
    response_free(&r);
  }
}

/* A 405 for method on path (with body, or none) whose Allow header is exactly allow. */
static void assert_allow(const char *method, const char *path, const char *body, const char *allow)
{
  struct response r;
  assert_int_equal(http_call(&server, method, path, NULL, body, body ? strlen(body) : 0, &r), 0);
  assert_int_equal(r.status, 405);
  char *got = response_header(&r, "Allow");
  assert_non_null(got);
  assert_string_equal(got, allow);
  free(got);
  response_free(&r);
}

static void test_http_refusals(void **state)
{
  static const char *const en[] = {"Accept-Language: en", NULL};
  static const char *const zh[] = {"Accept-Language: zh-TW", NULL};
  static const char *const json_body[] = {"Content-Type: application/json", NULL};
  /* 405 on both bases, with Allow; the description follows the language */
  assert_http_error("PUT", BASE "services", "", en, NULL, 0, 405, "method is not allowed");
  assert_http_error("DELETE", UDD "requests", "", zh, NULL, 0, 405, "不接受這種方法");
  /* the HTTP layer's 405: Allow names what the resource takes (a list of requests: POST too) */
  assert_allow("PATCH", UDD "services.json", NULL, "GET, HEAD");
  assert_allow("DELETE", BASE "requests/1.xml", NULL, "GET, HEAD");
  assert_allow("PUT", UDD "requests.json", NULL, "GET, POST, HEAD");
  /* POST to what is only read (services, one request): 405 saying GET, not a 404 */
  assert_http_error("POST", UDD "services", "", en, "x=1", 3, 405, "method is not allowed");
  assert_allow("POST", UDD "services/rent-subsidy.json", "x=1", "GET, HEAD");
  struct response r;
  /* 413: a body over the form cap, refused on Content-Length before it is read */
  size_t big_len = 70 * 1024;
  char *big = malloc(big_len + 1);
  assert_non_null(big);
  memset(big, 'a', big_len);
  memcpy(big, "description=", 12);
  big[big_len] = '\0';
  assert_http_error("POST", UDD "requests", "", en, big, big_len, 413, "too large");
  free(big);
  /* 400: a form body or a query string that is not valid text */
  static const char bad_form[] = "api_key=%FF%FE&service_code=rent-subsidy";
  assert_http_error("POST", BASE "requests", "", en, bad_form, strlen(bad_form), 400, "malformed");
  assert_http_error("GET", UDD "services", "?jurisdiction_id=%01", zh, NULL, 0, 400, "格式錯誤");
  /* U+FFFE is no XML character: an attribute code holding it was echoed and the XML answer
   * did not parse */
  char nonchar[256];
  snprintf(nonchar, sizeof(nonchar),
           "api_key=%s&service_code=rent-subsidy&attribute[a%%EF%%BF%%BEb]=1", key_udd);
  assert_http_error("POST", UDD "requests", "", en, nonchar, strlen(nonchar), 400, "malformed");
  /* 414: a query over 8 KiB (a long service_request_id list) is told so, not "try later" */
  size_t ids_len = 9 * 1024;
  char *ids = malloc(ids_len + 64);
  assert_non_null(ids);
  int n = snprintf(ids, 64, UDD "requests.json?service_request_id=");
  for (size_t i = (size_t)n; i < ids_len; i += 16)
    memcpy(ids + i, "115-UD01-000001,", 16);
  ids[ids_len] = '\0';
  assert_int_equal(http_call(&server, "GET", ids, en, NULL, 0, &r), 0);
  assert_int_equal(r.status, 414);
  assert_type(&r, JSON_TYPE);
  expect_contains(r.body, "\"code\":414");
  expect_contains(r.body, "service_request_id");
  response_free(&r);
  free(ids);
  /* 415: a body in another encoding */
  static const char json_text[] = "{\"service_code\":\"rent-subsidy\"}";
  assert_http_error("POST", UDD "requests", "?lang=en", json_body, json_text, strlen(json_text),
                    415, "x-www-form-urlencoded");
  /* other sites' pages keep the generic error page */
  assert_int_equal(http_call(&server, "PUT", "/o/kh-udd/progress", NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 405);
  expect_lacks(r.body, "<errors>");
  response_free(&r);
}

/* 429 last: the server restarts with a small public rate so the limit is reached. */
static void test_http_rate_limit(void **state)
{
  static const char *const low[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_PUBLIC=3",
                                    "BIANMIN_RATE_LOOKUP=100000", NULL};
  static const char *const en[] = {"Accept-Language: en", NULL};
  assert_int_equal(server_restart(&server, low), 0);
  struct response r;
  long status = 200;
  for (int i = 0; i < 10 && status != 429; i++) {
    assert_int_equal(http_call(&server, "GET", UDD "services.json", NULL, NULL, 0, &r), 0);
    status = r.status;
    response_free(&r);
  }
  assert_int_equal(status, 429);
  assert_http_error("GET", BASE "services", "", en, NULL, 0, 429, "Too many requests");
  assert_int_equal(http_call(&server, "GET", UDD "services.xml", NULL, NULL, 0, &r), 0);
  char *retry = response_header(&r, "Retry-After");
  assert_non_null(retry);
  free(retry);
  response_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keys_page),
      cmocka_unit_test(test_discovery),
      cmocka_unit_test(test_jurisdiction),
      cmocka_unit_test(test_services),
      cmocka_unit_test(test_definition),
      cmocka_unit_test(test_post_refusals),
      cmocka_unit_test(test_post_and_get),
      cmocka_unit_test(test_get_filters),
      cmocka_unit_test(test_status_collapse),
      cmocka_unit_test(test_staff_see_address_location_and_media),
      cmocka_unit_test(test_custom_final_step_is_closed),
      cmocka_unit_test(test_compatibility_script),
      cmocka_unit_test(test_http_refusals),
      cmocka_unit_test(test_http_rate_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
