/* ts_sign — the portal's client of signd (docs/signd.md).  The error codes
 * and the PIN and card-number rules are lib/ts_signwire's, which signd
 * links too; hex is ts_crypto's.  lib/ does not depend on signer/. */
#include "ts_sign.h"

#include "ts_config.h"
#include "ts_crypto.h"
#include "ts_package.h"
#include "ts_signwire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_REQ 1024
#define ANSWER_MAX   8192

/* signd's ERR codes and ours, with the Chinese text a user sees. */
static const struct {
    int wire; /* signd's code (enum ts_signwire_err), -1 for ts_sign's own */
    int code;
    const char *message;
} errors[] = {
    {-1, TS_SIGN_E_CONNECT, "签名服务未运行或无法连接，请联系系统管理员"},
    {-1, TS_SIGN_E_IO, "签名服务响应超时，请稍后重试"},
    {-1, TS_SIGN_E_PROTO, "签名服务返回了无法识别的应答，请联系系统管理员"},
    {-1, TS_SIGN_E_ARG, "IC卡密码应为6至8位数字"},
    {TS_SIGNWIRE_BAD_REQUEST, TS_SIGN_E_BAD_REQUEST, "签名服务拒绝了请求，请联系系统管理员"},
    {TS_SIGNWIRE_TOO_LONG, TS_SIGN_E_BAD_REQUEST, "签名服务拒绝了请求，请联系系统管理员"},
    {TS_SIGNWIRE_TIMEOUT, TS_SIGN_E_TIMEOUT, "签名服务响应超时，请稍后重试"},
    {TS_SIGNWIRE_BUSY, TS_SIGN_E_BUSY, "签名服务或IC卡正忙，请稍后重试"},
    {TS_SIGNWIRE_NO_SERVICE, TS_SIGN_E_NO_SERVICE, "读卡器服务未运行，请联系系统管理员"},
    {TS_SIGNWIRE_NO_READER, TS_SIGN_E_NO_READER, "未检测到读卡器，请确认读卡器已连接"},
    {TS_SIGNWIRE_NO_CARD, TS_SIGN_E_NO_CARD, "未检测到IC卡，请插入电子口岸IC卡"},
    {TS_SIGNWIRE_MANY_CARDS, TS_SIGN_E_MANY_CARDS, "检测到多张IC卡，请只插入一张IC卡后重试"},
    {TS_SIGNWIRE_CARD_REMOVED, TS_SIGN_E_CARD_REMOVED,
     "操作过程中IC卡被拔出或无响应，请重新插卡后重试"},
    {TS_SIGNWIRE_CARD_ERROR, TS_SIGN_E_CARD_ERROR,
     "IC卡无法识别或操作失败，请确认插入的是电子口岸IC卡"},
    {TS_SIGNWIRE_PIN_WRONG, TS_SIGN_E_PIN_WRONG, "IC卡密码错误"},
    {TS_SIGNWIRE_PIN_LOCKED, TS_SIGN_E_PIN_LOCKED, "IC卡密码已锁定，请到发卡机构解锁"},
    {TS_SIGNWIRE_INTERNAL, TS_SIGN_E_INTERNAL, "签名服务内部错误，请联系系统管理员"},
    {TS_SIGNWIRE_CARD_MISMATCH, TS_SIGN_E_CARD_MISMATCH,
     "读卡器中的IC卡不是本次操作要求的卡（卡号不一致），请插入正确的电子口岸IC卡"},
};

/* The Chinese message of an error code ("" for TS_SIGN_OK). */
const char *ts_sign_message(int code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return errors[i].message;
    return code == TS_SIGN_OK ? "" : "签名服务内部错误，请联系系统管理员";
}

