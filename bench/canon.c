/*
 * canon.c - the canonicalizers alone, in GB/s per core (issue 6, point 2;
 * bench/README.md, "Canonicalizers alone").
 *
 *     canonbench [--size BYTES[k|M]] [--reps K] [--min-time SECONDS]
 *                [--clock cpu|mono] [--target GBPS] [--enforce]
 *                [--kinds text,text-lf,html,base64,headers]
 *                [--double-space N] [--trailing-wsp N]
 *
 * Builds deterministic synthetic bodies in memory (plain text with CRLF,
 * the same text with LF only, HTML, base64) and a realistic header block,
 * and times body canonicalization (simple, relaxed, l= at half the
 * canonical length, the scalar reference) at every block-scan level the CPU
 * supports, header canonicalization likewise, and SHA-256 over the same
 * bytes through crypto/digest.h.  The sink of every timed canonicalization
 * only counts bytes, so the canonicalizer alone is measured; before any
 * timing, every level's output is hashed and compared with the reference.
 *
 * A figure is input bytes / seconds / 1e9, the best of K repetitions of
 * at least --min-time each (thread CPU time by default, so that time the
 * thread spends descheduled on a busy machine does not count).  The last line compares relaxed on text at
 * its best level with the target (4 GB/s).  Exit status: 0, or 1 when an
 * output differs from the reference (or, with --enforce, when the target
 * is missed); 2 for bad usage.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canon/arena.h"
#include "canon/blockscan.h"
#include "canon/bodycanon.h"
#include "canon/hdrcanon.h"
#include "canon/msg.h"
#include "canon/span.h"
#include "crypto/digest.h"

#define NUM_LEVELS (BLOCKSCAN_AVX512 + 1)

/* struct text_style says how often plain text has WSP that relaxed
 * canonicalization changes: one sentence end in |double_space| is
 * followed by two spaces, one line in |trailing_wsp| ends in WSP (0:
 * never). */
struct text_style {
	unsigned double_space;
	unsigned trailing_wsp;
};

/* The kinds of input, for --kinds. */
enum {
	KIND_TEXT = 1 << 0,
	KIND_TEXT_LF = 1 << 1,
	KIND_HTML = 1 << 2,
	KIND_BASE64 = 1 << 3,
	KIND_HEADERS = 1 << 4
};
static const char *const kind_names[] = { "text", "text-lf", "html", "base64",
	"headers" };
#define NUM_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

struct opts {
	size_t size;
	unsigned reps;
	double min_time;
	clockid_t clock;
	double target;
	bool enforce;
	unsigned kinds; /* KIND_* */
	struct text_style style;
};

/* ---- deterministic input ------------------------------------------ */

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

