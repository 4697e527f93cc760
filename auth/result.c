/*
 * result.c - RFC 8601 §2.7 result words, and the DKIM reason table.
 */
#include "auth/result.h"
#include "auth/dkim.h"

const char *
auth_verdict_str(enum auth_verdict v)
{
	switch (v) {
	case AUTH_NONE:
		return "none";
	case AUTH_PASS:
		return "pass";
	case AUTH_FAIL:
		return "fail";
	case AUTH_SOFTFAIL:
		return "softfail";
	case AUTH_NEUTRAL:
		return "neutral";
	case AUTH_POLICY:
		return "policy";
	case AUTH_TEMPERROR:
		return "temperror";
	case AUTH_PERMERROR:
		return "permerror";
	}
	return "none";
}

struct reason_info {
	const char *code;
	const char *text;
};

/* Codes are part of the compact output format (README.md): never change
 * one, only add. */
static const struct reason_info dkim_reasons[DKIM_R_NUM] = {
	[DKIM_R_OK] = { "ok", "signature verified" },
	[DKIM_R_SIG_SYNTAX] = { "syntax", "signature tag list does not parse" },
	[DKIM_R_MISSING_TAG] = { "missing", "signature lacks a required tag" },
	[DKIM_R_BAD_VERSION] = { "version", "signature v= is not 1" },
	[DKIM_R_BAD_ALGORITHM] = { "alg", "unknown signature algorithm" },
	[DKIM_R_BAD_CANON] = { "canon", "unknown canonicalization" },
	[DKIM_R_BAD_DOMAIN] = { "domain", "d= is not a domain name" },
	[DKIM_R_BAD_SELECTOR] = { "selector", "s= is not a selector" },
	[DKIM_R_BAD_HEADERS] = { "h", "h= is not a list of field names" },
	[DKIM_R_FROM_NOT_SIGNED] = { "nofrom", "From is not signed" },
	[DKIM_R_BAD_AUID] = { "i", "i= is not an identity" },
	[DKIM_R_AUID_NOT_IN_SDID] = { "i-domain",
	    "i= domain is not d= or a subdomain of it" },
	[DKIM_R_BAD_LENGTH] = { "l", "l= is not a usable number" },
	[DKIM_R_LENGTH_EXCEEDS] = { "l-exceeds",
	    "l= is larger than the canonical body" },
	[DKIM_R_BAD_QUERY] = { "q", "q= offers no dns/txt" },
	[DKIM_R_BAD_TIME] = { "time", "t= or x= is not a timestamp" },
	[DKIM_R_EXPIRY_BEFORE_TS] = { "x-before-t", "x= is not after t=" },
	[DKIM_R_EXPIRED] = { "expired", "signature expired" },
	[DKIM_R_BAD_BASE64] = { "base64", "b= or bh= is not valid base64" },
	[DKIM_R_KEY_NAME] = { "keyname", "key name is too long for DNS" },
	[DKIM_R_KEY_TEMPFAIL] = { "dns", "key lookup failed" },
	[DKIM_R_NO_KEY] = { "nokey", "no key" },
	[DKIM_R_KEY_SYNTAX] = { "key-syntax", "key record does not parse" },
	[DKIM_R_KEY_VERSION] = { "key-version", "key v= is not DKIM1" },
	[DKIM_R_KEY_REVOKED] = { "revoked", "key revoked (empty p=)" },
	[DKIM_R_KEY_NO_P] = { "key-nop", "key record has no p=" },
	[DKIM_R_KEY_TYPE] = { "key-type", "unknown key type k=" },
	[DKIM_R_KEY_ALG_MISMATCH] = { "key-alg", "key type does not match a=" },
	[DKIM_R_KEY_HASH] = { "key-hash", "key h= does not allow the hash" },
	[DKIM_R_KEY_SERVICE] = { "key-service", "key s= excludes email" },
	[DKIM_R_KEY_STRICT] = { "key-strict",
	    "key t=s forbids an i= subdomain" },
	[DKIM_R_KEY_DECODE] = { "key-decode", "key p= is not a valid key" },
	[DKIM_R_RSA_SHA1] = { "sha1", "rsa-sha1 is not acceptable (RFC 8301)" },
	[DKIM_R_KEY_TOO_SMALL] = { "key-small",
	    "RSA key under 1024 bits (RFC 8301)" },
	[DKIM_R_KEY_TOO_LARGE] = { "key-large", "RSA key over 8192 bits" },
	[DKIM_R_BODY_HASH] = { "bh", "body hash did not verify" },
	[DKIM_R_SIGNATURE] = { "sig", "signature did not verify" },
	[DKIM_R_BAD_INSTANCE] = { "instance",
	    "i= is not an ARC instance (1 to 50)" },
	[DKIM_R_SEAL_H] = { "seal-h", "ARC-Seal has an h= tag" },
	[DKIM_R_BAD_CV] = { "cv", "cv= is not none, pass or fail" },
	[DKIM_R_AMS_SIGNS_AS] = { "ams-signs-as",
	    "ARC-Message-Signature signs ARC-Seal" },
	[DKIM_R_SKIPPED] = { "skipped", "not evaluated: signature limit" },
	[DKIM_R_INTERNAL] = { "internal", "internal error" },
};

const char *
dkim_reason_code(enum dkim_reason r)
{
	return (unsigned)r < DKIM_R_NUM ? dkim_reasons[r].code : "unknown";
}

const char *
dkim_reason_text(enum dkim_reason r)
{
	return (unsigned)r < DKIM_R_NUM ? dkim_reasons[r].text : "unknown";
}
