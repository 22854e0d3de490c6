/* ts_sign — the portal's client of signd, the card signing daemon
 * (docs/signd.md).  Programs never call PC/SC; they ask signd over its unix
 * socket: which readers and cards there are, the card number (卡号), the
 * card's certificate, a PIN check, an SM2 signature of e = SM3(Z_A || M),
 * and the decryption of an SM2-sealed session key.
 *
 * Each call opens one connection, sends one request line, reads one answer
 * and closes, all under one deadline (opts.timeout_ms).  reader NULL means
 * opts.reader (config sign.reader), and that NULL or "*" the one reader
 * holding a card; ts_sign_find_card finds the reader of a given card.  On failure a call returns
 * the error code and fills err: a Chinese message for the page and signd's English detail for the
 * log.  The caller wipes its own copy of a PIN; ts_sign wipes the lines it built. */
#ifndef TS_SIGN_H
#define TS_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#define TS_SIGN_READER_MAX 127
#define TS_SIGN_READERS    16
#define TS_SIGN_CARD_NO    32 /* bytes of a card number, 13 on our cards */
#define TS_SIGN_CERT_MAX   2048
#define TS_SIGN_SIG_MAX    72
#define TS_SIGN_PLAIN_MAX  64
#define TS_SIGN_CIPHER_MAX 255

/* Error codes: the first ones are ts_sign's own, the rest are signd's ERR
 * codes of the same name. */
enum ts_sign_err {
    TS_SIGN_OK = 0,
    TS_SIGN_E_CONNECT,       /* signd not running / socket missing */
    TS_SIGN_E_IO,            /* signd did not answer in time or hung up */
    TS_SIGN_E_PROTO,         /* an answer that is not signd's protocol */
    TS_SIGN_E_ARG,           /* our caller's input: PIN format, sizes */
    TS_SIGN_E_BAD_REQUEST,   /* signd: BAD_REQUEST, TOO_LONG (a bug of ours) */
    TS_SIGN_E_TIMEOUT,       /* signd: TIMEOUT */
    TS_SIGN_E_BUSY,          /* signd: BUSY */
    TS_SIGN_E_NO_SERVICE,    /* signd: NO_SERVICE (pcscd down) */
    TS_SIGN_E_NO_READER,     /* signd: NO_READER */
    TS_SIGN_E_NO_CARD,       /* signd: NO_CARD */
    TS_SIGN_E_MANY_CARDS,    /* signd: MANY_CARDS */
    TS_SIGN_E_CARD_REMOVED,  /* signd: CARD_REMOVED (pulled mid-operation) */
    TS_SIGN_E_CARD_ERROR,    /* signd: CARD_ERROR */
    TS_SIGN_E_PIN_WRONG,     /* signd: PIN_WRONG; err.tries_left set */
    TS_SIGN_E_PIN_LOCKED,    /* signd: PIN_LOCKED */
    TS_SIGN_E_INTERNAL,      /* signd: INTERNAL */
    TS_SIGN_E_CARD_MISMATCH, /* signd: CARD_MISMATCH (another card than the expected 卡号) */
};

struct ts_sign_error {
    int code;
    int tries_left;    /* PIN_WRONG only, else -1 */
    char message[256]; /* Chinese, for the user */
    char detail[200];  /* signd's own words, for the log */
};

struct ts_sign_opts {
    const char *socket; /* signd's socket path */
    int timeout_ms;     /* whole call: connect, request, answer */
    const char *reader; /* for reader NULL in the calls; NULL = "*" */
};

struct ts_sign_reader {
    char name[TS_SIGN_READER_MAX + 1];
    bool card_present;
};

void ts_sign_opts_from_config(struct ts_sign_opts *o);
int ts_sign_status(const struct ts_sign_opts *o, struct ts_sign_reader *readers, int max, int *n,
                   struct ts_sign_error *err);
int ts_sign_find_card(const struct ts_sign_opts *o, const char *card_no,
                      char reader[TS_SIGN_READER_MAX + 1], struct ts_sign_error *err);
int ts_sign_card_no(const struct ts_sign_opts *o, const char *reader,
                    char card_no[TS_SIGN_CARD_NO + 1], struct ts_sign_error *err);
int ts_sign_cert(const struct ts_sign_opts *o, const char *reader,
                 unsigned char der[TS_SIGN_CERT_MAX], size_t *der_len, struct ts_sign_error *err);
int ts_sign_verify_pin(const struct ts_sign_opts *o, const char *reader, const char *pin,
                       struct ts_sign_error *err);
int ts_sign_digest(const struct ts_sign_opts *o, const char *reader, const char *pin,
                   const unsigned char e[32], unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                   struct ts_sign_error *err);
int ts_sign_decrypt(const struct ts_sign_opts *o, const char *reader, const char *pin,
                    const unsigned char *cipher, size_t cipher_len,
                    unsigned char plain[TS_SIGN_PLAIN_MAX], size_t *plain_len,
                    struct ts_sign_error *err);

/* The same three with the card number (卡号) the caller expects in reader:
 * signd reads the card's number in the same exclusive card connection and
 * answers TS_SIGN_E_CARD_MISMATCH (both numbers in err->detail) without
 * presenting the PIN when another card sits there.  card_no NULL or "":
 * no check, as the calls above. */
int ts_sign_verify_pin_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                           const char *pin, struct ts_sign_error *err);
int ts_sign_digest_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                       const char *pin, const unsigned char e[32],
                       unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                       struct ts_sign_error *err);
int ts_sign_decrypt_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                        const char *pin, const unsigned char *cipher, size_t cipher_len,
                        unsigned char plain[TS_SIGN_PLAIN_MAX], size_t *plain_len,
                        struct ts_sign_error *err);

/* A card as the signer or the opener of a data package (lib/ts_package,
 * docs/formats.md): which signd and reader, the PIN, the expected 卡号
 * (NULL: not checked).  err holds the last failure of a card call made
 * through it, for the page and the log (ts_package itself only says that
 * the signer failed). */
struct ts_sign_card {
    const struct ts_sign_opts *opts;
    const char *reader;
    const char *card_no;
    const char *pin;
    struct ts_sign_error err;
};
struct ts_package_signer;
struct ts_package_opener;
/* ts_sm_sign_e_fn and ts_sm_unwrap_fn over a struct ts_sign_card *. */
int ts_sign_package_sign(void *card, const unsigned char e[32], unsigned char sig[TS_SIGN_SIG_MAX],
                         size_t *sig_len);
int ts_sign_package_unwrap(void *card, const unsigned char *sealed, size_t sealed_len,
                           unsigned char *key, size_t *key_len);
/* Fill a package signer / opener: the card's certificate read through
 * signd (the caller X509_free's s->cert / op->cert) and the functions
 * above with card as their context.  0, or the ts_sign error code. */
int ts_sign_package_signer(struct ts_sign_card *card, struct ts_package_signer *s);
int ts_sign_package_opener(struct ts_sign_card *card, struct ts_package_opener *op);

/* Exposed for the unit tests and tests/fuzz/fuzz_signd_answer.c: parse one
 * answer line (without '\n'); on OK, value and vlen give the text after "OK ". */
int ts_sign_parse_answer(const char *line, size_t len, const char **value, size_t *vlen,
                         struct ts_sign_error *err);
const char *ts_sign_message(int code);

#endif
