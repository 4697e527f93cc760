#!/usr/bin/env bash
# Live DNS tests: NSD serves tests/dns/example.test.zone on loopback and
# the resolver tests (a cmocka binary, $RESOLVER_TEST) query it for real.
# Needs Debian's nsd and python3.  Set by make dns-test.
set -euo pipefail
: "${RESOLVER_TEST:?}" "${LIVE_TEST:?}"
cd "$(dirname "$0")/../.."
. tests/dns/nsd.sh
W=build/dns-test
rm -rf "$W"
trap nsd_stop EXIT
nsd_start "$W/nsd" example.test tests/dns/example.test.zone \
	broken.test tests/dns/broken.test.zone \
	keys.test tests/dns/keys.test.zone other.test tests/dns/other.test.zone
AUTHSWEEP_TEST_DNS=127.0.0.1:$NSD_PORT "$RESOLVER_TEST"
AUTHSWEEP_TEST_DNS=127.0.0.1:$NSD_PORT "$LIVE_TEST"
nsd_stop
tests/dns/engine.sh
