/*
 * datetime.c - RFC 5322 date-time parsing (see datetime.h).
 *
 * The grammar is RFC 5322 §3.3 (date-time, with CFWS from §3.2.2) together
 * with the obsolete forms of §4.3 that stored mail still carries: two- and
 * three-digit years, the zone names UT, GMT, EST/EDT, CST/CDT, MST/MDT,
 * PST/PDT and the military letters, comments and white space around the
 * tokens, and folding inside them (§4.2, obs-FWS).  RFC 5321 §4.4 puts the
 * date-time of a Received field after its last ";".
 *
 * Choices where the RFCs leave room or stored mail forces one:
 * - A line break in FWS is CRLF or a bare LF (LF-only storage), and it must
 *   be followed by WSP, as folding requires.  A bare CR is rejected.
 * - Tokens (day, month, year, time of day, zone) must be separated by FWS
 *   or a comment, as in the §3.3 form.  The obsolete grammar would let
 *   "11Jul2003" through; no real mailer writes that, and requiring the
 *   separator keeps runs of digits unambiguous.
 * - The day of the week, when present, must be a valid name, but it need
 *   not match the date: real mail often gets it wrong and the date itself
 *   is what we need.
 * - Second 60 (a leap second, §3.3) is accepted in any minute and counts as
 *   the first second of the next minute: POSIX time has no leap seconds.
 * - Every military zone letter counts as +0000, as §4.3 says they "SHOULD
 *   all be considered equivalent to -0000"; "J" is not a zone.
 * - A missing zone is rejected: without it the offset would be a guess.
 *   Names other than those of §4.3 ("UTC", "CET", ...) are rejected too.
 * - Years are 2 to 4 digits and must fall in 1970..9999 after the §4.3
 *   adjustment; the instant itself, after applying the zone, must lie in
 *   [1970-01-01T00:00:00Z, 10000-01-01T00:00:00Z).
 *
 * Epoch seconds are computed with plain proleptic Gregorian arithmetic, not
 * timegm() or mktime(), so that nothing depends on the locale or the TZ
 * environment.
 */
#include "canon/datetime.h"

#include "canon/limits.h"

/* DATETIME_END is 10000-01-01T00:00:00Z in seconds since the epoch: the
 * first instant a four-digit year cannot name. */
#define DATETIME_END INT64_C(253402300800)

/* struct dt holds the fields of one parsed date-time, local to its zone. */
struct dt {
	unsigned year;
	unsigned month; /* 1..12 */
	unsigned day;
	unsigned hour;
	unsigned minute;
	unsigned second;
	int32_t zone; /* offset from UTC in seconds, east positive */
};

/* NUM_OF is the element count of a true array. */
#define NUM_OF(a) (sizeof(a) / sizeof((a)[0]))

/* enum cfws_result says what cfws_skip found: malformed CFWS, none at
 * all, or at least one byte of it. */
enum cfws_result { CFWS_BAD, CFWS_NONE, CFWS_SOME };

/* bytes_ok reports whether every byte of |in| is printable US-ASCII or one
 * of the FWS bytes SP, HTAB, CR and LF.  NUL, other controls, DEL and 8-bit
 * bytes are never part of a date-time we accept. */
static bool
bytes_ok(struct span in)
{
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.p[i];
		if ((c < 0x20 || c > 0x7e) && !span_is_fws(c)) {
			return false;
		}
	}
	return true;
}

/* line_break_len returns the length of the line break at the front of |s|
 * (2 for CRLF, 1 for a bare LF), or 0 when there is none. */
static size_t
line_break_len(struct span s)
{
	if (s.len >= 1 && s.p[0] == '\n') {
		return 1;
	}
	if (s.len >= 2 && s.p[0] == '\r' && s.p[1] == '\n') {
		return 2;
	}
	return 0;
}

/* fws_skip advances |s| past folding white space (RFC 5322 §3.2.2 and
 * obs-FWS in §4.2): WSP, where every line break is followed by at least one
 * WSP.  It returns false on a bare CR or on a line break without WSP after
 * it.  |*out_any| is set when at least one byte was skipped. */
