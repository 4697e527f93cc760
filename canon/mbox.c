/*
 * mbox.c - streaming mbox splitter and From_ line helpers (see mbox.h).
 *
 * The mbox format is the one RFC 4155 registers as application/mbox: each
 * message is preceded by a separator line that begins with "From ", and
 * body lines that would look like one are quoted with ">".  The quoting
 * variants (mboxo and mboxrd) are the ones the Qmail mbox(5) man page
 * describes.  The date on a separator line is written as by asctime(3).
 *
 * The splitter reads each line start just far enough to classify the line:
 * a separator, a quoted line (one ">" to drop), an empty line (held back
 * until the next line shows whether it precedes a separator), or plain
 * data.  The rest of a data line is never looked at byte by byte: memchr
 * finds its end, and runs of consecutive data lines reach the data callback
 * in one call.  A line start cut by a chunk boundary is copied into
 * m->pending (at most MBOX_MAX_PENDING - 1 bytes, see line_classify) and
 * classified once enough bytes have arrived, so the callbacks never depend
 * on how the stream was cut.  Nothing is allocated.
 *
 * The state is three flags of struct mbox, at most one of them set:
 * in_from_line (collecting a separator line into m->from), line_is_data
 * (passing the rest of a data line through), and otherwise the line start
 * is being classified (at_line_start while no byte of it has arrived).
 * m->from_len counts the bytes of the separator line seen so far, but stops
 * at MBOX_MAX_FROM_LINE + 1, which means that bytes were cut.
 */
#include "canon/mbox.h"

#include <string.h>

/* MBOX_MAX_QUOTE is the deepest quoting that is undone: the ">" run and
 * "From " must fit in the pending buffer together with the byte that
 * completes the decision.  A line with more ">" is data. */
#define MBOX_MAX_QUOTE (MBOX_MAX_PENDING - 6)

_Static_assert(MBOX_MAX_QUOTE >= 1 && MBOX_MAX_QUOTE + 5 < MBOX_MAX_PENDING,
    "the pending buffer holds the deepest quote, \"From \" and one byte");

/* FROM_SEP is the separator prefix; FROM_SEP_LEN its length (no NUL). */
static const uint8_t FROM_SEP[] = { 'F', 'r', 'o', 'm', ' ' };
#define FROM_SEP_LEN sizeof(FROM_SEP)

/* enum line_kind is what the start of a line says about the line. */
enum line_kind {
	LINE_MORE,   /* undecided: more bytes of the line start are needed */
	LINE_DATA,   /* message data, passed through as it is */
	LINE_QUOTED, /* message data whose first byte, a ">", is dropped */
	LINE_FROM,   /* a separator line */
	LINE_EMPTY   /* a line of only LF or CRLF */
};

/* empty_classify classifies a line start |s| that begins with CR or LF. */
static enum line_kind
empty_classify(struct span s, size_t *out_len)
{
	if (s.p[0] == '\n') {
		*out_len = 1;
		return LINE_EMPTY;
	}
	if (s.len < 2) {
		return LINE_MORE;
	}
	if (s.p[1] != '\n') {
		return LINE_DATA;
	}
	*out_len = 2;
	return LINE_EMPTY;
}

/* line_classify classifies the line whose first bytes are |s| (possibly
 * all of the line, possibly fewer bytes than the decision needs).  For an
 * empty line it stores the length of its line ending in |*out_len|.  It
 * answers LINE_MORE only while |s| is a run of at most MBOX_MAX_QUOTE ">"
 * followed by a proper prefix of "From ", or a lone CR: at most
 * MBOX_MAX_PENDING - 2 bytes. */
static enum line_kind
line_classify(enum mbox_format format, struct span s, size_t *out_len)
{
	if (s.len == 0) {
		return LINE_MORE;
	}
	if (s.p[0] == '\n' || s.p[0] == '\r') {
		return empty_classify(s, out_len);
	}
	/* mboxo unquotes only ">From "; a second ">" settles it as data. */
	size_t limit = format == MBOX_O ? 2 : MBOX_MAX_QUOTE + 1;
	size_t k = 0;
	while (k < s.len && k < limit && s.p[k] == '>') {
		k++;
	}
	if (k == limit) {
		return LINE_DATA;
	}
	size_t n = s.len - k < FROM_SEP_LEN ? s.len - k : FROM_SEP_LEN;
	if (memcmp(s.p + k, FROM_SEP, n) != 0) {
		return LINE_DATA;
	}
	if (n < FROM_SEP_LEN) {
		return LINE_MORE;
	}
	return k == 0 ? LINE_FROM : LINE_QUOTED;
}

