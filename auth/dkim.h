/*
 * dkim.h - DKIM signature verification (RFC 6376, RFC 8463, RFC 8301).
 *
 * dkim_verify evaluates every DKIM-Signature field of a parsed message and
 * produces one struct dkim_result per field, top to bottom.  It is a pure
 * function of its arguments: the message, a DNS view, the evaluation time
 * and an arena.  It never reads the clock, touches the network or keeps
 * state between messages (the per-thread struct dkim_verifier only holds
 * reusable hash contexts).
 *
 * Order of evaluation for one signature (RFC 6376 §6.1):
 *  1. tag list and every tag checked (§3.5); expiry judged at |now|;
 *  2. key fetched (§6.1.2) and its record checked (§3.6.1); keys are
 *     decoded once per run and attached to the DNS answer;
 *  3. RFC 8301: rsa-sha1, and RSA keys under 1024 bits, give "policy" (the
 *     cryptographic outcome is still computed and reported);
 *  4. body hash (§3.7), shared by all signatures with the same body
 *     canonicalization: one pass per canonicalization feeds every
 *     (hash, l=) pair;
 *  5. header hash and signature check.
 *
 * Signatures beyond DKIM_MAX_SIGS_EVALUATED are reported as neutral with
 * reason "skipped"; fields beyond DKIM_MAX_SIGS_LISTED are only counted.
 */
#ifndef AUTHSWEEP_AUTH_DKIM_H
#define AUTHSWEEP_AUTH_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/result.h"
#include "canon/arena.h"
#include "canon/limits.h"
#include "canon/mode.h"
#include "canon/msg.h"
#include "canon/span.h"
#include "canon/tagvalue.h"
#include "crypto/digest.h"
#include "crypto/pubkey.h"
#include "crypto/sign.h"
#include "dns/view.h"

/* enum dkim_alg is the a= tag. */
enum dkim_alg {
	DKIM_ALG_RSA_SHA1,
	DKIM_ALG_RSA_SHA256,
	DKIM_ALG_ED25519_SHA256
};

/* enum dkim_reason says why a signature got its verdict.  Each value has a
 * stable short code (dkim_reason_code, used in the compact output) and an
 * English text (dkim_reason_text). */
enum dkim_reason {
	DKIM_R_OK = 0,
	/* The signature field (RFC 6376 §3.5): permerror. */
	DKIM_R_SIG_SYNTAX,       /* tag list does not parse (§3.2) */
	DKIM_R_MISSING_TAG,      /* a required tag is absent */
	DKIM_R_BAD_VERSION,      /* v= is not "1" */
	DKIM_R_BAD_ALGORITHM,    /* a= unknown */
	DKIM_R_BAD_CANON,        /* c= unknown */
	DKIM_R_BAD_DOMAIN,       /* d= is not a domain name */
	DKIM_R_BAD_SELECTOR,     /* s= is not a selector */
	DKIM_R_BAD_HEADERS,      /* h= syntax or too many entries */
	DKIM_R_FROM_NOT_SIGNED,  /* h= lacks From (§3.5, §5.4) */
	DKIM_R_BAD_AUID,         /* i= syntax */
	DKIM_R_AUID_NOT_IN_SDID, /* i= domain not d= or below it */
	DKIM_R_BAD_LENGTH,       /* l= syntax or too large to represent */
	DKIM_R_LENGTH_EXCEEDS,   /* l= larger than the canonical body */
	DKIM_R_BAD_QUERY,        /* q= has no dns/txt */
	DKIM_R_BAD_TIME,         /* t= or x= syntax */
	DKIM_R_EXPIRY_BEFORE_TS, /* x= not greater than t= */
	DKIM_R_EXPIRED,          /* x= earlier than the evaluation time */
	DKIM_R_BAD_BASE64,       /* b= or bh= is not base64, or too long */
	DKIM_R_KEY_NAME,         /* s._domainkey.d is not a usable DNS name */
	/* The key (§3.6). */
	DKIM_R_KEY_TEMPFAIL,     /* DNS gave no answer: temperror */
	DKIM_R_NO_KEY,           /* NXDOMAIN or no TXT record: permerror */
	DKIM_R_KEY_SYNTAX,       /* key record tag list does not parse */
	DKIM_R_KEY_VERSION,      /* v= is not DKIM1 or not first */
	DKIM_R_KEY_REVOKED,      /* empty p= */
	DKIM_R_KEY_NO_P,         /* no p= tag */
	DKIM_R_KEY_TYPE,         /* k= unknown */
	DKIM_R_KEY_ALG_MISMATCH, /* k= does not match a= */
	DKIM_R_KEY_HASH,         /* h= of the key excludes the hash */
	DKIM_R_KEY_SERVICE,      /* s= of the key excludes email */
	DKIM_R_KEY_STRICT,       /* t=s and i= is a subdomain of d= */
	DKIM_R_KEY_DECODE,       /* p= is not a valid key */
	/* Local policy, RFC 8301: policy. */
	DKIM_R_RSA_SHA1,      /* rsa-sha1 is no longer acceptable */
	DKIM_R_KEY_TOO_SMALL, /* RSA key under RSA_MIN_BITS */
	DKIM_R_KEY_TOO_LARGE, /* RSA key over RSA_MAX_BITS */
	/* Cryptography: fail. */
	DKIM_R_BODY_HASH, /* bh= does not match the body */
	DKIM_R_SIGNATURE, /* b= does not verify */
	/* ARC fields (RFC 8617 §4.1): permerror. */
	DKIM_R_BAD_INSTANCE, /* i= is not an instance number 1..50 */
	DKIM_R_SEAL_H,       /* an ARC-Seal has h= (§4.1.3) */
	DKIM_R_BAD_CV,       /* cv= is not none, pass or fail */
	DKIM_R_AMS_SIGNS_AS, /* an AMS h= names ARC-Seal (§4.1.2) */
	/* Not evaluated. */
	DKIM_R_SKIPPED,  /* over DKIM_MAX_SIGS_EVALUATED: neutral */
	DKIM_R_INTERNAL, /* out of memory or OpenSSL failure */
	DKIM_R_NUM
};

