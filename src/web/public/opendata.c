/*
 * opendata.c - an office's open data (issue 20): /o/{office}/opendata (the list, zh-TW and
 * English), catalog.jsonld (W3C DCAT 2 in JSON-LD), each dataset as {id}.csv|json|ods and its
 * dictionary as {id}/dictionary.csv|json. One domain read per answer (domain/opendata.h); the
 * files carry an ETag (a hash of the bytes) and Last-Modified (when the data last changed) and
 * answer 304 to a matching If-None-Match.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/civil.h"
#include "web/app.h"
#include "domain/directory.h"
#include "render/view.h"
#include "web/public/office.h"
#include "web/public/opendata.h"

#include "base/common.h"

enum { OD_FILE_MAX = 32 * 1024 * 1024 };

static const char *const formats[] = {"csv", "json", "ods"};
static const char *const media[] = {"text/csv; charset=utf-8", "application/json",
                                    "application/vnd.oasis.opendocument.spreadsheet"};

/* The {office} of the request, from the in-memory directory. */
struct od_office {
  struct store *store;
  const struct dir_office *dir;
  int64_t id;
  const char *slug;
};

static int od_office_open(struct http_request *req, struct od_office *o)
{
  int rc = web_store(req, &o->store);
  if (!rc)
    rc = office_of_request(req, o->store, &o->dir);
  if (!rc)
    o->id = o->dir->id, o->slug = o->dir->slug;
  return rc;
}

static void meta_of(struct http_request *req, const struct od_office *o, int64_t modified,
                    struct od_meta *m)
{
  char day[CIVIL_ISO_SIZE] = "";
  if (modified > 0)
    civil_taipei_iso((time_t)modified, day);
  *m = (struct od_meta){o->dir->name_zh, o->dir->name_en, arena_strdup(req->arena, day)};
  if (!m->modified)
    m->modified = "";
}

/* FNV-1a of the bytes: the representation's strong ETag. */
static const char *etag_of(struct http_request *req, const char *data, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
  return arena_printf(req->arena, "\"%016llx\"", (unsigned long long)h);
}

/* Header values are kept by reference until the answer is sent: texts live in the arena. */
static int cache_headers(struct http_request *req, struct http_response *res, const char *etag,
                         int64_t modified)
{
  char date[64] = "";
  time_t t = (time_t)modified;
  struct tm tm;
  int rc = http_header_add(res, "ETag", etag);
  if (!rc)
    rc = http_header_add(res, "Cache-Control", "public, max-age=300");
  if (!rc)
    rc = http_header_add(res, "Link", "<" OPENDATA_LICENSE_URL ">; rel=\"license\"");
  if (!rc && modified > 0 && gmtime_r(&t, &tm) &&
      strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
    rc = http_header_add(res, "Last-Modified", arena_strdup(req->arena, date));
  return rc;
}

/* Answers bytes with their cache headers, or 304 when the client holds them already. */
static int send_file(struct http_request *req, struct http_response *res, const char *type,
                     const struct buf *body, int64_t modified, const char *filename)
{
  const char *etag = etag_of(req, body->data, body->len);
  const char *match = http_header(req, "If-None-Match");
  bool fresh = etag && match && (strstr(match, etag) || !strcmp(match, "*"));
  int rc =
      etag ? http_raw(res, fresh ? 304 : 200, type, fresh ? "" : body->data, fresh ? 0 : body->len)
           : ST_NOMEM;
  if (!rc)
    rc = cache_headers(req, res, etag, modified);
  const char *disposition =
      filename ? arena_printf(req->arena, "inline; filename=\"%s\"", filename) : NULL;
  if (!rc && disposition)
    rc = http_header_add(res, "Content-Disposition", disposition);
  return rc;
}

/* "name.ext" split at its last dot; the extension's index in exts, or -1. */
static int split_name(struct http_request *req, const char *file, const char *const *exts, size_t n,
                      const char **name)
{
  const char *dot = file ? strrchr(file, '.') : NULL;
  *name = dot ? arena_strndup(req->arena, file, (size_t)(dot - file)) : NULL;
  for (size_t i = 0; dot && i < n; i++)
    if (!strcmp(dot + 1, exts[i]))
      return (int)i;
  return -1;
}

static int write_dataset(const struct od_table *t, const struct od_meta *m, int format,
                         struct buf *out)
{
  if (format == 0)
    return od_csv(t, out);
  return format == 1 ? od_json(t, m, out) : od_ods(t, m, out);
}

static int dataset_file(struct http_request *req, struct http_response *res, struct od_office *o,
                        const char *id, int format)
{
  struct od_table t;
  struct od_meta m;
  struct buf out;
  int rc = opendata_read(o->store, req->arena, o->id, id, &t);
  if (rc)
    return rc;
  meta_of(req, o, t.modified, &m);
  buf_init(&out, OD_FILE_MAX);
  rc = write_dataset(&t, &m, format, &out);
  const char *name = arena_printf(req->arena, "%s-%s.%s", o->slug, id, formats[format]);
  if (!rc)
    rc = send_file(req, res, media[format], &out, t.modified, name);
  buf_free(&out);
  return rc;
}

static json_t *lang_pair(const char *zh, const char *en)
{
  return json_pack("[{s:s, s:s}, {s:s, s:s}]", "@value", zh, "@language", "zh-TW", "@value", en,
                   "@language", "en");
}

static json_t *ref(const char *url)
{
  return json_pack("{s:s}", "@id", url ? url : "");
}

static json_t *date_json(const char *day)
{
  return json_pack("{s:s, s:s}", "@value", day, "@type", "xsd:date");
}

static json_t *distribution(const char *base, const char *id, size_t f)
{
  static const char *const names[] = {"CSV", "JSON", "ODS"};
  static const char *const iana[] = {
      "https://www.iana.org/assignments/media-types/text/csv",
      "https://www.iana.org/assignments/media-types/application/json",
      "https://www.iana.org/assignments/media-types/application/"
      "vnd.oasis.opendocument.spreadsheet"};
  char url[512], dict[512];
  snprintf(url, sizeof(url), "%s/%s.%s", base, id, formats[f]);
  snprintf(dict, sizeof(dict), "%s/%s/dictionary.json", base, id);
  return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o}", "@id", url, "@type",
                   "dcat:Distribution", "dcat:downloadURL", ref(url), "dcat:accessURL", ref(url),
                   "dcat:mediaType", ref(iana[f]), "dct:format", names[f], "dct:license",
                   ref(OPENDATA_LICENSE_URL), "dct:conformsTo", ref(dict));
}