/* set_state records which part of a line comes next. */
static void
set_state(struct mbox *m, bool in_from_line, bool line_is_data)
{
	m->in_from_line = in_from_line;
	m->line_is_data = line_is_data;
	m->at_line_start =
	    !in_from_line && !line_is_data && m->pending_len == 0;
}

/* data_emit passes |len| message bytes at |p| to the data callback. */
static void
data_emit(struct mbox *m, const uint8_t *p, size_t len)
{
	if (len > 0) {
		m->cb.data(m->cb.ctx, p, len);
	}
}

/* message_end closes the open message, if any. */
static void
message_end(struct mbox *m)
{
	if (m->in_message) {
		m->in_message = false;
		m->cb.end(m->cb.ctx);
	}
}

/* message_ensure opens the message of the bytes before the first separator
 * when data arrives and no message is open.  That only happens at the start
 * of a stream, so |off| is 0. */
static void
message_ensure(struct mbox *m, uint64_t off)
{
	if (!m->in_message) {
		m->in_message = true;
		m->cb.begin(m->cb.ctx, off, span_empty(), MBOX_F_NO_FROM);
	}
}

/* held_flush passes the held-back empty line on as data: the line after it
 * is not a separator, or the stream ended. */
static void
held_flush(struct mbox *m)
{
	if (m->held_empty) {
		data_emit(m, m->held, m->held_len);
		m->held_empty = false;
		m->held_len = 0;
	}
}

/* held_drop forgets the held-back empty line: a separator follows it. */
static void
held_drop(struct mbox *m)
{
	m->held_empty = false;
	m->held_len = 0;
}

/* from_start begins a separator line at stream offset |off|: the message
 * before it ends without the empty line that preceded the separator. */
static void
from_start(struct mbox *m, uint64_t off)
{
	held_drop(m);
	message_end(m);
	m->from_offset = off;
	m->from_len = 0;
	set_state(m, true, false);
}

/* from_append keeps what fits of |len| separator line bytes at |p|. */
static void
from_append(struct mbox *m, const uint8_t *p, size_t len)
{
	if (len == 0) {
		return;
	}
	size_t kept =
	    m->from_len > MBOX_MAX_FROM_LINE ? MBOX_MAX_FROM_LINE : m->from_len;
	size_t room = MBOX_MAX_FROM_LINE - kept;
	size_t take = len < room ? len : room;
	if (take > 0) {
		memcpy(m->from + kept, p, take);
	}
	m->from_len = len > room ? MBOX_MAX_FROM_LINE + 1 : kept + take;
}

/* from_finish opens the message of the collected separator line.  When
 * the line ended in LF (|at_lf|), a CR right before the LF is part of the
 * line ending, unless bytes were cut, in which case it was not kept. */
static void
from_finish(struct mbox *m, bool at_lf)
{
	size_t kept = m->from_len;
	if (kept > MBOX_MAX_FROM_LINE) {
		kept = MBOX_MAX_FROM_LINE;
	} else if (at_lf && kept > 0 && m->from[kept - 1] == '\r') {
		kept--;
	}
	m->in_message = true;
	m->cb.begin(m->cb.ctx, m->from_offset, span_make(m->from, kept), 0);
}

/* line_decided acts on the classification |kind| of a line that starts at
 * stream offset |off|, once its start no longer needs to be held.  For
 * LINE_EMPTY the caller holds the line afterwards. */
static void
line_decided(struct mbox *m, enum line_kind kind, uint64_t off)
{
	if (kind == LINE_FROM) {
		from_start(m, off);
		return;
	}
	message_ensure(m, off);
	held_flush(m);
	if (kind != LINE_EMPTY) {
		set_state(m, false, true);
	}
}

/* empty_hold holds back the empty line |p| of |len| bytes (LF or CRLF). */
static void
empty_hold(struct mbox *m, const uint8_t *p, size_t len)
{
	memcpy(m->held, p, len);
	m->held_len = len;
	m->held_empty = true;
}

/* from_bytes consumes separator line bytes from |in| up to and including
 * its LF and returns how many it consumed. */
static size_t
from_bytes(struct mbox *m, struct span in)
{
	size_t n = span_find(in, '\n');
	from_append(m, in.p, n);
	if (n == in.len) {
		return n;
	}
	from_finish(m, true);
	set_state(m, false, false);
	return n + 1;
}

/* data_bytes passes data line bytes from |in| through.  After each LF it
 * classifies the next line, and while that is plain data too, the run goes
 * on, so that whole runs of lines reach the callback in one call.  It
 * returns how many bytes it consumed. */