/* Fill err for code; a wrong PIN names the tries left. */
static int set_err(struct ts_sign_error *err, int code, int tries, const char *detail, size_t dlen)
{
    err->code = code;
    err->tries_left = code == TS_SIGN_E_PIN_WRONG ? tries : -1;
    if (code == TS_SIGN_E_PIN_WRONG && tries >= 0)
        snprintf(err->message, sizeof err->message, "IC卡密码错误，还可尝试%d次", tries);
    else
        snprintf(err->message, sizeof err->message, "%s", ts_sign_message(code));
    snprintf(err->detail, sizeof err->detail, "%.*s", (int)dlen, detail ? detail : "");
    return code;
}

static void clear_err(struct ts_sign_error *err)
{
    err->code = TS_SIGN_OK;
    err->tries_left = -1;
    err->message[0] = err->detail[0] = '\0';
}

/* The tries left at the start of a PIN_WRONG detail ("4 wrong PIN ..."). */
static int leading_tries(const char *s, size_t len)
{
    if (len == 0 || s[0] < '0' || s[0] > '9' || (len > 1 && s[1] != ' '))
        return -1;
    return s[0] - '0';
}

/* Parse one answer line (len bytes, without '\n').  OK: *value is the rest
 * after "OK " ("" for a bare OK).  ERR: err filled from the code. */
int ts_sign_parse_answer(const char *line, size_t len, const char **value, size_t *vlen,
                         struct ts_sign_error *err)
{
    clear_err(err);
    *value = "";
    *vlen = 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7E)
            return set_err(err, TS_SIGN_E_PROTO, -1, "unprintable answer", 18);
    if (len == 2 && memcmp(line, "OK", 2) == 0)
        return TS_SIGN_OK;
    if (len > 3 && memcmp(line, "OK ", 3) == 0) {
        *value = line + 3;
        *vlen = len - 3;
        return TS_SIGN_OK;
    }
    if (len < 5 || memcmp(line, "ERR ", 4) != 0)
        return set_err(err, TS_SIGN_E_PROTO, -1, line, len);
    const char *code = line + 4, *sp = memchr(code, ' ', len - 4);
    size_t clen = sp ? (size_t)(sp - code) : len - 4;
    const char *detail = sp ? sp + 1 : "";
    size_t dlen = sp ? len - 4 - clen - 1 : 0;
    int wire = ts_signwire_from_name(code, clen);
    for (size_t i = 0; wire > TS_SIGNWIRE_OK && i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].wire == wire)
            return set_err(err, errors[i].code, leading_tries(detail, dlen), detail, dlen);
    return set_err(err, TS_SIGN_E_PROTO, -1, line, len);
}

/* sign.socket and sign.timeout_ms of the portal's config (default 15 s: a
 * request may wait for another card operation first). */
