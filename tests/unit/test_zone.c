/*
 * test_zone.c - the RFC 1035 master-file reader (dns/zone.c).
 *
 * Lookup cases load one zone text each and ask one question; error cases
 * load a text that must be refused with a given message and line.  Further
 * tests cover what a table cannot: several records per answer, merging of
 * several texts, pointer stability, decoded objects, and the size limits.
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "canon/limits.h"
#include "dns/zone.h"

struct lookup_case {
	const char *name;
	const char *text;
	size_t text_len;
	const char *qname;
	size_t qname_len;
	enum dns_type qtype;
	enum dns_status want;
	uint32_t want_ttl;   /* checked for DNS_OK */
	size_t want_num;     /* checked for DNS_OK */
	const char *want_rr; /* the first record, checked for DNS_OK */
	size_t want_rr_len;
};

#define OK(name, text, qname, qtype, ttl, num, rr)                             \
	{                                                                      \
		name, text, sizeof(text) - 1, qname, sizeof(qname) - 1, qtype, \
		    DNS_OK, ttl, num, rr, sizeof(rr) - 1                       \
	}
#define NEG(name, text, qname, qtype, status)                                  \
	{                                                                      \
		name, text, sizeof(text) - 1, qname, sizeof(qname) - 1, qtype, \
		    status, 0, 0, "", 0                                        \
	}

#define DKIM_TEXT                                                              \
	"sel._domainkey.example.com. 300 IN TXT ( \"v=DKIM1; k=rsa; \" "       \
	"\"p=MIIB...\" )\n"