static size_t
data_bytes(struct mbox *m, struct span in)
{
	size_t pos = 0;
	for (;;) {
		const uint8_t *lf = memchr(in.p + pos, '\n', in.len - pos);
		if (lf == NULL) {
			data_emit(m, in.p, in.len);
			return in.len;
		}
		pos = (size_t)(lf - in.p) + 1;
		size_t unused;
		struct span next = span_sub(in, pos, in.len - pos);
		if (line_classify(m->format, next, &unused) != LINE_DATA) {
			break;
		}
	}
	data_emit(m, in.p, pos);
	set_state(m, false, false);
	return pos;
}

/* pending_decided acts on the decision |kind| for the held line start in
 * m->pending, which ends with the byte that settled it.  The bytes stay in
 * m->pending while they are passed on. */
static void
pending_decided(struct mbox *m, enum line_kind kind, size_t empty_len)
{
	const uint8_t *buf = m->pending;
	size_t len = m->pending_len;
	m->pending_len = 0;
	line_decided(m, kind, m->pending_offset);
	if (kind == LINE_EMPTY) {
		empty_hold(m, buf, empty_len);
		set_state(m, false, false);
	} else if (kind == LINE_FROM) {
		from_append(m, buf, len);
	} else {
		/* Only an LF, as the deciding last byte, can end the line. */
		size_t drop = kind == LINE_QUOTED ? 1 : 0;
		data_emit(m, buf + drop, len - drop);
		if (buf[len - 1] == '\n') {
			set_state(m, false, false);
		}
	}
}

/* line_start_bytes classifies the line starting at the front of |in| and
 * returns how many bytes it consumed (possibly none: the state handlers
 * take the line from there). */
static size_t
line_start_bytes(struct mbox *m, struct span in)
{
	size_t empty_len = 0;
	if (m->pending_len > 0) {
		/* The line start was cut by a chunk boundary: add one byte. */
		m->pending[m->pending_len++] = in.p[0];
		enum line_kind kind = line_classify(m->format,
		    span_make(m->pending, m->pending_len), &empty_len);
		if (kind != LINE_MORE) {
			pending_decided(m, kind, empty_len);
		}
		return 1;
	}
	enum line_kind kind = line_classify(m->format, in, &empty_len);
	if (kind == LINE_MORE) {
		/* line_classify bounds this below MBOX_MAX_PENDING. */
		memcpy(m->pending, in.p, in.len);
		m->pending_len = in.len;
		m->pending_offset = m->offset;
		set_state(m, false, false);
		return in.len;
	}
	line_decided(m, kind, m->offset);
	if (kind == LINE_EMPTY) {
		empty_hold(m, in.p, empty_len);
		return empty_len;
	}
	return kind == LINE_QUOTED ? 1 : 0;
}

void
mbox_init(struct mbox *m, enum mbox_format format, struct mbox_callbacks cb)
{
	memset(m, 0, sizeof(*m));
	m->format = format;
	m->cb = cb;
	set_state(m, false, false);
}

void
mbox_feed(struct mbox *m, const uint8_t *p, size_t len)
{
	struct span in = span_make(p, len);
	while (in.len > 0) {
		size_t n;
		if (m->in_from_line) {
			n = from_bytes(m, in);
		} else if (m->line_is_data) {
			n = data_bytes(m, in);
		} else {
			n = line_start_bytes(m, in);
		}
		(void)span_skip(&in, n);
		m->offset += n;
	}
}

void
mbox_finish(struct mbox *m)
{
	if (m->in_from_line) {
		/* A separator line without a line ending at the end. */
		from_finish(m, false);
	} else if (m->pending_len > 0) {
		/* An unfinished line start is data: it is no separator. */
		message_ensure(m, m->pending_offset);
		held_flush(m);
		data_emit(m, m->pending, m->pending_len);
		m->pending_len = 0;
	}
	/* An empty line at the end is kept: no separator follows it. */
	held_flush(m);
	message_end(m);
	set_state(m, false, false);
}

/* ---- From_ line dates --------------------------------------------------
 *
 * asctime(3) writes "Www Mmm dd hh:mm:ss yyyy" with the day padded by a
 * space, so "Jul  1" is common.  Tokens are separated by one or more SP or
 * HTAB.  Names are matched without regard to case; the day of the week
 * must be a real name but is not checked against the date.
 */

/* FROM_TIME_END is 10000-01-01T00:00:00Z, the first instant a four-digit
 * year cannot name. */
#define FROM_TIME_END INT64_C(253402300800)

/* is_sender_byte reports whether |c| may be part of the sender word: any
 * byte but SP, controls and DEL (8-bit bytes are allowed for UTF-8). */
static bool
is_sender_byte(uint8_t c)
{
	return c > 0x20 && c != 0x7f;
}

