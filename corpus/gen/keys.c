/*
 * keys.c - the signing domains, their selectors, the test keys and the
 * zone file that publishes them.
 *
 * The keys are fixed TEST-ONLY keys committed in corpus/keys/ (see the
 * README there).  Each signing domain publishes several selectors; some are
 * revoked (RFC 6376 §3.6.1: an empty p= means the key was revoked) and some
 * are deliberately left out of the zone, so that signatures naming them get
 * permerror/nokey.  The zone text does not depend on the seed.
 *
 * The zone file exercises an RFC 1035 master-file reader: $TTL and $ORIGIN,
 * relative and absolute owners, "@", a blank owner, TTL and class in both
 * orders, a TTL with units, parentheses spanning lines, comments inside
 * them, an owner in upper case, and p= split into several quoted strings
 * of at most 255 bytes (RFC 1035 §3.3 character-strings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/gen/gen.h"
#include "crypto/b64.h"

static const char *const key_files[KEY_NUM] = {
	[KEY_RSA512] = "rsa512.pem",
	[KEY_RSA1024] = "rsa1024.pem",
	[KEY_RSA2048A] = "rsa2048-a.pem",
	[KEY_RSA2048B] = "rsa2048-b.pem",
	[KEY_RSA3072] = "rsa3072.pem",
	[KEY_RSA4096] = "rsa4096.pem",
	[KEY_ED25519A] = "ed25519-a.pem",
	[KEY_ED25519B] = "ed25519-b.pem",
};

static const unsigned key_bits_wanted[KEY_NUM] = {
	[KEY_RSA512] = 512,
	[KEY_RSA1024] = 1024,
	[KEY_RSA2048A] = 2048,
	[KEY_RSA2048B] = 2048,
	[KEY_RSA3072] = 3072,
	[KEY_RSA4096] = 4096,
	[KEY_ED25519A] = 256,
	[KEY_ED25519B] = 256,
};

static bool
key_is_ed(enum key_id k)
{
	return k == KEY_ED25519A || k == KEY_ED25519B;
}

/* ---- domains ------------------------------------------------------------- */

#define NUM(a) (sizeof(a) / sizeof((a)[0]))

static const struct selector com_rsa[] = { { "k2048a", KEY_RSA2048A, SEL_LIVE },
	{ "k1024", KEY_RSA1024, SEL_LIVE } };
static const struct selector com_ed[] = { { "ed1", KEY_ED25519A, SEL_LIVE } };
static const struct selector com_weak = { "legacy512", KEY_RSA512, SEL_LIVE };
static const struct selector com_revoked = { "old2019", KEY_RSA2048A,
	SEL_REVOKED };
static const struct selector com_absent = { "s2026", KEY_RSA2048A, SEL_ABSENT };

static const struct selector net_rsa[] = { { "sel1", KEY_RSA2048B, SEL_LIVE },
	{ "big", KEY_RSA4096, SEL_LIVE } };
static const struct selector net_ed[] = { { "ed2025", KEY_ED25519B,
    SEL_LIVE } };
static const struct selector net_weak = { "w512", KEY_RSA512, SEL_LIVE };
static const struct selector net_revoked = { "retired", KEY_RSA2048B,
	SEL_REVOKED };
static const struct selector net_absent = { "missing", KEY_RSA2048B,
	SEL_ABSENT };

static const struct selector org_rsa[] = { { "news2025", KEY_RSA3072,
	                                       SEL_LIVE },
	{ "nl1024", KEY_RSA1024, SEL_LIVE } };
static const struct selector org_ed[] = { { "nl-ed", KEY_ED25519A, SEL_LIVE } };
static const struct selector org_weak = { "tiny", KEY_RSA512, SEL_LIVE };
static const struct selector org_revoked = { "news2019", KEY_RSA3072,
	SEL_REVOKED };
static const struct selector org_absent = { "news2026", KEY_RSA3072,
	SEL_ABSENT };

static const struct selector esp_rsa[] = { { "esp1", KEY_RSA2048A, SEL_LIVE },
	{ "esp2", KEY_RSA2048B, SEL_LIVE },
	{ "esp4k", KEY_RSA4096, SEL_LIVE } };