static const struct lookup_case lookup_cases[] = {
	/* Owner names: origin, relative names, "@", blank owner. */
	OK("relative name under $ORIGIN",
	    "$ORIGIN example.com.\nsel._domainkey IN TXT \"v=DKIM1\"\n",
	    "sel._domainkey.example.com", DNS_T_TXT, 3600, 1, "v=DKIM1"),
	OK("relative name without $ORIGIN is under the root",
	    "sel._domainkey.example.com IN TXT \"k\"\n",
	    "sel._domainkey.example.com", DNS_T_TXT, 3600, 1, "k"),
	OK("at sign is the origin",
	    "$ORIGIN example.com.\n@ IN TXT \"v=spf1 -all\"\n", "example.com",
	    DNS_T_TXT, 3600, 1, "v=spf1 -all"),
	OK("at sign without origin is the root", "@ TXT x\n", ".", DNS_T_TXT,
	    3600, 1, "x"),
	OK("relative $ORIGIN is under the previous origin",
	    "$ORIGIN com.\n$ORIGIN example\nwww TXT x\n", "www.example.com",
	    DNS_T_TXT, 3600, 1, "x"),
	OK("blank owner continues the previous owner",
	    "a.example. A 192.0.2.1\n\tTXT \"t\"\n", "a.example", DNS_T_TXT,
	    3600, 1, "t"),
	OK("blank owner survives a directive",
	    "a.example. A 192.0.2.1\n$TTL 5\n TXT \"t\"\n", "a.example",
	    DNS_T_TXT, 5, 1, "t"),
	OK("CRLF line endings",
	    "$ORIGIN example.com.\r\na TXT \"x\"\r\n  A 192.0.2.1\r\n",
	    "a.example.com", DNS_T_TXT, 3600, 1, "x"),
	OK("comment and blank lines", "; header\n\n   \n; more\na. TXT x ; c\n",
	    "a", DNS_T_TXT, 3600, 1, "x"),
	OK("no final line end", "a. TXT x", "a", DNS_T_TXT, 3600, 1, "x"),
	OK("escaped parenthesis in a name",
	    "legitimate.com\\(.attacker.com. TXT x\n",
	    "legitimate.com(.attacker.com", DNS_T_TXT, 3600, 1, "x"),
	OK("escaped NUL in a name", "a\\000b. TXT x\n", "a\0b", DNS_T_TXT, 3600,
	    1, "x"),
	OK("escaped upper case in a name is folded", "\\065b. TXT x\n", "ab",
	    DNS_T_TXT, 3600, 1, "x"),
	OK("label of 63 bytes",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa. "
	    "TXT x\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    DNS_T_TXT, 3600, 1, "x"),
	/* TTLs and classes. */
	OK("$TTL sets the default", "$TTL 300\na. TXT x\n", "a", DNS_T_TXT, 300,
	    1, "x"),
	OK("explicit TTL beats $TTL", "$TTL 300\na. 60 TXT x\n", "a", DNS_T_TXT,
	    60, 1, "x"),
	OK("TTL units", "a. 1h30m TXT x\n", "a", DNS_T_TXT, 5400, 1, "x"),
	OK("TTL week unit", "a. 1w TXT x\n", "a", DNS_T_TXT, 604800, 1, "x"),
	OK("TTL upper-case unit", "a. 2D TXT x\n", "a", DNS_T_TXT, 172800, 1,
	    "x"),
	OK("TTL trailing seconds", "a. 1h30 TXT x\n", "a", DNS_T_TXT, 3630, 1,
	    "x"),
	OK("$TTL with units", "$TTL 1d\na. TXT x\n", "a", DNS_T_TXT, 86400, 1,
	    "x"),
	OK("TTL zero", "a. 0 TXT x\n", "a", DNS_T_TXT, 0, 1, "x"),
	OK("TTL maximum", "a. 2147483647 TXT x\n", "a", DNS_T_TXT, 2147483647u,
	    1, "x"),
	OK("class before TTL", "a. IN 60 TXT x\n", "a", DNS_T_TXT, 60, 1, "x"),
	OK("TTL before class", "a. 60 IN TXT x\n", "a", DNS_T_TXT, 60, 1, "x"),
	OK("lower-case class and type", "a. in txt x\n", "a", DNS_T_TXT, 3600,
	    1, "x"),
	NEG("class CH records are dropped", "a. CH TXT x\n", "a", DNS_T_TXT,
	    DNS_NXDOMAIN),
	NEG("class HS records are dropped", "a. 5 HS A 192.0.2.1\n", "a",
	    DNS_T_A, DNS_NXDOMAIN),
	/* TXT data. */
	OK("parentheses span lines with comments inside",
	    "a. 300 IN TXT ( \"part1\" ; comment \"x\" (\n"
	    "  \"part2\" ; more\n"
	    ") ; end\n",
	    "a", DNS_T_TXT, 300, 1, "part1part2"),
	OK("DKIM record in several strings", DKIM_TEXT,
	    "sel._domainkey.example.com", DNS_T_TXT, 300, 1,
	    "v=DKIM1; k=rsa; p=MIIB..."),
	OK("unquoted TXT", "a. TXT hello\n", "a", DNS_T_TXT, 3600, 1, "hello"),
	OK("unquoted TXT strings are joined", "a. TXT v=spf1 -all\n", "a",
	    DNS_T_TXT, 3600, 1, "v=spf1-all"),
	OK("quoted and unquoted strings mix", "a. TXT one \"two\"three\n", "a",
	    DNS_T_TXT, 3600, 1, "onetwothree"),
	OK("escaped quote and backslash", "a. TXT \"say \\\"hi\\\" \\\\ ok\"\n",
	    "a", DNS_T_TXT, 3600, 1, "say \"hi\" \\ ok"),
	OK("decimal escapes", "a. TXT \"\\065\\066\\255\"\n", "a", DNS_T_TXT,
	    3600, 1, "AB\xff"),
	OK("escapes in unquoted TXT", "a. TXT a\\ b\\;c\\\"\n", "a", DNS_T_TXT,
	    3600, 1, "a b;c\""),
	OK("escaped NUL in TXT", "a. TXT \"x\\000y\"\n", "a", DNS_T_TXT, 3600,
	    1, "x\0y"),
	OK("raw NUL inside quotes is data", "a. TXT \"x\0y\"\n", "a", DNS_T_TXT,
	    3600, 1, "x\0y"),
	OK("semicolon inside quotes is data",
	    "a. TXT \"v=DKIM1; p=abc\" ; real comment\n", "a", DNS_T_TXT, 3600,
	    1, "v=DKIM1; p=abc"),
	OK("parenthesis inside quotes is data", "a. TXT \"(x)\"\n", "a",
	    DNS_T_TXT, 3600, 1, "(x)"),
	OK("empty string", "a. TXT \"\"\n", "a", DNS_T_TXT, 3600, 1, ""),
	OK("8-bit bytes and a lone CR are data", "a. TXT \"\xc3\xa9\rx\"\n",
	    "a", DNS_T_TXT, 3600, 1, "\xc3\xa9\rx"),
	/* Other stored types. */
	OK("A record", "a. A 192.0.2.1\n", "a", DNS_T_A, 3600, 1,
	    "\xc0\x00\x02\x01"),
	OK("A record zero octets", "a. A 0.0.0.0\n", "a", DNS_T_A, 3600, 1,
	    "\0\0\0\0"),
	OK("AAAA record", "a. AAAA 2001:db8::1\n", "a", DNS_T_AAAA, 3600, 1,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"),
	OK("MX record", "a. MX 10 Mail.Example.COM.\n", "a", DNS_T_MX, 3600, 1,
	    "\x00\x0amail.example.com"),
	OK("MX relative exchange", "$ORIGIN example.com.\n@ MX 300 mx1\n",
	    "example.com", DNS_T_MX, 3600, 1, "\x01\x2cmx1.example.com"),
	OK("null MX", "a. MX 0 .\n", "a", DNS_T_MX, 3600, 1, "\0\0"),
	OK("CNAME record", "www.example.com. CNAME Target.Example.COM.\n",
	    "www.example.com", DNS_T_CNAME, 3600, 1, "target.example.com"),
	OK("PTR record", "1.2.0.192.in-addr.arpa. PTR host.example.\n",
	    "1.2.0.192.in-addr.arpa", DNS_T_PTR, 3600, 1, "host.example"),
	OK("NS record at origin", "$ORIGIN example.\n@ NS ns1\n", "example",
	    DNS_T_NS, 3600, 1, "ns1.example"),
	OK("CNAME to the origin", "$ORIGIN example.\nwww CNAME @\n",
	    "www.example", DNS_T_CNAME, 3600, 1, "example"),
	/* Skipped types. */
	OK("SOA over several lines is skipped",
	    "$ORIGIN example.com.\n"
	    "@ IN SOA ns1 hostmaster ( 1 ; serial\n"
	    "   7200 ; refresh\n 3600 1209600 3600 )\n"
	    "@ TXT x\n",
	    "example.com", DNS_T_TXT, 3600, 1, "x"),
	NEG("SOA is not stored", "example.com. SOA ns1 h 1 2 3 4 5\n",
	    "example.com", DNS_T_SOA, DNS_NODATA),
	NEG("SPF type 99 is skipped", "a. SPF \"v=spf1 -all\"\n", "a",
	    DNS_T_TXT, DNS_NODATA),
	NEG("SRV is skipped", "_sip._tcp.a. SRV 0 0 5060 sip.a.\n",
	    "_sip._tcp.a", DNS_T_TXT, DNS_NODATA),
	NEG("generic type is skipped", "a. TYPE65534 \\# 2 abcd\n", "a",
	    DNS_T_TXT, DNS_NODATA),
	NEG("generic rdata of a stored type is skipped",
	    "a. TXT \\# 4 03616263\n", "a", DNS_T_TXT, DNS_NODATA),
	OK("records after a skipped one",
	    "a. RRSIG TXT 8 2 300 ( 1 2 3 a.\n  abc= )\na. TXT x\n", "a",
	    DNS_T_TXT, 3600, 1, "x"),
	/* Answers. */
	NEG("other type at an owner is NODATA",
	    "s._domainkey.example.com. TXT k\n", "s._domainkey.example.com",
	    DNS_T_A, DNS_NODATA),
	NEG("empty non-terminal is NODATA", "s._domainkey.example.com. TXT k\n",
	    "_domainkey.example.com", DNS_T_TXT, DNS_NODATA),
	NEG("ancestor of an owner is NODATA",
	    "s._domainkey.example.com. TXT k\n", "COM.", DNS_T_TXT, DNS_NODATA),
	NEG("sibling is NXDOMAIN", "s._domainkey.example.com. TXT k\n",
	    "x._domainkey.example.com", DNS_T_TXT, DNS_NXDOMAIN),
	NEG("descendant is NXDOMAIN", "s._domainkey.example.com. TXT k\n",
	    "a.s._domainkey.example.com", DNS_T_TXT, DNS_NXDOMAIN),
	NEG("empty zone is NXDOMAIN", "", "a", DNS_T_TXT, DNS_NXDOMAIN),
	OK("lookup ignores case and a trailing dot",
	    "SEL._DomainKey.Example.COM. TXT k\n",
	    "sel._domainkey.EXAMPLE.com.", DNS_T_TXT, 3600, 1, "k"),
	NEG("lookup with two trailing dots is NXDOMAIN", "a. TXT x\n", "a..",
	    DNS_T_TXT, DNS_NXDOMAIN),
	NEG("lookup name with NUL is not truncated", "a. TXT x\n", "a\0b",
	    DNS_T_TXT, DNS_NXDOMAIN),
	NEG("over-long lookup name is NXDOMAIN", "a. TXT x\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    DNS_T_TXT, DNS_NXDOMAIN),
};

static void
run_lookup_case(const struct lookup_case *tc)
{
	struct zone *z = zone_new();
	assert_non_null(z);
	struct zone_error err = { 0, NULL };
	bool ok = zone_add_text(z, span_make(tc->text, tc->text_len), &err);
	if (!ok) {
		print_message(
		    "  unexpected error line %zu: %s\n", err.line, err.what);
	}
	assert_true(ok);
	struct dns_view v = zone_view(z);
	const struct dns_rrset *rr = dns_view_lookup(
	    &v, span_make(tc->qname, tc->qname_len), tc->qtype, 0);
	assert_non_null(rr);
	assert_int_equal(rr->status, tc->want);
	if (tc->want == DNS_OK) {
		assert_int_equal(rr->ttl, tc->want_ttl);
		assert_int_equal(rr->num_rrs, tc->want_num);
		assert_span_equal(rr->rrs[0], tc->want_rr, tc->want_rr_len);
	} else {
		assert_int_equal(rr->num_rrs, 0);
	}
	zone_free(z);
}

static void
test_zone_lookup_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(lookup_cases); i++) {
		print_message("case: %s\n", lookup_cases[i].name);
		run_lookup_case(&lookup_cases[i]);
	}
}

struct error_case {
	const char *name;
	const char *text;
	size_t text_len;
	size_t want_line;
	const char *want_what;
};

#define ERR(name, text, line, what)                                            \
	{                                                                      \
		name, text, sizeof(text) - 1, line, what                       \
	}

#define L63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L64 L63 "a"
#define S64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const struct error_case error_cases[] = {
	ERR("unterminated quote", "a. TXT \"abc\n", 1,
	    "unterminated quoted string"),
	ERR("unterminated quote at end of text", "a. TXT x\nb. TXT \"abc", 2,
	    "unterminated quoted string"),
	ERR("unterminated quote after an escaped quote", "a. TXT \"abc\\\"\n",
	    1, "unterminated quoted string"),
	ERR("missing close parenthesis", "a. TXT ( \"x\"\n\"y\"\n", 1,
	    "unbalanced parentheses"),
	ERR("stray close parenthesis", "a. TXT x )\n", 1,
	    "unbalanced parentheses"),
	ERR("nested parentheses", "a. TXT ( ( x ) )\n", 1,
	    "nested parentheses"),
	ERR("bad TTL", "a. 1x TXT x\n", 1, "bad TTL"),
	ERR("bad $TTL", "$TTL abc\n", 1, "bad TTL"),
	ERR("quoted $TTL", "$TTL \"5\"\n", 1, "bad TTL"),
	ERR("missing $TTL value", "$TTL\n", 1, "missing TTL"),
	ERR("TTL above 2^31-1", "a. 2147483648 TXT x\n", 1, "TTL out of range"),
	ERR("$TTL above 2^31-1", "$TTL 2147483648\n", 1, "TTL out of range"),
	ERR("TTL overflowing 64 bits", "a. 99999999999999999999999 TXT x\n", 1,
	    "TTL out of range"),
	ERR("TTL with units out of range", "a. 3551w TXT x\n", 1,
	    "TTL out of range"),
	ERR("TTL sum out of range", "a. 3550w86400d TXT x\n", 1,
	    "TTL out of range"),
	ERR("unknown type", "a. IN FOO x\n", 1, "unknown record type"),
	ERR("generic type zero", "a. TYPE0 \\# 0\n", 1, "unknown record type"),
	ERR("generic type too large", "a. TYPE65536 \\# 0\n", 1,
	    "unknown record type"),
	ERR("two TTLs", "a. 1 2 TXT x\n", 1, "unknown record type"),
	ERR("quoted type", "a. \"TXT\" x\n", 1, "unknown record type"),
	ERR("missing type", "a. 300 IN\n", 1, "missing record type"),
	ERR("owner alone", "a.\n", 1, "missing record type"),
	ERR("$INCLUDE", "$INCLUDE other.zone\n", 1,
	    "$INCLUDE is not supported"),
	ERR("unknown directive", "$GENERATE 1-2 a$ TXT x\n", 1,
	    "unknown directive"),
	ERR("trailing data after $ORIGIN", "$ORIGIN a. b.\n", 1,
	    "trailing data after directive"),
	ERR("$ORIGIN without a name", "$ORIGIN\n", 1, "missing name"),
	ERR("label too long", L64 ". TXT x\n", 1, "label too long"),
	ERR("label too long in rdata", "a. CNAME " L64 ".\n", 1,
	    "label too long"),
	ERR("name too long", L63 "." L63 "." L63 "." L63 ". TXT x\n", 1,
	    "name too long"),
	ERR("name too long with origin",
	    "$ORIGIN " L63 "." L63 "." L63 "." L63 "\nabc TXT x\n", 1,
	    "name too long"),
	ERR("origin makes a name too long",
	    "$ORIGIN " L63 "." L63 "." L63 ".\n" L63 " TXT x\n", 2,
	    "name too long"),
	ERR("empty label", "a..b. TXT x\n", 1, "empty label"),
	ERR("leading empty label", ".a. TXT x\n", 1, "empty label"),
	ERR("escaped dot in a name", "a\\.b. TXT x\n", 1,
	    "escaped dot in a name"),
	ERR("raw NUL in an owner name", "a\0b. TXT x\n", 1,
	    "NUL byte in a name"),
	ERR("raw NUL in a target name", "a. CNAME b\0c.\n", 1,
	    "NUL byte in a name"),
	ERR("raw NUL in a TTL", "a. 3\0 TXT x\n", 1, "bad TTL"),
	ERR("quoted owner name", "\"a\" TXT x\n", 1,
	    "quoted string where a name is expected"),
	ERR("TXT string of 256 bytes", "a. TXT \"" S64 S64 S64 S64 "\"\n", 1,
	    "TXT string longer than 255 bytes"),
	ERR("unquoted TXT string of 256 bytes", "a. TXT " S64 S64 S64 S64 "\n",
	    1, "TXT string longer than 255 bytes"),
	ERR("decimal escape above 255", "a. TXT \"\\256\"\n", 1,
	    "escape value above 255"),
	ERR("decimal escape above 255 in a name", "a\\300. TXT x\n", 1,
	    "escape value above 255"),
	ERR("short decimal escape", "a. TXT \\1x\n", 1, "bad escape sequence"),
	ERR("backslash at end of text", "a. TXT x\\", 1, "bad escape sequence"),
	ERR("backslash before line end", "a. TXT x\\\nb\n", 1,
	    "bad escape sequence"),
	ERR("IPv4 octet above 255", "a. A 256.1.1.1\n", 1, "bad IPv4 address"),
	ERR("IPv4 with three parts", "a. A 1.2.3\n", 1, "bad IPv4 address"),
	ERR("IPv4 with five parts", "a. A 1.2.3.4.5\n", 1, "bad IPv4 address"),
	ERR("IPv4 with leading zero", "a. A 01.2.3.4\n", 1, "bad IPv4 address"),
	ERR("IPv4 with double zero", "a. A 00.2.3.4\n", 1, "bad IPv4 address"),
	ERR("IPv4 with empty part", "a. A 1..3.4\n", 1, "bad IPv4 address"),
	ERR("IPv4 quoted", "a. A \"1.2.3.4\"\n", 1, "bad IPv4 address"),
	ERR("IPv4 with sign", "a. A +1.2.3.4\n", 1, "bad IPv4 address"),
	ERR("IPv6 given an IPv4 address", "a. AAAA 1.2.3.4\n", 1,
	    "bad IPv6 address"),
	ERR("IPv6 with bad digit", "a. AAAA ::g\n", 1, "bad IPv6 address"),
	ERR("IPv6 with raw NUL", "a. AAAA ::1\0x\n", 1, "bad IPv6 address"),
	ERR("IPv6 too long",
	    "a. AAAA 0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:"
	    "0000:0000:0000\n",
	    1, "bad IPv6 address"),
	ERR("MX preference too large", "a. MX 65536 b.\n", 1,
	    "bad MX preference"),
	ERR("MX preference not a number", "a. MX b. 10\n", 1,
	    "bad MX preference"),
	ERR("MX without exchange", "a. MX 10\n", 1, "missing name"),
	ERR("missing TXT data", "a. TXT ; nothing\n", 1, "missing record data"),
	ERR("missing A data", "a. A\n", 1, "missing record data"),
	ERR("trailing data after A", "a. A 1.2.3.4 5\n", 1,
	    "trailing data after record"),
	ERR("trailing data after CNAME", "a. CNAME b. c.\n", 1,
	    "trailing data after record"),
	ERR("no previous owner", " TXT x\n", 1,
	    "no owner name before this record"),
	ERR("error line after a multi-line entry",
	    "a. TXT ( x\n y )\nb. TXT \"z\n", 3, "unterminated quoted string"),
	ERR("error line with CRLF", "a. TXT x\r\n\r\nb. A 1\r\n", 3,
	    "bad IPv4 address"),
};

