/*
 * stats.c - counters of a run (see stats.h).
 */
#include "engine/stats.h"

#include "auth/arc.h"

void
stats_add(struct run_stats *a, const struct run_stats *b)
{
	a->messages += b->messages;
	a->errors += b->errors;
	a->unsigned_msgs += b->unsigned_msgs;
	a->msgs_with_pass += b->msgs_with_pass;
	a->sigs += b->sigs;
	for (size_t i = 0; i < AUTH_NUM_VERDICTS; i++) {
		a->by_verdict[i] += b->by_verdict[i];
	}
	a->bytes += b->bytes;
	for (size_t i = 0; i < DIGEST_NUM_ALGS; i++) {
		a->hashed_bytes[i] += b->hashed_bytes[i];
	}
	for (size_t i = 0; i < PK_NUM; i++) {
		a->pk_ops[i] += b->pk_ops[i];
	}
	for (size_t i = 0; i < 3; i++) {
		a->arc[i] += b->arc[i];
	}
}

static enum pk_kind
pk_kind_of(const struct dkim_result *r)
{
	if (r->key_type == PUBKEY_ED25519) {
		return PK_ED25519;
	}
	if (r->key_bits <= 1024) {
		return PK_RSA1024;
	}
	if (r->key_bits <= 2048) {
		return PK_RSA2048;
	}
	if (r->key_bits <= 3072) {
		return PK_RSA3072;
	}
	return r->key_bits <= 4096 ? PK_RSA4096 : PK_RSA_BIG;
}

void
stats_count_dkim(struct run_stats *s, const struct dkim_outcome *o)
{
	s->sigs += o->num_sigs + o->num_unlisted;
	for (size_t i = 0; i < DIGEST_NUM_ALGS; i++) {
		s->hashed_bytes[i] += o->hashed_bytes[i];
	}
	bool pass = false;
	for (size_t i = 0; i < o->num_sigs; i++) {
		const struct dkim_result *r = &o->sigs[i];
		s->by_verdict[r->verdict]++;
		pass = pass || r->verdict == AUTH_PASS;
		if (r->pk_op) {
			s->pk_ops[pk_kind_of(r)]++;
		}
	}
	s->unsigned_msgs += o->num_sigs == 0;
	s->msgs_with_pass += pass;
}

void
stats_count_arc(struct run_stats *s, const struct arc_outcome *o)
{
	s->arc[o->result]++;
	for (size_t i = 0; i < o->num_instances; i++) {
		const struct arc_instance *in = &o->inst[i];
		if (in->ams.pk_op) {
			s->pk_ops[pk_kind_of(&in->ams)]++;
		}
		if (in->as.pk_op) {
			s->pk_ops[pk_kind_of(&in->as)]++;
		}
	}
}

const char *
stats_pk_name(enum pk_kind k)
{
	static const char *const names[PK_NUM] = {
		[PK_RSA1024] = "rsa1024",
		[PK_RSA2048] = "rsa2048",
		[PK_RSA3072] = "rsa3072",
		[PK_RSA4096] = "rsa4096",
		[PK_RSA_BIG] = "rsa-big",
		[PK_ED25519] = "ed25519",
	};
	return (unsigned)k < PK_NUM ? names[k] : "?";
}
