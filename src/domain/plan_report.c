/*
 * plan_report.c - the annual results report (執行成果) of a plan (plan.h) as OpenDocument
 * Text: a zip (libzip) whose first entry is the uncompressed "mimetype", then content.xml
 * (written with libxml2's xmlwriter), styles.xml, meta.xml and META-INF/manifest.xml.
 *
 * Structure, after the seeds' result sections: a title (office, ROC year), 壹、辦理情形 (each
 * item 工作要項 with a table of its focal points: unit, deadline, outcome = the last progress
 * text, per cent done), 貳、績效指標 (each indicator of the plan: target, the year's figure,
 * the previous year's, the trend, met or not). The report is in Chinese: it goes to the parent
 * agency.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

#include "base/arena.h"
#include "domain/directory.h"
#include "domain/plan.h"

#include "base/common.h"

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT   "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE  "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODT_MIME  "application/vnd.oasis.opendocument.text"

static const char styles_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles xmlns:office=\"" NS_OFFICE
    "\" office:version=\"1.3\"><office:styles/></office:document-styles>\n";
static const char meta_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta xmlns:office=\"" NS_OFFICE
    "\" xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" office:version=\"1.3\">"
    "<office:meta><meta:generator>bianmin</meta:generator></office:meta>"
    "</office:document-meta>\n";
static const char manifest_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest "
    "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
    "manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" "
    "manifest:version=\"1.3\" manifest:media-type=\"" ODT_MIME "\"/>"
    "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
    "<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
    "<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
    "</manifest:manifest>\n";

static const char *const kpi_labels[][2] = {{"on_time_rate", "案件如期完成率"},
                                            {"online_share", "線上申辦比率"},
                                            {"second_corrections", "二次補正件數"},
                                            {"overdue_open", "逾期未結案件數"}};
static const char *const status_labels[] = {"未訂目標", "達成", "接近目標", "未達成", "尚無資料"};

/* xmlwriter calls answer -1 on failure; any failure sticks in rc. */
struct odt {
  xmlTextWriterPtr w;
  struct arena *arena;
  int rc;
};

static void check(struct odt *o, int written)
{
  if (written < 0)
    o->rc = ST_NOMEM;
}

static void start(struct odt *o, const char *name)
{
  check(o, xmlTextWriterStartElement(o->w, BAD_CAST name));
}

static void attr(struct odt *o, const char *name, const char *value)
{
  check(o, xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST(value ? value : "")));
}

static void end(struct odt *o)
{
  check(o, xmlTextWriterEndElement(o->w));
}

static void element(struct odt *o, const char *name, const char *text)
{
  check(o, xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST(text ? text : "")));
}

static void heading(struct odt *o, int level, const char *text)
{
  start(o, "text:h");
  attr(o, "text:outline-level", level == 1 ? "1" : level == 2 ? "2" : "3");
  check(o, xmlTextWriterWriteString(o->w, BAD_CAST(text ? text : "")));
  end(o);
}

static void cell(struct odt *o, const char *text)
{
  start(o, "table:table-cell");
  attr(o, "office:value-type", "string");
  element(o, "text:p", text);
  end(o);
}

static void row(struct odt *o, const char *const *cells, size_t n)
{
  start(o, "table:table-row");
  for (size_t i = 0; i < n; i++)
    cell(o, cells[i]);
  end(o);
}

static void table_start(struct odt *o, const char *name, const char *const *head, size_t n)
{
  start(o, "table:table");
  attr(o, "table:name", name);
  start(o, "table:table-column");
  attr(o, "table:number-columns-repeated", arena_printf(o->arena, "%zu", n));
  end(o);
  start(o, "table:table-header-rows");
  row(o, head, n);
  end(o);
}

static const char *kpi_label(const struct plan_point *p)
{
  for (size_t i = 0; i < ARRAY_LEN(kpi_labels); i++)
    if (!strcmp(p->kpi_name, kpi_labels[i][0]))
      return kpi_labels[i][1];
  return p->indicator;
}

static const char *figure(struct odt *o, const struct plan_point *p, int64_t milli)
{
  if (!p->kpi_name[0] || milli < 0)
    return "－";
  return plan_amount_text(o->arena, milli, plan_indicator_is_rate(p->kpi_name) ? "%" : "");
}

/* "上升 2.5%" / "下降 1" / "持平" / "－" between the previous year's figure and this one. */
static const char *trend(struct odt *o, const struct plan_point *p)
{
  if (!p->kpi_name[0] || p->figure_milli < 0 || p->previous_milli < 0)
    return "－";
  int64_t d = p->figure_milli - p->previous_milli;
  if (!d)
    return "持平";
  const char *unit = plan_indicator_is_rate(p->kpi_name) ? "%" : "";
  return arena_printf(o->arena, "%s %s", d > 0 ? "上升" : "下降",
                      plan_amount_text(o->arena, d > 0 ? d : -d, unit));
}

static void item_section(struct odt *o, const struct plan_year *y, size_t *at)
{
  static const char *const head[] = {"工作重點", "業務單位", "完成期限", "執行成果", "完成度"};
  const struct plan_point *first = &y->points[*at];
  heading(o, 3, first->item);
  table_start(o, arena_printf(o->arena, "item%d", first->item_no), head, ARRAY_LEN(head));
  for (; *at < y->count && y->points[*at].item_no == first->item_no; (*at)++) {
    const struct plan_point *p = &y->points[*at];
    const char *cells[] = {p->point, p->unit_id ? p->unit_zh : "各課", p->deadline,
                           p->outcome[0] ? p->outcome : "（尚未填報）",
                           arena_printf(o->arena, "%d%%", p->percent)};
    row(o, cells, ARRAY_LEN(cells));
  }
  end(o);
}

