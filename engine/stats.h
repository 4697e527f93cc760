/*
 * stats.h - counters of a run, summed from each batch by the writer.
 */
#ifndef AUTHSWEEP_ENGINE_STATS_H
#define AUTHSWEEP_ENGINE_STATS_H

#include <stdint.h>

#include "auth/dkim.h"
#include "auth/result.h"

/* Public-key operations, by kind, for the crypto floor of the bench. */
enum pk_kind {
	PK_RSA1024, /* RSA up to 1024 bits */
	PK_RSA2048, /* up to 2048 */
	PK_RSA3072, /* up to 3072 */
	PK_RSA4096, /* up to 4096 */
	PK_RSA_BIG, /* larger */
	PK_ED25519,
	PK_NUM
};

struct run_stats {
	uint64_t messages;
	uint64_t errors; /* messages that could not be read or parsed */
	uint64_t unsigned_msgs;
	uint64_t msgs_with_pass;
	uint64_t sigs;
	uint64_t by_verdict[AUTH_NUM_VERDICTS];
	uint64_t bytes;                         /* message bytes verified */
	uint64_t hashed_bytes[DIGEST_NUM_ALGS]; /* bytes fed to each hash */
	uint64_t pk_ops[PK_NUM];
	uint64_t arc[3]; /* messages by ARC chain result, enum arc_result */
};

/* stats_add adds |b| into |a|. */
void stats_add(struct run_stats *a, const struct run_stats *b);

/* stats_count_dkim counts one message's DKIM outcome. */
void stats_count_dkim(struct run_stats *s, const struct dkim_outcome *o);

/* stats_count_arc counts one message's ARC outcome, and the public-key
 * checks of its seals and ARC-Message-Signatures (its hashing is counted
 * in the DKIM outcome it shares passes with). */
struct arc_outcome;
void stats_count_arc(struct run_stats *s, const struct arc_outcome *o);

/* stats_pk_name returns the bench name of |k| ("rsa2048", "ed25519"). */
const char *stats_pk_name(enum pk_kind k);

#endif /* AUTHSWEEP_ENGINE_STATS_H */