static void
test_zone_error_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(error_cases); i++) {
		const struct error_case *tc = &error_cases[i];
		print_message("case: %s\n", tc->name);
		struct zone *z = zone_new();
		assert_non_null(z);
		struct zone_error err = { 0, NULL };
		assert_false(
		    zone_add_text(z, span_make(tc->text, tc->text_len), &err));
		assert_non_null(err.what);
		assert_string_equal(err.what, tc->want_what);
		assert_int_equal(err.line, tc->want_line);
		zone_free(z);
	}
}

/* lookup is a shorthand for the tests below. */
static const struct dns_rrset *
lookup(struct zone *z, const char *name, enum dns_type type)
{
	struct dns_view v = zone_view(z);
	return dns_view_lookup(&v, span_make(name, strlen(name)), type, 0);
}

static struct zone *
load(const char *text)
{
	struct zone *z = zone_new();
	assert_non_null(z);
	struct zone_error err = { 0, NULL };
	assert_true(zone_add_text(z, span_make(text, strlen(text)), &err));
	return z;
}

/* Records of one RRset keep their order; the TTL is the minimum. */
static void
test_zone_rrset_order_and_ttl(void **state)
{
	(void)state;
	struct zone *z = load("a. 300 A 192.0.2.1\n"
	                      "   60 A 192.0.2.2\n"
	                      "a. 900 A 192.0.2.3\n"
	                      "a. TXT one\n");
	const struct dns_rrset *rr = lookup(z, "a", DNS_T_A);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->num_rrs, 3);
	assert_int_equal(rr->ttl, 60);
	assert_span_equal(rr->rrs[0], "\xc0\x00\x02\x01", 4);
	assert_span_equal(rr->rrs[1], "\xc0\x00\x02\x02", 4);
	assert_span_equal(rr->rrs[2], "\xc0\x00\x02\x03", 4);
	assert_null(rr->reason);
	assert_int_equal(zone_num_records(z), 4);
	zone_free(z);
}