static void indicators_section(struct odt *o, const struct plan_year *y)
{
  static const char *const head[] = {"指標",         "目標", "本年度實績",
                                     "前一年度實績", "趨勢", "達成情形"};
  heading(o, 2, "貳、績效指標");
  table_start(o, "indicators", head, ARRAY_LEN(head));
  for (size_t i = 0; i < y->count; i++) {
    const struct plan_point *p = &y->points[i];
    if (!p->kpi_name[0] && !p->indicator[0])
      continue;
    const char *target = plan_amount_text(o->arena, p->target_milli, p->target_unit);
    const char *cells[] = {kpi_label(p),
                           target && target[0] ? target : "－",
                           figure(o, p, p->figure_milli),
                           figure(o, p, p->previous_milli),
                           trend(o, p),
                           p->kpi_name[0] ? status_labels[p->status] : (p->done ? "達成" : "－")};
    row(o, cells, ARRAY_LEN(cells));
  }
  end(o);
}

static void body(struct odt *o, const struct plan_year *y, const char *office)
{
  heading(o, 1, arena_printf(o->arena, "%s %d 年度提升服務計畫執行成果", office, y->roc_year));
  heading(o, 2, "壹、辦理情形");
  for (size_t at = 0; at < y->count && !o->rc;)
    item_section(o, y, &at);
  indicators_section(o, y);
}

static int content_xml(struct arena *arena, const struct plan_year *y, const char *office,
                       xmlBufferPtr buf)
{
  struct odt o = {xmlNewTextWriterMemory(buf, 0), arena, ST_OK};
  if (!o.w)
    return ST_NOMEM;
  check(&o, xmlTextWriterStartDocument(o.w, NULL, "UTF-8", NULL));
  start(&o, "office:document-content");
  attr(&o, "xmlns:office", NS_OFFICE);
  attr(&o, "xmlns:text", NS_TEXT);
  attr(&o, "xmlns:table", NS_TABLE);
  attr(&o, "office:version", "1.3");
  start(&o, "office:body");
  start(&o, "office:text");
  body(&o, y, office);
  check(&o, xmlTextWriterEndDocument(o.w));
  xmlFreeTextWriter(o.w);
  return o.rc;
}

/* Adds one entry; stored (not deflated) when store is set (the mimetype). */
static int add(zip_t *zip, const char *name, const void *data, size_t len, bool store)
{
  zip_source_t *src = zip_source_buffer(zip, data, len, 0);
  zip_int64_t index = src ? zip_file_add(zip, name, src, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    zip_source_free(src);
    return ST_NOMEM;
  }
  if (store && zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_STORE, 0))
    return ST_NOMEM;
  return ST_OK;
}

/* The written archive out of its in-memory source into the arena. */
static int take(struct arena *arena, zip_source_t *src, const char **out, size_t *len)
{
  zip_stat_t st;
  int rc = zip_source_open(src) ? ST_NOMEM : ST_OK;
  if (!rc && (zip_source_stat(src, &st) || !(st.valid & ZIP_STAT_SIZE)))
    rc = ST_NOMEM;
  char *bytes = rc ? NULL : arena_alloc(arena, st.size ? st.size : 1);
  if (!rc && (!bytes || zip_source_read(src, bytes, st.size) != (zip_int64_t)st.size))
    rc = ST_NOMEM;
  zip_source_close(src);
  *out = rc ? NULL : bytes;
  *len = rc ? 0 : (size_t)st.size;
  return rc;
}

static int archive(zip_t *zip, xmlBufferPtr content)
{
  int rc = add(zip, "mimetype", ODT_MIME, strlen(ODT_MIME), true);
  if (!rc)
    rc =
        add(zip, "content.xml", xmlBufferContent(content), (size_t)xmlBufferLength(content), false);
  if (!rc)
    rc = add(zip, "styles.xml", styles_xml, strlen(styles_xml), false);
  if (!rc)
    rc = add(zip, "meta.xml", meta_xml, strlen(meta_xml), false);
  if (!rc)
    rc = add(zip, "META-INF/manifest.xml", manifest_xml, strlen(manifest_xml), false);
  return rc;
}

/* Writes the archive and closes it (zip_discard when anything failed, or when closing did). */
static int write_archive(zip_t *zip, xmlBufferPtr content)
{
  int rc = archive(zip, content);
  if (!rc && zip_close(zip))
    rc = ST_NOMEM;
  if (rc)
    zip_discard(zip);
  return rc;
}

int plan_report_odt_of(struct arena *arena, const struct plan_year *y, const char *office,
                       const char **out, size_t *len)
{
  xmlBufferPtr content = xmlBufferCreate();
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &error);
  zip_t *zip = src ? zip_open_from_source(src, ZIP_TRUNCATE, &error) : NULL;
  if (zip)
    zip_source_keep(src); /* the archive's end releases it once: it stays for reading */
  int rc = content && zip ? content_xml(arena, y, office, content) : ST_NOMEM;
  if (zip)
    rc = rc ? (zip_discard(zip), rc) : write_archive(zip, content);
  if (!rc)
    rc = take(arena, src, out, len);
  if (src)
    zip_source_free(src);
  if (content)
    xmlBufferFree(content);
  zip_error_fini(&error);
  return rc;
}

int plan_report_odt(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    int roc_year, const char **out, size_t *len)
{
  struct plan_year y;
  const struct directory *dir = NULL;
  int rc = plan_year_read(store, arena, now, office_id, roc_year, false, &y);
  if (!rc)
    rc = directory_acquire(store, arena, &dir);
  const struct dir_office *office = rc ? NULL : directory_office(dir, office_id);
  if (!rc && !office)
    rc = ST_NOTFOUND;
  return rc ? rc : plan_report_odt_of(arena, &y, office->name_zh, out, len);
}