static const struct selector esp_ed[] = { { "esped", KEY_ED25519B, SEL_LIVE } };
static const struct selector esp_weak = { "esp512", KEY_RSA512, SEL_LIVE };
static const struct selector esp_revoked = { "esp0", KEY_RSA2048A,
	SEL_REVOKED };
static const struct selector esp_absent = { "esp9", KEY_RSA2048A, SEL_ABSENT };

static const struct selector uk_rsa[] = { { "s3072", KEY_RSA3072, SEL_LIVE },
	{ "s1024", KEY_RSA1024, SEL_LIVE } };
static const struct selector uk_ed[] = { { "sed", KEY_ED25519B, SEL_LIVE } };
static const struct selector uk_weak = { "weak512", KEY_RSA512, SEL_LIVE };
static const struct selector uk_revoked = { "s2018", KEY_RSA3072, SEL_REVOKED };
static const struct selector uk_absent = { "s2030", KEY_RSA3072, SEL_ABSENT };

const struct domain gen_domains[DOM_NUM] = {
	[DOM_EXAMPLE_COM] = { "example.com", com_rsa, NUM(com_rsa), com_ed,
	    NUM(com_ed), &com_weak, &com_revoked, &com_absent, false },
	[DOM_MAIL_EXAMPLE_NET] = { "mail.example.net", net_rsa, NUM(net_rsa),
	    net_ed, NUM(net_ed), &net_weak, &net_revoked, &net_absent, false },
	[DOM_NEWS_EXAMPLE_ORG] = { "news.example.org", org_rsa, NUM(org_rsa),
	    org_ed, NUM(org_ed), &org_weak, &org_revoked, &org_absent, true },
	[DOM_ESP_EXAMPLE] = { "esp.example", esp_rsa, NUM(esp_rsa), esp_ed,
	    NUM(esp_ed), &esp_weak, &esp_revoked, &esp_absent, true },
	[DOM_SHOP_EXAMPLE_CO_UK] = { "shop.example.co.uk", uk_rsa, NUM(uk_rsa),
	    uk_ed, NUM(uk_ed), &uk_weak, &uk_revoked, &uk_absent, false },
};

/* ---- loading ------------------------------------------------------------- */

/* KEY_FILE_MAX bounds a PEM file read: a 4096-bit PKCS#8 key is 3.3 KB. */
#define KEY_FILE_MAX 65536

static bool
read_file(struct gbuf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return false;
	}
	uint8_t chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		gbuf_put(out, chunk, n);
		if (out->len > KEY_FILE_MAX) {
			out->failed = true;
			break;
		}
	}
	bool ok = !ferror(f) && !out->failed;
	fclose(f);
	return ok;
}

