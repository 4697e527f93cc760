/*
 * result.h - verdict words shared by every protocol.
 *
 * The words are those of RFC 8601 §2.7; each protocol uses its subset
 * (DKIM: pass fail neutral policy temperror permerror, plus none for an
 * unsigned message).
 */
#ifndef AUTHSWEEP_AUTH_RESULT_H
#define AUTHSWEEP_AUTH_RESULT_H

enum auth_verdict {
	AUTH_NONE = 0,
	AUTH_PASS,
	AUTH_FAIL,
	AUTH_SOFTFAIL,
	AUTH_NEUTRAL,
	AUTH_POLICY,
	AUTH_TEMPERROR,
	AUTH_PERMERROR
};

#define AUTH_NUM_VERDICTS 8

/* auth_verdict_str returns the RFC 8601 word for |v|. */
const char *auth_verdict_str(enum auth_verdict v);

#endif /* AUTHSWEEP_AUTH_RESULT_H */
