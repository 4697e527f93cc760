/*
 * fuzz_arc.c - ARC sets on arbitrary bytes: the input is a message, parsed
 * and evaluated by auth_verify (DKIM and the ARC chain) against a fixed
 * zone holding the ValiMail suite's test key, so that seals and AMSs can
 * verify when the fuzzer keeps a valid set.
 *
 * Invariants: the chain is none exactly when the message has no ARC field;
 * a pass has 1..50 instances, every AMS evaluated passing down to
 * oldest_pass and every seal passing; a fail names a reason, and an
 * instance within the chain when it broke at one; the instance list is
 * numbered 1..N.
 */
#include <string.h>

#include "auth/arc.h"
#include "canon/arena.h"
#include "dns/zone.h"
#include "tests/fuzz/fuzz.h"

static const char zone_text[] =
    "dummy._domainkey.example.org. TXT \"v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08"
    "a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+y"
    "z1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w"
    "3QIDAQAB\"\n";

FUZZ_TARGET(arc)
{
	static struct zone *z;
	static struct dkim_verifier *v;
	static struct arena a;
	if (z == NULL) {
		FUZZ_CHECK(crypto_init());
		z = zone_new();
		struct zone_error err;
		FUZZ_CHECK(
		    z != NULL && zone_add_text(z, SPAN_LIT(zone_text), &err));
		v = dkim_verifier_new();
		FUZZ_CHECK(v != NULL);
		arena_init(&a, (size_t)1 << 20);
	}
	struct dns_view view = zone_view(z);
	arena_reset(&a);
	struct msg m;
	if (msg_parse(&m, &a, data, size) != MSG_OK) {
		return 0;
	}
	struct dkim_outcome dk;
	struct arc_outcome arc;
	FUZZ_CHECK(auth_verify(v, &dk, &arc, &m, &view, 0, &a));
	FUZZ_CHECK(!dk.pending);
	bool any = false;
	static const char *const names[] = { "ARC-Seal",
		"ARC-Message-Signature", "ARC-Authentication-Results" };
	for (size_t i = 0; i < m.num_fields; i++) {
		for (size_t k = 0; k < 3; k++) {
			struct span n = span_make(names[k], strlen(names[k]));
			any = any || msg_field_is(&m.fields[i], n);
		}
	}
	FUZZ_CHECK((arc.result == ARC_NONE) == !any);
	FUZZ_CHECK(arc.num_instances <= ARC_MAX_SETS);
	for (size_t i = 0; i < arc.num_instances; i++) {
		FUZZ_CHECK(arc.inst[i].i == i + 1);
	}
	if (arc.result == ARC_PASS) {
		FUZZ_CHECK(arc.num_instances >= 1 && arc.reason == ARC_OK);
		FUZZ_CHECK(arc.oldest_pass >= 1 &&
		    arc.oldest_pass <= arc.num_instances);
		for (size_t i = 0; i < arc.num_instances; i++) {
			FUZZ_CHECK(arc.inst[i].as.verdict == AUTH_PASS);
			if (i + 1 >= arc.oldest_pass) {
				FUZZ_CHECK(
				    arc.inst[i].ams.verdict == AUTH_PASS);
			}
		}
	} else if (arc.result == ARC_FAIL) {
		FUZZ_CHECK(arc.reason != ARC_OK && arc.reason < ARC_R_NUM);
		FUZZ_CHECK(
		    arc.num_instances == 0 || arc.broken <= arc.num_instances);
	}
	return 0;
}
