/*
 * zone_parse.c - RFC 1035 master files read into an in-memory DNS snapshot.
 *
 * This file reads master-file text (RFC 1035 §5.1, with the BIND extensions
 * $TTL and TTL units from RFC 2308 §4 and common practice) and answers
 * lookups from what it read through a struct dns_view.  The text is read one
 * entry at a time: a lexer splits it into words and quoted strings, joining
 * lines inside parentheses and dropping ";" comments, and the entry parser
 * reads the owner, TTL, class, type and record data.  Escapes (\X and \DDD,
 * RFC 1035 §5.1) are checked by the lexer and decoded by the consumer of a
 * token, so that a name can tell an escaped byte from a label separator.
 *
 * Records of type TXT, A, AAAA, MX, CNAME, PTR and NS are stored in the form
 * dns/view.h describes.  Other known types, the generic TYPEnnn form and
 * generic "\#" record data (RFC 3597 §5) are read to the end of their entry
 * and dropped; their owner names still exist for NODATA answers.  Records of
 * a class other than IN are read and dropped entirely.  A record without an
 * explicit TTL gets the $TTL value, or ZONE_DEFAULT_TTL when no $TTL was
 * given.  $ORIGIN, $TTL and the previous owner are reset at the start of
 * each zone_add_text call, so every file stands on its own.  A record that
 * repeats one already stored at the same name and type is dropped (an RRset
 * is a set, RFC 2181 §5), its TTL still taking part in the RRset's minimum.

 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "canon/limits.h"
#include "dns/internal.h"
#include "dns/zone.h"

/* ZONE_DEFAULT_TTL is the TTL of a record without an explicit TTL in a file
 * without $TTL: one hour, a common registrar default.  RFC 1035 §5.1 would
 * reuse the previous record's TTL instead; a fixed value keeps each record's
 * TTL independent of the order of the file. */
#define ZONE_DEFAULT_TTL 3600u

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- parser state -------------------------------------------------------- */

enum tok_kind { TOK_END, TOK_WORD, TOK_QUOTED };

/* struct token is one word or quoted string as written: escapes are not
 * decoded, and a quoted string's span excludes its quotes. */
struct token {
	enum tok_kind kind;
	struct span raw;
};

/* enum rdata_kind says how a type's record data is read. */
enum rdata_kind { RD_SKIP, RD_TXT, RD_A, RD_AAAA, RD_MX, RD_NAME };

/* struct rr_head is what precedes the record data of one entry. */
struct rr_head {
	uint32_t ttl;
	bool have_ttl;
	bool have_class;
	bool is_in;
	uint16_t type;
	enum rdata_kind kind;
};

struct parser {
	const struct zone_sink *sink;
	struct span in;    /* text not yet read */
	size_t line;       /* line of the first byte of |in| */
	size_t entry_line; /* line where the current entry starts */
	size_t entry_rem;  /* in.len when the current entry started */
	bool in_parens;
	const char *err; /* first error, sticky */
	uint8_t origin[DNS_MAX_NAME];
	size_t origin_len;
	uint8_t owner[DNS_MAX_NAME];
	size_t owner_len;
	bool have_owner;
	uint32_t default_ttl;
	size_t rdata_len;
	uint8_t rdata[DNS_MAX_RDATA];
};

/* fail records |what| as the parse error unless one is already set, and
 * returns false. */
static bool
fail(struct parser *p, const char *what)
{
	if (p->err == NULL) {
		p->err = what;
	}
	return false;
}

/* ---- lexer --------------------------------------------------------------- */

/* check_escape checks the escape whose backslash is at |s.p[i]| and stores
 * its length in |*out_len|.  RFC 1035 §5.1: \DDD is exactly three digits
 * with a value of at most 255; \X quotes any other byte.  A backslash before
 * a line end or at the end of the text is an error. */
static bool
check_escape(struct parser *p, struct span s, size_t i, size_t *out_len)
{
	if (i + 1 >= s.len || s.p[i + 1] == '\n') {
		return fail(p, "bad escape sequence");
	}
	if (!span_is_digit(s.p[i + 1])) {
		*out_len = 2;
		return true;
	}
	if (i + 3 >= s.len || !span_is_digit(s.p[i + 2]) ||
	    !span_is_digit(s.p[i + 3])) {
		return fail(p, "bad escape sequence");
	}
	unsigned v = (unsigned)(s.p[i + 1] - '0') * 100 +
	    (unsigned)(s.p[i + 2] - '0') * 10 + (unsigned)(s.p[i + 3] - '0');
	if (v > 255) {
		return fail(p, "escape value above 255");
	}
	*out_len = 4;
	return true;
}

