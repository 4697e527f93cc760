/*
 * gen.h - internal declarations of corpusgen, the corpus generator.
 *
 * corpusgen writes a maildir of realistic, DKIM-signed messages, the zone
 * file with the public keys, and the verdicts authsweep must report for
 * every signature (corpus/README.md describes the outputs).  It is a
 * trusted tool, not part of authsweep: it reads only its own key files and
 * writes only under its output directory.
 *
 * Determinism: every random choice comes from struct rng (xoshiro256**,
 * seeded with splitmix64 from the seed and a per-message stream number),
 * and every number that shapes the output is computed with integer
 * arithmetic or with IEEE-754 basic operations only (gen_exp avoids libm),
 * so the same seed gives byte-identical output on any machine.
 *
 * Files: gen.c (command line, main loop, maildir and expectations),
 * util.c (PRNG, byte buffers, dates), words.c (vocabulary), text.c
 * (bodies), header.c (header fields), plan.c (which signatures, which
 * faults, which verdicts), sign.c (the DKIM signer), keys.c (key files and
 * the zone file), selpool.c (the numbered selector names of --selectors).
 */
#ifndef AUTHSWEEP_CORPUS_GEN_GEN_H
#define AUTHSWEEP_CORPUS_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/dkim.h"
#include "canon/mode.h"
#include "crypto/sign.h"

/* ---- util.c: PRNG -------------------------------------------------------- */

/* struct rng is a xoshiro256** generator. */
struct rng {
	uint64_t s[4];
};

/* rng_init seeds |r| from |seed| and |stream|: different streams of one
 * seed are independent sequences. */
void rng_init(struct rng *r, uint64_t seed, uint64_t stream);

/* rng_next returns the next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* rng_below returns a uniform value in [0, n); n must be > 0. */
uint32_t rng_below(struct rng *r, uint32_t n);

/* rng_range returns a uniform value in [lo, hi]; lo <= hi. */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);

/* rng_permille returns true with probability pm / 1000. */
bool rng_permille(struct rng *r, unsigned pm);

/* rng_normal returns an approximately standard normal value (the sum of
 * twelve uniforms minus six, so |value| < 6). */
double rng_normal(struct rng *r);

/* gen_exp returns e^x for |x| < 40 using only basic IEEE-754 operations,
 * so that the result is the same on every machine. */
double gen_exp(double x);

/* RNG_PICK returns a random element of the array |arr|. */
#define RNG_PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- util.c: byte buffers ------------------------------------------------ */

/* struct gbuf is a growable byte buffer with a sticky failure flag: once
 * an allocation fails, |failed| is set and later writes are dropped.
 * Owners check the flag once per message. */
struct gbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool failed;
};

