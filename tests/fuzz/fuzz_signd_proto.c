/* libFuzzer target: signd_parse_request, the request line signd reads from
 * any client of its socket (signer/signd_proto.c, docs/signd.md).
 *
 * Input: the request line (without '\n').  On success the request must
 * hold what its verb promises (reader "*" or 1..127 printable bytes, PIN of
 * 6-8 digits, a 32-byte e, a 1..255-byte ciphertext, an optional expected
 * card number of 1..32 digits on VERIFY/SIGN/DECRYPT) and writing it again
 * in canonical form must parse to the same request; on failure the request
 * must be all zero (no half-parsed PIN left).  The same bytes also drive
 * the reader-name escaping and the hex codec round trips. */
#include "../../signer/signd_proto.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_signd_proto: invariant broken: %s\n", what);
        abort();
    }
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static int nargs_of(enum signd_verb v)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (verbs[i].verb == v)
            return verbs[i].nargs;
    return -1;
}

static const char *name_of(enum signd_verb v)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (verbs[i].verb == v)
            return verbs[i].name;
    return NULL;
}

/* The fields a verb promises. */
static void check_request(const struct signd_request *r)
{
    int nargs = nargs_of(r->verb);
    check(nargs >= 0, "verb is one of the table");
    if (nargs >= 1 && !r->any_reader) {
        size_t n = strlen(r->reader);
        check(n >= 1 && n <= SIGND_READER_MAX, "reader name 1..127 bytes");
        for (size_t i = 0; i < n; i++)
            check(r->reader[i] >= 0x20 && r->reader[i] <= 0x7E, "reader name printable");
    }
    if (nargs >= 2) {
        size_t n = strlen(r->pin);
        check(n >= SIGND_PIN_MIN && n <= SIGND_PIN_MAX, "PIN 6..8 bytes");
        for (size_t i = 0; i < n; i++)
            check(r->pin[i] >= '0' && r->pin[i] <= '9', "PIN digits");
    } else {
        check(r->pin[0] == '\0', "no PIN for a verb without one");
    }
    if (r->verb == SIGND_SIGN)
        check(r->data_len == SIGND_E_LEN, "SIGN carries 32 bytes");
    else if (r->verb == SIGND_DECRYPT)
        check(r->data_len >= SIGND_CIPHER_MIN && r->data_len <= SIGND_CIPHER_MAX,
              "DECRYPT ciphertext 1..255 bytes");
    else
        check(r->data_len == 0, "no data for other verbs");
    size_t cn = strlen(r->card_no);
    if (r->verb == SIGND_VERIFY || r->verb == SIGND_SIGN || r->verb == SIGND_DECRYPT) {
        check(cn <= SIGND_CARD_NO_MAX, "expected card number at most 32 digits");
        for (size_t i = 0; i < cn; i++)
            check(r->card_no[i] >= '0' && r->card_no[i] <= '9', "expected card number digits");
    } else {
        check(cn == 0, "no expected card number for other verbs");
    }
}

/* Write r in canonical form and parse it again: the same request. */
static void check_roundtrip(const struct signd_request *r)
{
    char line[SIGND_LINE_MAX * 2];
    int nargs = nargs_of(r->verb);
    size_t o = (size_t)snprintf(line, sizeof line, "%s", name_of(r->verb));
    if (nargs >= 1) {
        line[o++] = ' ';
        if (r->any_reader)
            line[o++] = '*';
        else
            o += signd_reader_escape(r->reader, line + o, sizeof line - o);
    }
    if (nargs >= 2)
        o += (size_t)snprintf(line + o, sizeof line - o, " %s", r->pin);
    if (nargs >= 3) {
        line[o++] = ' ';
        o += signd_hex_encode(r->data, r->data_len, line + o, sizeof line - o);
    }
    if (r->card_no[0])
        o += (size_t)snprintf(line + o, sizeof line - o, " %s", r->card_no);
    struct signd_request again;
    const char *why = NULL;
    int rc = signd_parse_request(line, o, &again, &why);
    check(rc == SIGND_OK, "canonical form parses");
    check(memcmp(&again, r, sizeof again) == 0, "canonical form parses to the same request");
}

/* Any printable name escapes to a token that unescapes to it; any bytes
 * hex-encode to digits that decode to them. */
static void check_codecs(const uint8_t *data, size_t size)
{
    char name[SIGND_READER_MAX + 1], tok[3 * SIGND_READER_MAX + 1], back[SIGND_READER_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < size && n < SIGND_READER_MAX; i++)
        if (data[i] >= 0x20 && data[i] <= 0x7E)
            name[n++] = (char)data[i];
    name[n] = '\0';
    if (n > 0) {
        size_t t = signd_reader_escape(name, tok, sizeof tok);
        check(t > 0, "escape fits 3x");
        check(signd_reader_unescape(tok, t, back, sizeof back), "escaped name unescapes");
        check(strcmp(back, name) == 0, "reader name round trip");
    }
    char hex[2 * 256 + 1];
    unsigned char raw[256];
    size_t m = size < 256 ? size : 256, got = 0;
    size_t h = signd_hex_encode(data, m, hex, sizeof hex);
    check(h == 2 * m, "hex length");
    check(signd_hex_decode(hex, h, raw, sizeof raw, &got), "hex decodes");
    check(got == m && memcmp(raw, data, m) == 0, "hex round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct signd_request req;
    const char *why = NULL;
    int rc = signd_parse_request((const char *)data, size, &req, &why);
    if (rc == SIGND_OK) {
        check_request(&req);
        check_roundtrip(&req);
    } else {
        check(rc == SIGND_E_BAD_REQUEST, "failure is BAD_REQUEST");
        check(why != NULL && *why, "failure has a reason");
        check(all_zero(&req, sizeof req), "failed request is wiped");
    }
    for (int e = 0; e < SIGND_E_COUNT; e++) {
        const char *code = signd_err_code(e);
        check(ts_signwire_from_name(code, strlen(code)) == e, "error code round trip");
    }
    check_codecs(data, size);
    return 0;
}