/* rng returns the next splitmix64 value. */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* rng_below returns a value in [0, n). */
static unsigned
rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n) {
			cap *= 2;
		}
		uint8_t *q = realloc(b->p, cap);
		if (q == NULL) {
			fprintf(stderr, "canonbench: out of memory\n");
			exit(1);
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void
buf_byte(struct buf *b, uint8_t c)
{
	buf_put(b, &c, 1);
}

static const char *const words[] = { "the", "of", "and", "to", "a", "in", "is",
	"it", "you", "that", "he", "was", "for", "on", "are", "with", "as",
	"his", "they", "be", "at", "one", "have", "this", "from", "or", "had",
	"by", "word", "but", "what", "some", "we", "can", "out", "other",
	"were", "all", "there", "when", "up", "use", "your", "how", "said",
	"an", "each", "she", "which", "do", "their", "time", "if", "will",
	"way", "about", "many", "then", "them", "write", "would", "like", "so",
	"these", "her", "long", "make", "thing", "see", "him", "two", "has",
	"look", "more", "day", "could", "go", "come", "did", "number", "sound",
	"no", "most", "people", "my", "over", "know", "water", "than", "call",
	"first", "who", "may", "down", "side", "been", "now", "find", "meeting",
	"quarterly", "report", "schedule", "attached", "please", "review",
	"budget", "customer", "delivery", "thanks", "regards", "tomorrow",
	"information", "available", "questions", "following", "project",
	"discussed", "agreement" };
#define NUM_WORDS (sizeof(words) / sizeof(words[0]))

/* text_line ends a line of plain text: maybe trailing WSP, then |eol|,
 * and, every few lines, an empty line between paragraphs. */
static void
text_line(struct buf *b, const char *line, size_t len, const char *eol,
    const struct text_style *st, unsigned *lines_left)
{
	buf_put(b, line, len);
	if (st->trailing_wsp > 0 && rng_below(st->trailing_wsp) == 0) {
		static const char *const wsp[] = { " ", "\t", "  " };
		buf_str(b, wsp[rng_below(3)]);
	}
	buf_str(b, eol);
	if (--*lines_left == 0) {
		buf_str(b, eol);
		*lines_left = 4 + rng_below(7);
	}
}

/* gen_text writes plain text: sentences of English words wrapped into
 * lines of 60-78 characters, paragraphs between empty lines, and the WSP
 * of |st|. */
static void
gen_text(
    struct buf *b, size_t size, const char *eol, const struct text_style *st)
{
	char line[128];
	size_t len = 0, target = 60 + rng_below(19);
	unsigned in_sentence = 0, lines_left = 4 + rng_below(7);
	while (b->len < size) {
		char w[32];
		const char *word = words[rng_below(NUM_WORDS)];
		size_t wl = strlen(word);
		memcpy(w, word, wl);
		if (in_sentence == 0) {
			w[0] = (char)(w[0] >= 'a' ? w[0] - 32 : w[0]);
			in_sentence = 5 + rng_below(16);
		}
		bool end = --in_sentence == 0;
		if (end) {
			w[wl++] = rng_below(8) == 0 ? '?' : '.';
		} else if (rng_below(12) == 0) {
			w[wl++] = ',';
		}
		if (len > 0 && len + 1 + wl > 78) {
			/* The word does not fit: it starts the next line. */
			text_line(b, line, len, eol, st, &lines_left);
			len = 0;
			target = 60 + rng_below(19);
		}
		if (len > 0) {
			line[len++] = ' ';
		}
		memcpy(line + len, w, wl);
		len += wl;
		if (end && st->double_space > 0 &&
		    rng_below(st->double_space) == 0 && len + 2 < 78) {
			line[len++] = ' '; /* "end.  Next" */
		}
		if (len >= target) {
			text_line(b, line, len, eol, st, &lines_left);
			len = 0;
			target = 60 + rng_below(19);
		}
	}
	if (len > 0) {
		buf_put(b, line, len);
		buf_str(b, eol);
	}
}

static void
gen_indent(struct buf *b, unsigned depth)
{
	bool tabs = rng_below(2) == 0;
	for (unsigned i = 0; i < depth; i++) {
		buf_str(b, tabs ? "\t" : "  ");
	}
}

static const char *const tags[] = { "div", "td", "p", "span", "table", "tr" };

/* gen_html writes HTML mail: nested blocks indented with tabs or spaces,
 * tags with style and href attributes, and long lines of text. */
static void
gen_html(struct buf *b, size_t size)
{
	buf_str(b,
	    "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<meta "
	    "http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=utf-8\">\r\n</head>\r\n<body style=\"margin:0; "
	    "padding:0\">\r\n");
	unsigned depth = 1;
	const char *open[16];
	while (b->len < size) {
		unsigned r = rng_below(10);
		if ((r < 3 && depth < 14) || depth == 1) {
			const char *t = tags[rng_below(6)];
			gen_indent(b, depth);
			buf_str(b, "<");
			buf_str(b, t);
			buf_str(b,
			    " class=\"mj-column-per-100 outlook-group-fix\" "
			    "style=\"font-family:Arial,Helvetica,"
			    "sans-serif;font-size:14px;line-height:1.5;"
			    "color:#333333;padding:8px 12px\">\r\n");
			open[depth++] = t;
		} else if (r < 5) {
			depth--;
			gen_indent(b, depth);
			buf_str(b, "</");
			buf_str(b, open[depth]);
			buf_str(b, ">\r\n");
		} else {
			/* A long line of text with inline markup. */
			gen_indent(b, depth);
			unsigned n = 20 + rng_below(120);
			for (unsigned i = 0; i < n; i++) {
				if (i > 0) {
					buf_byte(b, ' ');
				}
				unsigned k = rng_below(25);
				if (k == 0) {
					char id[64];
					snprintf(id, sizeof(id), "%016" PRIx64,
					    rng());
					buf_str(b,
					    "<a href=\"https://click."
					    "example.com/track?u=");
					buf_str(b, id);
					buf_str(b,
					    "&amp;campaign=2024-11\" "
					    "target=\"_blank\" style=\"color:"
					    "#1a73e8;text-decoration:none\">");
					buf_str(b, words[rng_below(NUM_WORDS)]);
					buf_str(b, "</a>");
				} else if (k == 1) {
					buf_str(b, "<b>");
					buf_str(b, words[rng_below(NUM_WORDS)]);
					buf_str(b, "</b>");
				} else if (k == 2) {
					buf_str(b, "&nbsp;");
				} else {
					buf_str(b, words[rng_below(NUM_WORDS)]);
				}
			}
			if (rng_below(10) == 0) {
				buf_str(b, " ");
			}
			buf_str(b, "\r\n");
		}
	}
	buf_str(b, "</body>\r\n</html>\r\n");
}

/* gen_base64 writes random base64 in 76-character lines. */
static void
gen_base64(struct buf *b, size_t size)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
	                               "nopqrstuvwxyz0123456789+/";
	char line[78];
	while (b->len + 78 <= size) {
		for (size_t i = 0; i < 76; i++) {
			line[i] = alphabet[rng_below(64)];
		}
		line[76] = '\r';
		line[77] = '\n';
		buf_put(b, line, 78);
	}
	buf_str(b, "QUJDRA==\r\n");
}

