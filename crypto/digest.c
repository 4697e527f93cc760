/*
 * digest.c - streaming SHA-256 / SHA-1 (see digest.h).
 *
 * The EVP_MD objects are fetched once (crypto_init) and shared read-only by
 * all threads, for the signature checks.  The streaming hashes themselves
 * use OpenSSL's block functions through the SHA256_CTX interface, which
 * allocates nothing (see union digest_state).
 */
/* SHA256_Init and friends are deprecated in OpenSSL 3; see above. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "crypto/digest.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "crypto/internal.h"

static EVP_MD *g_md[DIGEST_NUM_ALGS];

const EVP_MD *
crypto__md(enum digest_alg alg)
{
	return g_md[alg];
}

bool
crypto_init(void)
{
	if (g_md[DIGEST_SHA1] != NULL && g_md[DIGEST_SHA256] != NULL) {
		return true;
	}
	g_md[DIGEST_SHA1] = EVP_MD_fetch(NULL, "SHA1", NULL);
	g_md[DIGEST_SHA256] = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (g_md[DIGEST_SHA1] == NULL || g_md[DIGEST_SHA256] == NULL) {
		crypto_cleanup();
		return false;
	}
	return true;
}

void
crypto_cleanup(void)
{
	for (size_t i = 0; i < DIGEST_NUM_ALGS; i++) {
		EVP_MD_free(g_md[i]);
		g_md[i] = NULL;
	}
}

size_t
digest_len(enum digest_alg alg)
{
	return alg == DIGEST_SHA1 ? 20 : 32;
}

/* The running state of one hash: OpenSSL's own SHA-256 and SHA-1 block
 * functions (the same SHA-NI / AVX code the default provider calls),
 * through their plain-struct interface.  OpenSSL 3 marks it deprecated,
 * but it is the one that allocates nothing: EVP_DigestInit_ex2 in 3.0
 * frees and allocates the provider's context on every call, two or three
 * times a message (bench-callgrind counts them), and EVP_MD_CTX_copy_ex
 * allocates too, where a snapshot here is a struct copy. */
union digest_state {
	SHA256_CTX sha256;
	SHA_CTX sha1;
};

bool
digest_init(struct digest *d)
{
	d->ctx = malloc(sizeof(union digest_state));
	d->alg = DIGEST_SHA256;
	d->bytes = 0;
	d->failed = d->ctx == NULL;
	return d->ctx != NULL;
}

void
digest_cleanup(struct digest *d)
{
	free(d->ctx);
	d->ctx = NULL;
}

void
digest_begin(struct digest *d, enum digest_alg alg)
{
	union digest_state *st = d->ctx;
	d->alg = alg;
	d->bytes = 0;
	d->failed = st == NULL ||
	    (alg == DIGEST_SHA1 ? SHA1_Init(&st->sha1)
	                        : SHA256_Init(&st->sha256)) != 1;
}

void
digest_update(struct digest *d, const void *p, size_t len)
{
	if (d->failed || len == 0) {
		return;
	}
	union digest_state *st = d->ctx;
	d->bytes += len;
	int ok = d->alg == DIGEST_SHA1 ? SHA1_Update(&st->sha1, p, len)
	                               : SHA256_Update(&st->sha256, p, len);
	if (ok != 1) {
		d->failed = true;
	}
}

void
digest_copy(struct digest *dst, const struct digest *src)
{
	dst->alg = src->alg;
	dst->bytes = src->bytes;
	dst->failed = src->failed || dst->ctx == NULL || src->ctx == NULL;
	if (!dst->failed) {
		memcpy(dst->ctx, src->ctx, sizeof(union digest_state));
	}
}

bool
digest_finish(struct digest *d, uint8_t *out, size_t *out_len)
{
	union digest_state *st = d->ctx;
	if (d->failed) {
		return false;
	}
	int ok = d->alg == DIGEST_SHA1 ? SHA1_Final(out, &st->sha1)
	                               : SHA256_Final(out, &st->sha256);
	if (ok != 1) {
		d->failed = true;
		return false;
	}
	*out_len = digest_len(d->alg);
	return true;
}

static void
digest_sink_write(void *ctx, const uint8_t *p, size_t len)
{
	digest_update(ctx, p, len);
}

struct byte_sink
digest_sink(struct digest *d)
{
	struct byte_sink s = { digest_sink_write, d };
	return s;
}
