/*
 * b64.h - base64 (RFC 4648 §4) as DKIM writes it.
 *
 * DKIM's base64string (RFC 6376 §2.4) may carry folding white space between
 * any two characters, so the decoder skips SP, HTAB, CR and LF.  Everything
 * else is strict: only the base64 alphabet, "=" padding only at the end and
 * only as much as the length requires, and a total length that is a
 * multiple of four.
 */
#ifndef AUTHSWEEP_CRYPTO_B64_H
#define AUTHSWEEP_CRYPTO_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canon/span.h"

/* b64_decode decodes |in| into |out| (capacity |cap|) and stores the number
 * of bytes in |*out_len|.  It returns false on any syntax error or if the
 * result does not fit; |out| may then hold partial output. */
bool b64_decode(uint8_t *out, size_t cap, size_t *out_len, struct span in);

/* b64_encoded_len returns the length of the encoding of |len| bytes. */
size_t b64_encoded_len(size_t len);

/* b64_encode writes the padded encoding of |len| bytes at |in| to |out|,
 * which must hold b64_encoded_len(len) bytes, and returns that length.  No
 * NUL is written. */
size_t b64_encode(char *out, const uint8_t *in, size_t len);

#endif /* AUTHSWEEP_CRYPTO_B64_H */