/* Several texts merge into one zone; a repeated record is dropped but its
 * TTL counts; each text starts without $ORIGIN, $TTL or previous owner. */
static void
test_zone_merge_texts(void **state)
{
	(void)state;
	struct zone *z = load("$ORIGIN example.com.\n$TTL 300\na TXT one\n");
	const struct dns_rrset *before = lookup(z, "a.example.com", DNS_T_TXT);
	struct zone_error err = { 0, NULL };
	const char *second = "a.example.com. TXT two\n"
	                     "a.example.com. 60 TXT one\n"
	                     "b TXT three\n";
	assert_true(zone_add_text(z, span_make(second, strlen(second)), &err));
	const struct dns_rrset *rr = lookup(z, "a.example.com", DNS_T_TXT);
	/* The answer object stays the same while records are added. */
	assert_ptr_equal(rr, before);
	assert_int_equal(rr->num_rrs, 2);
	assert_int_equal(rr->ttl, 60);
	assert_span_equal(rr->rrs[0], "one", 3);
	assert_span_equal(rr->rrs[1], "two", 3);
	/* "b" was relative to the root in the second text, with TTL 3600. */
	rr = lookup(z, "b", DNS_T_TXT);
	assert_int_equal(rr->status, DNS_OK);
	assert_int_equal(rr->ttl, 3600);
	assert_int_equal(
	    lookup(z, "b.example.com", DNS_T_TXT)->status, DNS_NXDOMAIN);
	assert_int_equal(zone_num_records(z), 3);
	/* A continuation line at the start of a text has no owner. */
	const char *third = " TXT x\n";
	assert_false(zone_add_text(z, span_make(third, strlen(third)), &err));
	zone_free(z);
}