/* gen_headers writes 15 header fields as a signed list message carries
 * them, then an empty line and a short body. */
static void
gen_headers(struct buf *b)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
	                               "nopqrstuvwxyz0123456789+/";
	buf_str(b,
	    "Received: from mail-wr1-f54.google.com (mail-wr1-f54.google.com "
	    "[209.85.221.54])\r\n"
	    "\tby mx.example.net (Postfix) with ESMTPS id 4Xk2Lm0ZqRz9sRt\r\n"
	    "\tfor <alice@example.net>; Tue, 12 Nov 2024 09:14:03 +0000 "
	    "(UTC)\r\n"
	    "Received: by mail-wr1-f54.google.com with SMTP id "
	    "ffacd0b85a97d-3822ba3cdbcso1021735f8f.0\r\n"
	    "        for <alice@example.net>; Tue, 12 Nov 2024 01:14:03 -0800 "
	    "(PST)\r\n"
	    "Received: from lists.example.org (lists.example.org "
	    "[198.51.100.7])\r\n"
	    "        by mail-wr1-f54.google.com with ESMTPSA id "
	    "5b1f17b1804b1-432d5a5c6d1sm10293505e9.1\r\n"
	    "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 "
	    "bits=256/256);\r\n"
	    "        Tue, 12 Nov 2024 01:14:02 -0800 (PST)\r\n"
	    "Authentication-Results: mx.example.net;\r\n"
	    "\tdkim=pass (2048-bit key; unprotected) header.d=example.com "
	    "header.i=@example.com header.b=\"kX3mP9qL\";\r\n"
	    "\tspf=pass (mx.example.net: domain of bob@example.com designates "
	    "209.85.221.54 as permitted sender) smtp.mailfrom=bob@example.com;"
	    "\r\n"
	    "\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) "
	    "header.from=example.com\r\n"
	    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
	    "        d=example.com; s=20230601; t=1731402843; x=1732007643; "
	    "darn=example.net;\r\n"
	    "        h=to:subject:message-id:date:from:mime-version:from:to:cc"
	    ":subject\r\n"
	    "         :date:message-id:reply-to;\r\n"
	    "        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
	    "        b=");
	for (unsigned line = 0; line < 5; line++) {
		char l[72];
		for (size_t i = 0; i < sizeof(l); i++) {
			l[i] = alphabet[rng_below(64)];
		}
		buf_put(b, l, line < 4 ? sizeof(l) : 56);
		buf_str(b, line < 4 ? "\r\n         " : "==\r\n");
	}
	buf_str(b,
	    "From: \"Bob Example\" <bob@example.com>\r\n"
	    "To: Alice Liddell <alice@example.net>, \"Carol  Jones\" "
	    "<carol.jones@example.net>,\r\n"
	    "  Dave Smith <dave@example.org>, eve@example.com, "
	    "\"Frank O'Brien\" <frank.obrien@example.co.uk>,\r\n"
	    "  Grace Hopper <grace@example.edu>, Heidi Klum "
	    "<heidi@example.de>, ivan@example.ru,\r\n"
	    "  Judy Garland <judy@example.com>\r\n"
	    "Cc: project-list@lists.example.org, \"Mallory  Mallet\" "
	    "<mallory@example.com>,\r\n"
	    "\tNiaj Nowak <niaj@example.pl>, Olivia Newton "
	    "<olivia@example.com.au>,\r\n"
	    "\tPeggy Sue <peggy@example.net>, trent@example.com\r\n"
	    "Subject: Re: [project-list] Quarterly planning:  notes from "
	    "Tuesday's meeting\r\n"
	    " and next steps for the Q1 budget review \r\n"
	    "Date: Tue, 12 Nov 2024 10:14:01 +0100\r\n"
	    "Message-ID: <CAHk3mP9qLx2v7ZrT0w8yBn1s4GdE5fA6hJ@mail.example."
	    "com>\r\n"
	    "In-Reply-To: <20241111173402.1234567-1-carol.jones@example.net>"
	    "\r\n"
	    "References: <20241111173402.1234567-1-carol.jones@example.net>\r\n"
	    "\t<CAF8x9Lk2mN3pQ4rS5tU6vW7xY8zA9bC0dE@mail.example.com>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; "
	    "boundary=\"000000000000a1b2c3d4e5f60718\"\r\n"
	    "List-Unsubscribe: <mailto:project-list-leave@lists.example.org>,"
	    "\r\n"
	    "\t<https://lists.example.org/mailman/options/project-list>\r\n"
	    "\r\n"
	    "body\r\n");
}