/* sep_skip consumes one or more SP or HTAB and fails if there are none. */
static bool
sep_skip(struct span *s)
{
	size_t before = s->len;
	span_skip_wsp(s);
	return s->len < before;
}

/* name_get reads a three-letter name from |names| (|num_names| of them)
 * and stores its index in |*out|. */
static bool
name_get(
    struct span *s, const char *const *names, size_t num_names, unsigned *out)
{
	struct span w;
	if (!span_get_bytes(s, &w, 3)) {
		return false;
	}
	for (size_t i = 0; i < num_names; i++) {
		if (span_eq_icase_lit(w, names[i])) {
			*out = (unsigned)i;
			return true;
		}
	}
	return false;
}

/* digits_get reads |min| to |max| digits into |*out|. */
static bool
digits_get(struct span *s, size_t min, size_t max, unsigned *out)
{
	size_t before = s->len;
	uint64_t v;
	if (!span_get_u64_decimal(s, &v, max) || before - s->len < min) {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* colon_skip consumes one ":". */
static bool
colon_skip(struct span *s)
{
	uint8_t c;
	return span_get_u8(s, &c) && c == ':';
}

/* struct civil holds the fields of an asctime date. */
struct civil {
	unsigned year, month, day; /* month 1..12 */
	unsigned hour, minute, second;
};

/* asctime_get reads "Www Mmm dd hh:mm:ss yyyy" into |*c| without checking
 * ranges beyond the digit counts. */
static bool
asctime_get(struct span *s, struct civil *c)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	unsigned wday;
	if (!name_get(s, days, 7, &wday) || !sep_skip(s) ||
	    !name_get(s, months, 12, &c->month) || !sep_skip(s) ||
	    !digits_get(s, 1, 2, &c->day) || !sep_skip(s) ||
	    !digits_get(s, 2, 2, &c->hour) || !colon_skip(s) ||
	    !digits_get(s, 2, 2, &c->minute) || !colon_skip(s) ||
	    !digits_get(s, 2, 2, &c->second) || !sep_skip(s) ||
	    !digits_get(s, 4, 4, &c->year)) {
		return false;
	}
	c->month++;
	/* Whatever follows the year (a zone, say) must be set apart. */
	return s->len == 0 || span_is_wsp(s->p[0]);
}

static bool
is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* civil_valid checks that the day exists in its month, that the time is
 * hh 0..23, mm 0..59, ss 0..60 (a leap second, as struct tm allows), and
 * that the year lies in 1970..9999. */
static bool
civil_valid(const struct civil *c)
{
	static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	unsigned dim = len[c->month - 1] + (c->month == 2 && is_leap(c->year));
	return c->year >= 1970 && c->year <= 9999 && c->day >= 1 &&
	    c->day <= dim && c->hour <= 23 && c->minute <= 59 &&
	    c->second <= 60;
}

/* days_from_civil returns the days from 1970-01-01 to the date y-m-d in
 * the proleptic Gregorian calendar.  Years are counted from March, so the
 * leap day ends a year: era is a 400-year cycle of 146097 days, doe the
 * day of the era, and the month term maps Mar..Feb to day-of-year starts
 * 0, 31, 61, ... (153 days per five months). */
static int64_t
days_from_civil(unsigned y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2 ? 1 : 0);
	int64_t era = yy / 400;
	int64_t yoe = yy - era * 400;
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
mbox_from_time(struct span from_line, int64_t *out)
{
	struct span s = from_line;
	struct span prefix;
	if (!span_get_bytes(&s, &prefix, FROM_SEP_LEN) ||
	    memcmp(prefix.p, FROM_SEP, FROM_SEP_LEN) != 0) {
		return false;
	}
	/* The sender is the first word; extra blanks before it are allowed. */
	span_skip_wsp(&s);
	size_t n = 0;
	while (n < s.len && is_sender_byte(s.p[n])) {
		n++;
	}
	struct civil c;
	if (n == 0 || !span_skip(&s, n) || !sep_skip(&s) ||
	    !asctime_get(&s, &c) || !civil_valid(&c)) {
		return false;
	}
	/* A leap second on the last day of 9999 would reach the year 10000,
	 * which four digits cannot name. */
	int64_t t = days_from_civil(c.year, c.month, c.day) * 86400 +
	    (int64_t)c.hour * 3600 + (int64_t)c.minute * 60 + c.second;
	if (t >= FROM_TIME_END) {
		return false;
	}
	*out = t;
	return true;
}

bool
mbox_looks_like(struct span head)
{
	return head.len > FROM_SEP_LEN &&
	    memcmp(head.p, FROM_SEP, FROM_SEP_LEN) == 0 &&
	    is_sender_byte(head.p[FROM_SEP_LEN]);
}
