/*
 * test_mbox.c - the streaming mbox splitter (RFC 4155 "From " separators,
 * mboxo and mboxrd quoting as in the Qmail mbox(5) man page) and the From_
 * line helpers.
 *
 * Every splitter case runs three ways: in one call, cut at every position
 * into two chunks, and fed one byte at a time with empty feeds between the
 * bytes.  All three must give the same messages.  Expected epoch values for
 * mbox_from_time were computed with `date -u -d '...' +%s` (GNU coreutils).
 */
#include "tests/harness.h"

#include <stdlib.h>

#include "canon/mbox.h"

/* ---- recording the callbacks ------------------------------------------ */

#define MAX_MSGS 8

struct got_msg {
	uint64_t offset;
	uint8_t from[MBOX_MAX_FROM_LINE];
	size_t from_len;
	unsigned flags;
	size_t data_off;
	size_t data_len;
};

struct recorder {
	struct got_msg msgs[MAX_MSGS];
	size_t num_msgs;
	bool open;
	uint8_t *data;
	size_t data_len;
	size_t data_cap;
	size_t num_data_calls;
};

static void
rec_begin(void *ctx, uint64_t offset, struct span from_line, unsigned flags)
{
	struct recorder *r = ctx;
	assert_false(r->open);
	assert_true(r->num_msgs < MAX_MSGS);
	assert_true(from_line.len <= MBOX_MAX_FROM_LINE);
	struct got_msg *g = &r->msgs[r->num_msgs++];
	g->offset = offset;
	g->from_len = from_line.len;
	if (from_line.len > 0) {
		memcpy(g->from, from_line.p, from_line.len);
	}
	g->flags = flags;
	g->data_off = r->data_len;
	g->data_len = 0;
	r->open = true;
}

static void
rec_data(void *ctx, const uint8_t *p, size_t len)
{
	struct recorder *r = ctx;
	assert_true(r->open);
	assert_true(len > 0);
	assert_true(r->data_len + len <= r->data_cap);
	memcpy(r->data + r->data_len, p, len);
	r->data_len += len;
	r->msgs[r->num_msgs - 1].data_len += len;
	r->num_data_calls++;
}

static void
rec_end(void *ctx)
{
	struct recorder *r = ctx;
	assert_true(r->open);
	r->open = false;
}

static void
rec_reset(struct recorder *r)
{
	r->num_msgs = 0;
	r->open = false;
	r->data_len = 0;
	r->num_data_calls = 0;
}

static struct mbox_callbacks
rec_callbacks(struct recorder *r)
{
	struct mbox_callbacks cb = { rec_begin, rec_data, rec_end, r };
	return cb;
}

/* ---- cases ------------------------------------------------------------ */

struct want_msg {
	uint64_t offset;
	const char *from;
	size_t from_len;
	unsigned flags;
	const char *data;
	size_t data_len;
};

struct mbox_case {
	const char *name;
	enum mbox_format format;
	const char *in;
	size_t in_len;
	const struct want_msg *msgs;
	size_t num_msgs;
};

/* M is one expected message; NF one with MBOX_F_NO_FROM at offset 0. */
#define M(off, from, data)                                                     \
	{                                                                      \
		off, from, sizeof(from) - 1, 0, data, sizeof(data) - 1         \
	}
#define NF(data)                                                               \
	{                                                                      \
		0, "", 0, MBOX_F_NO_FROM, data, sizeof(data) - 1               \
	}
#define WANT(...) ((const struct want_msg[]){ __VA_ARGS__ })
#define CASE(name, fmt, in, ...)                                               \
	{                                                                      \
		name, fmt, in, sizeof(in) - 1, WANT(__VA_ARGS__),              \
		    sizeof(WANT(__VA_ARGS__)) / sizeof(struct want_msg)        \
	}