static bool
is_delim(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' ||
	    c == ')' || c == ';' || c == '"';
}

/* scan_word reads an unquoted token at the start of |p->in|. */
static bool
scan_word(struct parser *p, struct token *out)
{
	struct span s = p->in;
	size_t i = 0;
	while (i < s.len && !is_delim(s.p[i])) {
		size_t n = 1;
		if (s.p[i] == '\\' && !check_escape(p, s, i, &n)) {
			return false;
		}
		i += n;
	}
	out->kind = TOK_WORD;
	(void)span_get_bytes(&p->in, &out->raw, i);
	return true;
}

/* scan_quoted reads a quoted string; |p->in| starts after the opening
 * quote.  A line end inside the quotes is an error, so that a missing quote
 * is reported at its own line rather than swallowing the rest of the file. */
static bool
scan_quoted(struct parser *p, struct token *out)
{
	struct span s = p->in;
	size_t i = 0;
	while (i < s.len && s.p[i] != '"' && s.p[i] != '\n') {
		size_t n = 1;
		if (s.p[i] == '\\' && !check_escape(p, s, i, &n)) {
			return fail(p, "unterminated quoted string");
		}
		i += n;
	}
	if (i >= s.len || s.p[i] != '"') {
		return fail(p, "unterminated quoted string");
	}
	out->kind = TOK_QUOTED;
	(void)span_get_bytes(&p->in, &out->raw, i);
	(void)span_skip(&p->in, 1);
	return true;
}

/* lex_punct handles one byte that is not part of a token: white space, a
 * line end, a comment or a parenthesis.  It sets |*at_end| when the byte
 * ends the entry. */
static bool
lex_punct(struct parser *p, uint8_t c, bool *at_end)
{
	switch (c) {
	case ';':
		(void)span_skip(&p->in, span_find(p->in, '\n'));
		return true;
	case '\n':
		p->line++;
		*at_end = !p->in_parens;
		break;
	case '(':
		if (p->in_parens) {
			return fail(p, "nested parentheses");
		}
		p->in_parens = true;
		break;
	case ')':
		if (!p->in_parens) {
			return fail(p, "unbalanced parentheses");
		}
		p->in_parens = false;
		break;
	default:
		break;
	}
	(void)span_skip(&p->in, 1);
	return true;
}

/* lex_token reads the next token of the current entry, or TOK_END at the
 * line end that closes the entry or at the end of the text. */
static bool
lex_token(struct parser *p, struct token *out)
{
	while (p->in.len > 0) {
		uint8_t c = p->in.p[0];
		if (c == '"') {
			(void)span_skip(&p->in, 1);
			return scan_quoted(p, out);
		}
		if (!is_delim(c)) {
			return scan_word(p, out);
		}
		bool at_end = false;
		if (!lex_punct(p, c, &at_end)) {
			return false;
		}
		if (at_end) {
			break;
		}
	}
	if (p->in.len == 0 && p->in_parens) {
		return fail(p, "unbalanced parentheses");
	}
	out->kind = TOK_END;
	out->raw = span_empty();
	return true;
}

static bool
next_token(struct parser *p, struct token *out)
{
	if (!lex_token(p, out)) {
		return false;
	}
	if (p->entry_rem - p->in.len > ZONE_MAX_ENTRY) {
		return fail(p, "entry too long");
	}
	return true;
}

/* skip_rest reads the tokens of the current entry up to its end. */
static bool
skip_rest(struct parser *p, struct token t)
{
	while (t.kind != TOK_END) {
		if (!next_token(p, &t)) {
			return false;
		}
	}
	return true;
}

/* expect_end fails with |what| unless the current entry has no more
 * tokens. */
static bool
expect_end(struct parser *p, const char *what)
{
	struct token t;
	if (!next_token(p, &t)) {
		return false;
	}
	return t.kind == TOK_END || fail(p, what);
}

/* ---- token decoding ------------------------------------------------------ */

/* next_byte decodes the byte of |raw| at |*i| and advances |*i| past it and
 * its escape, if any; |*escaped| says whether it was escaped.  The lexer
 * has checked every escape, so \DDD here has three digits and fits a byte. */
