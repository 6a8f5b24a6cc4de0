/*
 * service_page.c - the public service page's read model (service_page.h).
 */
#include <stdlib.h>

#include "base/arena.h"
#include "domain/apply.h"
#include "domain/read_model.h"
#include "domain/service_page.h"
#include "store/store.h"

#include "base/common.h"

static int read_forms(struct store *store, struct arena *arena, int64_t service_id,
                      struct service_page *out)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_service_forms_list(store, service_id, &rows);
  if (rc)
    return rc;
  out->forms = read_model_array(arena, json_array_size(rows), sizeof *out->forms);
  json_array_foreach(rows, i, row)
  {
    if (!out->forms)
      break;
    struct service_form *f = &out->forms[i];
    f->sha256 = read_model_text(arena, row, "sha256");
    f->kind = read_model_text(arena, row, "kind");
    f->format = read_model_text(arena, row, "format");
    f->title_zh = read_model_text(arena, row, "title_zh");
    f->title_en = read_model_text(arena, row, "title_en");
    f->name = read_model_text(arena, row, "name");
    f->size = read_model_int(row, "size");
    if (!f->sha256 || !f->kind || !f->format || !f->title_zh || !f->title_en || !f->name)
      rc = ST_NOMEM;
  }
  out->form_count = out->forms ? json_array_size(rows) : 0;
  json_decref(rows);
  return out->forms ? rc : ST_NOMEM;
}

int service_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *slug,
                      bool with_forms, struct service_page *out)
{
  const struct directory *dir = NULL;
  *out = (struct service_page){0};
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  const struct dir_service *s = slug ? directory_service_by_slug(dir, office_id, slug) : NULL;
  if (!s || !s->published)
    return ST_NOTFOUND;
  out->service = s;
  out->unit = s->unit_id ? directory_unit(dir, s->unit_id) : NULL;
  out->applicable_online = apply_service_online((json_t *)s->record); /* reads only */
  return with_forms ? read_forms(store, arena, s->id, out) : ST_OK;
}

int service_form_file_read(struct store *store, struct arena *arena, int64_t office_id,
                           const char *sha256, struct service_form_file *out)
{
  json_t *meta = NULL;
  *out = (struct service_form_file){0};
  int rc = store_file_get(store, office_id, sha256, true, &meta, &out->bytes, &out->len);
  if (rc)
    return rc;
  out->mime = read_model_text(arena, meta, "mime");
  out->name = read_model_text(arena, meta, "name");
  json_decref(meta);
  if (!out->mime || !out->name) {
    free(out->bytes);
    *out = (struct service_form_file){0};
    return ST_NOMEM;
  }
  return ST_OK;
}