static const struct mbox_case cases[] = {
	{ "empty stream", MBOX_RD, "", 0, NULL, 0 },
	CASE("two messages LF", MBOX_RD, "From a\nx\n\nFrom b\ny\n",
	    M(0, "From a", "x\n"), M(10, "From b", "y\n")),
	CASE("two messages CRLF", MBOX_RD, "From a\r\nx\r\n\r\nFrom b\r\ny\r\n",
	    M(0, "From a", "x\r\n"), M(13, "From b", "y\r\n")),
	CASE("asctime From lines", MBOX_AUTO,
	    "From a@x Tue Jul  1 10:00:00 2025\nS: 1\n\nb\n\n"
	    "From MAILER-DAEMON Wed Jul  2 11:00:00 2025\nS: 2\n",
	    M(0, "From a@x Tue Jul  1 10:00:00 2025", "S: 1\n\nb\n"),
	    M(43, "From MAILER-DAEMON Wed Jul  2 11:00:00 2025", "S: 2\n")),
	/* Quoting. */
	CASE("mboxrd unquotes every depth", MBOX_RD,
	    "From a\n>From x\n>>From y\n>>>From z\n",
	    M(0, "From a", "From x\n>From y\n>>From z\n")),
	CASE("auto reads as mboxrd", MBOX_AUTO, "From a\n>From x\n>>From y\n",
	    M(0, "From a", "From x\n>From y\n")),
	CASE("mboxo unquotes only one level", MBOX_O,
	    "From a\n>From x\n>>From y\n>>>From z\n",
	    M(0, "From a", "From x\n>>From y\n>>>From z\n")),
	CASE("quoting applies to header lines", MBOX_RD,
	    "From a\n>From x\nS: 1\n\n>From y\n",
	    M(0, "From a", "From x\nS: 1\n\nFrom y\n")),
	CASE("quoted lines are data, not separators", MBOX_RD,
	    "From a\nx\n\n>From b\n", M(0, "From a", "x\n\nFrom b\n")),
	CASE("not quoted: no space, colon, lowercase", MBOX_RD,
	    "From a\n>Fromage\n>From:x\n>from x\n> From x\n>>Fro\n",
	    M(0, "From a", ">Fromage\n>From:x\n>from x\n> From x\n>>Fro\n")),
	CASE("quoted line at EOF without LF", MBOX_RD, "From a\n>From ",
	    M(0, "From a", "From ")),
	CASE("partial quote at EOF", MBOX_RD, "From a\n>>Fro",
	    M(0, "From a", ">>Fro")),
	CASE("quoted CRLF line", MBOX_RD, "From a\r\n>>From x\r\n",
	    M(0, "From a", ">From x\r\n")),
	/* What is not a separator. */
	CASE("From without space", MBOX_RD, "From a\nFrom\nFromage\nFrom\tx\n",
	    M(0, "From a", "From\nFromage\nFrom\tx\n")),
	CASE("leading space", MBOX_RD, "From a\n From b\n",
	    M(0, "From a", " From b\n")),
	CASE("From inside a line", MBOX_RD, "From a\nx From b\n",
	    M(0, "From a", "x From b\n")),
	CASE("lowercase from", MBOX_RD, "From a\nfrom b\nFROM c\n",
	    M(0, "From a", "from b\nFROM c\n")),
	CASE("CR before From", MBOX_RD, "From a\n\rFrom b\n",
	    M(0, "From a", "\rFrom b\n")),
	CASE("lone CR lines are data", MBOX_RD, "From a\n\rx\n\r",
	    M(0, "From a", "\rx\n\r")),
	/* The empty line before a separator. */
	CASE("only one of two blank lines dropped", MBOX_RD,
	    "From a\nx\n\n\nFrom b\ny\n", M(0, "From a", "x\n\n"),
	    M(11, "From b", "y\n")),
	CASE("CRLF blank line after LF data dropped", MBOX_RD,
	    "From a\nx\n\r\nFrom b\n", M(0, "From a", "x\n"),
	    M(11, "From b", "")),
	CASE("separator without blank line", MBOX_RD, "From a\nx\nFrom b\ny\n",
	    M(0, "From a", "x\n"), M(9, "From b", "y\n")),
	CASE("blank line kept before a non-separator", MBOX_RD,
	    "From a\n\n>From x\n\nFrom b\n", M(0, "From a", "\nFrom x\n"),
	    M(17, "From b", "")),
	CASE("blank line at EOF kept", MBOX_RD, "From a\nx\n\n",
	    M(0, "From a", "x\n\n")),
	CASE("two blank lines at EOF kept", MBOX_RD, "From a\n\n\n",
	    M(0, "From a", "\n\n")),
	CASE("CRLF blank line at EOF kept", MBOX_RD, "From a\r\nx\r\n\r\n",
	    M(0, "From a", "x\r\n\r\n")),
	CASE("only a blank line after From", MBOX_RD, "From a\n\nFrom b\n",
	    M(0, "From a", ""), M(8, "From b", "")),
	/* Ends of the stream and of From lines. */
	CASE("no trailing newline", MBOX_RD, "From a\nx\ny",
	    M(0, "From a", "x\ny")),
	CASE("From line at EOF", MBOX_RD, "From a\nx\n\nFrom b",
	    M(0, "From a", "x\n"), M(10, "From b", "")),
	CASE("only a From line", MBOX_RD, "From x\n", M(0, "From x", "")),
	CASE("only a From line without LF", MBOX_RD, "From x",
	    M(0, "From x", "")),
	CASE("From line keeps a CR at EOF", MBOX_RD, "From x\r",
	    M(0, "From x\r", "")),
	CASE("From line CRLF CRLF", MBOX_RD, "From x\r\r\n",
	    M(0, "From x\r", "")),
	CASE("adjacent From lines", MBOX_RD, "From a\nFrom b\n",
	    M(0, "From a", ""), M(7, "From b", "")),
	CASE("bare From and space", MBOX_RD, "From \n", M(0, "From ", "")),
	/* Bytes before the first separator. */
	CASE("leading bytes", MBOX_RD, "junk\n\nFrom a\nx\n", NF("junk\n"),
	    M(6, "From a", "x\n")),
	CASE("leading bytes only", MBOX_RD, "junk", NF("junk")),
	CASE("leading blank line", MBOX_RD, "\nFrom a\nx\n", NF(""),
	    M(1, "From a", "x\n")),
	CASE("leading blank line only", MBOX_RD, "\r\n", NF("\r\n")),
	CASE("leading quoted line", MBOX_RD, ">From x\nFrom a\n",
	    NF("From x\n"), M(8, "From a", "")),
	CASE("leading partial From", MBOX_RD, "Fro", NF("Fro")),
	CASE("leading lone CR", MBOX_RD, "\r", NF("\r")),
	/* NUL and 8-bit bytes. */
	CASE("embedded NUL in data", MBOX_RD, "From a\nx\0y\n\0From b\n",
	    M(0, "From a", "x\0y\n\0From b\n")),
	CASE("embedded NUL in From line", MBOX_RD, "From a\0b\nx\n",
	    M(0, "From a\0b", "x\n")),
	CASE("NUL line start before From", MBOX_RD, "\0\nFrom a\n", NF("\0\n"),
	    M(2, "From a", "")),
	CASE("8-bit bytes", MBOX_RD, "From \xc3\xa9\n\xff\xfe\n>From \x80\n",
	    M(0, "From \xc3\xa9", "\xff\xfe\nFrom \x80\n")),
};

