/*
 * pubkey.c - key decoding and signature verification (see pubkey.h).
 *
 * RSA keys are decoded with d2i_PUBKEY (SubjectPublicKeyInfo) and, failing
 * that, d2i_PublicKey (PKCS#1 RSAPublicKey).  Ed25519 keys are raw 32-byte
 * values (RFC 8463 §4.2).  Each decode happens once per key per run; the
 * resulting EVP_PKEY is only read afterwards.
 */
#include "crypto/pubkey.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>

#include "crypto/internal.h"

struct pubkey {
	EVP_PKEY *pkey;
	enum pubkey_type type;
	unsigned bits;
};

static enum pubkey_status
decode_rsa(EVP_PKEY **out, struct span der)
{
	const unsigned char *p = der.p;
	EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)der.len);
	if (pkey != NULL && p != der.p + der.len) {
		/* Trailing bytes after the DER structure: not a clean key. */
		EVP_PKEY_free(pkey);
		return PUBKEY_ERR_DECODE;
	}
	if (pkey == NULL) {
		ERR_clear_error();
		p = der.p;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)der.len);
		if (pkey == NULL || p != der.p + der.len) {
			EVP_PKEY_free(pkey);
			ERR_clear_error();
			return PUBKEY_ERR_DECODE;
		}
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		return PUBKEY_ERR_WRONG_TYPE;
	}
	*out = pkey;
	return PUBKEY_OK;
}

enum pubkey_status
pubkey_decode(struct pubkey **out, enum pubkey_type type, struct span der)
{
	/* d2i takes a long length; keys are small, anything this large is not
	 * a key. */
	if (type == PUBKEY_ED25519 && der.len != 32) {
		return PUBKEY_ERR_SIZE;
	}
	if (der.len == 0 || der.len > 65536) {
		return PUBKEY_ERR_DECODE;
	}
	EVP_PKEY *pkey = NULL;
	if (type == PUBKEY_RSA) {
		enum pubkey_status st = decode_rsa(&pkey, der);
		if (st != PUBKEY_OK) {
			return st;
		}
	} else {
		pkey = EVP_PKEY_new_raw_public_key_ex(
		    NULL, "ED25519", NULL, der.p, der.len);
		if (pkey == NULL) {
			ERR_clear_error();
			return PUBKEY_ERR_DECODE;
		}
	}
	struct pubkey *k = malloc(sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return PUBKEY_ERR_NOMEM;
	}
	k->pkey = pkey;
	k->type = type;
	int bits = EVP_PKEY_get_bits(pkey);
	k->bits = bits > 0 ? (unsigned)bits : 0;
	*out = k;
	return PUBKEY_OK;
}

const char *
pubkey_status_str(enum pubkey_status st)
{
	switch (st) {
	case PUBKEY_OK:
		return "ok";
	case PUBKEY_ERR_DECODE:
		return "key data does not decode";
	case PUBKEY_ERR_WRONG_TYPE:
		return "key is of another algorithm";
	case PUBKEY_ERR_SIZE:
		return "Ed25519 key is not 32 bytes";
	case PUBKEY_ERR_NOMEM:
		return "out of memory";
	}
	return "unknown";
}

void
pubkey_free(struct pubkey *k)
{
	if (k == NULL) {
		return;
	}
	EVP_PKEY_free(k->pkey);
	free(k);
}

enum pubkey_type
pubkey_get_type(const struct pubkey *k)
{
	return k->type;
}

unsigned
pubkey_bits(const struct pubkey *k)
{
	return k->bits;
}

bool
pubkey_verify_rsa(const struct pubkey *k, enum digest_alg alg,
    struct span digest, struct span sig)
{
	if (k->type != PUBKEY_RSA) {
		return false;
	}
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (ctx == NULL) {
		return false;
	}
	bool ok = EVP_PKEY_verify_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_signature_md(ctx, crypto__md(alg)) == 1 &&
	    EVP_PKEY_verify(ctx, sig.p, sig.len, digest.p, digest.len) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		/* A bad signature leaves entries on this thread's error queue. */
		ERR_clear_error();
	}
	return ok;
}

/* PK_CACHE_SLOTS: contexts kept per thread, in sets of PK_CACHE_WAYS
 * chosen by a hash of the key, each set replaced round-robin.  (One slot
 * per key, by its address, let two keys of one corpus evict each other
 * message after message: bench-callgrind counted the contexts made.) */
#define PK_CACHE_SLOTS 64
#define PK_CACHE_WAYS 4
#define PK_CACHE_SETS (PK_CACHE_SLOTS / PK_CACHE_WAYS)

struct pk_slot {
	EVP_PKEY *pkey; /* referenced by |ctx|; the identity of the slot */
	enum digest_alg alg;
	EVP_PKEY_CTX *ctx;
};

/* An Ed25519 context, initialized once for its key: EVP_DigestVerify (the
 * one-shot form, as `openssl speed` uses it) may be called on it again and
 * again. */