static uint8_t
next_byte(struct span raw, size_t *i, bool *escaped)
{
	uint8_t c = raw.p[*i];
	*escaped = false;
	if (c != '\\' || *i + 1 >= raw.len) {
		(*i)++;
		return c;
	}
	*escaped = true;
	const uint8_t *d = raw.p + *i + 1;
	if (*i + 3 < raw.len && span_is_digit(d[0]) && span_is_digit(d[1]) &&
	    span_is_digit(d[2])) {
		*i += 4;
		return (uint8_t)((d[0] - '0') * 100 + (d[1] - '0') * 10 +
		    (d[2] - '0'));
	}
	*i += 2;
	return d[0];
}

/* parse_labels decodes the name |raw| into |out| (DNS_MAX_NAME bytes),
 * lowercased, and sets |*absolute| when it ends in an unescaped dot. */
static bool
parse_labels(struct parser *p, struct span raw, uint8_t *out, size_t *out_len,
    bool *absolute)
{
	size_t n = 0, label = 0, i = 0;
	*absolute = false;
	while (i < raw.len) {
		if (raw.p[i] == '.') {
			if (label == 0) {
				return fail(p, "empty label");
			}
			i++;
			if (i == raw.len) {
				*absolute = true;
				break;
			}
			if (n == DNS_MAX_NAME) {
				return fail(p, "name too long");
			}
			out[n++] = '.';
			label = 0;
			continue;
		}
		if (raw.p[i] == 0) {
			return fail(p, "NUL byte in a name");
		}
		bool escaped;
		uint8_t c = next_byte(raw, &i, &escaped);
		if (escaped && c == '.') {
			/* A stored name keeps no escapes, so a dot inside a
			 * label could not be told from a label separator. */
			return fail(p, "escaped dot in a name");
		}
		if (label == DNS_MAX_LABEL) {
			return fail(p, "label too long");
		}
		if (n == DNS_MAX_NAME) {
			return fail(p, "name too long");
		}
		out[n++] = span_tolower(c);
		label++;
	}
	*out_len = n;
	return true;
}

/* parse_name reads the name token |t| into |out| (DNS_MAX_NAME bytes):
 * "@" is the origin, "." the root, and a name without a final dot is
 * relative to the origin (RFC 1035 §5.1). */
static bool
parse_name(
    struct parser *p, const struct token *t, uint8_t *out, size_t *out_len)
{
	if (t->kind == TOK_END) {
		return fail(p, "missing name");
	}
	if (t->kind != TOK_WORD) {
		return fail(p, "quoted string where a name is expected");
	}
	if (span_eq(t->raw, SPAN_LIT("@"))) {
		memcpy(out, p->origin, p->origin_len);
		*out_len = p->origin_len;
		return true;
	}
	if (span_eq(t->raw, SPAN_LIT("."))) {
		*out_len = 0;
		return true;
	}
	size_t n;
	bool absolute;
	if (!parse_labels(p, t->raw, out, &n, &absolute)) {
		return false;
	}
	if (!absolute && p->origin_len > 0) {
		if (p->origin_len + 1 > DNS_MAX_NAME - n) {
			return fail(p, "name too long");
		}
		out[n++] = '.';
		memcpy(out + n, p->origin, p->origin_len);
		n += p->origin_len;
	}
	*out_len = n;
	return true;
}

/* ttl_unit returns the seconds in the TTL unit |c|, or 0. */
static uint32_t
ttl_unit(uint8_t c)
{
	static const uint32_t secs[] = { 1, 60, 3600, 86400, 604800 };
	size_t k = span_find(SPAN_LIT("smhdw"), span_tolower(c));
	return k < ARRAY_SIZE(secs) ? secs[k] : 0;
}

/* parse_ttl reads a TTL: digits, or groups of digits each followed by a
 * unit s, m, h, d or w (BIND syntax, e.g. 1h30m); a last group without a
 * unit counts seconds.  The total must not exceed ZONE_MAX_TTL. */
static bool
parse_ttl(struct parser *p, const struct token *t, uint32_t *out)
{
	if (t->kind != TOK_WORD) {
		return fail(p, "bad TTL");
	}
	struct span s = t->raw;
	uint64_t total = 0;
	while (s.len > 0) {
		uint64_t v;
		if (!span_is_digit(s.p[0])) {
			return fail(p, "bad TTL");
		}
		if (!span_get_u64_decimal(&s, &v, 19)) {
			return fail(p, "TTL out of range");
		}
		uint32_t unit = 1;
		if (s.len > 0) {
			unit = ttl_unit(s.p[0]);
			if (unit == 0) {
				return fail(p, "bad TTL");
			}
			(void)span_skip(&s, 1);
		}
		if (v > (ZONE_MAX_TTL - total) / unit) {
			return fail(p, "TTL out of range");
		}
		total += v * unit;
	}
	*out = (uint32_t)total;
	return true;
}

