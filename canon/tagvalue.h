/*
 * tagvalue.h - RFC 6376 §3.2 tag=value lists.
 *
 * One parser serves DKIM-Signature fields, DKIM key records and, later,
 * ARC-Seal, ARC-Message-Signature and DMARC records.  The grammar:
 *
 *   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *   tag-name  =  ALPHA *ALNUMPUNC          ; ALNUMPUNC = ALPHA / DIGIT / "_"
 *   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *   tval      =  1*VALCHAR                 ; VALCHAR = %x21-3A / %x3C-7E
 *
 * Tag names are case-sensitive.  A duplicate tag invalidates the whole list
 * (§3.2: "Tags with duplicate names MUST NOT occur within a single tag-list;
 * if a tag name does occur more than once, the entire tag-list is
 * invalid").  Values are returned as spans into the input with surrounding
 * FWS removed; interior FWS is kept, so callers that need it removed (base64,
 * colon lists) do so themselves.  Bytes 0x80-0xFF are accepted in values
 * (RFC 8616 allows UTF-8 in DKIM); control bytes, NUL included, are not.
 */
#ifndef AUTHSWEEP_CANON_TAGVALUE_H
#define AUTHSWEEP_CANON_TAGVALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "canon/limits.h"
#include "canon/span.h"

/* struct tv_tag is one tag-spec. */
struct tv_tag {
	struct span name;  /* tag-name */
	struct span value; /* tag-value without surrounding FWS; may be empty */
	/* region is everything between the "=" and the ";" that ends the
	 * tag-spec (or the end of input), FWS included.  DKIM empties exactly
	 * this region of b= before hashing the signature field (§3.7). */
	struct span region;
};

/* struct tv_list is a parsed tag list.  Tags keep their input order. */
struct tv_list {
	struct tv_tag tags[TV_MAX_TAGS];
	size_t num_tags;
};

enum tv_status {
	TV_OK,
	TV_ERR_EMPTY_SPEC,   /* ";;", a lone ";", or an empty list */
	TV_ERR_BAD_NAME,     /* tag-name does not match ALPHA *ALNUMPUNC */
	TV_ERR_NO_EQUALS,    /* tag-spec without "=" */
	TV_ERR_BAD_VALUE,    /* a byte not allowed in a tag-value */
	TV_ERR_DUPLICATE,    /* the same tag-name twice */
	TV_ERR_TOO_MANY_TAGS /* more than TV_MAX_TAGS tag-specs */
};

/* tv_parse parses |in| into |*out|.  |*out| is meaningful only on TV_OK;
 * its spans point into |in|. */
enum tv_status tv_parse(struct tv_list *out, struct span in);

/* tv_status_str returns a short English description of |st|. */
const char *tv_status_str(enum tv_status st);

/* tv_find returns the tag named |name| (case-sensitive), or NULL.  The
 * pointer is borrowed from |l|. */
const struct tv_tag *tv_find(const struct tv_list *l, const char *name);

/* tv_strip_fws copies |in| into |buf| (capacity |cap|) without any SP, HTAB,
 * CR or LF bytes and stores the result in |*out|.  It returns false if the
 * result does not fit. */
bool tv_strip_fws(struct span *out, uint8_t *buf, size_t cap, struct span in);

/* struct tv_iter walks a colon-separated list such as h=, s= or t= with FWS
 * allowed around each element (RFC 6376 §3.5 h=, §3.6.1 s=, t=). */
struct tv_iter {
	struct span rest;
	bool done;
};

/* tv_iter_init starts walking the colon list |in|. */
void tv_iter_init(struct tv_iter *it, struct span in);

/* tv_iter_next stores the next element, trimmed of FWS, in |*out|.  It
 * returns false at the end of the list.  Empty elements are returned as
 * empty spans so that callers can reject them. */
bool tv_iter_next(struct tv_iter *it, struct span *out);

#endif /* AUTHSWEEP_CANON_TAGVALUE_H */
