/* signd_proto — the request line signd reads on its unix socket, and the
 * answer lines it writes (docs/signd.md).  Pure functions: no I/O, no
 * PC/SC, no allocation, so the parser is fuzzed as it is
 * (tests/fuzz/fuzz_signd_proto.c).
 *
 * Request: one line `VERB [reader [pin [hex]]] [card-no]\n` (card-no:
 * optional, VERIFY/SIGN/DECRYPT only), single spaces, printable
 * ASCII, at most SIGND_LINE_MAX bytes with the '\n'.
 * Answer:  `OK[ value...]\n` or `ERR <CODE> <text>\n`. */
#ifndef SIGND_PROTO_H
#define SIGND_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "ts_signwire.h"

#define SIGND_LINE_MAX    1024 /* request line with its '\n' */
#define SIGND_ANSWER_MAX  8192 /* answer line with its '\n' */
#define SIGND_READER_MAX  127  /* reader name bytes (PC/SC MAX_READERNAME - 1) */
#define SIGND_PIN_MIN     TS_SIGNWIRE_PIN_MIN
#define SIGND_PIN_MAX     TS_SIGNWIRE_PIN_MAX
#define SIGND_E_LEN       32 /* e = SM3(Z_A || M) */
#define SIGND_CIPHER_MIN  1
#define SIGND_CIPHER_MAX  255 /* one short APDU; a 64-byte key needs ~180 */
#define SIGND_CERT_MAX    2048
#define SIGND_SIG_MAX     72
#define SIGND_PLAIN_MAX   64
#define SIGND_CARD_NO_MAX TS_SIGNWIRE_CARD_NO_MAX

enum signd_verb {
    SIGND_PING,
    SIGND_STATUS,
    SIGND_CARDNO,
    SIGND_CERT,
    SIGND_VERIFY,
    SIGND_SIGN,
    SIGND_DECRYPT,
};

/* The error codes of an ERR answer: lib/ts_signwire's, shared with the
 * client, under signd's short names. */
enum signd_err {
    SIGND_OK = TS_SIGNWIRE_OK,
    SIGND_E_BAD_REQUEST = TS_SIGNWIRE_BAD_REQUEST,
    SIGND_E_TOO_LONG = TS_SIGNWIRE_TOO_LONG,
    SIGND_E_TIMEOUT = TS_SIGNWIRE_TIMEOUT,
    SIGND_E_BUSY = TS_SIGNWIRE_BUSY,
    SIGND_E_NO_SERVICE = TS_SIGNWIRE_NO_SERVICE,
    SIGND_E_NO_READER = TS_SIGNWIRE_NO_READER,
    SIGND_E_NO_CARD = TS_SIGNWIRE_NO_CARD,
    SIGND_E_MANY_CARDS = TS_SIGNWIRE_MANY_CARDS,
    SIGND_E_CARD_REMOVED = TS_SIGNWIRE_CARD_REMOVED,
    SIGND_E_CARD_ERROR = TS_SIGNWIRE_CARD_ERROR,
    SIGND_E_PIN_WRONG = TS_SIGNWIRE_PIN_WRONG,
    SIGND_E_PIN_LOCKED = TS_SIGNWIRE_PIN_LOCKED,
    SIGND_E_INTERNAL = TS_SIGNWIRE_INTERNAL,
    SIGND_E_CARD_MISMATCH = TS_SIGNWIRE_CARD_MISMATCH,
    SIGND_E_COUNT = TS_SIGNWIRE_COUNT
};

struct signd_request {
    enum signd_verb verb;
    bool any_reader; /* "*": the one reader holding a card */
    char reader[SIGND_READER_MAX + 1];
    char pin[SIGND_PIN_MAX + 1];
    unsigned char data[SIGND_CIPHER_MAX]; /* e (SIGN) or ciphertext (DECRYPT) */
    size_t data_len;
    char card_no[SIGND_CARD_NO_MAX + 1]; /* VERIFY/SIGN/DECRYPT: expected 卡号, "" if none */
};

int signd_parse_request(const char *line, size_t len, struct signd_request *req, const char **why);
const char *signd_err_code(int err);
size_t signd_reader_escape(const char *name, char *out, size_t outsize);
bool signd_reader_unescape(const char *tok, size_t len, char *out, size_t outsize);
size_t signd_hex_encode(const unsigned char *p, size_t n, char *out, size_t outsize);
bool signd_hex_decode(const char *s, size_t len, unsigned char *out, size_t outsize,
                      size_t *outlen);
void signd_request_wipe(struct signd_request *req);

#endif
