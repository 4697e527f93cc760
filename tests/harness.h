/*
 * harness.h - the prelude every cmocka test includes.
 *
 * cmocka 1.1 needs <stdarg.h>, <stddef.h>, <setjmp.h> and <stdint.h> before
 * <cmocka.h>; this header includes them in that order, plus small helpers
 * shared by the tests.
 */
#ifndef AUTHSWEEP_TESTS_HARNESS_H
#define AUTHSWEEP_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "canon/span.h"

/* S makes a span over a string literal, embedded NULs included. */
#define S(lit) span_make((lit), sizeof(lit) - 1)

/* ARRAY_LEN is the element count of a true array. */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* assert_span_equal fails unless |got| holds exactly |want_len| bytes equal
 * to |want|, printing both on failure. */
#define assert_span_equal(got, want, want_len)                                 \
	harness_assert_span((got), (want), (want_len), __FILE__, __LINE__)

void harness_assert_span(struct span got, const void *want, size_t want_len,
    const char *file, int line);

/* harness_read_file reads a whole file into a malloc'd buffer (NUL added
 * after the data) and returns it, storing the length in |*len|; NULL if it
 * cannot be read. */
char *harness_read_file(const char *path, size_t *len);

/* harness_hex_decode decodes the lowercase hex string |hex| into |out|
 * (at most |cap| bytes, asserted) and returns the byte count. */
size_t harness_hex_decode(uint8_t *out, size_t cap, const char *hex);

/* harness_crypto_setup and harness_crypto_teardown are group fixtures for
 * tests that use crypto/: crypto_init and crypto_cleanup. */
int harness_crypto_setup(void **state);
int harness_crypto_teardown(void **state);

#endif /* AUTHSWEEP_TESTS_HARNESS_H */