/* ---- running a case --------------------------------------------------- */

/* run_chunks feeds |tc| cut at the |num_cuts| positions |cuts|; with
 * |empty_feeds| it also feeds nothing before every chunk. */
static void
run_chunks(const struct mbox_case *tc, const size_t *cuts, size_t num_cuts,
    bool empty_feeds, struct recorder *r)
{
	struct mbox m;
	rec_reset(r);
	mbox_init(&m, tc->format, rec_callbacks(r));
	size_t pos = 0;
	for (size_t i = 0; i <= num_cuts; i++) {
		size_t end = i < num_cuts ? cuts[i] : tc->in_len;
		if (empty_feeds) {
			mbox_feed(&m, NULL, 0);
		}
		mbox_feed(&m, (const uint8_t *)tc->in + pos, end - pos);
		pos = end;
	}
	mbox_finish(&m);
	assert_false(r->open);
}

static void
check_result(const struct mbox_case *tc, const struct recorder *r)
{
	assert_int_equal(r->num_msgs, tc->num_msgs);
	for (size_t i = 0; i < tc->num_msgs; i++) {
		const struct want_msg *w = &tc->msgs[i];
		const struct got_msg *g = &r->msgs[i];
		assert_int_equal(g->offset, w->offset);
		assert_int_equal(g->flags, w->flags);
		assert_span_equal(
		    span_make(g->from, g->from_len), w->from, w->from_len);
		assert_span_equal(span_make(r->data + g->data_off, g->data_len),
		    w->data, w->data_len);
	}
}

/* run_case runs |tc| whole, cut in two at every position, and one byte at
 * a time, and checks each result. */