void ts_sign_opts_from_config(struct ts_sign_opts *o)
{
    o->socket = ts_config_str("sign.socket", NULL);
    o->reader = ts_config_str("sign.reader", NULL);
    if (o->reader && !*o->reader)
        o->reader = NULL;
    o->timeout_ms = (int)ts_config_int("sign.timeout_ms", 15000);
    if (o->timeout_ms < 100 || o->timeout_ms > 600000)
        o->timeout_ms = 15000;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect to signd's socket; -1 with err set when it is not there. */
static int sign_connect(const struct ts_sign_opts *o, struct ts_sign_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (!o->socket || !*o->socket || strlen(o->socket) >= sizeof sa.sun_path) {
        set_err(err, TS_SIGN_E_CONNECT, -1, "sign.socket not configured", 26);
        return -1;
    }
    memcpy(sa.sun_path, o->socket, strlen(o->socket) + 1);
    /* Non-blocking: a stopped signd with a full backlog answers EAGAIN
     * instead of holding the request past its deadline. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        return fd;
    int e = errno;
    const char *why = strerror(e);
    set_err(err, e == EAGAIN ? TS_SIGN_E_IO : TS_SIGN_E_CONNECT, -1, why, strlen(why));
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Wait until fd is ready for events or the deadline passes. */
static bool wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = events};
        if (left <= 0)
            return false;
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

/* Send the whole request before the deadline. */
static bool send_line(int fd, const char *s, size_t n, long long deadline)
{
    while (n > 0) {
        if (!wait_fd(fd, POLLOUT, deadline))
            return false;
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* Read one answer line into ans (without '\n'); its length, or -1. */
static long recv_line(int fd, char *ans, size_t cap, long long deadline)
{
    size_t used = 0;
    while (used < cap) {
        char *nl = memchr(ans, '\n', used);
        if (nl)
            return nl - ans;
        if (!wait_fd(fd, POLLIN, deadline))
            return -1;
        ssize_t r = recv(fd, ans + used, cap - used, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (r <= 0)
            return -1;
        used += (size_t)r;
    }
    char *nl = memchr(ans, '\n', used);
    return nl ? nl - ans : -1;
}

/* One exchange: req (with '\n') out, one answer line in.  On OK *value
 * points into ans. */
static int exchange(const struct ts_sign_opts *o, const char *req, size_t reqlen, char *ans,
                    const char **value, size_t *vlen, struct ts_sign_error *err)
{
    long long deadline = now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 15000);
    int rc = TS_SIGN_E_IO;
    int fd = sign_connect(o, err);
    if (fd < 0)
        return err->code;
    long n = -1;
    if (send_line(fd, req, reqlen, deadline))
        n = recv_line(fd, ans, ANSWER_MAX, deadline);
    if (n < 0)
        set_err(err, TS_SIGN_E_IO, -1, "no answer in time", 17);
    else
        rc = ts_sign_parse_answer(ans, (size_t)n, value, vlen, err);
    close(fd);
    return rc;
}

/* A reader name as signd's token: "*" for none, else %XX-escaped. */
static bool add_reader(char *out, size_t cap, size_t *o, const char *reader)
{
    static const char digits[] = "0123456789ABCDEF";
    if (!reader || strcmp(reader, "*") == 0 || !*reader) {
        out[(*o)++] = '*';
        return true;
    }
    if (strlen(reader) > TS_SIGN_READER_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)reader; *p; p++) {
        bool lit = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-';
        if (*p < 0x20 || *p > 0x7E)
            return false;
        if (lit) {
            out[(*o)++] = (char)*p;
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = digits[*p >> 4];
            out[(*o)++] = digits[*p & 15];
        }
    }
    return *o < cap;
}

static void add_hex(char *out, size_t *o, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[(*o)++] = digits[p[i] >> 4];
        out[(*o)++] = digits[p[i] & 15];
    }
}

/* The PIN rule of docs/signd.md (ts_signwire's: 6-8 ASCII digits),
 * checked here so a PIN signd would refuse anyway never leaves the process
 * and a typo gets its own message instead of signd's BAD_REQUEST. */
static bool pin_ok(const char *pin)
{
    return pin && ts_signwire_pin_ok(pin, strlen(pin));
}

/* Build `VERB reader [pin [hex]] [card_no]\n` in line (LINE_MAX_REQ
 * bytes); reader NULL is opts->reader, card_no NULL or "" none. */
static size_t build_line(const struct ts_sign_opts *opts, char *line, const char *verb,
                         const char *reader, const char *pin, const unsigned char *data,
                         size_t dlen, const char *card_no)
{
    size_t o = (size_t)snprintf(line, LINE_MAX_REQ, "%s ", verb);
    if (!add_reader(line, LINE_MAX_REQ, &o, reader ? reader : opts->reader))
        return 0;
    if (pin)
        o += (size_t)snprintf(line + o, LINE_MAX_REQ - o, " %s", pin);
    if (data) {
        line[o++] = ' ';
        add_hex(line, &o, data, dlen);
    }
    if (card_no && *card_no)
        o += (size_t)snprintf(line + o, LINE_MAX_REQ - o, " %s", card_no);
    line[o++] = '\n';
    return o;
}

/* Decode signd's hex value into out (cap bytes). */
static int decode_hex(const char *s, size_t n, unsigned char *out, size_t cap, size_t *len,
                      struct ts_sign_error *err)
{
    if (n == 0 || n % 2 || n / 2 > cap)
        return set_err(err, TS_SIGN_E_PROTO, -1, "hex value of bad length", 23);
    if (!ts_crypto_unhex(s, n, false, out, cap, len))
        return set_err(err, TS_SIGN_E_PROTO, -1, "not hex", 7);
    return TS_SIGN_OK;
}

/* A card request with an optional PIN, data and expected card number; the
 * hex answer decoded into out (cap bytes).  Request and answer buffers are
 * wiped. */
static int card_call(const struct ts_sign_opts *o, const char *verb, const char *reader,
                     const char *card_no, const char *pin, const unsigned char *data, size_t dlen,
                     unsigned char *out, size_t cap, size_t *outlen, struct ts_sign_error *err)
{
    char line[LINE_MAX_REQ], ans[ANSWER_MAX];
    const char *value;
    size_t vlen, n;
    int rc;
    clear_err(err);
    if (pin && !pin_ok(pin))
        return set_err(err, TS_SIGN_E_ARG, -1, "PIN format", 10);
    if (card_no && *card_no && !ts_signwire_card_no_ok(card_no, strlen(card_no)))
        return set_err(err, TS_SIGN_E_ARG, -1, "expected card number not 1-32 digits", 36);
    if (dlen > TS_SIGN_CIPHER_MAX ||
        (n = build_line(o, line, verb, reader, pin, data, dlen, card_no)) == 0)
        return set_err(err, TS_SIGN_E_ARG, -1, "reader or data too long", 23);
    rc = exchange(o, line, n, ans, &value, &vlen, err);
    if (rc == TS_SIGN_OK && out)
        rc = decode_hex(value, vlen, out, cap, outlen, err);
    explicit_bzero(line, sizeof line);
    explicit_bzero(ans, sizeof ans);
    return rc;
}

/* The card number (卡号) of the card in reader. */
int ts_sign_card_no(const struct ts_sign_opts *o, const char *reader,
                    char card_no[TS_SIGN_CARD_NO + 1], struct ts_sign_error *err)
{
    char line[LINE_MAX_REQ], ans[ANSWER_MAX];
    const char *value;
    size_t vlen, n;
    clear_err(err);
    card_no[0] = '\0';
    if ((n = build_line(o, line, "CARDNO", reader, NULL, NULL, 0, NULL)) == 0)
        return set_err(err, TS_SIGN_E_ARG, -1, "reader name", 11);
    int rc = exchange(o, line, n, ans, &value, &vlen, err);
    if (rc != TS_SIGN_OK)
        return rc;
    bool digits = vlen >= 1 && vlen <= TS_SIGN_CARD_NO;
    for (size_t i = 0; digits && i < vlen; i++)
        digits = value[i] >= '0' && value[i] <= '9';
    if (!digits)
        return set_err(err, TS_SIGN_E_PROTO, -1, "card number not digits", 22);
    memcpy(card_no, value, vlen);
    card_no[vlen] = '\0';
    return TS_SIGN_OK;
}

/* The card's X.509 certificate, DER. */
int ts_sign_cert(const struct ts_sign_opts *o, const char *reader,
                 unsigned char der[TS_SIGN_CERT_MAX], size_t *der_len, struct ts_sign_error *err)
{
    return card_call(o, "CERT", reader, NULL, NULL, NULL, 0, der, TS_SIGN_CERT_MAX, der_len, err);
}

/* Check a PIN on the card (the card is reset afterwards: nothing stays
 * verified).  A wrong PIN costs a try: err->tries_left says how many. */
int ts_sign_verify_pin(const struct ts_sign_opts *o, const char *reader, const char *pin,
                       struct ts_sign_error *err)
{
    return ts_sign_verify_pin_for(o, reader, NULL, pin, err);
}

/* ts_sign_verify_pin on the card numbered card_no only (see ts_sign.h). */
int ts_sign_verify_pin_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                           const char *pin, struct ts_sign_error *err)
{
    return card_call(o, "VERIFY", reader, card_no, pin, NULL, 0, NULL, 0, NULL, err);
}

