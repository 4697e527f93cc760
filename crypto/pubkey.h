/*
 * pubkey.h - public keys decoded once into ready key objects, and the
 * signature checks that use them.
 *
 * A DKIM key record's p= decodes (base64) to:
 *  - RSA: a DER SubjectPublicKeyInfo (RFC 6376 §3.6.1).  A bare PKCS#1
 *    RSAPublicKey is accepted too: it is used in the wild and every major
 *    verifier takes it.
 *  - Ed25519: the raw 32-byte public key (RFC 8463 §4.2), nothing else.
 *
 * A struct pubkey is immutable after pubkey_decode and may be shared by any
 * number of threads; verification never modifies it.
 */
#ifndef AUTHSWEEP_CRYPTO_PUBKEY_H
#define AUTHSWEEP_CRYPTO_PUBKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"
#include "crypto/digest.h"

enum pubkey_type { PUBKEY_RSA = 0, PUBKEY_ED25519 = 1 };

enum pubkey_status {
	PUBKEY_OK,
	PUBKEY_ERR_DECODE,     /* the bytes are not a key of the stated type */
	PUBKEY_ERR_WRONG_TYPE, /* a valid key, but of another algorithm */
	PUBKEY_ERR_SIZE,       /* Ed25519 key that is not 32 bytes */
	PUBKEY_ERR_NOMEM
};

struct pubkey;

/* pubkey_decode builds a key of |type| from |der| and stores it in |*out|.
 * On success the caller owns |*out| and frees it with pubkey_free. */
enum pubkey_status pubkey_decode(
    struct pubkey **out, enum pubkey_type type, struct span der);

/* pubkey_status_str returns a short English description of |st|. */
const char *pubkey_status_str(enum pubkey_status st);

/* pubkey_free releases |k|; NULL is accepted. */
void pubkey_free(struct pubkey *k);

/* pubkey_get_type returns the algorithm of |k|. */
enum pubkey_type pubkey_get_type(const struct pubkey *k);

/* pubkey_bits returns the size of |k| in bits (the modulus for RSA, 256 for
 * Ed25519). */
unsigned pubkey_bits(const struct pubkey *k);

/* pubkey_verify_rsa checks an RSASSA-PKCS1-v1_5 signature |sig| over the
 * finished digest |digest| of algorithm |alg|.  It returns true only for a
 * valid signature; a malformed signature is simply not valid. */
bool pubkey_verify_rsa(const struct pubkey *k, enum digest_alg alg,
    struct span digest, struct span sig);

/* pubkey_verify_ed25519 checks a pure Ed25519 signature |sig| over |msg|.
 * RFC 8463 §3 signs the SHA-256 hash of the header data, so |msg| is that
 * 32-byte hash. */
bool pubkey_verify_ed25519(
    const struct pubkey *k, struct span msg, struct span sig);

/* struct pk_verifier holds one thread's reusable OpenSSL verification
 * contexts: creating and initializing an EVP_PKEY_CTX costs several
 * microseconds in OpenSSL 3, a fifth of an RSA-2048 verification, and
 * mail from one signer uses one key again and again.  Not shared between
 * threads. */
struct pk_verifier;

/* pk_verifier_new returns an empty context cache, or NULL when out of
 * memory. */
struct pk_verifier *pk_verifier_new(void);

/* pk_verifier_free releases |v| and its contexts; NULL is accepted. */
void pk_verifier_free(struct pk_verifier *v);

/* pk_verifier_rsa is pubkey_verify_rsa through a cached context.  A
 * context keeps its key alive, so |k| may be freed while cached. */
bool pk_verifier_rsa(struct pk_verifier *v, const struct pubkey *k,
    enum digest_alg alg, struct span digest, struct span sig);

/* pk_verifier_ed25519 is pubkey_verify_ed25519 through a context kept
 * initialized for its key. */
bool pk_verifier_ed25519(struct pk_verifier *v, const struct pubkey *k,
    struct span msg, struct span sig);

#endif /* AUTHSWEEP_CRYPTO_PUBKEY_H */