/* ---- sinks ---------------------------------------------------------- */

static void
count_write(void *ctx, const uint8_t *p, size_t len)
{
	(void)p;
	*(uint64_t *)ctx += len;
}

static uint64_t counted;
static const struct byte_sink count_sink = { count_write, &counted };

/* ---- timing ---------------------------------------------------------- */

static double
now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void (*bench_fn)(const void *arg);

/* measure returns the best time of one call of |fn|: calls are batched
 * so that each of o->reps repetitions lasts at least o->min_time. */
static double
measure(const struct opts *o, bench_fn fn, const void *arg)
{
	uint64_t n = 1;
	double t;
	for (;;) {
		double t0 = now(o->clock);
		for (uint64_t i = 0; i < n; i++) {
			fn(arg);
		}
		t = now(o->clock) - t0;
		if (t >= o->min_time / 8 || n >= (UINT64_C(1) << 40)) {
			break;
		}
		n *= t > 0 ? 2 : 16;
	}
	n = (uint64_t)((double)n * o->min_time / (t > 0 ? t : 1e-9)) + 1;
	double best = -1;
	for (unsigned r = 0; r < o->reps; r++) {
		double t0 = now(o->clock);
		for (uint64_t i = 0; i < n; i++) {
			fn(arg);
		}
		t = (now(o->clock) - t0) / (double)n;
		if (best < 0 || t < best) {
			best = t;
		}
	}
	return best;
}

/* ---- what is timed ----------------------------------------------------- */

