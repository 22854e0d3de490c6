/* ts_signwire — what both ends of signd's line protocol (docs/signd.md)
 * must agree on, in one copy: the ERR codes and their wire names, the PIN
 * rule and the expected-card-number rule.  signd (signer/signd_proto.c)
 * and its client lib/ts_sign both link this file, so a code added or a
 * rule changed on one side is changed on the other. */
#ifndef TS_SIGNWIRE_H
#define TS_SIGNWIRE_H

#include <stdbool.h>
#include <stddef.h>

#define TS_SIGNWIRE_PIN_MIN     6
#define TS_SIGNWIRE_PIN_MAX     8
#define TS_SIGNWIRE_CARD_NO_MAX 32 /* digits of a card number (卡号), 13 on our cards */

/* The codes of an ERR answer, in wire order; ts_signwire_name gives the
 * wire name ("BAD_REQUEST", ...). */
enum ts_signwire_err {
    TS_SIGNWIRE_OK = 0,
    TS_SIGNWIRE_BAD_REQUEST,   /* not a request of the protocol */
    TS_SIGNWIRE_TOO_LONG,      /* line over the limit: connection closed */
    TS_SIGNWIRE_TIMEOUT,       /* client too slow: connection closed */
    TS_SIGNWIRE_BUSY,          /* too many clients, or the card held elsewhere */
    TS_SIGNWIRE_NO_SERVICE,    /* pcscd not reachable */
    TS_SIGNWIRE_NO_READER,     /* no such reader (or it is gone) */
    TS_SIGNWIRE_NO_CARD,       /* reader without card */
    TS_SIGNWIRE_MANY_CARDS,    /* reader "*" but several cards present */
    TS_SIGNWIRE_CARD_REMOVED,  /* card pulled or silent during the operation */
    TS_SIGNWIRE_CARD_ERROR,    /* unexpected answer: not our applet, bad data */
    TS_SIGNWIRE_PIN_WRONG,     /* detail starts with the tries left */
    TS_SIGNWIRE_PIN_LOCKED,    /* locked, or this wrong PIN used the last try */
    TS_SIGNWIRE_INTERNAL,      /* a bug of signd */
    TS_SIGNWIRE_CARD_MISMATCH, /* the card is not the expected card number */
    TS_SIGNWIRE_COUNT
};

const char *ts_signwire_name(int err);
int ts_signwire_from_name(const char *name, size_t len);
bool ts_signwire_pin_ok(const char *pin, size_t len);
bool ts_signwire_card_no_ok(const char *no, size_t len);

#endif
