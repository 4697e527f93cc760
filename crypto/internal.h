/*
 * internal.h - declarations shared by the files of crypto/ only.
 */
#ifndef AUTHSWEEP_CRYPTO_INTERNAL_H
#define AUTHSWEEP_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "crypto/digest.h"

/* crypto__md returns the algorithm fetched by crypto_init (borrowed). */
const EVP_MD *crypto__md(enum digest_alg alg);

#endif /* AUTHSWEEP_CRYPTO_INTERNAL_H */
