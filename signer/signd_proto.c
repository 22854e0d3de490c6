/* signd_proto — parse signd's request lines, name its error codes
 * (docs/signd.md).  Strict on purpose: one form per request, so a fuzzer
 * and a reader of the code can see every accepted input. */
#include "signd_proto.h"

#include "ts_crypto.h"

#include <string.h>
#include <strings.h>

/* One verb: its name and how many arguments follow it. */
struct verb_def {
    const char *name;
    enum signd_verb verb;
    int nargs;    /* reader, pin, hex in this order */
    bool card_no; /* may end with the expected card number */
};

static const struct verb_def verbs[] = {
    {"PING", SIGND_PING, 0, false},      {"STATUS", SIGND_STATUS, 0, false},
    {"CARDNO", SIGND_CARDNO, 1, false},  {"CERT", SIGND_CERT, 1, false},
    {"VERIFY", SIGND_VERIFY, 2, true},   {"SIGN", SIGND_SIGN, 3, true},
    {"DECRYPT", SIGND_DECRYPT, 3, true},
};

/* The wire name of an error code (lib/ts_signwire's table, which the
 * client reads with ts_signwire_from_name). */
const char *signd_err_code(int err)
{
    return ts_signwire_name(err);
}

/* Decode len hex digits (even, upper or lower case) into out; false on an
 * odd count, a non-hex byte or more than outsize bytes. */
bool signd_hex_decode(const char *s, size_t len, unsigned char *out, size_t outsize, size_t *outlen)
{
    return ts_crypto_unhex(s, len, false, out, outsize, outlen);
}

/* Lower-case hex of n bytes, NUL-terminated; returns the digits written or
 * 0 when out is too small (then out is "" if it has room for that). */
size_t signd_hex_encode(const unsigned char *p, size_t n, char *out, size_t outsize)
{
    static const char digits[] = "0123456789abcdef";
    if (outsize < 2 * n + 1) {
        if (outsize > 0)
            out[0] = '\0';
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
    return 2 * n;
}

static bool reader_literal(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* A reader name as one protocol token: bytes other than [A-Za-z0-9._-] as
 * %XX ("Virtual PCD 00 00" -> "Virtual%20PCD%2000%2000").  Returns the
 * length, or 0 if out is too small. */
size_t signd_reader_escape(const char *name, char *out, size_t outsize)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        size_t need = reader_literal(*p) ? 1 : 3;
        if (o + need >= outsize) {
            if (outsize > 0)
                out[0] = '\0';
            return 0;
        }
        if (need == 1) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = digits[*p >> 4];
            out[o++] = digits[*p & 15];
        }
    }
    if (o >= outsize)
        return 0;
    out[o] = '\0';
    return o;
}

/* Undo signd_reader_escape on a token of len bytes: the name must decode to
 * 1..outsize-1 printable ASCII bytes (space included). */
bool signd_reader_unescape(const char *tok, size_t len, char *out, size_t outsize)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tok[i];
        if (c == '%') {
            size_t one;
            if (len - i < 3 || !ts_crypto_unhex(tok + i + 1, 2, false, &c, 1, &one))
                return false;
            i += 2;
        } else if (!reader_literal(c)) {
            return false;
        }
        if (c < 0x20 || c > 0x7E || o + 1 >= outsize)
            return false;
        out[o++] = (char)c;
    }
    if (o == 0)
        return false;
    out[o] = '\0';
    return true;
}

/* Split line into at most max tokens separated by exactly one space; false
 * on an empty token (leading, trailing or double space) or too many. */
static bool split_tokens(const char *line, size_t len, const char **tok, size_t *toklen, int max,
                         int *ntok)
{
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ' ')
            continue;
        if (i == start || n == max)
            return false;
        tok[n] = line + start;
        toklen[n] = i - start;
        n++;
        start = i + 1;
    }
    *ntok = n;
    return true;
}

/* The PIN token (ts_signwire's rule) into out. */
static bool parse_pin(const char *s, size_t len, char *out)
{
    if (!ts_signwire_pin_ok(s, len))
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* Check every byte is printable ASCII or a space. */
static bool printable_line(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7E)
            return false;
    return true;
}

static const struct verb_def *find_verb(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strlen(verbs[i].name) == len && memcmp(verbs[i].name, s, len) == 0)
            return &verbs[i];
    return NULL;
}

/* An expected card number: 1..SIGND_CARD_NO_MAX digits. */
static bool parse_card_no(const char *s, size_t len, char *out)
{
    if (!ts_signwire_card_no_ok(s, len))
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* The reader, pin and hex arguments of a verb that has them. */
static int parse_args(const struct verb_def *v, const char **tok, const size_t *toklen,
                      struct signd_request *req, const char **why)
{
    if (v->nargs >= 1) {
        if (toklen[1] == 1 && tok[1][0] == '*')
            req->any_reader = true;
        else if (!signd_reader_unescape(tok[1], toklen[1], req->reader, sizeof req->reader))
            return *why = "bad reader name", SIGND_E_BAD_REQUEST;
    }
    if (v->nargs >= 2 && !parse_pin(tok[2], toklen[2], req->pin))
        return *why = "PIN must be 6 to 8 digits", SIGND_E_BAD_REQUEST;
    if (v->nargs >= 3) {
        size_t max = v->verb == SIGND_SIGN ? SIGND_E_LEN : SIGND_CIPHER_MAX;
        if (!signd_hex_decode(tok[3], toklen[3], req->data, max, &req->data_len))
            return *why = "bad hex argument", SIGND_E_BAD_REQUEST;
        if (v->verb == SIGND_SIGN && req->data_len != SIGND_E_LEN)
            return *why = "SIGN takes a 32-byte digest", SIGND_E_BAD_REQUEST;
        if (req->data_len < SIGND_CIPHER_MIN)
            return *why = "empty ciphertext", SIGND_E_BAD_REQUEST;
    }
    return SIGND_OK;
}

/* Parse one request line (len bytes, without its '\n') into req.  Returns
 * SIGND_OK or SIGND_E_BAD_REQUEST with *why a short English reason; req is
 * wiped on failure so no half-parsed PIN stays behind. */
int signd_parse_request(const char *line, size_t len, struct signd_request *req, const char **why)
{
    const char *tok[5];
    size_t toklen[5];
    int ntok = 0, rc = SIGND_E_BAD_REQUEST;
    memset(req, 0, sizeof *req);
    *why = "empty line";
    if (len == 0)
        goto out;
    *why = "line too long";
    if (len >= SIGND_LINE_MAX)
        goto out;
    *why = "only printable ASCII and single spaces";
    if (!printable_line(line, len) || !split_tokens(line, len, tok, toklen, 5, &ntok))
        goto out;
    const struct verb_def *v = find_verb(tok[0], toklen[0]);
    *why = "unknown verb";
    if (!v)
        goto out;
    *why = "wrong number of arguments";
    if (ntok != v->nargs + 1 && !(v->card_no && ntok == v->nargs + 2))
        goto out;
    req->verb = v->verb;
    rc = parse_args(v, tok, toklen, req, why);
    if (rc == SIGND_OK && ntok == v->nargs + 2 &&
        !parse_card_no(tok[ntok - 1], toklen[ntok - 1], req->card_no))
        *why = "card number must be 1 to 32 digits", rc = SIGND_E_BAD_REQUEST;
out:
    if (rc != SIGND_OK)
        signd_request_wipe(req);
    return rc;
}

/* Forget a request: the PIN and the data it carried. */
void signd_request_wipe(struct signd_request *req)
{
    explicit_bzero(req, sizeof *req);
}
