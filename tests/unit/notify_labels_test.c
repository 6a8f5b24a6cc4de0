/* notify_labels_test.c - every event the domain can send a message for (notify_events(), the
 * one list) has a label in both languages' built catalogues (build/locale/<lang>.mo): the
 * outbox and templates pages name events by "notice_event_<name>", so a new event without its
 * label fails here instead of showing the raw key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/notify.h"
#include "render/i18n.h"

#include "base/common.h"

static void check_language(const char *file)
{
  char path[1024], err[256], key[128];
  snprintf(path, sizeof(path), "%s/locale/%s", BIANMIN_BINARY_DIR, file);
  struct i18n_catalog *catalog = NULL;
  assert_int_equal(i18n_load_mo(path, &catalog, err, sizeof(err)), ST_OK);
  size_t count = 0, missing = 0;
  const struct notify_event *events = notify_events(&count);
  assert_true(count > 0);
  for (size_t i = 0; i < count; i++) {
    snprintf(key, sizeof(key), "notice_event_%s", events[i].name);
    const char *label = i18n_get(catalog, key);
    if (!strcmp(label, key) || !*label) {
      print_message("%s: no label %s\n", file, key);
      missing++;
    }
  }
  i18n_free(catalog);
  assert_int_equal(missing, 0);
}

static void test_every_event_has_a_zh_tw_label(void **state)
{
  (void)state;
  check_language("zh_TW.mo");
}

static void test_every_event_has_an_english_label(void **state)
{
  (void)state;
  check_language("en.mo");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_event_has_a_zh_tw_label),
      cmocka_unit_test(test_every_event_has_an_english_label),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