struct body_job {
	struct span body;
	enum canon_mode mode;
	bool reference; /* the scalar state machine, no fast path */
	uint64_t limit; /* l=: UINT64_MAX for none */
	struct digest *d;
};

/* canon_body canonicalizes the body of |j| into |sink|. */
static void
canon_body(const struct body_job *j, struct byte_sink sink)
{
	struct limit_sink ls;
	if (j->limit != UINT64_MAX) {
		limit_sink_init(&ls, sink, j->limit);
		sink = limit_sink_as_sink(&ls);
	}
	if (!j->reference) {
		(void)bodycanon_span(j->mode, sink, j->body);
		return;
	}
	struct bodycanon bc;
	bodycanon_init(&bc, j->mode, sink);
	bc.reference = true;
	bodycanon_update(&bc, j->body.p, j->body.len);
	(void)bodycanon_final(&bc);
}

static void
run_body(const void *arg)
{
	canon_body(arg, count_sink);
}

static void
run_sha256(const void *arg)
{
	const struct body_job *j = arg;
	uint8_t out[32];
	size_t n;
	digest_begin(j->d, DIGEST_SHA256);
	digest_update(j->d, j->body.p, j->body.len);
	(void)digest_finish(j->d, out, &n);
}

/* run_body_sha256 is what DKIM does with a body: canonicalize into the
 * hash. */
static void
run_body_sha256(const void *arg)
{
	const struct body_job *j = arg;
	uint8_t out[32];
	size_t n;
	digest_begin(j->d, DIGEST_SHA256);
	canon_body(j, digest_sink(j->d));
	(void)digest_finish(j->d, out, &n);
}

struct hdr_job {
	const struct msg *m;
	enum canon_mode mode;
	bool reference;
	struct byte_sink sink;
};

static void
run_headers(const void *arg)
{
	const struct hdr_job *j = arg;
	for (size_t i = 0; i < j->m->num_fields; i++) {
		const struct msg_field *f = &j->m->fields[i];
		if (j->mode == CANON_SIMPLE) {
			hdrcanon_simple(&j->sink, f->raw);
		} else if (j->reference) {
			hdrcanon_relaxed_ref(&j->sink, f->name, f->value);
		} else {
			hdrcanon_relaxed(&j->sink, f->name, f->value);
		}
	}
}

/* ---- checks and output ------------------------------------------------- */

/* body_fingerprint and hdr_fingerprint hash what a job writes (into a
 * digest sink instead of the counting one), so that every level can be
 * compared with the reference. */
static void
body_fingerprint(struct digest *d, const struct body_job *j, uint8_t out[32])
{
	size_t n;
	digest_begin(d, DIGEST_SHA256);
	canon_body(j, digest_sink(d));
	(void)digest_finish(d, out, &n);
}

static void
hdr_fingerprint(struct digest *d, const struct hdr_job *ref, uint8_t out[32])
{
	struct hdr_job j = *ref;
	size_t n;
	digest_begin(d, DIGEST_SHA256);
	j.sink = digest_sink(d);
	run_headers(&j);
	(void)digest_finish(d, out, &n);
}

static int mismatches;

static void
check_same(const char *what, const char *level, const uint8_t got[32],
    const uint8_t want[32])
{
	if (memcmp(got, want, 32) != 0) {
		fprintf(stderr,
		    "canonbench: %s at %s differs from the reference\n", what,
		    level);
		mismatches++;
	}
}

static void
row(const char *kind, size_t bytes, const char *mode, const char *level,
    double secs, double sha_gbps, const char *note)
{
	double gbps = (double)bytes / secs / 1e9;
	printf("%-9s %8zu  %-16s %-9s %7.2f  %6.2f  %s\n", kind, bytes, mode,
	    level, gbps, sha_gbps > 0 ? gbps / sha_gbps : 1.0, note);
	fflush(stdout);
}

struct verdict {
	double best_gbps;
	const char *best_level;
};

