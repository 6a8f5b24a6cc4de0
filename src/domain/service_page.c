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
  if (with_forms) {
    out->forms = s->forms;
    out->form_count = s->form_count;
  }
  return ST_OK;
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
