/*
 * internal.h - declarations shared by the files of auth/ only.
 */
#ifndef AUTHSWEEP_AUTH_INTERNAL_H
#define AUTHSWEEP_AUTH_INTERNAL_H

#include "auth/dkim.h"

/* dkim__domain_ok reports whether |d| is an RFC 6376 domain-name: at least
 * two LDH labels (8-bit bytes allowed for U-labels). */
bool dkim__domain_ok(struct span d);

/* Tag handlers shared by the DKIM and ARC rule tables (see dkim_sig.c). */
enum dkim_reason dkim__tag_h(
    struct dkim_sig *sig, struct span v, struct arena *a);
enum dkim_reason dkim__tag_b(
    struct dkim_sig *sig, struct span v, struct arena *a);
enum dkim_reason dkim__tag_bh(
    struct dkim_sig *sig, struct span v, struct arena *a);

/* struct dkim__job is one signature field to verify under |rules|
 * (DKIM-Signature or ARC-Message-Signature), its result in |res|; |sig| is
 * set to the parsed signature. */
struct dkim__job {
	const struct msg_field *field;
	const struct dkim_sig_rules *rules;
	struct dkim_result *res;
	struct dkim_sig *sig;
};

/* dkim__collect lists the DKIM-Signature fields of |m| in |out| and adds
 * a job for each one to evaluate to |jobs| (DKIM_MAX_SIGS_EVALUATED
 * entries at most). */
bool dkim__collect(struct dkim_outcome *out, const struct msg *m,
    struct arena *a, struct dkim__job *jobs, size_t *num_jobs);

/* dkim__run verifies |jobs| together: every key first, then one body
 * pass per body canonicalization for all of them, then each header hash
 * and signature.  Bytes hashed are added to |hashed|; a pending key sets
 * |*pending| and nothing is hashed.  False only when out of memory. */
bool dkim__run(struct dkim_verifier *v, struct dkim__job *jobs, size_t num_jobs,
    const struct msg *m, const struct dns_view *dns, int64_t now,
    struct arena *a, uint64_t hashed[DIGEST_NUM_ALGS], bool *pending);

/* dkim__check_key fetches and checks the key of |sig| (RFC 6376 §6.1.2,
 * §3.6.1); false with |r| set when the signature cannot pass. */
bool dkim__check_key(struct dkim_result *r, const struct dkim_sig *sig,
    const struct dns_view *dns, int64_t now, const struct dkim_key **out_key,
    bool *pending);

/* dkim__policy_reason returns the RFC 8301 objection to |sig| under
 * |key|, or DKIM_R_OK. */
enum dkim_reason dkim__policy_reason(
    const struct dkim_sig *sig, const struct dkim_key *key);

/* dkim__header_digest returns the verifier's header hash context. */
struct digest *dkim__header_digest(struct dkim_verifier *v);

/* dkim__diagnose_body names the variant of |sig|'s body canonicalization
 * under which |body| (canonical length |canon_len|) hashes to its bh=,
 * or DKIM_DIAG_NONE; for DKIM_DIAG_BODY_APPENDED, |*bytes| is how many
 * canonical bytes follow the signed prefix.  |run| and |snap| are scratch
 * hashes; the bytes hashed are added to |*hashed| (auth/diagnose.c). */
enum dkim_diag dkim__diagnose_body(struct digest *run, struct digest *snap,
    const struct dkim_sig *sig, struct span body, uint64_t canon_len,
    uint64_t *bytes, uint64_t *hashed);

/* dkim__check_signature checks b= of |sig| over |digest| with |key|. */
bool dkim__check_signature(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, struct span digest);

/* dkim__verify_memo checks b= of |sig| over |digest| with |key|, through
 * the verifier's memo when it has one: |*known| is 1 or 0 when the memo
 * answered (no public-key operation), -1 when the check was made. */
bool dkim__verify_memo(struct dkim_verifier *v, const struct dkim_sig *sig,
    const struct dkim_key *key, struct span digest, int *known);

/* dkim__sign_digest signs the finished |digest| of algorithm |hash| with
 * |key| as |alg| asks (for the signers). */
bool dkim__sign_digest(const struct privkey *key, enum dkim_alg alg,
    enum digest_alg hash, struct span digest, uint8_t sig[SIG_MAX_BYTES],
    size_t *sig_len);

/* arc__seal_hash computes what the ARC-Seal of instance |i| of |m| signs
 * (RFC 8617 §5.1.1), with that seal's b= emptied, and its hash in
 * |*alg|.  For the sealer. */
bool arc__seal_hash(struct digest *d, const struct msg *m, unsigned i,
    struct arena *a, uint8_t *out, size_t *out_len, enum digest_alg *alg);

#endif /* AUTHSWEEP_AUTH_INTERNAL_H */