/* dkim_reason_code returns the stable short code of |r| ("ok", "bh",
 * "sig", "nokey", ...). */
const char *dkim_reason_code(enum dkim_reason r);

/* dkim_reason_text returns an English sentence fragment for |r|. */
const char *dkim_reason_text(enum dkim_reason r);

/* struct dkim_sig is a parsed signature field.  Spans point into the
 * message; |b| and the h= array live in the arena. */
struct dkim_sig {
	const struct msg_field *field;
	struct tv_list tags;
	enum dkim_alg alg;
	enum digest_alg hash;
	enum pubkey_type key_type;
	enum canon_mode hcanon;
	enum canon_mode bcanon;
	struct span a, c, d, s;  /* raw tag values, empty when absent */
	struct span auid;        /* i= decoded; "@" + d when absent */
	struct span auid_domain; /* the domain part of auid */
	struct span *h;          /* h= field names, in order */
	size_t num_h;
	bool has_l, has_t, has_x;
	uint64_t l, t, x;
	const uint8_t *b; /* decoded b= */
	size_t b_len;
	uint8_t bh[DIGEST_MAX_BYTES]; /* decoded bh= */
	size_t bh_len;
	bool bh_too_long;     /* bh= longer than any digest: cannot match */
	struct span b_region; /* b= value region inside field->raw */
	/* missing names the first required tag found absent, for the
	 * reason text; a static string. */
	const char *missing;
	/* ARC fields: the instance (i=) and, for an ARC-Seal, cv=. */
	unsigned instance;
	struct span cv;
};

/* struct dkim_tag_rule says how one tag of a signature field is handled:
 * whether it must be present, and the function that checks and stores its
 * value.  DKIM-Signature and ARC-Message-Signature (RFC 8617 §4.1.2) share
 * the signature code through different rule tables. */
struct dkim_tag_rule {
	const char *name;
	bool required;
	enum dkim_reason (*parse)(
	    struct dkim_sig *sig, struct span value, struct arena *a);
};

struct dkim_sig_rules {
	const struct dkim_tag_rule *rules;
	size_t num_rules;
	/* finish checks relations between tags after all are parsed; may be
	 * NULL. */
	enum dkim_reason (*finish)(struct dkim_sig *sig, struct arena *a);
};

/* dkim_signature_rules is the rule table of DKIM-Signature fields;
 * arc_ams_rules of ARC-Message-Signature fields (RFC 8617 §4.1.2: the
 * DKIM-Signature tags, without v=, with i= the instance, and no From
 * requirement); arc_seal_rules of ARC-Seal fields (§4.1.3: a b cv d i s t,
 * no h=, relaxed header canonicalization implied). */