struct pk_ed_slot {
	EVP_PKEY *pkey; /* referenced by |mctx| */
	EVP_MD_CTX *mctx;
};

struct pk_verifier {
	struct pk_slot slots[PK_CACHE_SLOTS];
	struct pk_ed_slot ed[PK_CACHE_SLOTS];
	uint8_t next[PK_CACHE_SETS]; /* the way to replace next */
	uint8_t ed_next[PK_CACHE_SETS];
};

/* set_of returns the first slot of the set for |pkey| and |salt|. */
static size_t
set_of(const EVP_PKEY *pkey, unsigned salt)
{
	uint64_t h = ((uint64_t)(uintptr_t)pkey ^ salt) * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 32) % PK_CACHE_SETS;
}

struct pk_verifier *
pk_verifier_new(void)
{
	return calloc(1, sizeof(struct pk_verifier));
}

void
pk_verifier_free(struct pk_verifier *v)
{
	if (v == NULL) {
		return;
	}
	for (size_t i = 0; i < PK_CACHE_SLOTS; i++) {
		EVP_PKEY_CTX_free(v->slots[i].ctx);
		EVP_MD_CTX_free(v->ed[i].mctx);
	}
	free(v);
}

static EVP_PKEY_CTX *
rsa_ctx(EVP_PKEY *pkey, enum digest_alg alg)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL) {
		return NULL;
	}
	if (EVP_PKEY_verify_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, crypto__md(alg)) != 1) {
		EVP_PKEY_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	return ctx;
}

bool
pk_verifier_rsa(struct pk_verifier *v, const struct pubkey *k,
    enum digest_alg alg, struct span digest, struct span sig)
{
	if (k->type != PUBKEY_RSA) {
		return false;
	}
	size_t set = set_of(k->pkey, (unsigned)alg);
	struct pk_slot *s = NULL;
	for (size_t w = 0; w < PK_CACHE_WAYS; w++) {
		struct pk_slot *x = &v->slots[set * PK_CACHE_WAYS + w];
		if (x->ctx != NULL && x->pkey == k->pkey && x->alg == alg) {
			s = x;
			break;
		}
	}
	if (s == NULL) {
		EVP_PKEY_CTX *ctx = rsa_ctx(k->pkey, alg);
		if (ctx == NULL) {
			return false;
		}
		s = &v->slots[set * PK_CACHE_WAYS + v->next[set]];
		v->next[set] = (uint8_t)((v->next[set] + 1) % PK_CACHE_WAYS);
		EVP_PKEY_CTX_free(s->ctx);
		s->ctx = ctx;
		s->pkey = k->pkey;
		s->alg = alg;
	}
	bool ok =
	    EVP_PKEY_verify(s->ctx, sig.p, sig.len, digest.p, digest.len) == 1;
	if (!ok) {
		ERR_clear_error();
	}
	return ok;
}

bool
pubkey_verify_ed25519(const struct pubkey *k, struct span msg, struct span sig)
{
	if (k->type != PUBKEY_ED25519 || sig.len != 64) {
		return false;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		return false;
	}
	bool ok = EVP_DigestVerifyInit_ex(
	              ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) == 1 &&
	    EVP_DigestVerify(ctx, sig.p, sig.len, msg.p, msg.len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
	}
	return ok;
}

bool
pk_verifier_ed25519(struct pk_verifier *v, const struct pubkey *k,
    struct span msg, struct span sig)
{
	if (k->type != PUBKEY_ED25519 || sig.len != 64) {
		return false;
	}
	size_t set = set_of(k->pkey, 0);
	struct pk_ed_slot *s = NULL;
	for (size_t w = 0; w < PK_CACHE_WAYS; w++) {
		struct pk_ed_slot *x = &v->ed[set * PK_CACHE_WAYS + w];
		if (x->mctx != NULL && x->pkey == k->pkey) {
			s = x;
			break;
		}
	}
	if (s == NULL) {
		EVP_MD_CTX *mctx = EVP_MD_CTX_new();
		if (mctx == NULL) {
			return false;
		}
		if (EVP_DigestVerifyInit_ex(
		        mctx, NULL, NULL, NULL, NULL, k->pkey, NULL) != 1) {
			EVP_MD_CTX_free(mctx);
			ERR_clear_error();
			return false;
		}
		s = &v->ed[set * PK_CACHE_WAYS + v->ed_next[set]];
		v->ed_next[set] =
		    (uint8_t)((v->ed_next[set] + 1) % PK_CACHE_WAYS);
		EVP_MD_CTX_free(s->mctx);
		s->mctx = mctx;
		s->pkey = k->pkey;
	}
	bool ok =
	    EVP_DigestVerify(s->mctx, sig.p, sig.len, msg.p, msg.len) == 1;
	if (!ok) {
		ERR_clear_error();
	}
	return ok;
}