/* SM2 signature (DER) of e = SM3(Z_A || M) by the card; the PIN is
 * presented in the same card session. */
int ts_sign_digest(const struct ts_sign_opts *o, const char *reader, const char *pin,
                   const unsigned char e[32], unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                   struct ts_sign_error *err)
{
    return ts_sign_digest_for(o, reader, NULL, pin, e, sig, sig_len, err);
}

/* ts_sign_digest by the card numbered card_no only. */
int ts_sign_digest_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                       const char *pin, const unsigned char e[32],
                       unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                       struct ts_sign_error *err)
{
    return card_call(o, "SIGN", reader, card_no, pin, e, 32, sig, TS_SIGN_SIG_MAX, sig_len, err);
}

/* Decrypt an SM2 ciphertext (DER, GM/T 0009) of a session key by the card. */
int ts_sign_decrypt(const struct ts_sign_opts *o, const char *reader, const char *pin,
                    const unsigned char *cipher, size_t cipher_len,
                    unsigned char plain[TS_SIGN_PLAIN_MAX], size_t *plain_len,
                    struct ts_sign_error *err)
{
    return ts_sign_decrypt_for(o, reader, NULL, pin, cipher, cipher_len, plain, plain_len, err);
}

/* ts_sign_decrypt by the card numbered card_no only. */
int ts_sign_decrypt_for(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                        const char *pin, const unsigned char *cipher, size_t cipher_len,
                        unsigned char plain[TS_SIGN_PLAIN_MAX], size_t *plain_len,
                        struct ts_sign_error *err)
{
    if (cipher_len == 0) {
        clear_err(err);
        return set_err(err, TS_SIGN_E_ARG, -1, "empty ciphertext", 16);
    }
    return card_call(o, "DECRYPT", reader, card_no, pin, cipher, cipher_len, plain,
                     TS_SIGN_PLAIN_MAX, plain_len, err);
}

