/*
 * limits.h - every protocol and resource limit in one place.
 *
 * Each limit has a reason: an RFC section, or the resource it protects.
 * Exceeding a limit always produces a specific result or reason code, never
 * a silent truncation.
 */
#ifndef AUTHSWEEP_CANON_LIMITS_H
#define AUTHSWEEP_CANON_LIMITS_H

/* MSG_MAX_BYTES caps one message held in memory.  Real mail tops out at the
 * tens of megabytes most servers accept; beyond this the message gets an
 * error record instead of being verified. */
#define MSG_MAX_BYTES ((size_t)256 << 20)

/* MSG_MAX_FIELDS caps the header field index of one message.  Each index
 * entry costs about 50 bytes while a field can be 2 bytes long, so the cap
 * bounds the index at a few megabytes whatever the input. */
#define MSG_MAX_FIELDS 100000

/* TV_MAX_TAGS caps the tags in one tag list (RFC 6376 §3.2).  DKIM defines
 * 14 signature tags and 7 key tags; 64 leaves room for extensions while
 * bounding the fixed-size tag array. */
#define TV_MAX_TAGS 64

/* DKIM_MAX_SIGS_EVALUATED is how many DKIM-Signature fields of one message
 * are verified; the rest are reported as skipped.  RFC 6376 §6.1: "Verifiers
 * SHOULD limit the number of signatures they attempt to validate." */
#define DKIM_MAX_SIGS_EVALUATED 10

/* ARC_MAX_SETS: RFC 8617 §5.2 step 1, more ARC sets than this make the
 * chain fail. */
#define ARC_MAX_SETS 50

/* ARC_MAX_AMS_EVALUATED is how many ARC-Message-Signatures of one message
 * are verified: the newest always (RFC 8617 §5.2 step 4), older ones, for
 * the oldest instance that still passes (step 5, a MAY), down to this
 * many. */
#define ARC_MAX_AMS_EVALUATED 8

/* DKIM_MAX_SIGS_LISTED caps the DKIM-Signature fields listed in one result
 * record; further fields are only counted, so that a hostile message cannot
 * inflate the results file. */
#define DKIM_MAX_SIGS_LISTED 64

/* DKIM_MAX_H_ENTRIES caps the field names in one h= list.  Real signers use
 * under 50 including over-signed names. */
#define DKIM_MAX_H_ENTRIES 256

/* DKIM_MAX_TIME_DIGITS: RFC 6376 §3.5 writes t= and x= as 1*12DIGIT. */
#define DKIM_MAX_TIME_DIGITS 12

/* DKIM_MAX_L_DIGITS: RFC 6376 §3.5 writes l= as 1*76DIGIT.  Values that do
 * not fit in 64 bits are rejected as larger than any body we hold. */
#define DKIM_MAX_L_DIGITS 76

/* RSA_MIN_BITS: RFC 8301 §3.2, verifiers "MUST NOT consider signatures using
 * RSA keys of less than 1024 bits as valid signatures". */
#define RSA_MIN_BITS 1024

/* RSA_MAX_BITS bounds the cost of one verification.  RFC 8301 §3.2 requires
 * verifiers to handle keys up to 4096 bits; larger keys up to this cap are
 * accepted, above it the result is policy. */
#define RSA_MAX_BITS 8192

/* SIG_MAX_BYTES caps a decoded b= value: an RSA signature is as long as the
 * modulus (RSA_MAX_BITS / 8), an Ed25519 signature is 64 bytes. */
#define SIG_MAX_BYTES (RSA_MAX_BITS / 8)

/* KEY_MAX_DER_BYTES caps a decoded p= value: an RSA SubjectPublicKeyInfo of
 * RSA_MAX_BITS is about 1,060 bytes. */
#define KEY_MAX_DER_BYTES 2048

/* DIGEST_MAX_BYTES is the largest digest we compute (SHA-256). */
#define DIGEST_MAX_BYTES 32

/* DNS_MAX_NAME: RFC 1035 §2.3.4, 255 octets in wire form, which is at most
 * 253 characters of presentation text without the final dot. */
#define DNS_MAX_NAME 253

/* DNS_MAX_LABEL: RFC 1035 §2.3.4, 63 octets per label. */
#define DNS_MAX_LABEL 63

/* DNS_MAX_TXT_STRING: RFC 1035 §3.3, a character-string is at most 255
 * octets. */
#define DNS_MAX_TXT_STRING 255

/* DNS_MAX_RDATA: RFC 1035 §3.2.1, RDLENGTH is 16 bits. */
#define DNS_MAX_RDATA 65535

/* ZONE_MAX_ENTRY caps one logical zone-file entry (a record, with all lines
 * joined by parentheses).  It is a bit more than the largest TXT rdata in
 * presentation form with every byte escaped as \DDD. */
#define ZONE_MAX_ENTRY (4 * DNS_MAX_RDATA + 1024)

/* ZONE_MAX_TTL: RFC 2181 §8, TTLs are 31-bit values. */
#define ZONE_MAX_TTL 2147483647u

/* ZONE_MAX_RRSET_BYTES caps the records of one name and type in a zone
 * snapshot, counted as stored record data plus 12 bytes of record header
 * each (a lower bound of their wire size).  An RRset larger than this cannot
 * fit in one DNS message (RFC 1035 §4.2.2: 16-bit message length), so it
 * could never be served; the cap also bounds the duplicate check done for
 * each added record. */
#define ZONE_MAX_RRSET_BYTES 65535

/* DATE_MAX_LEN caps the date-time text parsed from one Received field;
 * RFC 5322 dates with comments are under 100 bytes. */
#define DATE_MAX_LEN 256

#endif /* AUTHSWEEP_CANON_LIMITS_H */
