/*
 * netaddr_test.c - the trusted_proxies setting: parsing address/CIDR lists (and refusing bad
 * ones through the configuration), membership, and the client address chosen from
 * X-Forwarded-For behind trusted proxies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/common.h"
#include "base/config.h"
#include "base/netaddr.h"

static void test_parse(void **state)
{
  struct netaddr_list l;
  char err[128];
  assert_int_equal(netaddr_list_parse("", &l, err, sizeof(err)), ST_OK);
  assert_int_equal(l.count, 0);
  assert_int_equal(netaddr_list_parse(NULL, &l, err, sizeof(err)), ST_OK);
  assert_int_equal(l.count, 0);
  assert_int_equal(
      netaddr_list_parse(" 127.0.0.1, 10.0.0.0/8 ::1,fd00::/8 ,  0.0.0.0/0", &l, err, sizeof(err)),
      ST_OK);
  assert_int_equal(l.count, 5);
  assert_int_equal(l.nets[0].prefix, 32);
  assert_int_equal(l.nets[1].prefix, 8);
  assert_int_equal(l.nets[2].prefix, 128);
  assert_int_equal(l.nets[3].prefix, 8);
  assert_int_equal(l.nets[4].prefix, 0);
  /* An IPv4-mapped IPv6 address is the IPv4 address. */
  assert_int_equal(netaddr_list_parse("::ffff:192.0.2.1", &l, err, sizeof(err)), ST_OK);
  assert_true(netaddr_list_contains(&l, "192.0.2.1"));
}

static void test_parse_errors(void **state)
{
  static const char *const bad[] = {"localhost",   "10.0.0.0/33", "::1/129",    "10.0.0.0/",
                                    "10.0.0.0/-1", "10.0.0/8",    "1.2.3.4/8x", "1.2.3.4;5.6.7.8",
                                    "[::1]",       "10.0.0.1/ 8"};
  struct netaddr_list l;
  char err[128];
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    if (netaddr_list_parse(bad[i], &l, err, sizeof(err)) != ST_INVALID)
      fail_msg("\"%s\" was accepted", bad[i]);
    assert_int_equal(l.count, 0);
  }
  assert_int_equal(netaddr_list_parse("127.0.0.1, nope", &l, err, sizeof(err)), ST_INVALID);
  assert_string_equal(err, "\"nope\" is not an IP address or CIDR network");
  char many[2048] = "";
  for (int i = 0; i < NETADDR_LIST_MAX + 1; i++)
    snprintf(many + strlen(many), sizeof(many) - strlen(many), "10.0.0.%d,", i);
  assert_int_equal(netaddr_list_parse(many, &l, err, sizeof(err)), ST_LIMIT);
}

static void test_contains(void **state)
{
  struct netaddr_list l;
  assert_int_equal(netaddr_list_parse("10.1.2.3/12, 192.168.7.9, 2001:db8:a::/47", &l, NULL, 0),
                   ST_OK);
  assert_true(netaddr_list_contains(&l, "10.0.0.1"));
  assert_true(netaddr_list_contains(&l, "10.15.255.255"));
  assert_false(netaddr_list_contains(&l, "10.16.0.0"));
  assert_true(netaddr_list_contains(&l, "192.168.7.9"));
  assert_false(netaddr_list_contains(&l, "192.168.7.10"));
  assert_true(netaddr_list_contains(&l, "::ffff:192.168.7.9"));
  assert_true(netaddr_list_contains(&l, "2001:db8:b:1::5"));
  assert_false(netaddr_list_contains(&l, "2001:db8:c::1"));
  assert_false(netaddr_list_contains(&l, "not an address"));
  assert_false(netaddr_list_contains(&l, ""));
  assert_false(netaddr_list_contains(&l, NULL));
  struct netaddr_list none = {0};
  assert_false(netaddr_list_contains(&none, "10.0.0.1"));
}

/* The client address netaddr_client picks. */
static const char *pick(const char *trusted, const char *peer, const char *forwarded)
{
  static char out[NETADDR_TEXT_MAX];
  struct netaddr_list l;
  assert_int_equal(netaddr_list_parse(trusted, &l, NULL, 0), ST_OK);
  netaddr_client(&l, peer, forwarded, out, sizeof(out));
  return out;
}