/* Parse the readers of a STATUS answer: `<n> <token>:card|empty ...`. */
static int parse_status(const char *v, size_t vlen, struct ts_sign_reader *readers, int max, int *n,
                        struct ts_sign_error *err)
{
    size_t i = 0;
    *n = 0;
    while (i < vlen && v[i] != ' ')
        i++; /* the count; the list itself is what we trust */
    while (i < vlen && *n < max) {
        size_t start = ++i, o = 0;
        while (i < vlen && v[i] != ' ')
            i++;
        const char *colon = memrchr(v + start, ':', i - start);
        if (!colon)
            return set_err(err, TS_SIGN_E_PROTO, -1, "STATUS entry", 12);
        struct ts_sign_reader *r = &readers[*n];
        for (const char *p = v + start; p < colon && o < TS_SIGN_READER_MAX; p++) {
            unsigned char byte;
            size_t one;
            if (*p == '%' && colon - p >= 3 && ts_crypto_unhex(p + 1, 2, false, &byte, 1, &one)) {
                r->name[o++] = (char)byte;
                p += 2;
            } else {
                r->name[o++] = *p;
            }
        }
        r->name[o] = '\0';
        r->card_present = (size_t)(v + i - colon - 1) == 4 && memcmp(colon + 1, "card", 4) == 0;
        (*n)++;
    }
    return TS_SIGN_OK;
}

/* The readers signd sees and whether each holds a card. */
int ts_sign_status(const struct ts_sign_opts *o, struct ts_sign_reader *readers, int max, int *n,
                   struct ts_sign_error *err)
{
    char ans[ANSWER_MAX];
    const char *value;
    size_t vlen;
    clear_err(err);
    *n = 0;
    int rc = exchange(o, "STATUS\n", 7, ans, &value, &vlen, err);
    if (rc != TS_SIGN_OK)
        return rc;
    return parse_status(value, vlen, readers, max, n, err);
}

