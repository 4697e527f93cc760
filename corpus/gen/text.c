/*
 * text.c - realistic message bodies for the generated corpus.
 *
 * Bodies are text/plain, multipart/alternative (text and HTML) or, for the
 * large ones, multipart/mixed with base64 attachments in 76-character lines
 * (RFC 2045 §6.8).  Text is made of words, wrapped near 72 columns, with
 * the irregularities real mail has and canonicalization must handle:
 * trailing whitespace on some lines (RFC 6376 §3.4.4 removes it in relaxed
 * mode), runs of spaces and tabs, whitespace-only or empty lines at the end
 * (§3.4.3, §3.4.4 ignore them), a missing final line break, empty bodies,
 * and 8-bit UTF-8 text.  header.c writes the header fields.
 */
#include <stdio.h>
#include <string.h>

#include "corpus/gen/gen.h"
#include "crypto/b64.h"

/* ---- wrapped text -------------------------------------------------------- */

/* struct wrap writes words into lines of at most |width| bytes. */
struct wrap {
	struct gbuf *b;
	struct rng *r;
	size_t col;
	size_t width;
	const char *prefix; /* written at the start of each line */
	bool utf8;          /* some words may be 8-bit UTF-8 */
	bool double_space;  /* two spaces after a full stop */
	unsigned trail_pm;  /* permille of lines with trailing WSP */
};

static void
wrap_eol(struct wrap *w)
{
	if (w->col > 0 && rng_permille(w->r, w->trail_pm)) {
		static const char *const tails[] = { " ", "  ", "\t", " \t" };
		gbuf_puts(w->b, RNG_PICK(w->r, tails));
	}
	gbuf_put(w->b, "\r\n", 2);
	w->col = 0;
}

static void
wrap_text(struct wrap *w, const char *text, size_t n, const char *sep)
{
	size_t sep_len = strlen(sep);
	if (w->col > 0 && w->col + sep_len + n > w->width) {
		wrap_eol(w);
	}
	if (w->col == 0) {
		gbuf_puts(w->b, w->prefix);
		w->col = strlen(w->prefix);
	} else {
		gbuf_put(w->b, sep, sep_len);
		w->col += sep_len;
	}
	gbuf_put(w->b, text, n);
	w->col += n;
}

static const char *
pick_word(struct wrap *w)
{
	if (w->utf8 && rng_permille(w->r, 40)) {
		return words_pick_utf8(w->r);
	}
	return words_pick(w->r);
}

/* wrap_sentence writes one sentence of 4 to 18 words. */
static void
wrap_sentence(struct wrap *w, bool first_in_para)
{
	static const char *const ends[] = { ".", ".", ".", ".", "?", "!" };
	unsigned n = rng_range(w->r, 4, 18);
	const char *sep = (!first_in_para && w->double_space) ? "  " : " ";
	for (unsigned i = 0; i < n; i++) {
		char tmp[64];
		const char *word = pick_word(w);
		size_t len = strlen(word);
		if (len + 2 > sizeof(tmp)) {
			len = sizeof(tmp) - 2;
		}
		memcpy(tmp, word, len);
		if (i == 0 && tmp[0] >= 'a' && tmp[0] <= 'z') {
			tmp[0] = (char)(tmp[0] - 'a' + 'A');
		}
		if (i + 1 == n) {
			tmp[len++] = RNG_PICK(w->r, ends)[0];
		} else if (rng_permille(w->r, 60)) {
			tmp[len++] = ',';
		}
		wrap_text(w, tmp, len, i == 0 ? sep : " ");
		if (i == 0 && rng_permille(w->r, 5)) {
			/* A run of white space inside a line (relaxed
			 * canonicalization reduces it to one SP). */
			wrap_text(w, "", 0, " \t ");
		}
	}
}

/* wrap_paragraph writes a paragraph and the empty line after it. */
static void
wrap_paragraph(struct wrap *w)
{
	unsigned n = rng_range(w->r, 1, 6);
	for (unsigned i = 0; i < n; i++) {
		wrap_sentence(w, i == 0);
	}
	if (w->col > 0) {
		wrap_eol(w);
	}
	gbuf_puts(w->b, w->prefix[0] == '>' ? ">\r\n" : "\r\n");
}

/* ---- bodies -------------------------------------------------------------- */

