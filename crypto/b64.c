/*
 * b64.c - base64 decoding with folding white space (see b64.h).
 */
#include "crypto/b64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* value returns the 6-bit value of |c|, or -1 if it is not in the alphabet. */
static int
value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

bool
b64_decode(uint8_t *out, size_t cap, size_t *out_len, struct span in)
{
	uint32_t acc = 0;
	size_t nq = 0;  /* characters in the current quantum */
	size_t pad = 0; /* "=" seen */
	size_t n = 0;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.p[i];
		if (span_is_fws(c)) {
			continue;
		}
		if (c == '=') {
			/* Padding fills the last quantum: "xx==" or "xxx=". */
			if (nq < 2 || nq + pad >= 4) {
				return false;
			}
			pad++;
			continue;
		}
		int v = value(c);
		if (v < 0 || pad > 0) {
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
