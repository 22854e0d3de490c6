/* libFuzzer target: ts_sign_parse_answer, signd's answer line as the
 * portal reads it (lib/ts_sign.c, docs/signd.md).  signd is ours, but its
 * socket is a trust boundary worth checking: a bad answer must become
 * TS_SIGN_E_PROTO, never a read outside the line.
 *
 * Input: the answer line (without '\n').  On OK the value must lie inside
 * the line; on an error the code must be known, the Chinese message set,
 * and tries_left set only for PIN_WRONG (0..9) else -1. */
#include "ts_sign.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_signd_answer: invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ts_sign_error err;
    const char *value = NULL;
    size_t vlen = 0;
    const char *line = (const char *)data;
    int rc = ts_sign_parse_answer(line, size, &value, &vlen, &err);
    if (rc == TS_SIGN_OK) {
        check(err.code == TS_SIGN_OK, "OK leaves no error");
        check(vlen == 0 || (value >= line && value + vlen == line + size),
              "value is the tail of the line");
        check(size >= 2 && memcmp(line, "OK", 2) == 0, "OK answers start with OK");
        return 0;
    }
    check(rc == err.code, "returned code is err.code");
    check(rc > TS_SIGN_OK && rc <= TS_SIGN_E_CARD_MISMATCH, "known error code");
    check(err.message[0] != '\0', "Chinese message set");
    check(strlen(err.detail) < sizeof err.detail, "detail terminated");
    if (rc == TS_SIGN_E_PIN_WRONG)
        check(err.tries_left >= -1 && err.tries_left <= 9, "tries left 0..9 or unknown");
    else
        check(err.tries_left == -1, "tries left only for PIN_WRONG");
    return 0;
}
