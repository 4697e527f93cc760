/*
 * sign.h - private keys and signing, for the corpus generator and tests.
 *
 * authsweep itself only verifies.  The corpus generator (corpus/gen) signs
 * the messages it writes, and the tests sign edge cases, through these
 * functions so that OpenSSL stays inside crypto/.
 */
#ifndef AUTHSWEEP_CRYPTO_SIGN_H
#define AUTHSWEEP_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"
#include "crypto/digest.h"
#include "crypto/pubkey.h"

struct privkey;

/* privkey_from_pem reads a PEM private key (PKCS#1 or PKCS#8 RSA, PKCS#8
 * Ed25519).  On success the caller owns |*out|. */
bool privkey_from_pem(struct privkey **out, struct span pem);

/* privkey_generate makes a new key: RSA with |bits| bits, or Ed25519 (|bits|
 * ignored).  On success the caller owns |*out|. */
bool privkey_generate(
    struct privkey **out, enum pubkey_type type, unsigned bits);

/* privkey_to_pem writes |k| as PKCS#8 PEM into |buf| (capacity |cap|) and
 * stores the length in |*out_len|.  It returns false if it does not fit. */
bool privkey_to_pem(
    const struct privkey *k, char *buf, size_t cap, size_t *out_len);

/* privkey_free releases |k|; NULL is accepted. */
void privkey_free(struct privkey *k);

/* privkey_get_type returns the algorithm of |k|. */
enum pubkey_type privkey_get_type(const struct privkey *k);

/* privkey_bits returns the key size in bits. */
unsigned privkey_bits(const struct privkey *k);

/* privkey_public_der writes the public half in the form a DKIM p= carries
 * (RSA: SubjectPublicKeyInfo DER; Ed25519: the raw 32 bytes) into |out|
 * (capacity |cap|). */
bool privkey_public_der(
    const struct privkey *k, uint8_t *out, size_t cap, size_t *out_len);

/* privkey_sign_rsa makes an RSASSA-PKCS1-v1_5 signature over the finished
 * digest |digest| of algorithm |alg| into |out| (capacity |cap|). */
bool privkey_sign_rsa(const struct privkey *k, enum digest_alg alg,
    struct span digest, uint8_t *out, size_t cap, size_t *out_len);

/* privkey_sign_ed25519 makes a pure Ed25519 signature over |msg| into |out|
 * (64 bytes). */
bool privkey_sign_ed25519(
    const struct privkey *k, struct span msg, uint8_t out[64]);

#endif /* AUTHSWEEP_CRYPTO_SIGN_H */