static json_t *dcat_dataset(struct http_request *req, const char *base, const struct od_dataset *d,
                            const char *modified, json_t *publisher)
{
  const char *id = arena_printf(req->arena, "%s#%s", base, d->id);
  json_t *dists = json_array();
  for (size_t f = 0; d->available && dists && f < ARRAY_LEN(formats); f++)
    json_array_append_new(dists, distribution(base, d->id, f));
  json_t *set = json_pack(
      "{s:s, s:s, s:s, s:o, s:o, s:O, s:o, s:o, s:o}", "@id", id ? id : "", "@type", "dcat:Dataset",
      "dct:identifier", d->id, "dct:title", lang_pair(d->title_zh, d->title_en), "dct:description",
      lang_pair(d->description_zh, d->description_en), "dct:publisher", publisher, "dct:license",
      ref(OPENDATA_LICENSE_URL), "dcat:landingPage", ref(base), "dcat:distribution", dists);
  if (set && *modified)
    json_object_set_new(set, "dct:modified", date_json(modified));
  return set;
}

static const char *day_of(struct http_request *req, int64_t t)
{
  char day[CIVIL_ISO_SIZE] = "";
  if (t > 0)
    civil_taipei_iso((time_t)t, day);
  const char *s = arena_strdup(req->arena, day);
  return s ? s : "";
}

static json_t *dcat_catalog(struct http_request *req, const struct od_office *o,
                            const int64_t *modified, int64_t *latest)
{
  size_t n = 0;
  const struct od_dataset *sets = opendata_datasets(&n);
  const char *base = arena_printf(req->arena, "%s/o/%s/opendata", web_origin(req), o->slug);
  json_t *publisher = json_pack("{s:s, s:o}", "@type", "foaf:Organization", "foaf:name",
                                lang_pair(o->dir->name_zh, o->dir->name_en));
  json_t *list = json_array();
  for (size_t i = 0; base && list && i < n; i++) {
    *latest = modified[i] > *latest ? modified[i] : *latest;
    json_array_append_new(list,
                          dcat_dataset(req, base, &sets[i], day_of(req, modified[i]), publisher));
  }
  json_t *doc =
      json_pack("{s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:o, s:o, s:O, s:o, s:o, s:o}", "@context",
                "dcat", "http://www.w3.org/ns/dcat#", "dct", "http://purl.org/dc/terms/", "foaf",
                "http://xmlns.com/foaf/0.1/", "xsd", "http://www.w3.org/2001/XMLSchema#", "@id",
                base ? arena_printf(req->arena, "%s/catalog.jsonld", base) : "", "@type",
                "dcat:Catalog", "dct:title", lang_pair("開放資料", "Open data"), "dct:description",
                lang_pair("本所公開之去識別化資料集，依政府資料開放授權條款－第1版提供。",
                          "De-identified datasets this office publishes under the Open Government "
                          "Data License, version 1.0."),
                "dct:publisher", publisher, "dct:license", ref(OPENDATA_LICENSE_URL),
                "dct:modified", date_json(day_of(req, *latest)), "dcat:dataset", list);
  json_decref(publisher);
  return doc;
}

static int catalog_file_answer(struct http_request *req, struct http_response *res,
                               struct od_office *o)
{
  int64_t *modified = NULL, latest = 0;
  size_t n = 0;
  int rc = opendata_modified(o->store, req->arena, o->id, &modified, &n, NULL);
  json_t *doc = rc ? NULL : dcat_catalog(req, o, modified, &latest);
  char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
  json_decref(doc);
  if (!rc && !text)
    rc = ST_NOMEM;
  struct buf out;
  buf_init(&out, OD_FILE_MAX);
  if (!rc)
    rc = buf_puts(&out, text);
  free(text);
  if (!rc)
    rc = send_file(req, res, "application/ld+json", &out, latest, NULL);
  buf_free(&out);
  return rc;
}