static void
put_plain(struct gbuf *b, struct text_ctx *c, size_t target)
{
	struct wrap w = { b, c->r, 0, 72, "", c->utf8, c->double_space, 25 };
	size_t start = b->len;
	switch (c->kind) {
	case KIND_PERSON:
		gbuf_printf(b, "Hi %s,\r\n\r\n", c->to_name);
		break;
	case KIND_NEWS:
		gbuf_printf(b, "THIS WEEK AT %s\r\n===================\r\n\r\n",
		    c->domain);
		break;
	case KIND_SHOP:
		gbuf_puts(b,
		    "Thank you for your order.\r\n\r\nItem\t\tQty\t"
		    "Price\r\n");
		for (unsigned i = rng_range(c->r, 1, 5); i > 0; i--) {
			/* One draw per statement: argument evaluation order
			 * is unspecified, and the output must not depend on
			 * the compiler. */
			const char *w1 = words_pick(c->r);
			const char *w2 = words_pick(c->r);
			unsigned qty = rng_range(c->r, 1, 4);
			unsigned units = rng_range(c->r, 2, 250);
			unsigned cents = rng_below(c->r, 100);
			gbuf_printf(b, "%s %s\t%u\t%u.%02u\r\n", w1, w2, qty,
			    units, cents);
		}
		gbuf_puts(b, "\r\n");
		break;
	}
	do {
		wrap_paragraph(&w);
		if (c->kind == KIND_NEWS && rng_permille(c->r, 300)) {
			gbuf_printf(b, "Read more: https://%s/a/%u\r\n\r\n",
			    c->domain, rng_below(c->r, 100000));
		}
	} while (b->len - start < target && !b->failed);
	if (c->kind == KIND_PERSON && rng_permille(c->r, 250)) {
		/* A quoted earlier message. */
		struct wrap q = { b, c->r, 0, 72, "> ", c->utf8, false, 10 };
		gbuf_printf(b, "On %u %s, %s wrote:\r\n",
		    rng_range(c->r, 1, 28), "Mar", c->to_name);
		for (unsigned i = rng_range(c->r, 1, 3); i > 0; i--) {
			wrap_paragraph(&q);
		}
	}
	switch (c->kind) {
	case KIND_PERSON:
		gbuf_printf(b, "Best regards,\r\n%s\r\n", c->from_name);
		if (rng_permille(c->r, 400)) {
			/* "-- " carries a trailing space by convention. */
			gbuf_printf(b, "\r\n-- \r\n%s\r\nhttps://www.%s/\r\n",
			    c->from_name, c->domain);
		}
		break;
	case KIND_NEWS:
		gbuf_printf(b,
		    "You receive this newsletter from %s.\r\n"
		    "Unsubscribe: https://%s/u/%08x\r\n",
		    c->domain, c->domain, (unsigned)rng_next(c->r));
		break;
	case KIND_SHOP:
		gbuf_printf(b,
		    "Questions? Reply to this message or visit "
		    "https://%s/help\r\n",
		    c->domain);
		break;
	}
}

static void
put_html(struct gbuf *b, struct text_ctx *c, size_t target)
{
	size_t start = b->len;
	gbuf_puts(b,
	    "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<meta "
	    "http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=utf-8\">\r\n</head>\r\n<body style=\"font-family: "
	    "Arial, sans-serif;\">\r\n");
	struct wrap w = { b, c->r, 0, 76, "", c->utf8, false, 5 };
	do {
		wrap_text(&w, "<p>", 3, "");
		unsigned n = rng_range(c->r, 1, 5);
		for (unsigned i = 0; i < n; i++) {
			wrap_sentence(&w, i == 0);
		}
		if (rng_permille(c->r, 300)) {
			char link[128];
			unsigned id = rng_below(c->r, 1000000);
			const char *word = words_pick(c->r);
			int len = snprintf(link, sizeof(link),
			    "<a href=\"https://%s/l/%u\">%s</a>", c->domain, id,
			    word);
			if (len > 0 && (size_t)len < sizeof(link)) {
				wrap_text(&w, link, (size_t)len, " ");
			}
		}
		wrap_text(&w, "</p>", 4, "");
		wrap_eol(&w);
	} while (b->len - start < target && !b->failed);
	gbuf_puts(b, "</body>\r\n</html>\r\n");
}

/* make_boundary writes a MIME boundary (RFC 2046 §5.1.1) into |out|. */
static void
make_boundary(char *out, size_t cap, struct rng *r, const char *tag)
{
	(void)snprintf(
	    out, cap, "=_%s_%016llx", tag, (unsigned long long)rng_next(r));
}

