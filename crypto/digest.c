/*
 * digest.c - streaming SHA-256 / SHA-1 over OpenSSL 3 EVP (see digest.h).
 *
 * The EVP_MD objects are fetched once (crypto_init) and shared read-only by
 * all threads; each struct digest reuses one EVP_MD_CTX through
 * EVP_DigestInit_ex2, which resets the context without reallocating it.
 */
#include "crypto/digest.h"

#include <openssl/evp.h>

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

bool
digest_init(struct digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	d->alg = DIGEST_SHA256;
	d->failed = d->ctx == NULL;
	return d->ctx != NULL;
}

void
digest_cleanup(struct digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void
digest_begin(struct digest *d, enum digest_alg alg)
{
	d->alg = alg;
	d->bytes = 0;
	d->failed =
	    d->ctx == NULL || EVP_DigestInit_ex2(d->ctx, g_md[alg], NULL) != 1;
}

void
digest_update(struct digest *d, const void *p, size_t len)
{
	if (d->failed || len == 0) {
		return;
	}
	d->bytes += len;
	if (EVP_DigestUpdate(d->ctx, p, len) != 1) {
		d->failed = true;
	}
}

void
digest_copy(struct digest *dst, const struct digest *src)
{
	dst->alg = src->alg;
	dst->bytes = src->bytes;
	dst->failed = src->failed || dst->ctx == NULL ||
	    EVP_MD_CTX_copy_ex(dst->ctx, src->ctx) != 1;
}

bool
digest_finish(struct digest *d, uint8_t *out, size_t *out_len)
{
	unsigned int n = 0;
	if (d->failed || EVP_DigestFinal_ex(d->ctx, out, &n) != 1) {
		d->failed = true;
		return false;
	}
	*out_len = n;
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
