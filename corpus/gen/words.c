/*
 * words.c - the vocabulary of the generated mail: English words, some
 * 8-bit UTF-8 words (RFC 6532 allows UTF-8 in header fields, RFC 6152 8-bit
 * bodies), personal names and recipient mailboxes.
 */
#include "corpus/gen/gen.h"

static const char *const english[] = { "the", "of", "and", "to", "in", "is",
	"that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
	"this", "are", "or", "from", "at", "which", "but", "have", "an", "they",
	"you", "were", "their", "one", "all", "we", "can", "her", "has",
	"there", "been", "if", "more", "when", "will", "would", "who", "so",
	"no", "report", "meeting", "project", "schedule", "update", "team",
	"budget", "review", "draft", "order", "delivery", "invoice", "account",
	"payment", "customer", "service", "quarter", "results", "please",
	"thanks", "attached", "agenda", "minutes", "deadline", "proposal",
	"contract", "weekend", "morning", "afternoon", "office", "garden",
	"kitchen", "library", "weather", "river", "mountain", "coffee",
	"travel", "ticket", "station", "airport", "hotel", "dinner", "lunch",
	"question", "answer", "problem", "solution", "version", "release",
	"server", "network", "database", "backup", "migration", "security",
	"password", "policy", "training", "workshop", "seminar", "conference",
	"speaker", "slides", "summary", "feedback", "survey", "newsletter",
	"offer", "discount", "shipping", "warehouse", "product", "catalogue",
	"season", "collection", "reminder", "appointment", "calendar",
	"invitation", "event", "community", "volunteer", "school", "children",
	"family", "holiday", "photo", "album", "concert", "music", "recipe",
	"bread", "cheese", "market", "bicycle", "repair", "window", "paint",
	"colour", "yellow", "green", "quickly", "slowly", "really", "probably",
	"certainly", "tomorrow", "yesterday", "today", "next", "last", "first",
	"second", "final", "new", "old", "good", "great", "small", "large",
	"important", "simple", "clear", "early", "late", "open", "closed",
	"ready", "available", "confirm", "send", "receive", "check", "discuss",
	"prepare", "finish", "start", "move", "call", "write", "read", "plan",
	"share", "keep", "leave", "bring", "think" };

static const char *const utf8_words[] = { "café", "naïve", "façade", "Grüße",
	"über", "año", "señor", "déjà", "crème", "brûlée", "Straße", "résumé",
	"Zürich", "København", "Łódź", "smörgåsbord", "Ærø", "jalapeño",
	"piñata", "fiancée", "naïveté", "€10", "±5", "東京", "日本語", "привет",
	"καλημέρα", "Ελλάδα", "İstanbul", "Ångström" };

static const char *const first_names[] = { "Alice", "Bob", "Carol", "David",
	"Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj",
	"Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter",
	"Yasmin", "Zoe", "Amir", "Bea", "Chen", "Dara", "Emeka", "Farah",
	"Goran", "Hana", "Ingrid" };

static const char *const last_names[] = { "Smith", "Jones", "Taylor", "Brown",
	"Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Garcia",
	"Martin", "Novak", "Kowalski", "Larsen", "Moreau", "Rossi", "Schmidt",
	"Tanaka", "Okafor", "Haddad", "Silva", "Nguyen", "Kim", "Patel",
	"Murphy", "Byrne", "Fischer", "Lindqvist", "Costa" };

static const char *const recipients[] = { "alice", "bob", "carol.jones", "dave",
	"e.walker", "frank", "grace.h", "info", "support", "sales", "heidi",
	"ivan.novak", "judy", "team", "accounts" };

const char *
words_pick(struct rng *r)
{
	return RNG_PICK(r, english);
}

const char *
words_pick_utf8(struct rng *r)
{
	return RNG_PICK(r, utf8_words);
}

const char *
words_first_name(struct rng *r)
{
	return RNG_PICK(r, first_names);
}

const char *
words_last_name(struct rng *r)
{
	return RNG_PICK(r, last_names);
}

const char *
words_recipient(struct rng *r)
{
	return RNG_PICK(r, recipients);
}
