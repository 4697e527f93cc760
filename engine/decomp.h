/*
 * decomp.h - reading a file as a byte stream, decompressing gzip and zstd.
 *
 * Mail archives are usually stored compressed.  decomp_open looks at the
 * first bytes of an open file: the gzip magic (1f 8b, RFC 1952) or the zstd
 * frame magic (28 b5 2f fd, RFC 8878) select a decompressor, anything else
 * is read as it is.  Concatenated gzip members and concatenated zstd frames
 * are read as one stream, as gzip(1) and zstd(1) do.
 *
 * Errors carry a message for the record of the message in progress: a
 * stream that ends inside a member or frame, or corrupt data, is an error,
 * after which the stream gives no more bytes.
 *
 * Memory is bounded: one input buffer (DECOMP_IN_BUF) and the library's
 * own window state.
 */
#ifndef AUTHSWEEP_ENGINE_DECOMP_H
#define AUTHSWEEP_ENGINE_DECOMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum decomp_kind { DECOMP_NONE, DECOMP_GZIP, DECOMP_ZSTD };

/* DECOMP_IN_BUF is the size of the compressed-input buffer. */
#define DECOMP_IN_BUF ((size_t)256 << 10)

struct decomp;

/* decomp_open starts reading the open file |fd| (from its current offset)
 * and detects the compression.  It takes ownership of |fd|: decomp_close
 * closes it, also on failure.  It returns 0, or -errno (-ENOMEM, or the
 * read error). */
int decomp_open(struct decomp **out, int fd);

/* decomp_get_kind returns what decomp_open detected. */
enum decomp_kind decomp_get_kind(const struct decomp *d);

/* decomp_read fills up to |cap| bytes of |buf| (|cap| must be greater than
 * 0) with decompressed data and returns how many; 0 means the end of a
 * complete stream.  On an error it
 * returns -1 and sets |*err| to an English message valid until decomp_close
 * ("gzip stream is truncated", "zstd: <library message>", "read error:
 * <strerror>"); every later call returns -1 with the same message. */
ssize_t decomp_read(
    struct decomp *d, uint8_t *buf, size_t cap, const char **err);

/* decomp_consumed returns the file bytes read so far (for progress). */
uint64_t decomp_consumed(const struct decomp *d);

/* decomp_close releases |d| and closes its file; NULL is accepted. */
void decomp_close(struct decomp *d);

#endif /* AUTHSWEEP_ENGINE_DECOMP_H */