extern const struct dkim_sig_rules dkim_signature_rules;
extern const struct dkim_sig_rules arc_ams_rules;
extern const struct dkim_sig_rules arc_seal_rules;

/* dkim_sig_parse parses field |f| under |rules| into |*out|.  It returns
 * DKIM_R_OK or the reason the signature is unusable; |*out| keeps whatever
 * tags were read, for reporting. */
enum dkim_reason dkim_sig_parse(struct dkim_sig *out, struct arena *a,
    const struct msg_field *f, const struct dkim_sig_rules *rules);

/* struct dkim_key is a decoded key record (RFC 6376 §3.6.1), shared by all
 * threads once attached to its DNS answer. */
struct dkim_key {
	struct dns_decoded base;
	enum dkim_reason error; /* DKIM_R_OK when usable */
	enum pubkey_type type;
	struct pubkey *pk;
	unsigned bits;
	bool testing;                       /* t=y */
	bool strict;                        /* t=s */
	bool hash_allowed[DIGEST_NUM_ALGS]; /* h=, all when absent */
};

/* dkim_key_parse decodes one key record |txt| into a new key object.  It
 * returns NULL only when out of memory; an unusable record gives an object
 * with |error| set.  Free with key->base.free(&key->base). */
struct dkim_key *dkim_key_parse(struct span txt);

/* dkim_key_get returns the key for the TXT answer |rr| (status DNS_OK),
 * decoding it on first use and attaching it to |rr|.  When the answer holds
 * several records, the first usable one is chosen.  NULL when out of
 * memory.  Borrowed: valid as long as the DNS view. */
const struct dkim_key *dkim_key_get(const struct dns_rrset *rr);

/* dkim_key_name writes "<s>._domainkey.<d>" into |buf| (capacity |cap|) and
 * returns its span; the span is empty when the name is too long for DNS. */
struct span dkim_key_name(
    uint8_t *buf, size_t cap, struct span s, struct span d);

/* enum dkim_diag names a known way a signer or a later hop got a
 * signature wrong (issue 7): claimed only when the hash really matches
 * under that variant (auth/diagnose.c). */
enum dkim_diag {
	DKIM_DIAG_NONE = 0,
	DKIM_DIAG_RELAXED_EMPTY_BODY_CRLF,      /* relaxed "" hashed as CRLF */
	DKIM_DIAG_RELAXED_TRAILING_BLANK_LINES, /* relaxed kept them */
	DKIM_DIAG_TRAILING_WHITESPACE_KEPT,     /* relaxed kept line-end WSP */
	DKIM_DIAG_LF_LINE_ENDINGS,              /* hashed with LF, not CRLF */
	DKIM_DIAG_SIMPLE_TRAILING_BLANK_LINES,  /* simple kept them */
	DKIM_DIAG_BODY_APPENDED,     /* signed a prefix of the body */
	DKIM_DIAG_SUBJECT_TAG_ADDED, /* "[tag] " put before Subject */
	DKIM_DIAG_HEADER_ADDED,      /* another instance of a signed field */
	DKIM_DIAG_COUNT
};

/* dkim_diag_code returns the stable code ("body-appended"), or "" for
 * none; dkim_diag_text a short English description. */
const char *dkim_diag_code(enum dkim_diag d);
const char *dkim_diag_text(enum dkim_diag d);

/* struct dkim_result is the outcome for one DKIM-Signature field. */
struct dkim_result {
	enum auth_verdict verdict;
	enum dkim_reason reason;
	size_t field_index;     /* index in msg.fields */
	struct span d, s, a, c; /* raw tag values (borrowed from the message) */
	struct span auid;       /* decoded i= (borrowed; arena or message) */
	const char *detail;     /* static extra text, e.g. the missing tag */
	unsigned key_bits;      /* 0 when no key was decoded */
	enum pubkey_type key_type; /* valid when key_bits > 0 */
	bool pk_op;                /* a public-key verification was performed */
	bool testing;              /* the key has t=y */
	bool has_l;
	uint64_t l;
	uint64_t body_len; /* canonical body length, when hashed */
	/* crypto_checked/crypto_ok: for a policy verdict, whether the
	 * signature was checked and would otherwise have passed. */
	bool crypto_checked;
	bool crypto_ok;
	/* diag: for a failed body or header hash, the variant under which it
	 * does match; diag_bytes, for DKIM_DIAG_BODY_APPENDED, how many
	 * canonical body bytes follow the part that was signed. */
	enum dkim_diag diag;
	uint64_t diag_bytes;
};