static void
put_part_head(struct gbuf *b, const char *type, bool utf8)
{
	gbuf_printf(b,
	    "Content-Type: %s; charset=%s\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n",
	    type, utf8 ? "utf-8" : "us-ascii", utf8 ? "8bit" : "7bit");
}

static void
put_alternative(
    struct gbuf *b, struct text_ctx *c, const char *bnd, size_t target)
{
	if (rng_permille(c->r, 500)) {
		gbuf_puts(
		    b, "This is a multi-part message in MIME format.\r\n");
	}
	gbuf_printf(b, "\r\n--%s\r\n", bnd);
	put_part_head(b, "text/plain", c->utf8);
	put_plain(b, c, target * 35 / 100);
	gbuf_printf(b, "\r\n--%s\r\n", bnd);
	put_part_head(b, "text/html", c->utf8);
	put_html(b, c, target * 65 / 100);
	gbuf_printf(b, "\r\n--%s--\r\n", bnd);
}

struct att_type {
	const char *mime;
	const char *ext;
	const char *magic;
	size_t magic_len;
};

static const struct att_type att_types[] = {
	{ "application/pdf", "pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15 },
	{ "image/png", "png", "\x89PNG\r\n\x1a\n", 8 },
	{ "image/jpeg", "jpg", "\xff\xd8\xff\xe0\x00\x10JFIF", 10 },
	{ "application/zip", "zip", "PK\x03\x04", 4 },
	{ "application/vnd.openxmlformats-officedocument."
	  "wordprocessingml.document",
	    "docx", "PK\x03\x04", 4 },
};

/* put_attachment writes a base64 part of about |raw_len| random bytes. */
static void
put_attachment(struct gbuf *b, struct rng *r, const char *bnd, size_t raw_len)
{
	const struct att_type *t = &RNG_PICK(r, att_types);
	unsigned id = rng_below(r, 10000);
	const char *word = words_pick(r);
	gbuf_printf(b,
	    "\r\n--%s\r\nContent-Type: %s; name=\"%s-%04u.%s\"\r\n"
	    "Content-Disposition: attachment; "
	    "filename=\"%s-%04u.%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    bnd, t->mime, word, id, t->ext, word, id, t->ext);
	if (raw_len < t->magic_len) {
		raw_len = t->magic_len;
	}
	/* 57 raw bytes give one 76-character line (RFC 2045 §6.8). */
	uint8_t raw[57];
	char line[76 + 2];
	size_t done = 0;
	if (!gbuf_reserve(b, raw_len / 57 * 78 + 80)) {
		return;
	}
	while (done < raw_len) {
		size_t n = raw_len - done < 57 ? raw_len - done : 57;
		for (size_t i = 0; i < n; i += 8) {
			uint64_t v = rng_next(r);
			size_t k = n - i < 8 ? n - i : 8;
			/* Little-endian by arithmetic, not by memcpy, so that
			 * the bytes do not depend on the host. */
			for (size_t j = 0; j < k; j++) {
				raw[i + j] = (uint8_t)(v >> (8 * j));
			}
		}
		if (done == 0) {
			memcpy(raw, t->magic, t->magic_len);
		}
		size_t len = b64_encode(line, raw, n);
		line[len++] = '\r';
		line[len++] = '\n';
		gbuf_put(b, line, len);
		done += n;
	}
}

void
text_build(struct message *m, struct text_info *info, struct rng *r,
    const struct text_req *req)
{
	memset(info, 0, sizeof(*info));
	struct text_ctx c = { r, KIND_PERSON, false, false, NULL, NULL,
		req->from_domain != NULL ? req->from_domain->name
		                         : "unsigned.example" };
	c.utf8 = rng_permille(r, 150);
	c.double_space = rng_permille(r, 100);
	if (req->from_domain != NULL && req->from_domain->newsletter) {
		c.kind = KIND_NEWS;
	} else if (req->from_domain == &gen_domains[DOM_SHOP_EXAMPLE_CO_UK]) {
		c.kind = KIND_SHOP;
	}
	char from_name[64], to_name[64];
	const char *first = words_first_name(r);
	const char *last = words_last_name(r);
	(void)snprintf(from_name, sizeof(from_name), "%s %s", first, last);
	c.from_name = c.kind == KIND_NEWS ? "The Weekly News"
	    : c.kind == KIND_SHOP         ? "Example Shop"
	                                  : from_name;
	const char *rcpt = words_recipient(r);
	const char *to_first = words_first_name(r);
	const char *to_last = words_last_name(r);
	(void)snprintf(to_name, sizeof(to_name), "%s %s", to_first, to_last);
	c.to_name = to_name;
	(void)snprintf(
	    info->recipient, sizeof(info->recipient), "%s@inbox.example", rcpt);
	if (c.kind == KIND_PERSON) {
		(void)snprintf(info->from_addr, sizeof(info->from_addr),
		    "%c.%s@%s", first[0], last, c.domain);
		/* The names are ASCII; the local part is written in lower
		 * case, as most sites do. */
		for (size_t i = 0;
		     info->from_addr[i] != '@' && info->from_addr[i] != '\0';
		     i++) {
			char ch = info->from_addr[i];
			if (ch >= 'A' && ch <= 'Z') {
				info->from_addr[i] = (char)(ch - 'A' + 'a');
			}
		}
	} else {
		(void)snprintf(info->from_addr, sizeof(info->from_addr),
		    "%s@%s", c.kind == KIND_NEWS ? "news" : "orders", c.domain);
	}

	/* The header fields and trace fields take about 2 KB. */
	size_t target = req->target_size > 2200 ? req->target_size - 2000 : 200;
	char bnd[64], bnd2[64], ctype[200];
	const char *cte = NULL;
	struct gbuf *b = &m->body;
	unsigned shape = rng_below(r, 1000);
	if (shape < 5) {
		/* An empty body; sometimes without even the empty line. */
		(void)snprintf(ctype, sizeof(ctype), "text/plain");
		m->no_separator = rng_permille(r, 300);
	} else if (target > 48000 || (target > 12000 && shape < 150)) {
		make_boundary(bnd, sizeof(bnd), r, "mix");
		(void)snprintf(ctype, sizeof(ctype),
		    "multipart/mixed;\r\n\tboundary=\"%s\"", bnd);
		size_t text = target / 10 < 6000 ? target / 10 : 6000;
		gbuf_printf(b, "--%s\r\n", bnd);
		if (rng_permille(r, 500)) {
			make_boundary(bnd2, sizeof(bnd2), r, "alt");
			gbuf_printf(b,
			    "Content-Type: multipart/alternative; "
			    "boundary=\"%s\"\r\n\r\n",
			    bnd2);
			put_alternative(b, &c, bnd2, text);
		} else {
			put_part_head(b, "text/plain", c.utf8);
			put_plain(b, &c, text);
		}
		size_t rest = target > b->len ? target - b->len : 1000;
		unsigned n = rest > 200000 ? rng_range(r, 1, 3) : 1;
		for (unsigned i = 0; i < n; i++) {
			put_attachment(b, r, bnd, rest / n * 57 / 78);
		}
		gbuf_printf(b, "\r\n--%s--\r\n", bnd);
	} else if (shape < 450) {
		make_boundary(bnd, sizeof(bnd), r, "alt");
		(void)snprintf(ctype, sizeof(ctype),
		    "multipart/alternative; boundary=\"%s\"", bnd);
		put_alternative(b, &c, bnd, target);
	} else {
		(void)snprintf(ctype, sizeof(ctype), "text/plain; charset=%s%s",
		    c.utf8 ? "utf-8" : "us-ascii",
		    rng_permille(r, 300) ? "; format=flowed" : "");
		cte = c.utf8 ? "8bit" : "7bit";
		put_plain(b, &c, target);
	}
	if (b->len > 0) {
		/* Whitespace-only or empty lines at the end (ignored by
		 * both canonicalizations), and a missing final CRLF. */
		if (rng_permille(r, 40)) {
			static const char *const tails[] = { "\r\n", "\r\n\r\n",
				"  \r\n", " \r\n\t\r\n", "\r\n \r\n\r\n" };
			gbuf_puts(b, RNG_PICK(r, tails));
		}
		if (rng_permille(r, 30) && b->len >= 2) {
			b->len -= 2;
		}
	}
	for (size_t i = 0; i < b->len; i++) {
		uint8_t ch = b->p[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
			info->body_has_text = true;
			break;
		}
	}

	header_build(m, info, req, &c, ctype, cte);
}

void
text_footer(struct gbuf *body, struct rng *r)
{
	gbuf_printf(body,
	    "\r\n_______________________________________________"
	    "\r\nweekly mailing list\r\nTo unsubscribe send a "
	    "message to weekly-leave-%04x@lists.example.org\r\n",
	    rng_below(r, 65536));
}
