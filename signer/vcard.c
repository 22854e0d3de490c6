/* vcard — the virtual e-port card (电子口岸 IC 卡) of docs/card.md for tests
 * and `make run`.
 *
 *   vcard init    --state DIR --card-no N --pin PIN [--ca CADIR]
 *   vcard run     --state DIR --port P [--host 127.0.0.1]
 *   vcard unblock --state DIR
 *
 * init makes the card (SM2 key, certificate issued by the demo CA in CADIR
 * or self-signed, state file); run connects to vpcd and answers its
 * power/ATR controls and APDUs (signer/vcard_apdu.c) until SIGTERM,
 * reconnecting whenever vpcd is not there; unblock resets a locked PIN's
 * retry counter (the out-of-band unlock). */
#include "vcard_apdu.h"

#include "ts_crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define SM2_DISTID  "1234567812345678"
#define CERT_MAX    8192
#define STATE_MAX   1024
#define PATH_MAXLEN 4096

static volatile sig_atomic_t stop_requested;

/* ------------------------------------------------------------------ messages */

/* Print "vcard: ..." to stderr (the stack appends it to the card's log). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vcard: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* An OpenSSL failure: the message and OpenSSL's queue, then -1. */
static int ssl_fail(const char *what)
{
    say("%s failed", what);
    ERR_print_errors_fp(stderr);
    return -1;
}

/* DIR/NAME into out; -1 when it does not fit. */
static int path_in(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAXLEN, "%s/%s", dir, name);
    return n > 0 && n < PATH_MAXLEN ? 0 : -1;
}

/* ------------------------------------------------------------------ state file */

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Exactly 2n lower-case hex digits into n bytes. */
static int hex_decode(const char *in, unsigned char *out, size_t n)
{
    size_t got = 0;
    return strlen(in) == 2 * n && ts_crypto_unhex(in, 2 * n, true, out, n, &got) ? 0 : -1;
}

/* Write data to DIR/NAME atomically: a temp file, fsync, rename, fsync of
 * the folder, so a crash leaves the old or the new file, never half. */
static int write_atomic(const char *dir, const char *name, const void *data, size_t n, mode_t mode)
{
    char path[PATH_MAXLEN], tmp[PATH_MAXLEN];
    int fd = -1, dfd = -1, rc = -1;
    if (path_in(path, dir, name) != 0 || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= PATH_MAXLEN)
        return -1;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n || fsync(fd) != 0)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
        fsync(dfd);
    rc = 0;
out:
    if (rc != 0)
        say("cannot write %s: %s", path, strerror(errno));
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (dfd >= 0)
        close(dfd);
    return rc;
}

/* The save hook of struct vcard: rewrite DIR/state (arg is DIR). */
static int save_state(const struct vcard *card, void *arg)
{
    char text[STATE_MAX], salt[2 * VCARD_SALT_LEN + 1], pin[2 * VCARD_SM3_LEN + 1];
    int n;
    hex_encode(card->pin_salt, VCARD_SALT_LEN, salt);
    hex_encode(card->pin_sm3, VCARD_SM3_LEN, pin);
    n = snprintf(text, sizeof text, "card_no=%s\npin_salt=%s\npin_sm3=%s\ntries_left=%d\n",
                 card->card_no, salt, pin, card->tries_left);
    if (n <= 0 || (size_t)n >= sizeof text)
        return -1;
    return write_atomic((const char *)arg, "state", text, (size_t)n, 0600);
}

/* One "key=value" line of the state file into the card. */
static int parse_state_line(struct vcard *card, char *line, int *seen)
{
    char *eq = strchr(line, '=');
    const char *v;
    if (!eq)
        return -1;
    *eq = '\0';
    v = eq + 1;
    if (strcmp(line, "card_no") == 0 && strlen(v) == VCARD_CARD_NO_LEN &&
        strspn(v, "0123456789") == VCARD_CARD_NO_LEN) {
        memcpy(card->card_no, v, VCARD_CARD_NO_LEN + 1);
        *seen |= 1;
    } else if (strcmp(line, "pin_salt") == 0 &&
               hex_decode(v, card->pin_salt, VCARD_SALT_LEN) == 0) {
        *seen |= 2;
    } else if (strcmp(line, "pin_sm3") == 0 && hex_decode(v, card->pin_sm3, VCARD_SM3_LEN) == 0) {
        *seen |= 4;
    } else if (strcmp(line, "tries_left") == 0 && strlen(v) == 1 && v[0] >= '0' &&
               v[0] <= '0' + VCARD_PIN_TRIES) {
        card->tries_left = v[0] - '0';
        *seen |= 8;
    } else {
        return -1;
    }
    return 0;
}