/* A failed text keeps the entries before the failing one. */
static void
test_zone_partial_text(void **state)
{
	(void)state;
	struct zone *z = zone_new();
	assert_non_null(z);
	const char *text = "a. TXT x\nb. TXT y\nc. A 1.2.3.999\nd. TXT z\n";
	struct zone_error err = { 0, NULL };
	assert_false(zone_add_text(z, span_make(text, strlen(text)), &err));
	assert_int_equal(err.line, 3);
	assert_int_equal(lookup(z, "a", DNS_T_TXT)->status, DNS_OK);
	assert_int_equal(lookup(z, "b", DNS_T_TXT)->status, DNS_OK);
	assert_int_equal(lookup(z, "c", DNS_T_TXT)->status, DNS_NXDOMAIN);
	assert_int_equal(lookup(z, "d", DNS_T_TXT)->status, DNS_NXDOMAIN);
	assert_int_equal(zone_num_records(z), 2);
	zone_free(z);
}

static int num_freed;

static void
count_free(struct dns_decoded *d)
{
	num_freed++;
	free(d);
}

static struct dns_decoded *
new_decoded(void)
{
	struct dns_decoded *d = malloc(sizeof(*d));
	assert_non_null(d);
	d->free = count_free;
	return d;
}

/* zone_free frees the objects attached to answers, including a negative
 * answer that a careless user attached to. */