/* struct dkim_outcome holds the results of one message. */
struct dkim_outcome {
	struct dkim_result *sigs; /* arena memory, header order */
	size_t num_sigs;
	size_t num_unlisted; /* fields beyond DKIM_MAX_SIGS_LISTED */
	/* hashed_bytes: bytes fed to each hash (SHA-1, SHA-256), body and
	 * headers; the bench prices them to compute the crypto floor. */
	uint64_t hashed_bytes[DIGEST_NUM_ALGS];
	/* pending: a key's DNS answer was DNS_PENDING.  Every key was still
	 * asked for, but nothing was hashed and the results are
	 * placeholders: evaluate the message again once the view's waits are
	 * answered. */
	bool pending;
};

/* struct dkim_verifier holds one thread's reusable hash contexts. */
struct dkim_verifier;

/* struct dkim_memo remembers public-key verification outcomes across
 * messages, so that copies of one message (the same signature over the
 * same canonical headers, only unsigned trace fields differing) cost one
 * public-key operation.  The outcome of verify(key, digest, signature) is a
 * function of exactly those three, so remembering it is exact: an entry
 * matches on the key object (each key is decoded once per run), the
 * digest's algorithm and bytes, and the signature bytes, all compared in
 * full.  The engine supplies one shared by all threads. */
struct dkim_memo {
	/* find returns 1 (verified), 0 (did not) or -1 (not known). */
	int (*find)(void *ctx, const void *key, int alg, struct span digest,
	    struct span sig);
	void (*store)(void *ctx, const void *key, int alg, struct span digest,
	    struct span sig, bool ok);
	/* body_find and body_store (both NULL for none) remember body hashes
	 * the same way: the hash of body canonicalization |bc| with hash
	 * |alg| up to |limit| (UINT64_MAX: all) is a function of the stored
	 * body bytes alone, so body_find answers only for a body equal byte
	 * for byte to one hashed before with the same three, filling |out|
	 * (at least DIGEST_MAX_BYTES), |*out_len| and |*canon_len|.  |bh|,
	 * the hash the signature claims, is where copies of one message
	 * meet; it narrows the search and decides nothing. */
	bool (*body_find)(void *ctx, struct span bh, int bc, int alg,
	    uint64_t limit, struct span body, uint8_t *out, size_t *out_len,
	    uint64_t *canon_len);
	void (*body_store)(void *ctx, struct span bh, int bc, int alg,
	    uint64_t limit, struct span body, const uint8_t *out,
	    size_t out_len, uint64_t canon_len);
	void *ctx;
};

/* dkim_verifier_set_memo makes |v| consult and fill |memo| (NULL: none);
 * |memo| must outlive |v|'s use. */
void dkim_verifier_set_memo(
    struct dkim_verifier *v, const struct dkim_memo *memo);

/* dkim_verifier_set_diagnose turns the diagnosis of failed hashes (on
 * by default; auth/diagnose.c) on or off for |v|. */
void dkim_verifier_set_diagnose(struct dkim_verifier *v, bool on);

/* dkim_verifier_memo_hits returns how many checks |v| answered from its
 * memo since it was made. */
uint64_t dkim_verifier_memo_hits(const struct dkim_verifier *v);

/* dkim_verifier_body_hits returns how many body hashes |v| took from its
 * memo instead of hashing. */
uint64_t dkim_verifier_body_hits(const struct dkim_verifier *v);

/* dkim_verifier_new returns a verifier, or NULL when out of memory. */
struct dkim_verifier *dkim_verifier_new(void);

/* dkim_verifier_free releases |v|; NULL is accepted. */
void dkim_verifier_free(struct dkim_verifier *v);

/* dkim_verify evaluates every DKIM-Signature field of |m| at time |now|
 * (seconds since the epoch), fetching keys through |dns| for that time, with
 * results and scratch data in |a|.  When a key is pending (out->pending),
 * the outcome is to be thrown away and the call repeated later.  It returns false only when the arena is exhausted
 * before any result could be recorded. */
bool dkim_verify(struct dkim_verifier *v, struct dkim_outcome *out,
    const struct msg *m, const struct dns_view *dns, int64_t now,
    struct arena *a);

