/*
 * package.c - zip packages for the OpenDocument and OOXML writers (package.h).
 */
#include <zip.h>

#include "base/buf.h"
#include "render/package.h"

#include "base/common.h"

static int entry_add(zip_t *z, const struct render_package_entry *e)
{
  zip_source_t *src = zip_source_buffer(z, e->data, e->len, 0);
  zip_int64_t index = src ? zip_file_add(z, e->name, src, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    zip_source_free(src);
    return ST_NOMEM;
  }
  if (e->stored && zip_set_file_compression(z, (zip_uint64_t)index, ZIP_CM_STORE, 0) < 0)
    return ST_NOMEM;
  return ST_OK;
}

/* The bytes of a finished in-memory archive appended to out. */
static int archive_bytes(zip_source_t *archive, struct buf *out)
{
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(archive, &st) < 0 || zip_source_open(archive) < 0)
    return ST_NOMEM;
  char *bytes = buf_extend(out, (size_t)st.size);
  int rc =
      bytes && zip_source_read(archive, bytes, st.size) == (zip_int64_t)st.size ? ST_OK : ST_LIMIT;
  zip_source_close(archive);
  return rc;
}

int render_package_write(const struct render_package_entry *entries, size_t count, struct buf *out)
{
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *archive = zip_source_buffer_create(NULL, 0, 0, &error);
  zip_t *z = archive ? zip_open_from_source(archive, ZIP_TRUNCATE, &error) : NULL;
  int rc = z ? ST_OK : ST_NOMEM;
  if (z) {
    zip_source_keep(archive); /* the archive's end releases it once: it stays for reading */
    for (size_t i = 0; !rc && i < count; i++)
      rc = entry_add(z, &entries[i]);
    if (rc)
      zip_discard(z);
    else if (zip_close(z) < 0)
      rc = ST_NOMEM;
  }
  if (!rc)
    rc = archive_bytes(archive, out);
  if (archive)
    zip_source_free(archive);
  zip_error_fini(&error);
  return rc;
}