/* bench_body times every mode and level on one body. */
static void
bench_body(const struct opts *o, struct digest *d, const char *kind,
    struct span body, struct verdict *v)
{
	struct body_job sha = { body, CANON_RELAXED, false, UINT64_MAX, d };
	double sha_s = measure(o, run_sha256, &sha);
	double sha_gbps = (double)body.len / sha_s / 1e9;
	row(kind, body.len, "sha256", "openssl", sha_s, sha_gbps, "");

	static const char *const mode_name[2][3] = {
		{ "simple", "simple l=half", "simple+sha256" },
		{ "relaxed", "relaxed l=half", "relaxed+sha256" },
	};
	enum blockscan_level best = blockscan_level();
	for (int m = CANON_SIMPLE; m <= CANON_RELAXED; m++) {
		struct body_job ref = { body, (enum canon_mode)m, true,
			UINT64_MAX, d };
		struct body_job half = ref;
		half.limit = bodycanon_span(ref.mode, count_sink, body) / 2;
		uint8_t want[32], want_half[32], got[32];
		body_fingerprint(d, &ref, want);
		body_fingerprint(d, &half, want_half);
		row(kind, body.len, mode_name[m][0], "reference",
		    measure(o, run_body, &ref), sha_gbps, "");
		ref.reference = half.reference = false;
		for (int l = BLOCKSCAN_PORTABLE; l < NUM_LEVELS; l++) {
			if (!blockscan_use((enum blockscan_level)l)) {
				continue;
			}
			const char *name =
			    blockscan_name((enum blockscan_level)l);
			body_fingerprint(d, &ref, got);
			check_same(kind, name, got, want);
			body_fingerprint(d, &half, got);
			check_same(kind, name, got, want_half);
			double s = measure(o, run_body, &ref);
			row(kind, body.len, mode_name[m][0], name, s, sha_gbps,
			    "");
			double gbps = (double)body.len / s / 1e9;
			if (v != NULL && m == CANON_RELAXED &&
			    gbps > v->best_gbps) {
				v->best_gbps = gbps;
				v->best_level = name;
			}
			row(kind, body.len, mode_name[m][1], name,
			    measure(o, run_body, &half), sha_gbps, "");
		}
		blockscan_use(best);
		row(kind, body.len, mode_name[m][2], blockscan_name(best),
		    measure(o, run_body_sha256, &ref), sha_gbps,
		    "canonicalized into SHA-256");
	}
}

/* bench_headers times the header canonicalizers on one header block. */
static void
bench_headers(const struct opts *o, struct digest *d)
{
	struct buf b = { NULL, 0, 0 };
	gen_headers(&b);
	struct arena a;
	arena_init(&a, 1 << 16);
	struct msg m;
	if (msg_parse(&m, &a, b.p, b.len) != MSG_OK) {
		fprintf(
		    stderr, "canonbench: the header block does not parse\n");
		exit(1);
	}
	/* Input bytes: the fields as stored, line endings included. */
	size_t bytes = (size_t)(m.body.p - b.p) - 2;
	struct body_job sha = { span_make(b.p, bytes), CANON_RELAXED, false,
		UINT64_MAX, d };
	double sha_s = measure(o, run_sha256, &sha);
	double sha_gbps = (double)bytes / sha_s / 1e9;
	char label[32];
	snprintf(label, sizeof(label), "headers%zu", m.num_fields);
	row(label, bytes, "sha256", "openssl", sha_s, sha_gbps, "");

	enum blockscan_level best = blockscan_level();
	for (int mode = CANON_SIMPLE; mode <= CANON_RELAXED; mode++) {
		struct hdr_job ref = { &m, (enum canon_mode)mode, true,
			count_sink };
		uint8_t want[32], got[32];
		hdr_fingerprint(d, &ref, want);
		const char *mname = mode == CANON_SIMPLE ? "simple" : "relaxed";
		char note[64];
		if (mode == CANON_RELAXED) {
			double s = measure(o, run_headers, &ref);
			snprintf(note, sizeof(note), "%.1f ns/field",
			    s * 1e9 / (double)m.num_fields);
			row(label, bytes, mname, "reference", s, sha_gbps,
			    note);
		}
		for (int l = BLOCKSCAN_PORTABLE; l < NUM_LEVELS; l++) {
			if (!blockscan_use((enum blockscan_level)l)) {
				continue;
			}
			const char *name =
			    blockscan_name((enum blockscan_level)l);
			struct hdr_job j = ref;
			j.reference = false;
			hdr_fingerprint(d, &j, got);
			check_same(label, name, got, want);
			double s = measure(o, run_headers, &j);
			snprintf(note, sizeof(note), "%.1f ns/field",
			    s * 1e9 / (double)m.num_fields);
			row(label, bytes, mname, name, s, sha_gbps, note);
		}
		blockscan_use(best);
	}
	arena_cleanup(&a);
	free(b.p);
}