static void test_client_selection(void **state)
{
  /* Trust nobody (the default): the peer, whatever the header says. */
  assert_string_equal(pick("", "203.0.113.9", "198.51.100.1"), "203.0.113.9");
  /* An untrusted peer's header is ignored. */
  assert_string_equal(pick("10.0.0.0/8", "203.0.113.9", "198.51.100.1"), "203.0.113.9");
  /* A trusted peer without the header: the peer. */
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", NULL), "10.0.0.2");
  /* One proxy: its peer as it appended it. */
  assert_string_equal(pick("10.0.0.2", "10.0.0.2", "198.51.100.1"), "198.51.100.1");
  /* A client's forged entries stand left of what the proxy appended: the rightmost
   * untrusted entry wins. */
  assert_string_equal(pick("10.0.0.2", "10.0.0.2", "1.1.1.1, 2.2.2.2, 198.51.100.1"),
                      "198.51.100.1");
  /* Two trusted proxies in a row are skipped. */
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", "198.51.100.1, 10.9.9.9"), "198.51.100.1");
  /* Every hop trusted: the leftmost. */
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", "10.1.1.1, 10.2.2.2"), "10.1.1.1");
  /* Garbage ends the walk at the nearest trusted hop: never the garbage itself. */
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", "198.51.100.1, <script>"), "10.0.0.2");
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", "x, 10.3.3.3"), "10.3.3.3");
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", ""), "10.0.0.2");
  assert_string_equal(pick("10.0.0.0/8", "10.0.0.2", " , "), "10.0.0.2");
  /* Blanks and empty elements are tolerated; addresses come out canonical. */
  assert_string_equal(pick("10.0.0.2", "10.0.0.2", "198.51.100.7,, \t2001:DB8:0:0::1 "),
                      "2001:db8::1");
  assert_string_equal(pick("::1", "::1", "::ffff:198.51.100.3"), "198.51.100.3");
  /* Several headers, joined with commas by the server, read as one list. */
  assert_string_equal(pick("127.0.0.1", "127.0.0.1", "6.6.6.6, 198.51.100.4,127.0.0.1"),
                      "198.51.100.4");
  /* Ports and obfuscated identifiers (RFC 7239 style) are not addresses. */
  assert_string_equal(pick("127.0.0.1", "127.0.0.1", "198.51.100.4:1234"), "127.0.0.1");
  assert_string_equal(pick("127.0.0.1", "127.0.0.1", "unknown"), "127.0.0.1");
}

static void test_config_key(void **state)
{
  struct config c;
  char err[256];
  config_defaults(&c);
  assert_string_equal(c.trusted_proxies, "");
  assert_int_equal(
      config_set(&c, "server", "trusted_proxies", "127.0.0.1, 10.0.0.0/8", err, sizeof(err)),
      ST_OK);
  assert_string_equal(c.trusted_proxies, "127.0.0.1, 10.0.0.0/8");
  assert_int_equal(
      config_set(&c, "server", "trusted_proxies", "127.0.0.1, proxy.local", err, sizeof(err)),
      ST_INVALID);
  assert_non_null(strstr(err, "[server] trusted_proxies"));
  assert_string_equal(c.trusted_proxies, "127.0.0.1, 10.0.0.0/8");
  assert_int_equal(config_set(&c, "server", "trusted_proxies", "", err, sizeof(err)), ST_OK);
  assert_string_equal(c.trusted_proxies, "");
  setenv("BIANMIN_TRUSTED_PROXIES", "::1", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_OK);
  assert_string_equal(c.trusted_proxies, "::1");
  setenv("BIANMIN_TRUSTED_PROXIES", "10.0.0.0/99", 1);
  assert_int_equal(config_load_env(&c, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "BIANMIN_TRUSTED_PROXIES"));
  unsetenv("BIANMIN_TRUSTED_PROXIES");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse),      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_contains),   cmocka_unit_test(test_client_selection),
      cmocka_unit_test(test_config_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
