/*
 * header.c - header fields for the generated corpus.
 *
 * The fields follow common mail user agents and bulk senders: folded
 * values, RFC 2047 encoded-words, names in odd case (field names are
 * case-insensitive, RFC 5322 §1.2.2), several Keywords fields (RFC 5322
 * §3.6.5 allows them to repeat), and rarely white space before the colon
 * (the obsolete syntax of RFC 5322 §4.5.3).  Received fields carry RFC 5322
 * dates in various zones, newest on top.
 */
#include <stdio.h>
#include <string.h>

#include "corpus/gen/gen.h"
#include "crypto/b64.h"

const char *const hdr_names[H_NUM] = {
	[H_FROM] = "from",
	[H_TO] = "to",
	[H_CC] = "cc",
	[H_SUBJECT] = "subject",
	[H_DATE] = "date",
	[H_MESSAGE_ID] = "message-id",
	[H_MIME_VERSION] = "mime-version",
	[H_CONTENT_TYPE] = "content-type",
	[H_CTE] = "content-transfer-encoding",
	[H_REPLY_TO] = "reply-to",
	[H_LIST_ID] = "list-id",
	[H_LIST_UNSUBSCRIBE] = "list-unsubscribe",
	[H_LIST_UNSUB_POST] = "list-unsubscribe-post",
	[H_IN_REPLY_TO] = "in-reply-to",
	[H_REFERENCES] = "references",
	[H_KEYWORDS] = "keywords",
	[H_RECEIVED] = "received",
	[H_DKIM_SIGNATURE] = "dkim-signature",
};

static const char *const hdr_display[H_NUM] = {
	[H_FROM] = "From",
	[H_TO] = "To",
	[H_CC] = "Cc",
	[H_SUBJECT] = "Subject",
	[H_DATE] = "Date",
	[H_MESSAGE_ID] = "Message-ID",
	[H_MIME_VERSION] = "MIME-Version",
	[H_CONTENT_TYPE] = "Content-Type",
	[H_CTE] = "Content-Transfer-Encoding",
	[H_REPLY_TO] = "Reply-To",
	[H_LIST_ID] = "List-Id",
	[H_LIST_UNSUBSCRIBE] = "List-Unsubscribe",
	[H_LIST_UNSUB_POST] = "List-Unsubscribe-Post",
	[H_IN_REPLY_TO] = "In-Reply-To",
	[H_REFERENCES] = "References",
	[H_KEYWORDS] = "Keywords",
	[H_RECEIVED] = "Received",
	[H_DKIM_SIGNATURE] = "DKIM-Signature",
};

/* ---- header fields ------------------------------------------------------- */

/* put_name writes a field name, sometimes in odd case. */
static void
put_name(struct gbuf *b, struct rng *r, const char *name)
{
	if (!rng_permille(r, 30)) {
		gbuf_puts(b, name);
		return;
	}
	unsigned style = rng_below(r, 3);
	bool after_dash = false;
	for (const char *p = name; *p != '\0'; p++) {
		char ch = *p;
		bool upper = style == 0 || (style == 2 && after_dash);
		if (style == 2 && ch == '-') {
			after_dash = true;
		}
		if (upper && ch >= 'a' && ch <= 'z') {
			ch = (char)(ch - 'a' + 'A');
		} else if (!upper && ch >= 'A' && ch <= 'Z') {
			ch = (char)(ch - 'A' + 'a');
		}
		gbuf_putc(b, (uint8_t)ch);
	}
}

/* Q-encoding of RFC 2047 §4.2; anything outside a safe set is =XX. */
static void
put_q(struct gbuf *b, const char *text, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)text[i];
		if (c == ' ') {
			gbuf_putc(b, '_');
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '!' || c == '*' ||
		    c == '+' || c == '-' || c == '/') {
			gbuf_putc(b, c);
		} else {
			gbuf_putc(b, '=');
			gbuf_putc(b, (uint8_t)hex[c >> 4]);
			gbuf_putc(b, (uint8_t)hex[c & 15]);
		}
	}
}

/* put_encoded writes |text| as RFC 2047 encoded-words of at most 75
 * characters, folded between words. */
static void
put_encoded(struct gbuf *b, struct rng *r, const char *text)
{
	bool q = rng_permille(r, 500);
	/* Q triples 8-bit bytes, B adds a third: either way an
	 * encoded-word stays under 75 characters (RFC 2047 §2). */
	size_t max = q ? 20 : 36;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		/* Cut after a space, else before a UTF-8 lead byte, so that
		 * no character is split between encoded-words. */
		size_t n = len - off;
		if (n > max) {
			n = max;
			while (n > 1 && text[off + n - 1] != ' ') {
				n--;
			}
			if (n == 1) {
				n = max;
				while (n > 1 &&
				    ((uint8_t)text[off + n] & 0xC0) == 0x80) {
					n--;
				}
			}
		}
		if (off > 0) {
			gbuf_puts(b, "\r\n ");
		}
		gbuf_puts(b, q ? "=?utf-8?Q?" : "=?UTF-8?B?");
		if (q) {
			put_q(b, text + off, n);
		} else {
			char enc[64];
			size_t e =
			    b64_encode(enc, (const uint8_t *)text + off, n);
			gbuf_put(b, enc, e);
		}
		gbuf_puts(b, "?=");
		off += n;
	}
}