/* ---- main ------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: canonbench [--size BYTES[k|M]] [--reps K] "
	    "[--min-time SECONDS]\n"
	    "                  [--clock cpu|mono] [--target GBPS] "
	    "[--enforce]\n"
	    "                  [--kinds text,text-lf,html,base64,headers]\n"
	    "                  [--double-space N] [--trailing-wsp N]\n");
	exit(2);
}

static const char *
arg_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		usage();
	}
	return argv[++*i];
}

static unsigned
parse_count(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0' || end == s || v > 1000000) {
		usage();
	}
	return (unsigned)v;
}

static unsigned
parse_kinds(const char *s)
{
	unsigned kinds = 0;
	while (*s != '\0') {
		size_t n = strcspn(s, ",");
		size_t k = 0;
		while (k < NUM_KINDS &&
		    (strlen(kind_names[k]) != n ||
		        strncmp(kind_names[k], s, n) != 0)) {
			k++;
		}
		if (k == NUM_KINDS) {
			usage();
		}
		kinds |= 1u << k;
		s += n + (s[n] == ',');
	}
	return kinds;
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;
		if (strcmp(a, "--size") == 0) {
			unsigned long long v =
			    strtoull(arg_value(argc, argv, &i), &end, 10);
			if (*end == 'k' || *end == 'K') {
				v <<= 10;
				end++;
			} else if (*end == 'M' || *end == 'm') {
				v <<= 20;
				end++;
			}
			if (*end != '\0' || v < 1024 || v > (1ULL << 30)) {
				usage();
			}
			o->size = (size_t)v;
		} else if (strcmp(a, "--reps") == 0) {
			unsigned long v =
			    strtoul(arg_value(argc, argv, &i), &end, 10);
			if (*end != '\0' || v < 1 || v > 1000) {
				usage();
			}
			o->reps = (unsigned)v;
		} else if (strcmp(a, "--min-time") == 0) {
			o->min_time = strtod(arg_value(argc, argv, &i), &end);
			if (*end != '\0' || !(o->min_time > 0) ||
			    o->min_time > 60) {
				usage();
			}
		} else if (strcmp(a, "--target") == 0) {
			o->target = strtod(arg_value(argc, argv, &i), &end);
			if (*end != '\0' || !(o->target > 0)) {
				usage();
			}
		} else if (strcmp(a, "--clock") == 0) {
			const char *c = arg_value(argc, argv, &i);
			if (strcmp(c, "cpu") == 0) {
				o->clock = CLOCK_THREAD_CPUTIME_ID;
			} else if (strcmp(c, "mono") == 0) {
				o->clock = CLOCK_MONOTONIC;
			} else {
				usage();
			}
		} else if (strcmp(a, "--enforce") == 0) {
			o->enforce = true;
		} else if (strcmp(a, "--kinds") == 0) {
			o->kinds = parse_kinds(arg_value(argc, argv, &i));
		} else if (strcmp(a, "--double-space") == 0) {
			o->style.double_space =
			    parse_count(arg_value(argc, argv, &i));
		} else if (strcmp(a, "--trailing-wsp") == 0) {
			o->style.trailing_wsp =
			    parse_count(arg_value(argc, argv, &i));
		} else {
			usage();
		}
	}
}

/* load_average returns the 1-minute load average, or -1. */
static double
load_average(void)
{
	double load = -1;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f != NULL) {
		if (fscanf(f, "%lf", &load) != 1) {
			load = -1;
		}
		fclose(f);
	}
	return load;
}

