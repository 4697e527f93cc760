/*
 * harness.c - helpers shared by the cmocka tests (see tests/harness.h).
 */
#include "tests/harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "crypto/digest.h"

static void
print_escaped(const char *label, const uint8_t *p, size_t len)
{
	fprintf(stderr, "  %s (%zu bytes): \"", label, len);
	for (size_t i = 0; i < len && i < 400; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			fputc(p[i], stderr);
		} else {
			fprintf(stderr, "\\x%02x", p[i]);
		}
	}
	fprintf(stderr, "%s\"\n", len > 400 ? "..." : "");
}

void
harness_assert_span(struct span got, const void *want, size_t want_len,
    const char *file, int line)
{
	if (span_eq(got, span_make(want, want_len))) {
		return;
	}
	print_escaped("got ", got.p, got.len);
	print_escaped("want", want, want_len);
	_fail(file, line);
}

char *
harness_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	while (buf != NULL) {
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (n < cap) {
			break;
		}
		cap *= 2;
		char *nb = realloc(buf, cap + 1);
		if (nb == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

size_t
harness_hex_decode(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	for (size_t i = 0; hex[i] != '\0'; i += 2) {
		int hi = hex_value(hex[i]);
		int lo = hex_value(hex[i + 1]);
		assert_true(hi >= 0 && lo >= 0 && n < cap);
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return n;
}

int
harness_crypto_setup(void **state)
{
	(void)state;
	return crypto_init() ? 0 : -1;
}

int
harness_crypto_teardown(void **state)
{
	(void)state;
	crypto_cleanup();
	return 0;
}