static bool
fws_skip(struct span *s, bool *out_any)
{
	while (s->len > 0) {
		size_t n = line_break_len(*s);
		if (n > 0) {
			if (s->len <= n || !span_is_wsp(s->p[n])) {
				return false;
			}
		} else if (span_is_wsp(s->p[0])) {
			n = 1;
		} else if (s->p[0] == '\r') {
			return false;
		} else {
			break;
		}
		(void)span_skip(s, n);
		*out_any = true;
	}
	return true;
}

/* comment_skip advances |s| past one comment (RFC 5322 §3.2.2), which
 * starts at the front of |s| with "(".  Comments nest, and a quoted-pair
 * ("\" followed by VCHAR or WSP) stands for its second byte.  The nesting
 * depth cannot exceed the input length, which datetime_parse bounds by
 * DATE_MAX_LEN.  It returns false on an unterminated comment, a bad
 * quoted-pair or bad folding. */
static bool
comment_skip(struct span *s)
{
	size_t depth = 0;
	do {
		bool any = false;
		if (!fws_skip(s, &any)) {
			return false;
		}
		uint8_t c;
		if (!span_get_u8(s, &c)) {
			return false;
		}
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (c == '\\') {
			uint8_t q;
			if (!span_get_u8(s, &q) ||
			    !(q == '\t' || (q >= 0x20 && q <= 0x7e))) {
				return false;
			}
		}
		/* Any other byte is ctext: bytes_ok has already limited the
		 * input to printable US-ASCII and FWS. */
	} while (depth > 0);
	return true;
}

/* cfws_skip advances |s| past CFWS (RFC 5322 §3.2.2): any mix of FWS and
 * comments.  It says whether it found none, some, or a malformed run. */
static enum cfws_result
cfws_skip(struct span *s)
{
	bool any = false;
	for (;;) {
		if (!fws_skip(s, &any)) {
			return CFWS_BAD;
		}
		if (s->len == 0 || s->p[0] != '(') {
			break;
		}
		if (!comment_skip(s)) {
			return CFWS_BAD;
		}
		any = true;
	}
	return any ? CFWS_SOME : CFWS_NONE;
}

/* sep_skip consumes the CFWS that must separate two tokens; it fails when
 * there is none or when it is malformed. */
static bool
sep_skip(struct span *s)
{
	return cfws_skip(s) == CFWS_SOME;
}

/* word_get sets |*out| to the run of ASCII letters at the front of |s|
 * (possibly empty) and advances past it. */
static void
word_get(struct span *s, struct span *out)
{
	size_t n = 0;
	while (n < s->len && span_is_alpha(s->p[n])) {
		n++;
	}
	(void)span_get_bytes(s, out, n);
}

/* name_index returns the index of |w| in |names| (case-insensitive, as
 * RFC 5234 §2.3 makes ABNF strings), or |num_names| when absent. */
static size_t
name_index(struct span w, const char *const *names, size_t num_names)
{
	for (size_t i = 0; i < num_names; i++) {
		if (span_eq_icase_lit(w, names[i])) {
			return i;
		}
	}
	return num_names;
}

/* two_digits_get reads exactly two ASCII digits, as RFC 5322 §3.3 writes
 * hour, minute, second and the parts of a numeric zone. */
static bool
two_digits_get(struct span *s, unsigned *out)
{
	if (s->len < 2 || !span_is_digit(s->p[0]) || !span_is_digit(s->p[1])) {
		return false;
	}
	*out = (unsigned)(s->p[0] - '0') * 10 + (unsigned)(s->p[1] - '0');
	(void)span_skip(s, 2);
	return true;
}

/* day_of_week_skip consumes an optional day-of-week and its comma
 * (RFC 5322 §3.3, obs-day-of-week in §4.3).  The name must be valid but is
 * not checked against the date. */
static bool
day_of_week_skip(struct span *s)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat", "Sun" };
	struct span w;
	word_get(s, &w);
	if (w.len == 0) {
		return true;
	}
	if (name_index(w, days, NUM_OF(days)) == NUM_OF(days) ||
	    cfws_skip(s) == CFWS_BAD) {
		return false;
	}
	uint8_t c;
	return span_get_u8(s, &c) && c == ',' && cfws_skip(s) != CFWS_BAD;
}