static void
test_zone_frees_decoded(void **state)
{
	(void)state;
	num_freed = 0;
	struct zone *z = load("a. TXT x\nb. TXT y\n");
	struct dns_decoded *d1 = new_decoded();
	struct dns_decoded *d2 = new_decoded();
	assert_ptr_equal(dns_rrset_attach(lookup(z, "a", DNS_T_TXT), d1), d1);
	/* A second attach loses and leaves its object to the caller. */
	assert_ptr_equal(dns_rrset_attach(lookup(z, "a", DNS_T_TXT), d2), d1);
	assert_ptr_equal(dns_rrset_get_decoded(lookup(z, "a", DNS_T_TXT)), d1);
	assert_null(dns_rrset_get_decoded(lookup(z, "b", DNS_T_TXT)));
	assert_ptr_equal(dns_rrset_attach(lookup(z, "zz", DNS_T_TXT), d2), d2);
	zone_free(z);
	assert_int_equal(num_freed, 2);
	zone_free(NULL);
}

/* Many names force the table to grow; every name is still found. */
static void
test_zone_many_names(void **state)
{
	(void)state;
	size_t n = 5000;
	size_t cap = n * 40 + 64;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t len = 0;
	len += (size_t)snprintf(text + len, cap - len, "$ORIGIN example.\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len,
		    "k%zu._domainkey TXT \"p=%zu\"\n", i, i);
	}
	struct zone *z = zone_new();
	assert_non_null(z);
	struct zone_error err = { 0, NULL };
	assert_true(zone_add_text(z, span_make(text, len), &err));
	assert_int_equal(zone_num_records(z), n);
	for (size_t i = 0; i < n; i++) {
		char name[64], want[32];
		int nl =
		    snprintf(name, sizeof(name), "K%zu._DOMAINKEY.example.", i);
		int wl = snprintf(want, sizeof(want), "p=%zu", i);
		struct dns_view v = zone_view(z);
		const struct dns_rrset *rr = dns_view_lookup(
		    &v, span_make(name, (size_t)nl), DNS_T_TXT, 0);
		assert_int_equal(rr->status, DNS_OK);
		assert_span_equal(rr->rrs[0], want, (size_t)wl);
	}
	assert_int_equal(
	    lookup(z, "_domainkey.example", DNS_T_TXT)->status, DNS_NODATA);
	free(text);
	zone_free(z);
}