static void
run_case(const struct mbox_case *tc)
{
	print_message("case: %s\n", tc->name);
	struct recorder *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->data_cap = tc->in_len + 1;
	r->data = malloc(r->data_cap);
	size_t *cuts = malloc((tc->in_len + 1) * sizeof(*cuts));
	assert_true(r->data != NULL && cuts != NULL);

	run_chunks(tc, NULL, 0, false, r);
	check_result(tc, r);
	for (size_t cut = 0; cut <= tc->in_len; cut++) {
		run_chunks(tc, &cut, 1, false, r);
		check_result(tc, r);
	}
	for (size_t k = 0; k < tc->in_len; k++) {
		cuts[k] = k + 1;
	}
	run_chunks(tc, cuts, tc->in_len, true, r);
	check_result(tc, r);

	free(cuts);
	free(r->data);
	free(r);
}

static void
test_mbox_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		run_case(&cases[i]);
	}
}

/* ---- cases built at run time ------------------------------------------ */

/* struct built is an input assembled from pieces, with one expected
 * message whose data is also assembled. */
struct built {
	char in[4096];
	size_t in_len;
	char data[4096];
	size_t data_len;
};

static void
put(char *buf, size_t *len, char c, size_t n)
{
	assert_true(*len + n <= 4096);
	memset(buf + *len, c, n);
	*len += n;
}

static void
put_str(char *buf, size_t *len, const char *s, size_t n)
{
	assert_true(*len + n <= 4096);
	memcpy(buf + *len, s, n);
	*len += n;
}

/* check_quote_depth feeds "From a\n", then |depth| ">" and "From x\n",
 * and expects |want_depth| ">" before "From x\n" in the data. */
static void
check_quote_depth(enum mbox_format format, size_t depth, size_t want_depth)
{
	struct built b = { .in_len = 0 };
	put_str(b.in, &b.in_len, "From a\n", 7);
	put(b.in, &b.in_len, '>', depth);
	put_str(b.in, &b.in_len, "From x\n", 7);
	put(b.data, &b.data_len, '>', want_depth);
	put_str(b.data, &b.data_len, "From x\n", 7);
	struct want_msg w = { 0, "From a", 6, 0, b.data, b.data_len };
	struct mbox_case tc = { "quote depth", format, b.in, b.in_len, &w, 1 };
	print_message("depth %zu\n", depth);
	run_case(&tc);
}

/* A line with more than MBOX_MAX_PENDING - 6 ">" is data, untouched; up to
 * that depth mboxrd removes one. */
static void
test_mbox_deep_quotes(void **state)
{
	(void)state;
	size_t max = MBOX_MAX_PENDING - 6;
	check_quote_depth(MBOX_RD, max - 1, max - 2);
	check_quote_depth(MBOX_RD, max, max - 1);
	check_quote_depth(MBOX_RD, max + 1, max + 1);
	check_quote_depth(MBOX_RD, 300, 300);
	check_quote_depth(MBOX_AUTO, 300, 300);
	check_quote_depth(MBOX_O, 300, 300);
	check_quote_depth(MBOX_O, 2, 2);
	check_quote_depth(MBOX_O, 1, 0);
}

/* check_long_from feeds a From line of "From " and |n| bytes of |c|,
 * ended by |eol|, then "x\n", and expects the From line cut to
 * |want_len| bytes. */
static void
check_long_from(
    size_t n, char c, const char *eol, size_t eol_len, size_t want_len)
{
	struct built b = { .in_len = 0 };
	put_str(b.in, &b.in_len, "From ", 5);
	put(b.in, &b.in_len, c, n);
	put_str(b.in, &b.in_len, eol, eol_len);
	put_str(b.in, &b.in_len, "x\n", 2);
	struct want_msg w = { 0, b.in, want_len, 0, "x\n", 2 };
	struct mbox_case tc = { "long From line", MBOX_RD, b.in, b.in_len, &w,
		1 };
	print_message("From line of %zu + %zu bytes\n", n + 5, eol_len);
	run_case(&tc);
}

/* A From line longer than MBOX_MAX_FROM_LINE is cut, and only a CR that
 * was kept and ends the line is taken as part of its line ending. */