/* month_get reads a month name (RFC 5322 §3.3) as 1..12. */
static bool
month_get(struct span *s, unsigned *out)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct span w;
	word_get(s, &w);
	size_t i = name_index(w, months, NUM_OF(months));
	if (i == NUM_OF(months)) {
		return false;
	}
	*out = (unsigned)i + 1;
	return true;
}

/* year_get reads a year of 2 to 4 digits.  RFC 5322 §4.3: a two-digit year
 * below 50 is 2000 + it, any other two- or three-digit year is 1900 + it.
 * Five or more digits are rejected: they name no year we can store. */
static bool
year_get(struct span *s, unsigned *out)
{
	size_t before = s->len;
	uint64_t v;
	if (!span_get_u64_decimal(s, &v, 4)) {
		return false;
	}
	size_t digits = before - s->len;
	if (digits < 2) {
		return false;
	}
	if (digits == 2 && v < 50) {
		v += 2000;
	} else if (digits < 4) {
		v += 1900;
	}
	*out = (unsigned)v;
	return true;
}

/* colon_skip consumes ":" with optional CFWS around it (obs-hour,
 * obs-minute and obs-second of RFC 5322 §4.3 allow CFWS there). */
static bool
colon_skip(struct span *s)
{
	uint8_t c;
	return cfws_skip(s) != CFWS_BAD && span_get_u8(s, &c) && c == ':' &&
	    cfws_skip(s) != CFWS_BAD;
}

/* time_get reads hour ":" minute [":" second] (RFC 5322 §3.3).  The CFWS
 * after the minute is consumed only when a ":" follows it, so that the
 * separator before the zone is left for the caller. */
static bool
time_get(struct span *s, struct dt *dt)
{
	if (!two_digits_get(s, &dt->hour) || !colon_skip(s) ||
	    !two_digits_get(s, &dt->minute)) {
		return false;
	}
	dt->second = 0;
	struct span look = *s;
	if (cfws_skip(&look) == CFWS_BAD || look.len == 0 || look.p[0] != ':') {
		return true;
	}
	return colon_skip(s) && two_digits_get(s, &dt->second);
}

/* zone_name_get reads an obsolete zone name (RFC 5322 §4.3) as an offset
 * in seconds. */
static bool
zone_name_get(struct span *s, int32_t *out)
{
	static const char *const names[] = { "UT", "GMT", "EST", "EDT", "CST",
		"CDT", "MST", "MDT", "PST", "PDT" };
	static const int8_t hours[] = { 0, 0, -5, -4, -6, -5, -7, -6, -8, -7 };
	_Static_assert(NUM_OF(names) == NUM_OF(hours), "one offset per name");
	struct span w;
	word_get(s, &w);
	if (w.len == 1) {
		/* Military zones: any letter but J, all taken as +0000. */
		if (span_tolower(w.p[0]) == 'j') {
			return false;
		}
		*out = 0;
		return true;
	}
	size_t i = name_index(w, names, NUM_OF(names));
	if (i == NUM_OF(names)) {
		return false;
	}
	*out = (int32_t)hours[i] * 3600;
	return true;
}

/* zone_get reads a zone: ("+" / "-") 4DIGIT (RFC 5322 §3.3), where the
 * last two digits are minutes below 60, or an obsolete zone name.  "-0000"
 * is taken as UTC. */
static bool
zone_get(struct span *s, int32_t *out)
{
	uint8_t sign;
	if (!span_peek_u8(s, &sign)) {
		return false;
	}
	if (sign != '+' && sign != '-') {
		return zone_name_get(s, out);
	}
	(void)span_skip(s, 1);
	unsigned hh, mm;
	if (!two_digits_get(s, &hh) || !two_digits_get(s, &mm) || mm > 59) {
		return false;
	}
	int32_t off = (int32_t)(hh * 3600 + mm * 60);
	*out = sign == '-' ? -off : off;
	return true;
}