/* ---- record data --------------------------------------------------------- */

/* parse_txt reads one or more character-strings, quoted or not, and joins
 * them (RFC 1035 §3.3.14; RFC 6376 §3.6.2.2). */
static bool
parse_txt(struct parser *p, struct token t)
{
	size_t wire = 0;
	if (t.kind == TOK_END) {
		return fail(p, "missing record data");
	}
	while (t.kind != TOK_END) {
		uint8_t str[DNS_MAX_TXT_STRING];
		size_t n = 0, i = 0;
		while (i < t.raw.len) {
			bool escaped;
			uint8_t c = next_byte(t.raw, &i, &escaped);
			if (n == sizeof(str)) {
				return fail(
				    p, "TXT string longer than 255 bytes");
			}
			str[n++] = c;
		}
		wire += 1 + n;
		if (wire > DNS_MAX_RDATA) {
			return fail(p, "record data too long");
		}
		memcpy(p->rdata + p->rdata_len, str, n);
		p->rdata_len += n;
		if (!next_token(p, &t)) {
			return false;
		}
	}
	return true;
}

/* parse_ipv4 reads a strict dotted quad: four decimal numbers of 0 to 255
 * without leading zeros. */
static bool
parse_ipv4(struct span s, uint8_t out[4])
{
	for (size_t k = 0; k < 4; k++) {
		if (k > 0 &&
		    (s.len == 0 || s.p[0] != '.' || !span_skip(&s, 1))) {
			return false;
		}
		uint8_t first = s.len > 0 ? s.p[0] : 0;
		size_t before = s.len;
		uint64_t v;
		if (!span_get_u64_decimal(&s, &v, 3) || v > 255 ||
		    (first == '0' && before - s.len > 1)) {
			return false;
		}
		out[k] = (uint8_t)v;
	}
	return s.len == 0;
}

static bool
parse_a(struct parser *p, const struct token *t)
{
	if (t->kind != TOK_WORD || !parse_ipv4(t->raw, p->rdata)) {
		return fail(p, "bad IPv4 address");
	}
	p->rdata_len = 4;
	return true;
}

/* parse_aaaa reads an IPv6 address with inet_pton, which needs a C string:
 * the token is copied to a local buffer after checking that it holds no NUL
 * byte that would cut it short. */
static bool
parse_aaaa(struct parser *p, const struct token *t)
{
	char buf[64];
	if (t->kind != TOK_WORD || t->raw.len >= sizeof(buf) ||
	    span_find(t->raw, 0) != t->raw.len) {
		return fail(p, "bad IPv6 address");
	}
	memcpy(buf, t->raw.p, t->raw.len);
	buf[t->raw.len] = '\0';
	if (inet_pton(AF_INET6, buf, p->rdata) != 1) {
		return fail(p, "bad IPv6 address");
	}
	p->rdata_len = 16;
	return true;
}

/* parse_mx reads a 16-bit preference and an exchange name (RFC 1035
 * §3.3.9). */
static bool
parse_mx(struct parser *p, const struct token *t)
{
	uint64_t pref;
	if (t->kind != TOK_WORD || !span_parse_u64(t->raw, &pref, 5) ||
	    pref > UINT16_MAX) {
		return fail(p, "bad MX preference");
	}
	p->rdata[0] = (uint8_t)(pref >> 8);
	p->rdata[1] = (uint8_t)pref;
	struct token name;
	size_t n;
	if (!next_token(p, &name) || !parse_name(p, &name, p->rdata + 2, &n)) {
		return false;
	}
	p->rdata_len = 2 + n;
	return true;
}

/* ---- entries ------------------------------------------------------------- */

struct type_info {
	const char *name;
	uint16_t type;
	enum rdata_kind kind;
};

/* The stored types (RFC 1035 §3.3, RFC 3596 §2). */
static const struct type_info stored_types[] = {
	{ "A", DNS_T_A, RD_A },
	{ "NS", DNS_T_NS, RD_NAME },
	{ "CNAME", DNS_T_CNAME, RD_NAME },
	{ "PTR", DNS_T_PTR, RD_NAME },
	{ "MX", DNS_T_MX, RD_MX },
	{ "TXT", DNS_T_TXT, RD_TXT },
	{ "AAAA", DNS_T_AAAA, RD_AAAA },
};

