/*
 * fuzz_dkim_key.c - DKIM key records on arbitrary bytes.
 *
 * dkim_key_parse must accept any TXT record without crashing, and a record
 * it calls usable must carry a key of a consistent type and size.
 */
#include "auth/dkim.h"
#include "crypto/digest.h"
#include "tests/fuzz/fuzz.h"

FUZZ_TARGET(dkim_key)
{
	static int ready;
	if (!ready) {
		FUZZ_CHECK(crypto_init());
		ready = 1;
	}
	struct dkim_key *k = dkim_key_parse(span_make(data, size));
	FUZZ_CHECK(k != NULL);
	FUZZ_CHECK((unsigned)k->error < DKIM_R_NUM);
	if (k->error == DKIM_R_OK) {
		FUZZ_CHECK(k->pk != NULL);
		FUZZ_CHECK(pubkey_get_type(k->pk) == k->type);
		FUZZ_CHECK(k->type != PUBKEY_ED25519 || k->bits == 256);
	} else {
		FUZZ_CHECK(k->pk == NULL || k->error != DKIM_R_OK);
	}
	k->base.free(&k->base);
	return 0;
}
