/*
 * fuzz_dnswire.c - the DNS response reader on arbitrary bytes.
 *
 * The first byte picks the type asked (TXT, A or AAAA); the rest is the
 * response.  Every input gives an answer; an OK answer has between 1 and
 * DNS_WIRE_MAX_RRS records, all of the size the type requires, with no
 * more bytes in all than the response holds; an error answer has a
 * reason and no records.
 */
#include "dns/wire.h"
#include "tests/fuzz/fuzz.h"

FUZZ_TARGET(dnswire)
{
	if (size < 1) {
		return 0;
	}
	static const enum dns_type types[] = { DNS_T_TXT, DNS_T_A, DNS_T_AAAA };
	enum dns_type t = types[data[0] % 3];
	struct dns_wire_chase chase;
	struct dns_rrset *rs =
	    dns_wire_answer_chase(span_make(data + 1, size - 1), t, &chase);
	FUZZ_CHECK(rs != NULL);
	/* A name to follow is one that could be asked: bounded, and made
	 * of letters, digits, '-', '_' and dots only. */
	FUZZ_CHECK(chase.len <= DNS_WIRE_MAX_NAME);
	FUZZ_CHECK(chase.len == 0 || rs->status == DNS_NODATA);
	for (size_t i = 0; i < chase.len; i++) {
		uint8_t c = chase.name[i];
		FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.');
	}
	if (rs->status == DNS_OK) {
		FUZZ_CHECK(rs->num_rrs >= 1 && rs->num_rrs <= DNS_WIRE_MAX_RRS);
		size_t total = 0;
		for (size_t i = 0; i < rs->num_rrs; i++) {
			size_t n = rs->rrs[i].len;
			FUZZ_CHECK(t != DNS_T_A || n == 4);
			FUZZ_CHECK(t != DNS_T_AAAA || n == 16);
			/* Touch every byte (ASan checks the bounds). */
			volatile uint8_t sink = 0;
			for (size_t k = 0; k < n; k++) {
				sink ^= rs->rrs[i].p[k];
			}
			(void)sink;
			total += n;
		}
		FUZZ_CHECK(total <= size);
	} else if (rs->status == DNS_TEMPFAIL) {
		FUZZ_CHECK(rs->reason != NULL && rs->num_rrs == 0);
	} else {
		FUZZ_CHECK(rs->num_rrs == 0);
	}
	dns_wire_free(rs);
	return 0;
}
