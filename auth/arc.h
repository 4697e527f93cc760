/*
 * arc.h - ARC chain validation (RFC 8617 §5.2), together with DKIM.
 *
 * auth_verify evaluates a message's DKIM-Signature fields and its ARC
 * chain in one go, so that the ARC-Message-Signatures go through the DKIM
 * signature code (dkim_sig_parse with arc_ams_rules, the same key checks,
 * header hash and signature check) and share its body pass: a body
 * canonicalization and hash used by a DKIM signature and an AMS is
 * computed once.
 *
 * The chain (RFC 8617 §5.2):
 *  1. ARC sets are the ARC-Seal (AS), ARC-Message-Signature (AMS) and
 *     ARC-Authentication-Results (AAR) fields of one instance (i=).  None:
 *     "none".  More than ARC_MAX_SETS: fail.
 *  2. The newest AS says cv=fail: fail.
 *  3. Structure: every instance 1..N has exactly one of each field; no
 *     gaps, no repeats; cv=none at i=1 and cv=pass above.  Otherwise fail.
 *  4. The newest AMS must verify; older AMSs are verified too (down to
 *     ARC_MAX_AMS_EVALUATED) to report the oldest instance that passes.
 *  5. Every AS, newest first, must verify.  The seal of instance i signs,
 *     for j = 1..i, AAR(j), AMS(j), AS(j) in that order, relaxed, with b=
 *     of AS(i) emptied and no CRLF after it.
 *  6. Then "pass".
 * The outcome says which instance broke the chain and why.
 */
#ifndef AUTHSWEEP_AUTH_ARC_H
#define AUTHSWEEP_AUTH_ARC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/authres.h"
#include "auth/dkim.h"

enum arc_result { ARC_NONE, ARC_PASS, ARC_FAIL };

/* enum arc_reason says why a chain failed (ARC_OK for none and pass). */
enum arc_reason {
	ARC_OK,
	ARC_R_TOO_MANY,    /* more than ARC_MAX_SETS sets */
	ARC_R_INSTANCE,    /* an ARC field without a usable i= */
	ARC_R_DUPLICATE,   /* two fields of one kind for one instance */
	ARC_R_MISSING,     /* an instance lacks one of its three fields */
	ARC_R_GAP,         /* instances are not 1..N */
	ARC_R_NEWEST_FAIL, /* the newest seal says cv=fail */
	ARC_R_CV,          /* cv= is not none at i=1 or pass above */
	ARC_R_AMS,         /* the newest AMS does not verify */
	ARC_R_SEAL,        /* a seal does not verify */
	ARC_R_NUM
};

/* arc_result_str: "none", "pass", "fail".  arc_reason_code: a stable short
 * code; arc_reason_text: English. */
const char *arc_result_str(enum arc_result r);
const char *arc_reason_code(enum arc_reason r);
const char *arc_reason_text(enum arc_reason r);

/* struct arc_instance is one ARC set. */
struct arc_instance {
	unsigned i;
	struct dkim_result ams; /* through the DKIM code */
	struct dkim_result as;  /* the seal: d, s, a, verdict, reason */
	struct span cv;         /* the seal's cv= as written */
	struct span aar;        /* the AAR's value after "i=N;" */
	/* aar_parsed: the AAR read as RFC 8601 (aar_ok), so that a later
	 * stage can use what a trusted sealer recorded; aar_why says why
	 * it does not parse. */
	struct authres aar_parsed;
	bool aar_ok;
	const char *aar_why;
	bool ams_evaluated, as_evaluated;
};

struct arc_outcome {
	enum arc_result result;
	enum arc_reason reason;
	unsigned broken;      /* the instance that broke the chain, or 0 */
	unsigned oldest_pass; /* the oldest instance whose AMS passes, or 0 */
	size_t num_instances; /* N, when the structure holds */
	struct arc_instance *inst; /* num_instances entries, i = index + 1 */
};

/* auth_verify evaluates the DKIM signatures of |m| into |dkim| and its ARC
 * chain into |arc|, at time |now|, through |dns|.  A pending key sets
 * dkim->pending: nothing is settled then, evaluate again later.  Returns
 * false only when out of memory. */
bool auth_verify(struct dkim_verifier *v, struct dkim_outcome *dkim,
    struct arc_outcome *arc, const struct msg *m, const struct dns_view *dns,
    int64_t now, struct arena *a);

/* struct arc_seal_params describes an ARC set to add.  The sealer exists
 * for the corpus tools and the tests; authsweep itself only verifies. */
struct arc_seal_params {
	const struct privkey *key;
	enum dkim_alg alg;
	struct span d, s;
	struct span h;           /* the AMS h= value */
	struct span authserv_id; /* the AAR's authserv-id */
	struct span results;     /* the AAR's resinfos, e.g. "dkim=pass" */
	uint64_t t;
	unsigned i; /* the new instance: one more than the message has */
};

/* arc_seal makes the ARC set |p->i| for the message |text| (which carries
 * sets 1..i-1) and returns, in |*out| (arena memory), the three fields,
 * ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results, each
 * ending in CRLF, to put on top of the message.  The AMS and the seal are
 * relaxed; cv= is none for i=1, else pass.  Returns false on failure. */
bool arc_seal(struct span *out, struct digest *d, struct span text,
    const struct arc_seal_params *p, struct arena *a);

#endif /* AUTHSWEEP_AUTH_ARC_H */