static void
cpu_name(char *out, size_t cap)
{
	snprintf(out, cap, "unknown CPU");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL) {
		return;
	}
	char line[256];
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			snprintf(out, cap, "%s", colon + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct opts o = { 1 << 20, 5, 0.2, CLOCK_THREAD_CPUTIME_ID, 4.0, false,
		~0u, { 3, 13 } };
	parse_opts(&o, argc, argv);
	struct digest d;
	if (!crypto_init() || !digest_init(&d)) {
		fprintf(stderr, "canonbench: OpenSSL has no SHA-256\n");
		return 1;
	}

	struct buf text = { NULL, 0, 0 }, text_lf = { NULL, 0, 0 };
	struct buf html = { NULL, 0, 0 }, b64 = { NULL, 0, 0 };
	uint64_t seed = rng_state;
	gen_text(&text, o.size, "\r\n", &o.style);
	rng_state = seed; /* the same text, with LF line endings */
	gen_text(&text_lf, o.size, "\n", &o.style);
	gen_html(&html, o.size);
	gen_base64(&b64, o.size);

	char cpu[128], levels[64] = "";
	cpu_name(cpu, sizeof(cpu));
	for (int l = BLOCKSCAN_PORTABLE; l < NUM_LEVELS; l++) {
		if (blockscan_supported((enum blockscan_level)l)) {
			size_t n = strlen(levels);
			snprintf(levels + n, sizeof(levels) - n, "%s%s",
			    n ? " " : "",
			    blockscan_name((enum blockscan_level)l));
		}
	}
	printf("authsweep canonbench: bodies of %zu bytes, best of %u "
	       "repetitions of >= %.2f s, %s time\n",
	    o.size, o.reps, o.min_time,
	    o.clock == CLOCK_MONOTONIC ? "wall" : "thread CPU");
	printf("  %s; load average %.2f before the run; block scan levels: "
	       "%s (default %s)\n",
	    cpu, load_average(), levels, blockscan_name(blockscan_level()));
	printf("  text: two spaces after 1 in %u sentences, WSP at the end of "
	       "1 in %u lines (0: none)\n",
	    o.style.double_space, o.style.trailing_wsp);
	printf("  GB/s = input bytes / s / 1e9; x sha256 = GB/s / SHA-256 "
	       "GB/s on the same bytes\n");
	printf("%-9s %8s  %-16s %-9s %7s  %6s\n", "body", "bytes", "mode",
	    "level", "GB/s", "x sha256");

	struct verdict v = { 0, "none" };
	if (o.kinds & KIND_TEXT) {
		bench_body(&o, &d, "text", span_make(text.p, text.len), &v);
	}
	if (o.kinds & KIND_TEXT_LF) {
		bench_body(
		    &o, &d, "text-lf", span_make(text_lf.p, text_lf.len), NULL);
	}
	if (o.kinds & KIND_HTML) {
		bench_body(&o, &d, "html", span_make(html.p, html.len), NULL);
	}
	if (o.kinds & KIND_BASE64) {
		bench_body(&o, &d, "base64", span_make(b64.p, b64.len), NULL);
	}
	if (o.kinds & KIND_HEADERS) {
		bench_headers(&o, &d);
	}

	bool pass = v.best_gbps >= o.target;
	if (o.kinds & KIND_TEXT) {
		printf("relaxed on text, best level %s: %.2f GB/s   target >= "
		       "%.1f GB/s   %s\n",
		    v.best_level, v.best_gbps, o.target,
		    pass ? "PASS" : "MISS");
	}
	if (mismatches > 0) {
		fprintf(stderr,
		    "canonbench: %d outputs differ from the reference\n",
		    mismatches);
	}
	free(text.p);
	free(text_lf.p);
	free(html.p);
	free(b64.p);
	digest_cleanup(&d);
	crypto_cleanup();
	return mismatches > 0 || (o.enforce && !pass) ? 1 : 0;
}