/* fields_get parses the whole of |s| as a date-time into |*dt| without
 * checking ranges beyond the digit counts. */
static bool
fields_get(struct span *s, struct dt *dt)
{
	uint64_t day;
	if (cfws_skip(s) == CFWS_BAD || !day_of_week_skip(s) ||
	    !span_get_u64_decimal(s, &day, 2) || !sep_skip(s) ||
	    !month_get(s, &dt->month) || !sep_skip(s) ||
	    !year_get(s, &dt->year) || !sep_skip(s) || !time_get(s, dt) ||
	    !sep_skip(s) || !zone_get(s, &dt->zone) ||
	    cfws_skip(s) == CFWS_BAD) {
		return false;
	}
	dt->day = (unsigned)day;
	return s->len == 0;
}

static bool
is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(unsigned y, unsigned m)
{
	static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	return len[m - 1] + (m == 2 && is_leap(y) ? 1u : 0u);
}

/* fields_valid checks the ranges of RFC 5322 §3.3: a day that exists in
 * its month, hour 0..23, minute 0..59, second 0..60, and our year range. */
static bool
fields_valid(const struct dt *dt)
{
	return dt->year >= 1970 && dt->year <= 9999 && dt->day >= 1 &&
	    dt->day <= days_in_month(dt->year, dt->month) && dt->hour <= 23 &&
	    dt->minute <= 59 && dt->second <= 60;
}

/* days_before_year returns the number of days from 0001-01-01 to
 * |y|-01-01 in the proleptic Gregorian calendar, for |y| >= 1: 365 a year
 * plus one for every leap year before |y|. */
static int64_t
days_before_year(unsigned y)
{
	int64_t p = (int64_t)y - 1;
	return p * 365 + p / 4 - p / 100 + p / 400;
}

/* epoch_seconds converts valid fields to seconds since the epoch.  With
 * year <= 9999 the day count stays below 3 million, so no intermediate
 * value comes near the range of int64_t. */
static int64_t
epoch_seconds(const struct dt *dt)
{
	static const uint16_t before_month[12] = { 0, 31, 59, 90, 120, 151, 181,
		212, 243, 273, 304, 334 };
	int64_t days = days_before_year(dt->year) - days_before_year(1970) +
	    before_month[dt->month - 1] +
	    (dt->month > 2 && is_leap(dt->year) ? 1 : 0) + dt->day - 1;
	int64_t local = days * 86400 + (int64_t)dt->hour * 3600 +
	    (int64_t)dt->minute * 60 + dt->second;
	/* The zone is local time minus UTC, so UTC is local minus zone. */
	return local - dt->zone;
}

bool
datetime_parse(struct span in, int64_t *out)
{
	if (in.len > DATE_MAX_LEN || !bytes_ok(in)) {
		return false;
	}
	struct dt dt;
	if (!fields_get(&in, &dt) || !fields_valid(&dt)) {
		return false;
	}
	int64_t t = epoch_seconds(&dt);
	if (t < 0 || t >= DATETIME_END) {
		return false;
	}
	*out = t;
	return true;
}

/* after_last_semicolon sets |*out| to the bytes after the last ";" of |v|
 * and returns false when |v| has no ";". */
static bool
after_last_semicolon(struct span v, struct span *out)
{
	for (size_t i = v.len; i > 0; i--) {
		if (v.p[i - 1] == ';') {
			*out = span_sub(v, i, v.len - i);
			return true;
		}
	}
	return false;
}

bool
datetime_received(const struct msg *m, int64_t *out)
{
	bool found = false;
	int64_t newest = 0;
	for (size_t i = 0; i < m->num_fields; i++) {
		const struct msg_field *f = &m->fields[i];
		struct span date;
		int64_t t;
		if (!msg_field_is(f, SPAN_LIT("Received")) ||
		    !after_last_semicolon(f->value, &date) ||
		    !datetime_parse(date, &t)) {
			continue;
		}
		if (!found || t > newest) {
			newest = t;
			found = true;
		}
	}
	if (found) {
		*out = newest;
	}
	return found;
}