/* put_folded writes |text|, folding before a space when a line would pass
 * 76 columns; |col| is where the value starts. */
static void
put_folded(struct gbuf *b, struct rng *r, const char *text, size_t col)
{
	const char *fold = rng_permille(r, 300) ? "\r\n\t" : "\r\n";
	const char *p = text;
	while (*p != '\0') {
		const char *sp = strchr(p + 1, ' ');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		if (col > 20 && col + n > 76 && *p == ' ') {
			gbuf_puts(b, fold);
			col = 1;
			if (fold[2] == '\t') {
				p++; /* the tab replaces the space */
				n--;
			}
		}
		gbuf_put(b, p, n);
		col += n;
		p += n;
	}
}

static void
make_subject(
    char *out, size_t cap, struct rng *r, enum sender_kind kind, bool utf8)
{
	size_t len = 0;
	out[0] = '\0';
	switch (kind) {
	case KIND_SHOP: {
		unsigned num = rng_below(r, 1000000);
		bool shipped = rng_permille(r, 500);
		(void)snprintf(out, cap, "Your order #%06u %s", num,
		    shipped ? "has shipped" : "is confirmed");
		return;
	}
	case KIND_NEWS:
		len = (size_t)snprintf(
		    out, cap, "Weekly digest #%u:", rng_range(r, 1, 300));
		break;
	case KIND_PERSON:
		if (rng_permille(r, 250)) {
			len = (size_t)snprintf(out, cap, "Re:");
		}
		break;
	}
	unsigned n = rng_range(r, 2, 12);
	for (unsigned i = 0; i < n && len + 1 < cap; i++) {
		const char *w = (utf8 && rng_permille(r, 150))
		    ? words_pick_utf8(r)
		    : words_pick(r);
		int k =
		    snprintf(out + len, cap - len, "%s%s", len ? " " : "", w);
		if (k < 0 || (size_t)k >= cap - len) {
			out[len] = '\0';
			break;
		}
		if (i == 0 && len == 0 && out[0] >= 'a' && out[0] <= 'z') {
			out[0] = (char)(out[0] - 'a' + 'A');
		}
		len += (size_t)k;
	}
}

/* struct field_list collects fields so that they can be written in
 * different orders. */
#define MAX_FIELDS 24
struct field_list {
	struct gbuf text;
	size_t off[MAX_FIELDS + 1];
	int id[MAX_FIELDS]; /* hdr_id, or -1 for an unsigned field */
	size_t num;
	bool odd_colon; /* a field was written with WSP before its colon */
};

static struct gbuf *
field_begin(struct field_list *fl, struct rng *r, int id, const char *name,
    bool odd_colon)
{
	if (fl->num < MAX_FIELDS) {
		fl->off[fl->num] = fl->text.len;
		fl->id[fl->num] = id;
		fl->num++;
	}
	put_name(&fl->text, r, name);
	gbuf_puts(&fl->text, odd_colon ? " : " : ": ");
	fl->odd_colon |= odd_colon;
	return &fl->text;
}

static void
field_end(struct field_list *fl)
{
	gbuf_put(&fl->text, "\r\n", 2);
	fl->off[fl->num] = fl->text.len;
}

static void
put_address(struct gbuf *b, struct rng *r, const char *name, const char *addr)
{
	if (rng_permille(r, 150)) {
		gbuf_puts(b, addr);
	} else if (rng_permille(r, 80)) {
		put_encoded(b, r, name);
		gbuf_printf(b, " <%s>", addr);
	} else {
		gbuf_printf(b, "\"%s\" <%s>", name, addr);
	}
}

