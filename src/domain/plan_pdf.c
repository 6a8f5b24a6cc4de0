/*
 * plan_pdf.c - the annual results report as PDF: the ODT (plan_report.c) converted by
 * LibreOffice headless (`soffice --headless --convert-to pdf`, Debian libreoffice-writer-nogui)
 * in a private temporary directory with its own LibreOffice profile (two conversions at once
 * must not share one), which is removed afterwards. ST_IO when soffice is not installed or
 * the conversion fails (the page answers 503).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "domain/plan.h"

#include "base/common.h"

extern char **environ;

enum { PLAN_PDF_MAX = 32 * 1024 * 1024 };

static int write_file(const char *path, const char *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return ST_IO;
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  return close(fd) == 0 && done == len ? ST_OK : ST_IO;
}

static int read_file(struct arena *arena, const char *path, const char **out, size_t *len)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) || st.st_size <= 0 || st.st_size > PLAN_PDF_MAX) {
    if (fd >= 0)
      close(fd);
    return ST_IO;
  }
  char *bytes = arena_alloc(arena, (size_t)st.st_size);
  size_t done = 0;
  while (bytes && done < (size_t)st.st_size) {
    ssize_t n = read(fd, bytes + done, (size_t)st.st_size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  close(fd);
  *out = bytes;
  *len = done;
  return !bytes ? ST_NOMEM : done == (size_t)st.st_size ? ST_OK : ST_IO;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0;
}

/* Runs soffice on dir/report.odt; ST_IO when it cannot run or fails. */
static int convert(const char *dir)
{
  char profile[600], odt[600];
  snprintf(profile, sizeof(profile), "-env:UserInstallation=file://%s/profile", dir);
  snprintf(odt, sizeof(odt), "%s/report.odt", dir);
  char *argv[] = {"soffice", "--headless", "--norestore", profile, "--convert-to",
                  "pdf",     "--outdir",   (char *)dir,   odt,     NULL};
  posix_spawn_file_actions_t actions;
  pid_t pid;
  int status = 0;
  if (posix_spawn_file_actions_init(&actions))
    return ST_NOMEM;
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  int err = posix_spawnp(&pid, "soffice", &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err)
    return ST_IO;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ST_OK : ST_IO;
}

int plan_report_pdf(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    int roc_year, const char **out, size_t *len)
{
  const char *odt = NULL, *tmp = getenv("TMPDIR");
  size_t odt_len = 0;
  char dir[512], path[600];
  int rc = plan_report_odt(store, arena, now, office_id, roc_year, &odt, &odt_len);
  if (rc)
    return rc;
  snprintf(dir, sizeof(dir), "%s/bianmin-plan-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return ST_IO;
  snprintf(path, sizeof(path), "%s/report.odt", dir);
  rc = write_file(path, odt, odt_len);
  if (!rc)
    rc = convert(dir);
  snprintf(path, sizeof(path), "%s/report.pdf", dir);
  if (!rc)
    rc = read_file(arena, path, out, len);
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  return rc;
}
