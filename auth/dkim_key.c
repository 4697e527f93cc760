/*
 * dkim_key.c - DKIM key records (RFC 6376 §3.6.1, RFC 8463 §4).
 *
 * A key record is a tag list in a TXT record at <s>._domainkey.<d>.  It is
 * decoded once per run: the first thread to need it parses the record,
 * decodes p= into an OpenSSL key object and attaches the result to the DNS
 * answer, where every thread finds it afterwards.
 *
 * Choices where the RFC leaves room:
 *  - v= must be "DKIM1" when present (§3.6.1: "Records beginning with a v=
 *    tag with any other value MUST be discarded").  The RFC also says v=
 *    MUST come first; records with v= elsewhere occur in the wild and every
 *    major verifier accepts them, so position is not enforced.
 *  - g= (RFC 4871 only) is ignored, as RFC 6376 removed it.
 *  - Several TXT records at one name: the first usable one is used.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/dkim.h"
#include "crypto/b64.h"

static void
key_free(struct dns_decoded *d)
{
	struct dkim_key *k = (struct dkim_key *)d;
	pubkey_free(k->pk);
	free(k);
}

static bool
list_has(struct span list, const char *word)
{
	struct tv_iter it;
	struct span w;
	tv_iter_init(&it, list);
	while (tv_iter_next(&it, &w)) {
		if (span_eq_icase_lit(w, word)) {
			return true;
		}
	}
	return false;
}

static enum dkim_reason
parse_tags(struct dkim_key *k, const struct tv_list *tags)
{
	const struct tv_tag *t = tv_find(tags, "v");
	if (t != NULL && !span_eq(t->value, SPAN_LIT("DKIM1"))) {
		return DKIM_R_KEY_VERSION;
	}
	k->type = PUBKEY_RSA;
	if ((t = tv_find(tags, "k")) != NULL) {
		if (span_eq_icase_lit(t->value, "rsa")) {
			k->type = PUBKEY_RSA;
		} else if (span_eq_icase_lit(t->value, "ed25519")) {
			k->type = PUBKEY_ED25519;
		} else {
			return DKIM_R_KEY_TYPE;
		}
	}
	k->hash_allowed[DIGEST_SHA1] = true;
	k->hash_allowed[DIGEST_SHA256] = true;
	if ((t = tv_find(tags, "h")) != NULL) {
		/* Unknown hash names are ignored (§3.6.1 h=). */
		k->hash_allowed[DIGEST_SHA1] = list_has(t->value, "sha1");
		k->hash_allowed[DIGEST_SHA256] = list_has(t->value, "sha256");
	}
	if ((t = tv_find(tags, "s")) != NULL && !list_has(t->value, "*") &&
	    !list_has(t->value, "email")) {
		return DKIM_R_KEY_SERVICE;
	}
	if ((t = tv_find(tags, "t")) != NULL) {
		k->testing = list_has(t->value, "y");
		k->strict = list_has(t->value, "s");
	}
	return DKIM_R_OK;
}

static enum dkim_reason
decode_p(struct dkim_key *k, const struct tv_list *tags)
{
	const struct tv_tag *t = tv_find(tags, "p");
	if (t == NULL) {
		return DKIM_R_KEY_NO_P;
	}
	uint8_t der[KEY_MAX_DER_BYTES];
	size_t n;
	if (!b64_decode(der, sizeof(der), &n, t->value)) {
		return DKIM_R_KEY_DECODE;
	}
	if (n == 0) {
		/* An empty p= means the key was revoked (§3.6.1). */
		return DKIM_R_KEY_REVOKED;
	}
	enum pubkey_status st =
	    pubkey_decode(&k->pk, k->type, span_make(der, n));
	if (st == PUBKEY_ERR_NOMEM) {
		return DKIM_R_INTERNAL;
	}
	if (st != PUBKEY_OK) {
		return DKIM_R_KEY_DECODE;
	}
	k->bits = pubkey_bits(k->pk);
	return DKIM_R_OK;
}

struct dkim_key *
dkim_key_parse(struct span txt)
{
	struct dkim_key *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		return NULL;
	}
	k->base.free = key_free;
	/* The tag list is large; parse it on the heap, not the stack. */
	struct tv_list *tags = malloc(sizeof(*tags));
	if (tags == NULL) {
		free(k);
		return NULL;
	}
	if (tv_parse(tags, txt) != TV_OK) {
		k->error = DKIM_R_KEY_SYNTAX;
	} else {
		k->error = parse_tags(k, tags);
		if (k->error == DKIM_R_OK) {
			k->error = decode_p(k, tags);
		}
	}
	free(tags);
	return k;
}

const struct dkim_key *
dkim_key_get(const struct dns_rrset *rr)
{
	struct dns_decoded *have = dns_rrset_get_decoded(rr);
	if (have != NULL) {
		return (const struct dkim_key *)have;
	}
	struct dkim_key *chosen = NULL;
	for (size_t i = 0; i < rr->num_rrs; i++) {
		struct dkim_key *k = dkim_key_parse(rr->rrs[i]);
		if (k == NULL) {
			break;
		}
		if (chosen == NULL) {
			chosen = k;
		} else if (chosen->error != DKIM_R_OK &&
		    k->error == DKIM_R_OK) {
			key_free(&chosen->base);
			chosen = k;
		} else {
			key_free(&k->base);
		}
		if (chosen->error == DKIM_R_OK) {
			break;
		}
	}
	if (chosen == NULL) {
		return NULL;
	}
	struct dns_decoded *won = dns_rrset_attach(rr, &chosen->base);
	if (won != &chosen->base) {
		key_free(&chosen->base);
	}
	return (const struct dkim_key *)won;
}