static void
build_fields(struct field_list *fl, struct rng *r, struct text_info *info,
    const struct text_req *req, const struct text_ctx *c, const char *ctype,
    const char *cte)
{
	const char *dom = c->domain;
	/* One message in a hundred has WSP before one colon. */
	int odd = rng_permille(r, 10) ? (int)rng_below(r, 3) : -1;
	char buf[320];
	struct gbuf *b;

	b = field_begin(fl, r, H_FROM, hdr_display[H_FROM], false);
	put_address(b, r, c->from_name, info->from_addr);
	field_end(fl);

	b = field_begin(fl, r, H_TO, hdr_display[H_TO], odd == 1);
	put_address(b, r, c->to_name, info->recipient);
	if (rng_permille(r, 120)) {
		const char *name = words_first_name(r);
		const char *user = words_recipient(r);
		gbuf_printf(b, ",\r\n %s <%s@inbox.example>", name, user);
	}
	field_end(fl);

	if (rng_permille(r, 150)) {
		b = field_begin(fl, r, H_CC, hdr_display[H_CC], false);
		const char *name = words_first_name(r);
		const char *user = words_recipient(r);
		bool local = rng_permille(r, 500);
		gbuf_printf(
		    b, "%s <%s@%s>", name, user, local ? dom : "inbox.example");
		field_end(fl);
	}
	if (!rng_permille(r, 20)) {
		b = field_begin(
		    fl, r, H_SUBJECT, hdr_display[H_SUBJECT], odd == 0);
		make_subject(buf, sizeof(buf), r, c->kind, c->utf8);
		if (rng_permille(r, 100)) {
			put_encoded(b, r, buf);
		} else {
			put_folded(b, r, buf, 9);
		}
		field_end(fl);
	}
	b = field_begin(fl, r, H_DATE, hdr_display[H_DATE], false);
	static const int zones[] = { 0, 0, 60, 120, -300, -240, -420, -480, 330,
		540, 600, -180 };
	int zone = RNG_PICK(r, zones);
	bool weekday = !rng_permille(r, 80);
	gbuf_date(b, req->date, zone, weekday, NULL);
	field_end(fl);

	b = field_begin(fl, r, H_MESSAGE_ID, hdr_display[H_MESSAGE_ID], false);
	gbuf_printf(b, "<%016llx.%llu@%s>", (unsigned long long)rng_next(r),
	    (unsigned long long)req->seq, dom);
	field_end(fl);

	if (c->kind == KIND_PERSON && rng_permille(r, 200)) {
		unsigned long long ref = (unsigned long long)rng_next(r);
		b = field_begin(
		    fl, r, H_IN_REPLY_TO, hdr_display[H_IN_REPLY_TO], false);
		gbuf_printf(b, "<%llx@inbox.example>", ref);
		field_end(fl);
		b = field_begin(
		    fl, r, H_REFERENCES, hdr_display[H_REFERENCES], false);
		gbuf_printf(b,
		    "<%llx@inbox.example>\r\n <%llx@%s>\r\n "
		    "<%llx@inbox.example>",
		    ref ^ 1, (unsigned long long)rng_next(r), dom, ref);
		field_end(fl);
	}
	if (rng_permille(r, 100)) {
		b = field_begin(
		    fl, r, H_REPLY_TO, hdr_display[H_REPLY_TO], false);
		gbuf_printf(b, "reply+%08x@%s", (unsigned)rng_next(r), dom);
		field_end(fl);
	}
	b = field_begin(
	    fl, r, H_MIME_VERSION, hdr_display[H_MIME_VERSION], false);
	gbuf_puts(b, "1.0");
	field_end(fl);
	b = field_begin(
	    fl, r, H_CONTENT_TYPE, hdr_display[H_CONTENT_TYPE], false);
	gbuf_puts(b, ctype);
	field_end(fl);
	if (cte != NULL) {
		b = field_begin(fl, r, H_CTE, hdr_display[H_CTE], false);
		gbuf_puts(b, cte);
		field_end(fl);
	}
	if (c->kind == KIND_NEWS) {
		b = field_begin(
		    fl, r, H_LIST_ID, hdr_display[H_LIST_ID], false);
		gbuf_printf(b, "\"Weekly news\" <weekly.%s>", dom);
		field_end(fl);
		b = field_begin(fl, r, H_LIST_UNSUBSCRIBE,
		    hdr_display[H_LIST_UNSUBSCRIBE], false);
		unsigned tok = (unsigned)rng_next(r);
		gbuf_printf(b,
		    "<https://%s/unsubscribe/%08x>,\r\n "
		    "<mailto:unsubscribe+%08x@%s>",
		    dom, tok, tok, dom);
		field_end(fl);
		if (rng_permille(r, 600)) {
			b = field_begin(fl, r, H_LIST_UNSUB_POST,
			    hdr_display[H_LIST_UNSUB_POST], false);
			gbuf_puts(b, "List-Unsubscribe=One-Click");
			field_end(fl);
		}
	}
	if (rng_permille(r, 50)) {
		/* Several Keywords fields: a signature that lists the name
		 * n times covers the bottom n of them (RFC 6376 §5.4.2). */
		for (unsigned i = rng_range(r, 2, 3); i > 0; i--) {
			const char *w1 = words_pick(r);
			const char *w2 = words_pick(r);
			b = field_begin(
			    fl, r, H_KEYWORDS, hdr_display[H_KEYWORDS], false);
			gbuf_printf(b, "%s, %s", w1, w2);
			field_end(fl);
		}
	}
	if (rng_permille(r, 300)) {
		static const char *const agents[] = {
			"Mozilla Thunderbird 128.3", "Apple Mail (2.3731)",
			"Microsoft Outlook 16.0", "Roundcube Webmail/1.6.9",
			"Mutt/2.2.12 (2023-09-09)"
		};
		b = field_begin(fl, r, -1, "X-Mailer", odd == 2);
		gbuf_puts(b, RNG_PICK(r, agents));
		field_end(fl);
	} else if (odd == 2) {
		b = field_begin(fl, r, -1, "X-Priority", true);
		gbuf_puts(b, "3");
		field_end(fl);
	}
}