/* Read DIR/state into the card; every key must be there and valid. */
static int load_state(struct vcard *card, const char *dir)
{
    char path[PATH_MAXLEN], text[STATE_MAX], *line, *save = NULL;
    int seen = 0;
    size_t n;
    FILE *f;
    if (path_in(path, dir, "state") != 0 || !(f = fopen(path, "re"))) {
        say("cannot read %s/state: %s (run vcard init first)", dir, strerror(errno));
        return -1;
    }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (parse_state_line(card, line, &seen) != 0) {
            say("%s: bad line in the state file", path);
            return -1;
        }
    }
    if (seen != 15) {
        say("%s: incomplete state file", path);
        return -1;
    }
    return 0;
}

/* The card's key (DIR/key.pem) and certificate (DIR/cert.der). */
static int load_key_cert(struct vcard *card, const char *dir, unsigned char *cert)
{
    char path[PATH_MAXLEN];
    FILE *f;
    size_t n;
    if (path_in(path, dir, "key.pem") != 0 || !(f = fopen(path, "re"))) {
        say("cannot read %s/key.pem", dir);
        return -1;
    }
    card->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!card->key)
        return ssl_fail("reading key.pem");
    if (path_in(path, dir, "cert.der") != 0 || !(f = fopen(path, "re"))) {
        say("cannot read %s/cert.der", dir);
        return -1;
    }
    n = fread(cert, 1, CERT_MAX, f);
    fclose(f);
    if (n == 0 || n >= CERT_MAX) {
        say("%s/cert.der: empty or over %d bytes", dir, CERT_MAX);
        return -1;
    }
    card->cert = cert;
    card->cert_len = n;
    return 0;
}

/* ------------------------------------------------------------------ keys and certificates */

static EVP_PKEY *new_sm2_key(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
    if (!k)
        ssl_fail("SM2 key generation");
    return k;
}

/* Write an SM2 private key as PKCS#8 PEM, mode 0600. */
static int write_key(const char *dir, const char *name, EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    long n;
    int rc = -1;
    if (b && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) &&
        (n = BIO_get_mem_data(b, &data)) > 0)
        rc = write_atomic(dir, name, data, (size_t)n, 0600);
    BIO_free(b);
    return rc;
}

/* Add one extension (openssl config syntax) to x, issuer issuer. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *e;
    int ok;
    X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
    e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    ok = e && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok ? 0 : -1;
}

/* Sign x with SM3 over SM2 with the default distinguishing id. */
static int sign_sm2(X509 *x, EVP_PKEY *signer)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestSignInit_ex(md, &pctx, "SM3", NULL, NULL, signer, NULL) > 0 &&
             EVP_PKEY_CTX_set1_id(pctx, SM2_DISTID, strlen(SM2_DISTID)) > 0 &&
             X509_sign_ctx(x, md) > 0;
    EVP_MD_CTX_free(md);
    return ok ? 0 : ssl_fail("SM2 certificate signature");
}

/* A name of O=tuishui演示, CN=cn, serialNumber=serial (serial may be NULL). */
static X509_NAME *make_name(const char *cn, const char *serial)
{
    X509_NAME *n = X509_NAME_new();
    const unsigned char *org = (const unsigned char *)"tuishui 演示电子口岸";
    if (!n || !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, org, -1, -1, 0) ||
        !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
        (serial && !X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_ASC,
                                               (const unsigned char *)serial, -1, -1, 0))) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

/* A v3 certificate for key under subject, issued by (issuer, issuer_key)
 * or self-signed when issuer is NULL; ca makes it a CA certificate. */