/* buf is a growable text buffer for the limit tests. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static const char *
add_error(struct buf *b, size_t *line)
{
	struct zone *z = zone_new();
	assert_non_null(z);
	struct zone_error err = { 0, NULL };
	bool ok = zone_add_text(z, span_make(b->p, b->len), &err);
	zone_free(z);
	*line = err.line;
	return ok ? NULL : err.what;
}

/* A TXT record whose strings sum to more than DNS_MAX_RDATA in wire form
 * is refused; one just under the limit is kept. */
static void
test_zone_txt_rdata_limit(void **state)
{
	(void)state;
	char s255[256];
	memset(s255, 'x', 255);
	s255[255] = '\0';
	struct buf b = { NULL, 0, 0 };
	buf_str(&b, "\n\na. TXT (\n");
	/* 256 strings of 255 bytes: 65536 bytes of wire rdata. */
	for (size_t i = 0; i < 256; i++) {
		buf_str(&b, " \"");
		buf_str(&b, i == 0 ? s255 + 1 : s255);
		buf_str(&b, "\"\n");
	}
	buf_str(&b, ")\n");
	size_t line;
	/* 254 + 255 * 255 bytes plus 256 length bytes is exactly 65535. */
	assert_null(add_error(&b, &line));
	b.len = 0;
	buf_str(&b, "\n\na. TXT (\n");
	for (size_t i = 0; i < 256; i++) {
		buf_str(&b, " \"");
		buf_str(&b, s255);
		buf_str(&b, "\"\n");
	}
	buf_str(&b, ")\n");
	assert_string_equal(add_error(&b, &line), "record data too long");
	assert_int_equal(line, 3);
	free(b.p);
}