/* header_build writes the author fields of a message into m->head, in
 * one of a few orders seen in real mail. */
void
header_build(struct message *m, struct text_info *info,
    const struct text_req *req, const struct text_ctx *c, const char *ctype,
    const char *cte)
{
	struct rng *r = c->r;
	struct field_list fl = { .num = 0 };
	build_fields(&fl, r, info, req, c, ctype, cte);
	/* Write the fields in one of a few orders seen in real mail. */
	unsigned order = rng_below(r, 10);
	size_t idx[MAX_FIELDS];
	for (size_t i = 0; i < fl.num; i++) {
		idx[i] = order < 7 ? i : fl.num - 1 - i;
	}
	if (order == 9) {
		for (size_t i = fl.num; i > 1; i--) {
			size_t j = rng_below(r, (uint32_t)i);
			size_t t = idx[i - 1];
			idx[i - 1] = idx[j];
			idx[j] = t;
		}
	}
	for (size_t i = 0; i < fl.num; i++) {
		size_t k = idx[i];
		gbuf_put(
		    &m->head, fl.text.p + fl.off[k], fl.off[k + 1] - fl.off[k]);
		if (fl.id[k] >= 0) {
			info->present |= 1u << fl.id[k];
		}
	}
	info->odd_colon = fl.odd_colon;
	if (fl.text.failed) {
		m->head.failed = true;
	}
	gbuf_free(&fl.text);
}

void
header_received(struct gbuf *out, struct rng *r, int64_t t, bool final,
    const char *recipient)
{
	static const char *const relays[] = { "mail-out1.esp.example",
		"smtp.example.com", "mx-relay.mail.example.net",
		"outbound.news.example.org", "smtp2.shop.example.co.uk",
		"gateway.example.com", "filter.inbox.example" };
	static const int zones[] = { 0, -420, -300, 60, 120, 540 };
	static const char *const ids[] = { "Postfix", "Exim 4.97",
		"Microsoft SMTP Server", "Sendmail 8.17.1/8.17.1" };
	const char *from = RNG_PICK(r, relays);
	unsigned host = rng_range(r, 1, 254);
	const char *by = final ? "mx1.inbox.example" : RNG_PICK(r, relays);
	const char *mta = RNG_PICK(r, ids);
	unsigned id1 = (unsigned)rng_next(r);
	unsigned id2 = rng_below(r, 65536);
	gbuf_printf(out,
	    "Received: from %s (%s [192.0.2.%u])\r\n\tby %s "
	    "(%s) with ESMTPS id %08X%04X",
	    from, from, host, by, mta, id1, id2);
	if (rng_permille(r, 300)) {
		gbuf_puts(out,
		    "\r\n\t(version=TLS1_3 "
		    "cipher=TLS_AES_256_GCM_SHA384 bits=256)");
	}
	if (final) {
		gbuf_printf(out, "\r\n\tfor <%s>; ", recipient);
		gbuf_date(out, t, 0, true, rng_permille(r, 500) ? "UTC" : NULL);
	} else {
		gbuf_puts(out, ";\r\n\t");
		int z = RNG_PICK(r, zones);
		bool weekday = !rng_permille(r, 100);
		bool comment = z == -420 && rng_permille(r, 500);
		gbuf_date(out, t, z, weekday, comment ? "PDT" : NULL);
	}
}

void
header_field_value(struct gbuf *out, struct rng *r, enum hdr_id h)
{
	switch (h) {
	case H_TO:
	case H_CC:
	case H_REPLY_TO:
	case H_FROM:
		gbuf_printf(out, "Mallory <mallory%u@attacker.example>",
		    rng_below(r, 100));
		break;
	case H_SUBJECT:
		gbuf_puts(out, "Urgent: please confirm your account");
		break;
	case H_DATE:
		gbuf_puts(out, "Mon, 1 Dec 2025 09:00:00 +0000");
		break;
	default:
		gbuf_puts(out, "<added-after-signing.attacker.example>");
		break;
	}
}
