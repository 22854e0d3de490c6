/* ts_signwire — the ERR codes and argument rules signd and lib/ts_sign
 * share (docs/signd.md, "Protocol"). */
#include "ts_signwire.h"

#include <string.h>

static const char *const names[TS_SIGNWIRE_COUNT] = {
    [TS_SIGNWIRE_OK] = "OK",
    [TS_SIGNWIRE_BAD_REQUEST] = "BAD_REQUEST",
    [TS_SIGNWIRE_TOO_LONG] = "TOO_LONG",
    [TS_SIGNWIRE_TIMEOUT] = "TIMEOUT",
    [TS_SIGNWIRE_BUSY] = "BUSY",
    [TS_SIGNWIRE_NO_SERVICE] = "NO_SERVICE",
    [TS_SIGNWIRE_NO_READER] = "NO_READER",
    [TS_SIGNWIRE_NO_CARD] = "NO_CARD",
    [TS_SIGNWIRE_MANY_CARDS] = "MANY_CARDS",
    [TS_SIGNWIRE_CARD_REMOVED] = "CARD_REMOVED",
    [TS_SIGNWIRE_CARD_ERROR] = "CARD_ERROR",
    [TS_SIGNWIRE_PIN_WRONG] = "PIN_WRONG",
    [TS_SIGNWIRE_PIN_LOCKED] = "PIN_LOCKED",
    [TS_SIGNWIRE_INTERNAL] = "INTERNAL",
    [TS_SIGNWIRE_CARD_MISMATCH] = "CARD_MISMATCH",
};

/* The wire name of an error code ("INTERNAL" for a value out of range:
 * signd never writes a name the client cannot read). */
const char *ts_signwire_name(int err)
{
    if (err < 0 || err >= TS_SIGNWIRE_COUNT)
        return names[TS_SIGNWIRE_INTERNAL];
    return names[err];
}

/* The code named by the wire text name (len bytes, not NUL-terminated);
 * -1 if no code has that name. */
int ts_signwire_from_name(const char *name, size_t len)
{
    for (int i = 0; i < TS_SIGNWIRE_COUNT; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

/* True for len ASCII digits, all of them in [lo, hi] characters long. */
static bool digits_between(const char *s, size_t len, size_t lo, size_t hi)
{
    if (len < lo || len > hi)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The PIN rule of the card contract: 6 to 8 ASCII digits.  signd refuses
 * anything else before the card sees it; lib/ts_sign refuses it before
 * signd does, with its own message. */
bool ts_signwire_pin_ok(const char *pin, size_t len)
{
    return pin && digits_between(pin, len, TS_SIGNWIRE_PIN_MIN, TS_SIGNWIRE_PIN_MAX);
}

/* An expected card number on VERIFY/SIGN/DECRYPT: 1 to 32 digits. */
bool ts_signwire_card_no_ok(const char *no, size_t len)
{
    return no && digits_between(no, len, 1, TS_SIGNWIRE_CARD_NO_MAX);
}