static void
test_mbox_long_from_line(void **state)
{
	(void)state;
	size_t max = MBOX_MAX_FROM_LINE;
	check_long_from(2000, 'a', "\n", 1, max);
	check_long_from(2000, 'a', "\r\n", 2, max);
	check_long_from(max - 5, 'a', "\r\n", 2, max);
	check_long_from(max - 6, 'a', "\r\n", 2, max - 1);
	check_long_from(max - 5, '\r', "\r\n", 2, max);
	check_long_from(max - 6, '\r', "\r\n", 2, max - 1);
	check_long_from(max - 5, 'a', "\n", 1, max);
	check_long_from(max - 4, 'a', "\n", 1, max);
}

/* Whole runs of data lines reach the callback in one call. */
static void
test_mbox_batches_data(void **state)
{
	(void)state;
	size_t lines = 10000;
	size_t len = 7 + 5 * lines;
	uint8_t *in = malloc(len);
	assert_non_null(in);
	memcpy(in, "From a\n", 7);
	for (size_t i = 0; i < lines; i++) {
		memcpy(in + 7 + 5 * i, "line\n", 5);
	}
	struct recorder *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->data_cap = len;
	r->data = malloc(len);
	assert_non_null(r->data);

	struct mbox m;
	mbox_init(&m, MBOX_RD, rec_callbacks(r));
	mbox_feed(&m, in, len);
	mbox_finish(&m);
	assert_int_equal(r->num_msgs, 1);
	assert_int_equal(r->data_len, 5 * lines);
	assert_int_equal(r->num_data_calls, 1);

	/* In 4096-byte chunks, about one call per chunk. */
	rec_reset(r);
	mbox_init(&m, MBOX_RD, rec_callbacks(r));
	for (size_t off = 0; off < len; off += 4096) {
		mbox_feed(&m, in + off, len - off < 4096 ? len - off : 4096);
	}
	mbox_finish(&m);
	assert_int_equal(r->data_len, 5 * lines);
	assert_true(r->num_data_calls <= len / 4096 + 2);
	free(r->data);
	free(r);
	free(in);
}

/* ---- mbox_from_time and mbox_looks_like -------------------------------- */

struct time_case {
	const char *in;
	size_t in_len;
	bool ok;
	int64_t want;
};

#define T_OK(in, want)                                                         \
	{                                                                      \
		in, sizeof(in) - 1, true, INT64_C(want)                        \
	}
#define T_BAD(in)                                                              \
	{                                                                      \
		in, sizeof(in) - 1, false, 0                                   \
	}

/* 2025-07-01 10:00:00 UTC. */
#define T0 1751364000

