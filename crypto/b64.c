/*
 * b64.c - base64 decoding with folding white space (see b64.h).
 */
#include "crypto/b64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Byte classes for decoding: 0-63 the value of an alphabet character,
 * B64_FWS for folding white space, B64_PAD for "=", B64_BAD otherwise. */
enum { B64_FWS = 64, B64_PAD = 65, B64_BAD = 66 };

/* b64_class maps every byte to its class (generated from the alphabet
 * above: A-Z a-z 0-9 + / are 0-63, SP HTAB CR LF are B64_FWS, "=" is
 * B64_PAD, everything else B64_BAD). */
/* clang-format off */
static const uint8_t b64_class[256] = {
	66, 66, 66, 66, 66, 66, 66, 66, 66, 64, 64, 66, 66, 64, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	64, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 62, 66, 66, 66, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 66, 66, 66, 65, 66, 66,
	66,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 66, 66, 66, 66, 66,
	66, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
};
/* clang-format on */

static uint8_t
class_of(uint8_t c)
{
	return b64_class[c];
}

bool
b64_decode(uint8_t *out, size_t cap, size_t *out_len, struct span in)
{
	uint32_t acc = 0;
	size_t nq = 0;  /* characters in the current quantum */
	size_t pad = 0; /* "=" seen */
	size_t n = 0;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t v = class_of(in.p[i]);
		if (v == B64_FWS) {
			continue;
		}
		if (v == B64_PAD) {
			/* Padding fills the last quantum: "xx==" or "xxx=". */
			if (nq < 2 || nq + pad >= 4) {
				return false;
			}
			pad++;
			continue;
		}
		if (v == B64_BAD || pad > 0) {
			return false;
		}
		acc = (acc << 6) | (uint32_t)v;
		if (++nq == 4) {
			if (cap - n < 3) {
				return false;
			}
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
			nq = 0;
		}
	}
	if (nq == 0) {
		if (pad != 0) {
			return false;
		}
		*out_len = n;
		return true;
	}
	if (nq + pad != 4) {
		return false;
	}
	/* 2 characters carry 1 byte, 3 carry 2. */
	size_t extra = nq - 1;
	if (cap - n < extra) {
		return false;
	}
	acc <<= 6 * (4 - nq);
	out[n++] = (uint8_t)(acc >> 16);
	if (extra == 2) {
		out[n++] = (uint8_t)(acc >> 8);
	}
	*out_len = n;
	return true;
}

size_t
b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

size_t
b64_encode(char *out, const uint8_t *in, size_t len)
{
	size_t o = 0;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len) {
			v |= (uint32_t)in[i + 1] << 8;
		}
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}