int opendata_file(struct http_request *req, struct http_response *res)
{
  const char *file = http_capture(req, "file"), *id = NULL;
  struct od_office o = {0};
  int format = split_name(req, file, formats, ARRAY_LEN(formats), &id);
  bool catalog = file && !strcmp(file, "catalog.jsonld");
  if (!catalog && format < 0)
    return ST_NOTFOUND;
  int rc = od_office_open(req, &o);
  if (!rc)
    rc = catalog ? catalog_file_answer(req, res, &o) : dataset_file(req, res, &o, id, format);
  return rc;
}

int opendata_dictionary(struct http_request *req, struct http_response *res)
{
  static const char *const exts[] = {"csv", "json"};
  const struct od_dataset *set = opendata_dataset(http_capture(req, "dataset"));
  const char *name = NULL;
  int format = split_name(req, http_capture(req, "file"), exts, ARRAY_LEN(exts), &name);
  struct od_office o = {0};
  if (!set || !set->available || format < 0 || !name || strcmp(name, "dictionary"))
    return ST_NOTFOUND;
  int64_t *modified = NULL;
  size_t n = 0;
  int rc = od_office_open(req, &o);
  if (!rc)
    rc = opendata_modified(o.store, req->arena, o.id, &modified, &n, NULL);
  int64_t when = rc ? 0 : modified[set - opendata_datasets(&n)];
  struct od_meta m = {"", "", ""};
  if (!rc)
    meta_of(req, &o, when, &m);
  struct buf out;
  buf_init(&out, OD_FILE_MAX);
  if (!rc)
    rc = format == 0 ? od_dictionary_csv(set, &m, &out) : od_dictionary_json(set, &m, &out);
  if (!rc)
    rc = send_file(req, res, media[format], &out, when, NULL);
  buf_free(&out);
  return rc;
}

static struct view links(struct http_request *req, struct view_builder *b, const char *slug,
                         const char *id, const char *path, const char *const *exts, size_t n)
{
  struct view_list *list = view_list(b);
  const char *kind = http_t(req, path[0] ? "opendata_dictionary_label" : "opendata_data_label");
  for (size_t i = 0; i < n; i++) {
    struct view_map *m = view_map(b);
    view_add_text(b, m, "href",
                  arena_printf(req->arena, "/o/%s/opendata/%s%s.%s", slug, id, path, exts[i]));
    view_add_text(b, m, "label", arena_printf(req->arena, "%s (%s)", exts[i], kind));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

static struct view page_dataset(struct http_request *req, struct view_builder *b, const char *slug,
                                const struct od_dataset *d, int64_t modified)
{
  static const char *const dict[] = {"csv", "json"};
  bool zh = strcmp(req->lang, "en") != 0;
  struct view_map *m = view_map(b);
  view_add_text(b, m, "id", d->id);
  view_add_text(b, m, "title", zh ? d->title_zh : d->title_en);
  view_add_text(b, m, "description", zh ? d->description_zh : d->description_en);
  view_add_bool(b, m, "available", d->available);
  view_add_text(b, m, "modified", modified > 0 ? web_datetime(req, modified) : "-");
  view_add(b, m, "files", links(req, b, slug, d->id, "", formats, ARRAY_LEN(formats)));
  view_add(b, m, "dictionary", links(req, b, slug, d->id, "/dictionary", dict, ARRAY_LEN(dict)));
  return view_of_map(m);
}

/* /o/{office}/opendata: an arena view (render/view.h); JSON to Accept: application/json. */
int opendata_page(struct http_request *req, struct http_response *res)
{
  struct od_office o = {0};
  int64_t *modified = NULL;
  size_t n = 0;
  int threshold = OPENDATA_MIN_CELL;
  int rc = od_office_open(req, &o);
  if (!rc)
    rc = opendata_modified(o.store, req->arena, o.id, &modified, &n, &threshold);
  if (rc)
    return rc;
  const struct od_dataset *sets = opendata_datasets(&n);
  struct view_builder b = view_builder(req->arena);
  struct view_list *list = view_list(&b);
  for (size_t i = 0; i < n; i++)
    view_push(&b, list, page_dataset(req, &b, o.slug, &sets[i], modified[i]));
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "opendata_heading"));
  view_add(&b, page, "office", office_dir_tview(req, &b, o.dir));
  view_add_text(&b, page, "catalog_href",
                arena_printf(req->arena, "/o/%s/opendata/catalog.jsonld", o.slug));
  view_add_text(&b, page, "license_href", OPENDATA_LICENSE_URL);
  view_add_int(&b, page, "threshold", threshold);
  view_add(&b, page, "datasets", view_of_list(list));
  return view_done(&b) ? ST_NOMEM : http_page_view(res, 200, "public/opendata", view_of_map(page));
}