/* The reader holding the card numbered card_no (卡号), for a portal that
 * knows the card bound to a user but not where it sits: STATUS, then the
 * number of each card present.  TS_SIGN_E_NO_CARD when none matches. */
int ts_sign_find_card(const struct ts_sign_opts *o, const char *card_no,
                      char reader[TS_SIGN_READER_MAX + 1], struct ts_sign_error *err)
{
    struct ts_sign_reader r[TS_SIGN_READERS];
    char no[TS_SIGN_CARD_NO + 1];
    int n = 0, rc = ts_sign_status(o, r, TS_SIGN_READERS, &n, err);
    reader[0] = '\0';
    for (int i = 0; rc == TS_SIGN_OK && i < n; i++) {
        if (!r[i].card_present || ts_sign_card_no(o, r[i].name, no, err) != TS_SIGN_OK)
            continue;
        if (strcmp(no, card_no) == 0) {
            memcpy(reader, r[i].name, sizeof r[i].name);
            clear_err(err);
            return TS_SIGN_OK;
        }
    }
    if (rc != TS_SIGN_OK)
        return rc;
    return set_err(err, TS_SIGN_E_NO_CARD, -1, "no card with that number", 24);
}

/* ---- the card as a package signer and opener (lib/ts_package) ---- */

/* ts_sm_sign_e_fn: the card signs e through signd (PIN and expected card
 * number from the struct ts_sign_card).  0, or -1 with card->err set. */
int ts_sign_package_sign(void *card, const unsigned char e[32], unsigned char sig[TS_SIGN_SIG_MAX],
                         size_t *sig_len)
{
    struct ts_sign_card *c = card;
    return ts_sign_digest_for(c->opts, c->reader, c->card_no, c->pin, e, sig, sig_len, &c->err) ==
                   TS_SIGN_OK
               ? 0
               : -1;
}

/* ts_sm_unwrap_fn: the card decrypts the sealed session key through signd;
 * *key_len is the room in key on entry.  0, or -1 with card->err set. */
int ts_sign_package_unwrap(void *card, const unsigned char *sealed, size_t sealed_len,
                           unsigned char *key, size_t *key_len)
{
    struct ts_sign_card *c = card;
    unsigned char plain[TS_SIGN_PLAIN_MAX];
    size_t n = 0;
    int rc = -1;
    if (ts_sign_decrypt_for(c->opts, c->reader, c->card_no, c->pin, sealed, sealed_len, plain, &n,
                            &c->err) == TS_SIGN_OK &&
        n <= *key_len) {
        memcpy(key, plain, n);
        *key_len = n;
        rc = 0;
    } else if (c->err.code == TS_SIGN_OK) {
        set_err(&c->err, TS_SIGN_E_PROTO, -1, "session key longer than expected", 32);
    }
    explicit_bzero(plain, sizeof plain);
    return rc;
}

/* The card's certificate as an X509 (DER from signd; an SM2 key). */
static X509 *card_x509(struct ts_sign_card *c)
{
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    if (ts_sign_cert(c->opts, c->reader, der, &len, &c->err) != TS_SIGN_OK)
        return NULL;
    X509 *x = ts_sm_cert_load_der(der, len);
    if (!x)
        set_err(&c->err, TS_SIGN_E_CARD_ERROR, -1, "card certificate is not an SM2 certificate",
                42);
    return x;
}

/* A package signer for the card (see ts_sign.h). */
int ts_sign_package_signer(struct ts_sign_card *card, struct ts_package_signer *s)
{
    clear_err(&card->err);
    s->cert = card_x509(card);
    s->sign = ts_sign_package_sign;
    s->ctx = card;
    return s->cert ? TS_SIGN_OK : card->err.code;
}

/* A package opener for the card (see ts_sign.h). */
int ts_sign_package_opener(struct ts_sign_card *card, struct ts_package_opener *op)
{
    clear_err(&card->err);
    op->cert = card_x509(card);
    op->unwrap = ts_sign_package_unwrap;
    op->ctx = card;
    return op->cert ? TS_SIGN_OK : card->err.code;
}