/* gbuf_reserve makes room for |extra| more bytes; false on failure. */
bool gbuf_reserve(struct gbuf *b, size_t extra);
void gbuf_put(struct gbuf *b, const void *p, size_t n);
void gbuf_putc(struct gbuf *b, uint8_t c);
void gbuf_puts(struct gbuf *b, const char *s);
void gbuf_printf(struct gbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* gbuf_insert inserts |n| bytes at offset |off| (<= b->len). */
void gbuf_insert(struct gbuf *b, size_t off, const void *p, size_t n);
/* gbuf_clear empties |b| and clears its failure flag, keeping memory. */
void gbuf_clear(struct gbuf *b);
void gbuf_free(struct gbuf *b);

/* ---- util.c: dates ------------------------------------------------------- */

/* gbuf_date appends the RFC 5322 date-time of |t| (seconds since the
 * epoch) in the zone |zone_min| minutes east of UTC, e.g.
 * "Tue, 4 Mar 2025 13:05:07 +0100".  |weekday| adds the day name;
 * |zone_comment| adds a comment such as "(UTC)" after the zone. */
void gbuf_date(struct gbuf *b, int64_t t, int zone_min, bool weekday,
    const char *zone_comment);

/* ---- keys.c -------------------------------------------------------------- */

enum key_id {
	KEY_RSA512,
	KEY_RSA1024,
	KEY_RSA2048A,
	KEY_RSA2048B,
	KEY_RSA3072,
	KEY_RSA4096,
	KEY_ED25519A,
	KEY_ED25519B,
	KEY_NUM
};

/* struct keyring holds the private keys and their p= text. */
struct keyring {
	struct privkey *key[KEY_NUM];
	char *pub_b64[KEY_NUM]; /* NUL-terminated base64 of the p= value */
	unsigned bits[KEY_NUM];
};

enum sel_state {
	SEL_LIVE,    /* published with its key */
	SEL_REVOKED, /* published with an empty p= */
	SEL_ABSENT   /* deliberately not in the zone */
};

/* struct selector is one selector of a signing domain. */
struct selector {
	const char *name;
	enum key_id key; /* signing key; for revoked/absent, any key */
	enum sel_state state;
};

/* struct domain is a signing domain with its selectors by kind. */
struct domain {
	const char *name;
	const struct selector *rsa; /* live RSA selectors of >= 1024 bits */
	size_t num_rsa;
	const struct selector *ed; /* live Ed25519 selectors */
	size_t num_ed;
	const struct selector *weak;    /* a live 512-bit RSA selector */
	const struct selector *revoked; /* published with p= empty */
	const struct selector *absent;  /* never published */
	bool newsletter; /* sends list mail (List-Id, List-Unsubscribe) */
};

enum domain_id {
	DOM_EXAMPLE_COM,
	DOM_MAIL_EXAMPLE_NET,
	DOM_NEWS_EXAMPLE_ORG,
	DOM_ESP_EXAMPLE,
	DOM_SHOP_EXAMPLE_CO_UK,
	DOM_NUM
};

extern const struct domain gen_domains[DOM_NUM];

/* keys_load reads the PEM files of every key_id from |dir|.  On failure it
 * writes a one-line reason into |err| (capacity |err_len|). */
bool keys_load(struct keyring *kr, const char *dir, char *err, size_t err_len);

/* keys_free releases everything keys_load made. */
void keys_free(struct keyring *kr);

/* keys_zone appends the master file publishing every live and revoked
 * selector to |out|. */
void keys_zone(const struct keyring *kr, struct gbuf *out);

/* keys_txt appends the TXT rdata that selector |s| publishes (its key, or
 * an empty p= when it is revoked) to |out|, ending in a line break;
 * |style| varies the layout.  |s| must not be SEL_ABSENT. */
void keys_txt(struct gbuf *out, const struct keyring *kr,
    const struct selector *s, unsigned style);

/* ---- the message being built --------------------------------------------- */

/* enum hdr_id names the header fields a signature may cover. */
enum hdr_id {
	H_FROM,
	H_TO,
	H_CC,
	H_SUBJECT,
	H_DATE,
	H_MESSAGE_ID,
	H_MIME_VERSION,
	H_CONTENT_TYPE,
	H_CTE,
	H_REPLY_TO,
	H_LIST_ID,
	H_LIST_UNSUBSCRIBE,
	H_LIST_UNSUB_POST,
	H_IN_REPLY_TO,
	H_REFERENCES,
	H_KEYWORDS, /* may occur several times (RFC 5322 §3.6.5) */
	/* Fields that exist at signing time only in some messages, and that
	 * later hops add more of: a signature may list each once, never
	 * twice and never while absent. */
	H_RECEIVED,
	H_DKIM_SIGNATURE,
	H_NUM
};

/* hdr_names holds the lowercase name of each hdr_id. */
extern const char *const hdr_names[H_NUM];

/* struct message is a message under construction, stored with CRLF line
 * endings: |head| holds the header fields, each ending in CRLF; |body| the
 * body.  |no_separator| drops the empty line between them (only for an
 * empty body). */
struct message {
	struct gbuf head;
	struct gbuf body;
	bool no_separator;
};

/* message_prepend_field puts the field |text| (without line ending) on top
 * of the header. */
void message_prepend_field(struct message *m, const void *text, size_t len);

/* ---- words.c ------------------------------------------------------------- */

/* Each returns a random word (borrowed, static storage). */
const char *words_pick(struct rng *r);      /* an English word */
const char *words_pick_utf8(struct rng *r); /* a word with 8-bit UTF-8 */
const char *words_first_name(struct rng *r);
const char *words_last_name(struct rng *r);
const char *words_recipient(struct rng *r); /* a mailbox local part */

/* ---- text.c and header.c ------------------------------------------------- */

/* struct text_req says what content to make. */
struct text_req {
	uint64_t seq;
	const struct domain *from_domain; /* NULL: an unsigned sender */
	int64_t date;       /* composition time, for the Date field */
	size_t target_size; /* wanted size of the whole stored message */
};

/* struct text_info reports what text_build made. */
struct text_info {
	unsigned present;   /* bit (1 << hdr_id) per field present */
	bool body_has_text; /* the body holds at least one ASCII letter */
	bool odd_colon;     /* a field has WSP before its colon */
	char recipient[64]; /* the To address, for the trace fields */
	char from_addr[96];
};

enum sender_kind { KIND_PERSON, KIND_NEWS, KIND_SHOP };

/* struct text_ctx is what text.c and header.c share about one message. */
struct text_ctx {
	struct rng *r;
	enum sender_kind kind;
	bool utf8;         /* 8-bit UTF-8 text appears */
	bool double_space; /* two spaces after a full stop */
	const char *from_name;
	const char *to_name;
	const char *domain; /* the From domain */
};

/* text_build fills |m| (which must be empty) with author header fields
 * and a body. */
void text_build(struct message *m, struct text_info *info, struct rng *r,
    const struct text_req *req);

/* text_footer appends a mailing-list footer (starting with a line break)
 * to |body|. */
void text_footer(struct gbuf *body, struct rng *r);

/* header_build appends the author fields to m->head, with |ctype| and
 * |cte| (NULL: none) as the MIME fields, and records in |info| which
 * fields exist. */
void header_build(struct message *m, struct text_info *info,
    const struct text_req *req, const struct text_ctx *c, const char *ctype,
    const char *cte);

/* header_received appends one Received field (without line ending) for a
 * hop at time |t| to |out|; |final| marks the receiving MX. */
void header_received(struct gbuf *out, struct rng *r, int64_t t, bool final,
    const char *recipient);

/* header_field_value writes a plausible value for field |h|, used when a
 * field is added after signing. */
void header_field_value(struct gbuf *out, struct rng *r, enum hdr_id h);

/* ---- plan.c -------------------------------------------------------------- */

enum x_kind {
	X_NONE,   /* no x= */
	X_FAR,    /* years after t=: valid at arrival and today */
	X_WEEK,   /* a week after t=: valid at arrival, expired today */
	X_EXPIRED /* between t= and arrival: permerror/expired */
};

enum c_form {
	C_FULL,  /* c=header/body */
	C_BARE,  /* c=header, meaning header/simple */
	C_ABSENT /* no c=, meaning simple/simple */
};

#define PLAN_MAX_SIGS 3
#define PLAN_MAX_H 48

/* struct sig_plan is one signature to make and its expected verdict. */
struct sig_plan {
	const struct domain *dom;
	const struct selector *sel;
	enum key_id key; /* the signing key (for a live selector, its own) */
	enum dkim_alg alg;
	enum canon_mode hc, bc;
	enum c_form cform;
	char d[64]; /* d= as written (case may vary) */
	char s[32]; /* s= as written: sel->name, or a numbered name */
	bool has_t;
	int64_t t; /* signing time, also when t= is not written */
	enum x_kind xk;
	int64_t x;
	bool has_l;
	char auid[96]; /* i= value, empty when absent */
	bool q;        /* write q=dns/txt */
	bool extra_tag;
	bool b_first;     /* write b= before bh= */
	bool compact;     /* no space after ";" */
	bool trailing_sc; /* a ";" after the b= value */
	bool h_caps;      /* h= names capitalised */
	bool h_spaced;    /* h= uses " : " */
	const char *h[PLAN_MAX_H];
	size_t num_h;
	/* bug: the broken signer's body hash (--bugs), DKIM_DIAG_NONE for a
	 * sound one */
	enum dkim_diag bug;
	/* expectations, set by plan_expect */
	const char *result;
	const char *code;
};

/* struct msg_plan is every signature of one message, oldest first, and
 * the faults applied after signing. */
struct msg_plan {
	struct sig_plan sigs[PLAN_MAX_SIGS];
	size_t num_sigs;
	bool fault_body; /* a body byte changed */
	bool footer;     /* a list footer appended */
	int fault_hdr;   /* hdr_id changed or added, or -1 */
	bool fault_hdr_add;
};

/* plan_origin picks the From domain of a message; NULL for an unsigned
 * sender. */
const struct domain *plan_origin(struct rng *r, bool signed_msg);

/* plan_message chooses the signatures of a message from |origin|: how
 * many, which keys, which tags (except times, h= and l=, which
 * plan_sig_details sets at signing time). */
void plan_message(
    struct msg_plan *p, struct rng *r, const struct domain *origin);

/* plan_sig_details completes signature |s| at signing time |t|: h= from
 * the fields |present| (bit per hdr_id), l= when |body_has_text|, x=
 * relative to the arrival time |arrival|. */
void plan_sig_details(struct sig_plan *s, struct rng *r, int64_t t,
    int64_t arrival, unsigned present, bool body_has_text);

/* plan_faults chooses the faults applied after signing. */
void plan_faults(
    struct msg_plan *p, struct rng *r, unsigned present, bool body_has_text);

/* plan_sound says whether signature |s| would pass, were nothing done to
 * the message after signing: its key is published, it has not expired and
 * RFC 8301 allows its algorithm and key size. */
bool plan_sound(const struct sig_plan *s, const struct keyring *kr);

/* plan_diag returns the diagnosis authsweep must give signature |s| of
 * |p| (issue 7), or DKIM_DIAG_NONE: the signer's bug, a list footer past a
 * signature without l=, a Subject tag; none where the signature is not
 * hashed at all (no key, expired). */
enum dkim_diag plan_diag(const struct msg_plan *p, const struct sig_plan *s);

/* plan_expect sets the expected result and code of every signature. */
void plan_expect(struct msg_plan *p, const struct keyring *kr);

/* plan_c_text returns the c= text of |s|, or "simple/simple" when c= is
 * absent (as authsweep reports it). */
const char *plan_c_text(const struct sig_plan *s);

/* plan_a_text returns the a= text of |s|. */
const char *plan_a_text(const struct sig_plan *s);

/* ---- selpool.c ----------------------------------------------------------- */

/* SELPOOL_MAX bounds --selectors (a guard against typing mistakes). */
#define SELPOOL_MAX 10000000u

/* struct selpool_sel (selpool.c) is one selector and its names. */
struct selpool_sel;

/* struct selpool hands out the selector names of --selectors N: N names
 * "<selector>-<number>" (number 00000 to N-1), each bound, when first
 * used, to the selector whose key it publishes.  While unbound numbers
 * remain, every signature takes the next one; after that each selector
 * reuses its own names in turn.  Enough numbers are held back for the
 * selectors not yet used that each of them gets at least one. */
struct selpool {
	uint32_t max;    /* N; 0 when --selectors was not given */
	uint32_t next;   /* numbers bound so far */
	size_t unseen;   /* selectors with no name yet */
	uint32_t *owner; /* owner[n]: index in |sels| of number n */
	struct selpool_sel *sels;
	size_t num_sels;
};

/* selpool_min returns the smallest N --selectors accepts: one name per
 * selector of gen_domains. */
uint32_t selpool_min(void);

/* selpool_init prepares |p| for |max| names (0: leave every selector
 * name as it is).  False when out of memory. */
bool selpool_init(struct selpool *p, uint32_t max);

/* selpool_name replaces s->s with the numbered name |s| takes; it does
 * nothing when p->max is 0.  False when out of memory, or when s->sel is
 * not a selector of gen_domains (a programming error). */
bool selpool_name(struct selpool *p, struct sig_plan *s);

/* selpool_zone appends the records of every bound name that is not
 * deliberately absent to the master file |z|. */
void selpool_zone(
    const struct selpool *p, const struct keyring *kr, struct gbuf *z);

/* selpool_cleanup releases what selpool_init and selpool_name made. */
void selpool_cleanup(struct selpool *p);

/* ---- sign.c -------------------------------------------------------------- */

/* struct signer holds what signing reuses between messages. */
struct signer {
	struct digest d;
	struct arena a;
	struct gbuf scratch;
	struct gbuf field;
};

bool signer_init(struct signer *sg);
void signer_cleanup(struct signer *sg);

/* signer_sign signs |m| as |s| describes and prepends the DKIM-Signature
 * field.  It fails only on a programming error or when out of memory;
 * |err| then names the step. */
bool signer_sign(struct signer *sg, struct message *m, struct sig_plan *s,
    const struct keyring *kr, struct rng *r, const char **err);

#endif /* AUTHSWEEP_CORPUS_GEN_GEN_H */