/* dkim_hash_headers computes the header hash of RFC 6376 §3.7: the fields
 * named in |names| (each picked bottom-up, over-signed names contributing
 * nothing), each canonicalized with |hc| and followed by CRLF, then the
 * signature field |sig| canonicalized without a final CRLF.  |sig| must
 * already have its b= value removed.  Used by the verifier and by the
 * corpus generator's signer. */
bool dkim_hash_headers(struct digest *d, enum digest_alg alg,
    enum canon_mode hc, const struct msg *m, const struct span *names,
    size_t num_names, const struct msg_field *sig, struct arena *a,
    uint8_t *out, size_t *out_len);

/* dkim_diagnose_body names the known mistake (auth/diagnose.c) under
 * which |body|, of canonical length |canon_len| under |sig|'s body
 * canonicalization, hashes to |sig|'s bh=, or DKIM_DIAG_NONE; |*bytes| as
 * in struct dkim_result.diag_bytes.  For tools: it makes its own hash
 * contexts. */
enum dkim_diag dkim_diagnose_body(const struct dkim_sig *sig, struct span body,
    uint64_t canon_len, uint64_t *bytes);

/* dkim_canon_headers writes to |sink| the bytes dkim_hash_headers hashes
 * (|sig| NULL: the named fields alone); for `authsweep canon`. */
bool dkim_canon_headers(const struct byte_sink *sink, enum canon_mode hc,
    const struct msg *m, const struct span *names, size_t num_names,
    const struct msg_field *sig, struct arena *a);

/* dkim_hash_body hashes the canonical form of |body| under |bc| with |alg|,
 * limited to the first |limit| canonical bytes (UINT64_MAX: no limit),
 * and stores the full canonical length in |*canon_len|. */
bool dkim_hash_body(struct digest *d, enum digest_alg alg, enum canon_mode bc,
    uint64_t limit, struct span body, uint8_t *out, size_t *out_len,
    uint64_t *canon_len);

/* dkim_field_without_b builds, in |a|, a copy of signature field |f| with
 * the b= value region |b_region| (inside f->raw) removed, and stores it in
 * |*out|.  Returns false when out of memory. */
bool dkim_field_without_b(struct msg_field *out, struct arena *a,
    const struct msg_field *f, struct span b_region);

/* struct dkim_sign_params describes a signature to make.  The signer exists
 * for the corpus generator and the tests; authsweep itself only verifies. */
struct dkim_sign_params {
	const struct privkey *key;
	enum dkim_alg alg;
	enum canon_mode hcanon, bcanon;
	struct span d, s;
	struct span h;     /* the h= value, e.g. "from:to:subject" */
	struct span extra; /* more tags written verbatim before bh=, e.g.
			    * "i=@sub.example.com; q=dns/txt", or empty */
	bool has_l, has_t, has_x;
	uint64_t l, t, x;
	/* c_text, when not empty, replaces the c= value written (so that a
	 * test can write the short form "relaxed"); it must describe the same
	 * hcanon and bcanon. */
	struct span c_text;
	/* head, when not empty, replaces "DKIM-Signature: v=1; ": the field
	 * name, colon and the tags before a= (the ARC sealer writes
	 * "ARC-Message-Signature: i=N; "). */
	struct span head;
	/* body_bug, when not DKIM_DIAG_NONE, hashes the body the wrong way
	 * that diagnosis names (one of the body variants), as a broken signer
	 * would: for tests and the corpus generator. */
	enum dkim_diag body_bug;
};

/* dkim_hash_body_variant hashes |body| with the body variant |diag| of
 * |bc| (DKIM_DIAG_NONE: the correct canonicalization), up to |limit|
 * canonical bytes, into |out|.  False when the variant does not apply to
 * |bc| or the hash fails. */
bool dkim_hash_body_variant(struct digest *d, enum dkim_diag diag,
    enum digest_alg alg, enum canon_mode bc, uint64_t limit, struct span body,
    uint8_t *out, size_t *out_len);

/* dkim_sign computes a DKIM-Signature for |m| and returns the whole field,
 * "DKIM-Signature: ...", without a final line ending, in |*out| (arena
 * memory).  The field is meant to be prepended to the message.  Returns
 * false on failure. */
bool dkim_sign(struct span *out, struct digest *d, const struct msg *m,
    const struct dkim_sign_params *p, struct arena *a);

#endif /* AUTHSWEEP_AUTH_DKIM_H */