static bool
load_one(struct keyring *kr, enum key_id k, const char *dir, char *err,
    size_t err_len)
{
	struct gbuf path = { 0 }, pem = { 0 };
	bool ok = false;
	gbuf_printf(&path, "%s/%s", dir, key_files[k]);
	gbuf_putc(&path, 0);
	if (path.failed) {
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	if (!read_file(&pem, (const char *)path.p)) {
		snprintf(err, err_len, "%s: %s", (const char *)path.p,
		    errno != 0 ? strerror(errno) : "unreadable");
		goto out;
	}
	if (!privkey_from_pem(&kr->key[k], span_make(pem.p, pem.len))) {
		snprintf(err, err_len, "%s: not a PEM private key",
		    (const char *)path.p);
		goto out;
	}
	enum pubkey_type want = key_is_ed(k) ? PUBKEY_ED25519 : PUBKEY_RSA;
	kr->bits[k] = privkey_bits(kr->key[k]);
	if (privkey_get_type(kr->key[k]) != want ||
	    kr->bits[k] != key_bits_wanted[k]) {
		snprintf(err, err_len, "%s: expected a %u-bit %s key",
		    (const char *)path.p, key_bits_wanted[k],
		    want == PUBKEY_RSA ? "RSA" : "Ed25519");
		goto out;
	}
	uint8_t der[KEY_MAX_DER_BYTES];
	size_t der_len;
	if (!privkey_public_der(kr->key[k], der, sizeof(der), &der_len)) {
		snprintf(err, err_len, "%s: cannot export the public key",
		    (const char *)path.p);
		goto out;
	}
	kr->pub_b64[k] = malloc(b64_encoded_len(der_len) + 1);
	if (kr->pub_b64[k] == NULL) {
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	size_t n = b64_encode(kr->pub_b64[k], der, der_len);
	kr->pub_b64[k][n] = '\0';
	ok = true;
out:
	gbuf_free(&path);
	gbuf_free(&pem);
	return ok;
}

bool
keys_load(struct keyring *kr, const char *dir, char *err, size_t err_len)
{
	memset(kr, 0, sizeof(*kr));
	for (int k = 0; k < KEY_NUM; k++) {
		errno = 0;
		if (!load_one(kr, (enum key_id)k, dir, err, err_len)) {
			keys_free(kr);
			return false;
		}
	}
	return true;
}

void
keys_free(struct keyring *kr)
{
	for (int k = 0; k < KEY_NUM; k++) {
		privkey_free(kr->key[k]);
		free(kr->pub_b64[k]);
		kr->key[k] = NULL;
		kr->pub_b64[k] = NULL;
	}
}

/* ---- the zone file ------------------------------------------------------- */

/* put_strings writes |text| as quoted character-strings of at most |chunk|
 * bytes (<= 255), separated by |sep|. */
static void
put_strings(struct gbuf *z, const char *text, size_t chunk, const char *sep)
{
	size_t len = strlen(text);
	size_t off = 0;
	do {
		size_t n = len - off < chunk ? len - off : chunk;
		if (off > 0) {
			gbuf_puts(z, sep);
		}
		gbuf_putc(z, '"');
		gbuf_put(z, text + off, n);
		gbuf_putc(z, '"');
		off += n;
	} while (off < len);
}

/* put_key_record writes the TXT rdata of live selector |s|; |style| varies
 * the layout between records. */
static void
put_key_record(struct gbuf *z, const struct keyring *kr,
    const struct selector *s, unsigned style)
{
	if (key_is_ed(s->key)) {
		/* Short enough for one string on one line. */
		gbuf_printf(z, "\"v=DKIM1; k=ed25519; h=sha256; p=%s\"\n",
		    kr->pub_b64[s->key]);
		return;
	}
	static const size_t chunks[] = { 255, 200, 128, 64 };
	size_t chunk = chunks[style % 4];
	gbuf_puts(z, "( \"v=DKIM1; k=rsa; ");
	if (style % 3 == 1) {
		gbuf_puts(z, "s=email; ");
	}
	if (style % 2 == 0) {
		/* Cut right after "p=", so p= spans two strings. */
		gbuf_puts(z, "p=\"\n\t\t");
		put_strings(z, kr->pub_b64[s->key], chunk, "\n\t\t");
	} else {
		gbuf_puts(z, "\" ; key follows\n\t\t");
		struct gbuf p = { 0 };
		gbuf_printf(&p, "p=%s", kr->pub_b64[s->key]);
		gbuf_putc(&p, 0);
		if (!p.failed) {
			put_strings(z, (const char *)p.p, chunk, "\n\t\t");
		} else {
			z->failed = true;
		}
		gbuf_free(&p);
	}
	gbuf_puts(z, " )\n");
}

void
keys_txt(struct gbuf *z, const struct keyring *kr, const struct selector *s,
    unsigned style)
{
	if (s->state == SEL_REVOKED) {
		gbuf_printf(z, "\"v=DKIM1; k=%s; p=\"\n",
		    key_is_ed(s->key) ? "ed25519" : "rsa");
		return;
	}
	put_key_record(z, kr, s, style);
}

static void
put_domain_relative(
    struct gbuf *z, const struct keyring *kr, const struct domain *d)
{
	gbuf_printf(z, "\n$ORIGIN %s.\n", d->name);
	gbuf_printf(z, "@\t\t\tIN\tTXT\t\"v=spf1 ip4:192.0.2.0/24 -all\"\n");
	gbuf_printf(z, "\t\t\tIN\tMX\t10 mx1.%s.\n", d->name);
	gbuf_printf(z,
	    "_dmarc\t\t\tIN\tTXT\t\"v=DMARC1; p=none; "
	    "rua=mailto:dmarc@%s\"\n",
	    d->name);
	unsigned style = 0;
	for (size_t i = 0; i < d->num_rsa; i++, style++) {
		const char *name = d->rsa[i].name;
		if (d == &gen_domains[DOM_NEWS_EXAMPLE_ORG] && i == 1) {
			/* Owner names are case-insensitive (RFC 4343). */
			gbuf_puts(z, "NL1024._DOMAINKEY\tIN\tTXT\t");
		} else {
			gbuf_printf(z, "%s._domainkey\tIN\tTXT\t", name);
		}
		put_key_record(z, kr, &d->rsa[i], style + (unsigned)d->name[0]);
	}
	for (size_t i = 0; i < d->num_ed; i++) {
		gbuf_printf(z, "%s._domainkey\t3600\tIN\tTXT\t", d->ed[i].name);
		put_key_record(z, kr, &d->ed[i], 0);
	}
	gbuf_printf(z, "%s._domainkey\tIN\t1h30m\tTXT\t", d->weak->name);
	put_key_record(z, kr, d->weak, style + 1);
	gbuf_printf(z, "; %s is revoked: an empty p= (RFC 6376 3.6.1)\n",
	    d->revoked->name);
	gbuf_printf(z, "%s._domainkey\tIN\tTXT\t\"v=DKIM1; k=rsa; p=\"\n",
	    d->revoked->name);
	gbuf_printf(
	    z, "; %s._domainkey is deliberately absent\n", d->absent->name);
}

static void
put_domain_absolute(
    struct gbuf *z, const struct keyring *kr, const struct domain *d)
{
	gbuf_printf(z, "\n; %s: absolute owner names\n", d->name);
	gbuf_printf(z, "%s.\t300\tIN\tTXT\t\"v=spf1 include:_spf.%s -all\"\n",
	    d->name, d->name);
	unsigned style = 1;
	for (size_t i = 0; i < d->num_rsa; i++, style++) {
		gbuf_printf(z, "%s._domainkey.%s.\t300\tIN\tTXT\t",
		    d->rsa[i].name, d->name);
		put_key_record(z, kr, &d->rsa[i], style);
	}
	for (size_t i = 0; i < d->num_ed; i++) {
		gbuf_printf(z, "%s._domainkey.%s.\tIN\t300\tTXT\t",
		    d->ed[i].name, d->name);
		put_key_record(z, kr, &d->ed[i], 0);
	}
	gbuf_printf(z, "%s._domainkey.%s.\tTXT\t", d->weak->name, d->name);
	put_key_record(z, kr, d->weak, 2);
	gbuf_printf(z,
	    "%s._domainkey.%s.\tIN\tTXT\t( \"v=DKIM1; \"\n\t\t"
	    "\"p=\" ) ; revoked\n",
	    d->revoked->name, d->name);
	gbuf_printf(z, "; %s._domainkey.%s is deliberately absent\n",
	    d->absent->name, d->name);
}

void
keys_zone(const struct keyring *kr, struct gbuf *z)
{
	gbuf_puts(z,
	    "; keys.zone - DKIM public keys of the authsweep test corpus.\n"
	    "; Written by corpusgen; the same for every seed.  The private\n"
	    "; keys are TEST-ONLY keys (corpus/keys/README.md): never trust\n"
	    "; them for real mail.\n"
	    "$TTL 3600\n");
	for (int i = 0; i < DOM_NUM; i++) {
		if (i == DOM_ESP_EXAMPLE || i == DOM_SHOP_EXAMPLE_CO_UK) {
			put_domain_absolute(z, kr, &gen_domains[i]);
		} else {
			put_domain_relative(z, kr, &gen_domains[i]);
		}
	}
}