static const struct time_case time_cases[] = {
	T_OK("From a@x Tue Jul  1 10:00:00 2025", T0),
	T_OK("From MAILER-DAEMON Tue Jul  1 10:00:00 2025", T0),
	T_OK("From a Tue Jul 01 10:00:00 2025", T0),
	T_OK("From a Tue Jul 1 10:00:00 2025", T0),
	T_OK("From  a\tTue\tJul  1\t10:00:00   2025", T0),
	T_OK("From a tue JUL  1 10:00:00 2025", T0),
	T_OK("From a Mon Jul  1 10:00:00 2025", T0), /* weekday unchecked */
	T_OK("From a Tue Jul  1 10:00:00 2025 +0200", T0),
	T_OK("From a Tue Jul  1 10:00:00 2025 remote from b", T0),
	T_OK("From \xc3\xa9@x Tue Jul  1 10:00:00 2025", T0),
	T_OK("From a Thu Jan  1 00:00:00 1970", 0),
	T_OK("From a Fri Feb 29 12:34:56 2008", 1204288496),
	T_OK("From a Tue Feb 29 00:00:00 2000", 951782400),
	T_OK("From a Sat Jan  1 00:00:00 2000", 946684800),
	T_OK("From a Fri Dec 31 23:59:59 1999", 946684799),
	T_OK("From a Tue Jan 19 03:14:08 2038", 2147483648),
	T_OK("From a Fri Dec 31 23:59:59 9999", 253402300799),
	T_OK("From a Tue Jun 30 23:59:60 2015", 1435708800),
	/* No date, or not a From line. */
	T_BAD(""),
	T_BAD("From"),
	T_BAD("From "),
	T_BAD("From a"),
	T_BAD("From a@x"),
	T_BAD("From a Tu"),
	T_BAD("From a Tue Ju"),
	T_BAD("From Tue Jul  1 10:00:00 2025"),
	T_BAD("from a Tue Jul  1 10:00:00 2025"),
	T_BAD(">From a Tue Jul  1 10:00:00 2025"),
	/* Dates that do not exist. */
	T_BAD("From a Mon Feb 30 00:00:00 2024"),
	T_BAD("From a Mon Feb 29 00:00:00 2100"),
	T_BAD("From a Thu Feb 29 00:00:00 2001"),
	T_BAD("From a Mon Apr 31 00:00:00 2024"),
	T_BAD("From a Mon Jan  0 00:00:00 2024"),
	T_BAD("From a Mon Jan 32 00:00:00 2024"),
	T_BAD("From a Mon Jan  1 24:00:00 2024"),
	T_BAD("From a Mon Jan  1 23:60:00 2024"),
	T_BAD("From a Mon Jan  1 23:59:61 2024"),
	T_BAD("From a Wed Dec 31 23:59:59 1969"),
	T_BAD("From a Sat Jan  1 00:00:00 10000"),
	T_BAD("From a Fri Dec 31 23:59:60 9999"),
	/* Not the asctime form. */
	T_BAD("From a Jul  1 10:00:00 2025"),
	T_BAD("From a Xyz Jul  1 10:00:00 2025"),
	T_BAD("From a Tuesday Jul  1 10:00:00 2025"),
	T_BAD("From a Tue Jux  1 10:00:00 2025"),
	T_BAD("From a Tue Jul  1 10:00:00 PDT 2025"),
	T_BAD("From a Tue Jul  1 10:00 2025"),
	T_BAD("From a Tue Jul  1 1:00:00 2025"),
	T_BAD("From a Tue Jul 001 10:00:00 2025"),
	T_BAD("From a Tue Jul  1 10:00:00 25"),
	T_BAD("From a Tue Jul  1 10:00:00 2025x"),
	T_BAD("From a Tue Jul  1 10:00:00 2025\r"),
	T_BAD("From a Tue Jul  1 10:00:00"),
	T_BAD("From a Tue, 1 Jul 2025 10:00:00 +0000"),
	T_BAD("From a Tue Jul\0 1 10:00:00 2025"),
	T_BAD("From a\0b Tue Jul  1 10:00:00 2025"),
	T_BAD("From a Tue Jul  1 10:00:00 2\0"
	      "025"),
};

static void
test_mbox_from_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(time_cases); i++) {
		const struct time_case *tc = &time_cases[i];
		print_message("from time: %zu\n", i);
		int64_t got = -1;
		bool ok = mbox_from_time(span_make(tc->in, tc->in_len), &got);
		assert_int_equal(ok, tc->ok);
		if (tc->ok) {
			assert_int_equal(got, tc->want);
		} else {
			/* The output is written only on success. */
			assert_int_equal(got, -1);
		}
	}
}

struct looks_case {
	const char *in;
	size_t in_len;
	bool want;
};

#define L(in, want)                                                            \
	{                                                                      \
		in, sizeof(in) - 1, want                                       \
	}

static const struct looks_case looks_cases[] = {
	L("From a@x Tue Jul  1 10:00:00 2025\n", true),
	L("From MAILER-DAEMON", true),
	L("From a", true),
	L("From \xc3\xa9", true),
	L("", false),
	L("From", false),
	L("From ", false),
	L("From  a", false),
	L("From \ta", false),
	L("From \n", false),
	L("From \r\n", false),
	L("From \0a", false),
	L("From \x7f", false),
	L("from a", false),
	L("FROM a", false),
	L(" From a", false),
	L(">From a", false),
	L("From: a@x\n", false),
	L("Received: from a\n", false),
};

static void
test_mbox_looks_like(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(looks_cases); i++) {
		const struct looks_case *tc = &looks_cases[i];
		print_message("looks like: %zu\n", i);
		assert_int_equal(
		    mbox_looks_like(span_make(tc->in, tc->in_len)), tc->want);
	}
	assert_false(mbox_looks_like(span_empty()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox_cases),
		cmocka_unit_test(test_mbox_deep_quotes),
		cmocka_unit_test(test_mbox_long_from_line),
		cmocka_unit_test(test_mbox_batches_data),
		cmocka_unit_test(test_mbox_from_time),
		cmocka_unit_test(test_mbox_looks_like),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