static X509 *make_cert(EVP_PKEY *key, X509_NAME *subject, X509 *issuer, EVP_PKEY *issuer_key,
                       int ca)
{
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    X509 *x = X509_new();
    int ok = x && RAND_bytes(serial, sizeof serial) > 0;
    serial[0] &= 0x7F; /* a positive INTEGER */
    ok = ok && (bn = BN_bin2bn(serial, sizeof serial, NULL)) &&
         BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) && X509_set_version(x, 2) &&
         X509_set_subject_name(x, subject) &&
         X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject) &&
         X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
         X509_gmtime_adj(X509_getm_notAfter(x), 10L * 366 * 24 * 3600) && X509_set_pubkey(x, key);
    BN_free(bn);
    ok =
        ok &&
        add_ext(x, issuer ? issuer : x, NID_basic_constraints,
                ca ? "critical,CA:TRUE" : "critical,CA:FALSE") == 0 &&
        add_ext(x, issuer ? issuer : x, NID_key_usage,
                ca ? "critical,keyCertSign,cRLSign"
                   : "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment") ==
            0 &&
        add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash") == 0 &&
        (!issuer || add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") == 0) &&
        sign_sm2(x, issuer ? issuer_key : key) == 0;
    if (!ok) {
        ssl_fail("making the certificate");
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Write a certificate as DER (cert.der) or PEM (the CA's ca.pem). */
static int write_cert(const char *dir, const char *name, X509 *x, int pem)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    long n;
    int rc = -1;
    if (b && (pem ? PEM_write_bio_X509(b, x) : i2d_X509_bio(b, x)) &&
        (n = BIO_get_mem_data(b, &data)) > 0)
        rc = write_atomic(dir, name, data, (size_t)n, 0644);
    BIO_free(b);
    return rc;
}

/* The demo CA in cadir: loaded when there, else created (ca.key, ca.pem). */
static int load_or_make_ca(const char *cadir, EVP_PKEY **key, X509 **cert)
{
    char kpath[PATH_MAXLEN], cpath[PATH_MAXLEN];
    X509_NAME *name;
    FILE *f;
    if (mkdir(cadir, 0700) != 0 && errno != EEXIST) {
        say("cannot create %s: %s", cadir, strerror(errno));
        return -1;
    }
    if (path_in(kpath, cadir, "ca.key") != 0 || path_in(cpath, cadir, "ca.pem") != 0)
        return -1;
    if ((f = fopen(kpath, "re"))) {
        *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
        if ((f = fopen(cpath, "re"))) {
            *cert = PEM_read_X509(f, NULL, NULL, NULL);
            fclose(f);
        }
        return *key && *cert ? 0 : ssl_fail("reading the demo CA");
    }
    if (!(*key = new_sm2_key()) || !(name = make_name("tuishui 演示 CA", NULL)))
        return -1;
    *cert = make_cert(*key, name, NULL, NULL, 1);
    X509_NAME_free(name);
    if (!*cert || write_key(cadir, "ca.key", *key) != 0 || write_cert(cadir, "ca.pem", *cert, 1))
        return -1;
    say("demo CA created in %s", cadir);
    return 0;
}

/* ------------------------------------------------------------------ commands */

struct args {
    const char *state, *card_no, *pin, *ca, *host;
    int port;
};

/* Parse "--name value" pairs after the command. */
static int parse_args(int argc, char **argv, struct args *a)
{
    int i;
    memset(a, 0, sizeof *a);
    a->host = "127.0.0.1";
    for (i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--state") == 0)
            a->state = v;
        else if (strcmp(k, "--card-no") == 0)
            a->card_no = v;
        else if (strcmp(k, "--pin") == 0)
            a->pin = v;
        else if (strcmp(k, "--ca") == 0)
            a->ca = v;
        else if (strcmp(k, "--host") == 0)
            a->host = v;
        else if (strcmp(k, "--port") == 0 && strspn(v, "0123456789") == strlen(v) &&
                 strlen(v) <= 5 && atoi(v) > 0 && atoi(v) < 65536)
            a->port = atoi(v);
        else
            return -1;
    }
    return i == argc && a->state ? 0 : -1;
}

/* vcard init: a new card in a->state (refused when one is there). */
static int cmd_init(const struct args *a)
{
    struct vcard card = {.tries_left = VCARD_PIN_TRIES};
    char probe[PATH_MAXLEN];
    EVP_PKEY *key = NULL, *ca_key = NULL;
    X509 *cert = NULL, *ca = NULL;
    X509_NAME *name = NULL;
    int rc = -1;
    if (!a->card_no || strlen(a->card_no) != VCARD_CARD_NO_LEN ||
        strspn(a->card_no, "0123456789") != VCARD_CARD_NO_LEN)
        return say("--card-no must be %d digits", VCARD_CARD_NO_LEN), -1;
    if (!a->pin || !vcard_pin_well_formed((const unsigned char *)a->pin, strlen(a->pin)))
        return say("--pin must be 6 to 8 digits"), -1;
    if (mkdir(a->state, 0700) != 0 && errno != EEXIST)
        return say("cannot create %s: %s", a->state, strerror(errno)), -1;
    if (path_in(probe, a->state, "state") != 0 || access(probe, F_OK) == 0)
        return say("%s already holds a card (remove it first)", a->state), -1;
    memcpy(card.card_no, a->card_no, VCARD_CARD_NO_LEN + 1);
    if (RAND_bytes(card.pin_salt, VCARD_SALT_LEN) <= 0 ||
        vcard_pin_hash(card.pin_salt, a->pin, strlen(a->pin), card.pin_sm3) != 0)
        goto out;
    if (!(key = new_sm2_key()) || !(name = make_name(a->card_no, a->card_no)))
        goto out;
    if (a->ca && load_or_make_ca(a->ca, &ca_key, &ca) != 0)
        goto out;
    if (!(cert = make_cert(key, name, ca, ca_key, 0)))
        goto out;
    if (write_key(a->state, "key.pem", key) != 0 ||
        write_cert(a->state, "cert.der", cert, 0) != 0 || save_state(&card, (void *)a->state) != 0)
        goto out;
    say("card %s created in %s (%s)", a->card_no, a->state,
        ca ? "issued by the demo CA" : "self-signed");
    rc = 0;
out:
    OPENSSL_cleanse(&card, sizeof card);
    X509_NAME_free(name);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(ca_key);
    return rc;
}

/* Take the card's state folder for this process: an exclusive flock on
 * DIR, held until exit.  A running card keeps the counter in memory and
 * rewrites the state file on every PIN; an unblock (or a second run)
 * writing the same file meanwhile would be overwritten by it.  Returns the
 * folder's fd, or -1 (said why) when it is held or cannot be opened. */
static int lock_state(const char *dir, const char *what)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        say("cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            say("%s: the card is in use by a running vcard (vcard run holds its state); "
                "stop it before %s",
                dir, what);
        else
            say("cannot lock %s: %s", dir, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* vcard unblock: the retry counter back to 5 (the issuing centre's unlock).
 * Refused while the card runs: stop it, unblock, start it again. */
static int cmd_unblock(const struct args *a)
{
    struct vcard card = {0};
    int rc, lock = lock_state(a->state, "unblocking it");
    if (lock < 0)
        return -1;
    rc = load_state(&card, a->state);
    if (rc == 0) {
        card.tries_left = VCARD_PIN_TRIES;
        rc = save_state(&card, (void *)a->state);
    }
    if (rc == 0)
        say("card %s: PIN unblocked, %d tries", card.card_no, VCARD_PIN_TRIES);
    close(lock);
    return rc;
}

/* ------------------------------------------------------------------ vpcd */

/* ACK at once what vpcd sent.  vpcd writes a frame's 2-byte length and its
 * payload separately (Nagle holds the payload until the length is ACKed),
 * and Linux delays our ACK up to 40 ms while we have nothing to send: ~50 ms
 * per APDU (docs/performance.md).  TCP_QUICKACK is not sticky, so it is set
 * again after every read. */
static void quick_ack(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* Connect to vpcd at host:port; -1 when it is not listening. */
static int vpcd_connect(const char *host, int port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    char service[8];
    int fd = -1, one = 1;
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        quick_ack(fd);
    }
    return fd;
}

/* Read exactly n bytes, waking every 200 ms to notice SIGTERM.  Returns 0,
 * or -1 on EOF, error or stop. */
static int read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t r;
        if (stop_requested)
            return -1;
        if (poll(&p, 1, 200) <= 0)
            continue;
        r = read(fd, buf + got, n - got);
        if (r == 0)
            return -1;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
        quick_ack(fd);
    }
    return 0;
}

/* Send one vpcd frame: 2-byte big-endian length, then the payload. */
static int send_frame(int fd, const unsigned char *payload, size_t n)
{
    unsigned char frame[2 + VCARD_RESP_MAX + 64];
    size_t off = 0;
    if (n > sizeof frame - 2)
        return -1;
    frame[0] = (unsigned char)(n >> 8);
    frame[1] = (unsigned char)(n & 0xFF);
    memcpy(frame + 2, payload, n);
    n += 2;
    while (off < n) {
        ssize_t w = send(fd, frame + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

/* Answer one vpcd message: a 1-byte control (0 off, 1 on, 2 reset: no
 * answer; 4: the ATR) or an APDU. */
static int handle_message(int fd, struct vcard *card, const unsigned char *msg, size_t n)
{
    unsigned char resp[VCARD_RESP_MAX];
    size_t rn;
    int rc;
    if (n == 1) {
        if (msg[0] == 4)
            return send_frame(fd, vcard_atr, vcard_atr_len);
        if (msg[0] <= 2)
            vcard_power(card);
        return 0;
    }
    rn = vcard_apdu(card, msg, n, resp);
    rc = send_frame(fd, resp, rn);
    OPENSSL_cleanse(resp, sizeof resp);
    return rc;
}

/* Serve one vpcd connection until it drops or we are told to stop. */
static void serve(int fd, struct vcard *card)
{
    static unsigned char msg[65536];
    unsigned char len[2];
    size_t n;
    vcard_power(card);
    while (!stop_requested) {
        if (read_full(fd, len, 2) != 0)
            break;
        n = (size_t)len[0] << 8 | len[1];
        if (n == 0)
            continue;
        if (read_full(fd, msg, n) != 0 || handle_message(fd, card, msg, n) != 0)
            break;
    }
    OPENSSL_cleanse(msg, sizeof msg);
    vcard_power(card); /* a dropped connection is a pulled card */
}

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Sleep ms milliseconds unless a stop comes first. */
static void nap(long ms)
{
    struct timespec t = {0, 50 * 1000000L};
    long slept;
    for (slept = 0; slept < ms && !stop_requested; slept += 50)
        nanosleep(&t, NULL);
}

/* vcard run: load the card and stay connected to vpcd until SIGTERM. */
static int cmd_run(const struct args *a)
{
    static unsigned char cert[CERT_MAX];
    struct sigaction sa = {.sa_handler = on_stop};
    struct vcard card = {0};
    int fd, was_connected = 0;
    if (a->port <= 0)
        return say("--port is required"), -1;
    /* Held until exit (the fd stays open): see lock_state. */
    if (lock_state(a->state, "running it again") < 0)
        return -1;
    if (load_state(&card, a->state) != 0 || load_key_cert(&card, a->state, cert) != 0)
        return -1;
    card.save = save_state;
    card.save_arg = (void *)a->state;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    say("card %s: connecting to vpcd at %s:%d", card.card_no, a->host, a->port);
    while (!stop_requested) {
        fd = vpcd_connect(a->host, a->port);
        if (fd < 0) {
            if (was_connected)
                say("card %s: vpcd gone, retrying", card.card_no);
            was_connected = 0;
            nap(500);
            continue;
        }
        if (!was_connected)
            say("card %s: inserted (connected to vpcd)", card.card_no);
        was_connected = 1;
        serve(fd, &card);
        close(fd);
        nap(100);
    }
    say("card %s: stopped", card.card_no);
    EVP_PKEY_free(card.key);
    OPENSSL_cleanse(&card, sizeof card);
    return 0;
}

static void usage(void)
{
    fputs("usage: vcard init    --state DIR --card-no N(13 digits) --pin PIN [--ca CADIR]\n"
          "       vcard run     --state DIR --port P [--host H]\n"
          "       vcard unblock --state DIR\n",
          stderr);
}

int main(int argc, char **argv)
{
    struct args a;
    int rc;
    if (argc < 2 || parse_args(argc, argv, &a) != 0) {
        usage();
        return 2;
    }
    if (strcmp(argv[1], "init") == 0)
        rc = cmd_init(&a);
    else if (strcmp(argv[1], "run") == 0)
        rc = cmd_run(&a);
    else if (strcmp(argv[1], "unblock") == 0)
        rc = cmd_unblock(&a);
    else {
        usage();
        return 2;
    }
    return rc == 0 ? 0 : 1;
}