/* Known types whose record data is read and dropped: SOA, the types of
 * RFC 1035 and the later registrations seen in real zones, DNSSEC records,
 * and SPF (type 99, RFC 7208 §3.1). */
static const char *const skipped_types[] = { "SOA", "HINFO", "RP", "AFSDB",
	"LOC", "SRV", "NAPTR", "KX", "CERT", "DNAME", "DS", "SSHFP", "IPSECKEY",
	"RRSIG", "NSEC", "DNSKEY", "DHCID", "NSEC3", "NSEC3PARAM", "TLSA",
	"SMIMEA", "HIP", "CDS", "CDNSKEY", "OPENPGPKEY", "CSYNC", "ZONEMD",
	"SVCB", "HTTPS", "SPF", "EUI48", "EUI64", "URI", "CAA" };

/* lookup_type reads a type mnemonic or the generic TYPEnnn (RFC 3597
 * §5). */
static bool
lookup_type(struct parser *p, struct span s, struct rr_head *h)
{
	h->type = 0;
	h->kind = RD_SKIP;
	for (size_t i = 0; i < ARRAY_SIZE(stored_types); i++) {
		if (span_eq_icase_lit(s, stored_types[i].name)) {
			h->type = stored_types[i].type;
			h->kind = stored_types[i].kind;
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(skipped_types); i++) {
		if (span_eq_icase_lit(s, skipped_types[i])) {
			return true;
		}
	}
	uint64_t v;
	if (s.len > 4 && span_eq_icase_lit(span_sub(s, 0, 4), "TYPE") &&
	    span_parse_u64(span_sub(s, 4, s.len - 4), &v, 5) && v >= 1 &&
	    v <= UINT16_MAX) {
		return true;
	}
	return fail(p, "unknown record type");
}

static bool
is_class(struct span s, bool *is_in)
{
	*is_in = span_eq_icase_lit(s, "IN");
	return *is_in || span_eq_icase_lit(s, "CH") ||
	    span_eq_icase_lit(s, "HS") || span_eq_icase_lit(s, "CS");
}

/* parse_head reads [TTL] [class] type, with TTL and class in either order;
 * |*t| is the first token after the owner. */
static bool
parse_head(struct parser *p, struct token *t, struct rr_head *h)
{
	for (size_t i = 0; i < 3; i++) {
		if (t->kind == TOK_END) {
			return fail(p, "missing record type");
		}
		if (t->kind != TOK_WORD) {
			return fail(p, "unknown record type");
		}
		bool is_in;
		if (!h->have_ttl && span_is_digit(t->raw.p[0])) {
			if (!parse_ttl(p, t, &h->ttl)) {
				return false;
			}
			h->have_ttl = true;
		} else if (!h->have_class && is_class(t->raw, &is_in)) {
			h->have_class = true;
			h->is_in = is_in;
		} else {
			return lookup_type(p, t->raw, h);
		}
		if (!next_token(p, t)) {
			return false;
		}
	}
	return fail(p, "unknown record type");
}

/* parse_rdata reads the record data of |h|'s type; |t| is its first
 * token. */
static bool
parse_rdata(struct parser *p, const struct rr_head *h, const struct token *t)
{
	bool ok = false;
	p->rdata_len = 0;
	switch (h->kind) {
	case RD_SKIP:
		return skip_rest(p, *t);
	case RD_TXT:
		return parse_txt(p, *t);
	case RD_A:
		ok = parse_a(p, t);
		break;
	case RD_AAAA:
		ok = parse_aaaa(p, t);
		break;
	case RD_MX:
		ok = parse_mx(p, t);
		break;
	case RD_NAME:
		ok = parse_name(p, t, p->rdata, &p->rdata_len);
		break;
	}
	return ok && expect_end(p, "trailing data after record");
}

/* parse_record reads an entry after its owner; |t| is its next token. */
static bool
parse_record(struct parser *p, struct token t)
{
	struct rr_head h = { .ttl = p->default_ttl, .is_in = true };
	if (!parse_head(p, &t, &h) || !next_token(p, &t)) {
		return false;
	}
	/* RFC 3597 §5: "\#" starts record data in the generic form. */
	if (t.kind == TOK_WORD && span_eq(t.raw, SPAN_LIT("\\#"))) {
		h.kind = RD_SKIP;
	}
	if (h.kind != RD_SKIP && t.kind == TOK_END) {
		return fail(p, "missing record data");
	}
	if (!parse_rdata(p, &h, &t)) {
		return false;
	}
	/* Records of another class than IN are checked and dropped. */
	if (!h.is_in) {
		return true;
	}
	struct span owner = span_make(p->owner, p->owner_len);
	const struct zone_sink *k = p->sink;
	const char *err = h.kind == RD_SKIP
	    ? k->owner(k->arg, owner)
	    : k->record(k->arg, owner, h.type, h.ttl,
	          span_make(p->rdata, p->rdata_len));
	return err == NULL || fail(p, err);
}

/* parse_directive reads $ORIGIN or $TTL; |t| is the directive's name. */
static bool
parse_directive(struct parser *p, const struct token *t)
{
	struct token arg;
	if (span_eq_icase_lit(t->raw, "$INCLUDE")) {
		return fail(p, "$INCLUDE is not supported");
	}
	if (span_eq_icase_lit(t->raw, "$ORIGIN")) {
		uint8_t name[DNS_MAX_NAME];
		size_t n;
		if (!next_token(p, &arg) || !parse_name(p, &arg, name, &n)) {
			return false;
		}
		memcpy(p->origin, name, n);
		p->origin_len = n;
	} else if (span_eq_icase_lit(t->raw, "$TTL")) {
		if (!next_token(p, &arg)) {
			return false;
		}
		if (arg.kind == TOK_END) {
			return fail(p, "missing TTL");
		}
		if (!parse_ttl(p, &arg, &p->default_ttl)) {
			return false;
		}
	} else {
		return fail(p, "unknown directive");
	}
	return expect_end(p, "trailing data after directive");
}

/* parse_entry reads one entry: a line, or several joined by parentheses.
 * RFC 1035 §5.1: an entry whose first byte is blank has the previous
 * entry's owner. */
static bool
parse_entry(struct parser *p)
{
	p->entry_line = p->line;
	p->entry_rem = p->in.len;
	uint8_t c = p->in.p[0];
	if (c == ';' && p->sink->meta != NULL && p->in.len > 1 &&
	    p->in.p[1] == '@') {
		/* A ";@" line: data for the sink, a comment for others. */
		struct span line;
		(void)span_get_bytes(&p->in, &line, span_find(p->in, '\n'));
		(void)span_skip(&p->in, 1);
		p->line++;
		const char *err = p->sink->meta(p->sink->arg,
		    span_make(line.p + 2, line.len - 2), p->entry_line);
		return err == NULL || fail(p, err);
	}
	bool has_owner = !is_delim(c) || c == '"';
	struct token t;
	if (!next_token(p, &t)) {
		return false;
	}
	if (t.kind == TOK_END) {
		return true;
	}
	if (has_owner && t.kind == TOK_WORD && t.raw.p[0] == '$') {
		return parse_directive(p, &t);
	}
	if (has_owner) {
		if (!parse_name(p, &t, p->owner, &p->owner_len) ||
		    !next_token(p, &t)) {
			return false;
		}
		p->have_owner = true;
	} else if (!p->have_owner) {
		return fail(p, "no owner name before this record");
	}
	return parse_record(p, t);
}

bool
zone_parse(
    const struct zone_sink *sink, struct span text, struct zone_error *err)
{
	struct parser *p = malloc(sizeof(*p));
	if (p == NULL) {
		err->line = 1;
		err->what = "out of memory";
		return false;
	}
	/* Everything but the large record data buffer starts zeroed. */
	memset(p, 0, offsetof(struct parser, rdata));
	p->sink = sink;
	p->in = text;
	p->line = 1;
	p->entry_line = 1;
	p->default_ttl = ZONE_DEFAULT_TTL;
	bool ok = true;
	while (ok && p->in.len > 0) {
		ok = parse_entry(p);
	}
	if (!ok) {
		err->line = p->entry_line;
		err->what = p->err != NULL ? p->err : "syntax error";
	}
	free(p);
	return ok;
}

static const char *
zone_sink_record(void *arg, struct span owner, uint16_t type, uint32_t ttl,
    struct span rdata)
{
	return zone__store(arg, owner, type, ttl, rdata);
}

static const char *
zone_sink_owner(void *arg, struct span owner)
{
	return zone__note_owner(arg, owner);
}

bool
zone_add_text(struct zone *z, struct span text, struct zone_error *err)
{
	struct zone_sink sink = { zone_sink_record, zone_sink_owner, NULL, z };
	return zone_parse(&sink, text, err);
}