/* An entry longer than ZONE_MAX_ENTRY bytes is refused. */
static void
test_zone_entry_limit(void **state)
{
	(void)state;
	struct buf b = { NULL, 0, 0 };
	buf_str(&b, "a. TXT ( x\n");
	char comment[1024];
	memset(comment, ' ', sizeof(comment) - 1);
	comment[0] = ';';
	comment[sizeof(comment) - 2] = '\n';
	comment[sizeof(comment) - 1] = '\0';
	while (b.len <= ZONE_MAX_ENTRY) {
		buf_str(&b, comment);
	}
	buf_str(&b, ")\n");
	size_t line;
	assert_string_equal(add_error(&b, &line), "entry too long");
	assert_int_equal(line, 1);
	free(b.p);
}

/* An RRset larger than a DNS message is refused; duplicates do not count
 * against the limit. */
static void
test_zone_rrset_limit(void **state)
{
	(void)state;
	struct buf b = { NULL, 0, 0 };
	char line_buf[64];
	size_t n = ZONE_MAX_RRSET_BYTES / (4 + 12) + 1;
	for (size_t i = 0; i < n; i++) {
		size_t x = (i >> 8) & 255, y = i & 255;
		int k = snprintf(line_buf, sizeof(line_buf),
		    "a. A 10.0.%zu.%zu\na. A 10.0.%zu.%zu\n", x, y, x, y);
		buf_add(&b, line_buf, (size_t)k);
	}
	size_t line;
	assert_string_equal(add_error(&b, &line), "RRset too large");
	assert_int_equal(line, 2 * n - 1);
	free(b.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_lookup_cases),
		cmocka_unit_test(test_zone_error_cases),
		cmocka_unit_test(test_zone_rrset_order_and_ttl),
		cmocka_unit_test(test_zone_merge_texts),
		cmocka_unit_test(test_zone_partial_text),
		cmocka_unit_test(test_zone_frees_decoded),
		cmocka_unit_test(test_zone_many_names),
		cmocka_unit_test(test_zone_txt_rdata_limit),
		cmocka_unit_test(test_zone_entry_limit),
		cmocka_unit_test(test_zone_rrset_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
