/*
 * sign.c - private keys and signing for the corpus generator and tests
 * (see sign.h).
 */
#include "crypto/sign.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/internal.h"

struct privkey {
	EVP_PKEY *pkey;
	enum pubkey_type type;
};

/* no_password refuses encrypted keys instead of prompting on a terminal. */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static bool
wrap(struct privkey **out, EVP_PKEY *pkey)
{
	int id = EVP_PKEY_get_base_id(pkey);
	if (id != EVP_PKEY_RSA && id != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return false;
	}
	struct privkey *k = malloc(sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return false;
	}
	k->pkey = pkey;
	k->type = id == EVP_PKEY_RSA ? PUBKEY_RSA : PUBKEY_ED25519;
	*out = k;
	return true;
}

bool
privkey_from_pem(struct privkey **out, struct span pem)
{
	if (pem.len > 1 << 20) {
		return false;
	}
	BIO *bio = BIO_new_mem_buf(pem.p, (int)pem.len);
	if (bio == NULL) {
		return false;
	}
	EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		ERR_clear_error();
		return false;
	}
	return wrap(out, pkey);
}

bool
privkey_generate(struct privkey **out, enum pubkey_type type, unsigned bits)
{
	EVP_PKEY *pkey = NULL;
	if (type == PUBKEY_RSA) {
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else {
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
	if (pkey == NULL) {
		ERR_clear_error();
		return false;
	}
	return wrap(out, pkey);
}

bool
privkey_to_pem(const struct privkey *k, char *buf, size_t cap, size_t *out_len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (bio == NULL) {
		return false;
	}
	bool ok = PEM_write_bio_PKCS8PrivateKey(
	              bio, k->pkey, NULL, NULL, 0, NULL, NULL) == 1;
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	if (ok && n > 0 && (size_t)n <= cap) {
		memcpy(buf, data, (size_t)n);
		*out_len = (size_t)n;
	} else {
		ok = false;
	}
	BIO_free(bio);
	return ok;
}

void
privkey_free(struct privkey *k)
{
	if (k == NULL) {
		return;
	}
	EVP_PKEY_free(k->pkey);
	free(k);
}

enum pubkey_type
privkey_get_type(const struct privkey *k)
{
	return k->type;
}

unsigned
privkey_bits(const struct privkey *k)
{
	int bits = EVP_PKEY_get_bits(k->pkey);
	return bits > 0 ? (unsigned)bits : 0;
}

bool
privkey_public_der(
    const struct privkey *k, uint8_t *out, size_t cap, size_t *out_len)
{
	if (k->type == PUBKEY_ED25519) {
		size_t n = cap;
		if (EVP_PKEY_get_raw_public_key(k->pkey, out, &n) != 1) {
			ERR_clear_error();
			return false;
		}
		*out_len = n;
		return true;
	}
	int n = i2d_PUBKEY(k->pkey, NULL);
	if (n <= 0 || (size_t)n > cap) {
		return false;
	}
	unsigned char *p = out;
	if (i2d_PUBKEY(k->pkey, &p) != n) {
		return false;
	}
	*out_len = (size_t)n;
	return true;
}

bool
privkey_sign_rsa(const struct privkey *k, enum digest_alg alg,
    struct span digest, uint8_t *out, size_t cap, size_t *out_len)
{
	if (k->type != PUBKEY_RSA) {
		return false;
	}
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (ctx == NULL) {
		return false;
	}
	size_t n = cap;
	bool ok = EVP_PKEY_sign_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_signature_md(ctx, crypto__md(alg)) == 1 &&
	    EVP_PKEY_sign(ctx, out, &n, digest.p, digest.len) == 1;
	EVP_PKEY_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return false;
	}
	*out_len = n;
	return true;
}

bool
privkey_sign_ed25519(const struct privkey *k, struct span msg, uint8_t out[64])
{
	if (k->type != PUBKEY_ED25519) {
		return false;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		return false;
	}
	size_t n = 64;
	bool ok = EVP_DigestSignInit_ex(
	              ctx, NULL, NULL, NULL, NULL, k->pkey, NULL) == 1 &&
	    EVP_DigestSign(ctx, out, &n, msg.p, msg.len) == 1 && n == 64;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
	}
	return ok;
}
