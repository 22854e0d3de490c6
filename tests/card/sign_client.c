/* sign_client — signd through lib/ts_sign, for tests/http/signd.t (and a
 * person at a terminal).  Each command prints one line per result:
 *
 *   sign_client SOCKET status                  reader <name>: card|empty
 *   sign_client SOCKET find CARDNO             the reader holding that card
 *   sign_client SOCKET cardno READER           <card number>
 *   sign_client SOCKET cert READER OUT.der     OK <bytes>
 *   sign_client SOCKET verify READER PIN       OK
 *   sign_client SOCKET sign READER PIN MSG SIG
 *       e = SM3(Z_A || M) from the card's certificate (default id), the
 *       card's signature written to SIG (DER), checked here with
 *       EVP_DigestVerify over M: "OK verified"
 *   sign_client SOCKET decrypt READER PIN      a random 16-byte key sealed
 *       to the card's certificate with OpenSSL, opened by the card: "OK"
 *   sign_client SOCKET signloop READER PIN N   N signatures of random e,
 *       one line each: "OK" or "<error code name> | <detail>"
 *   sign_client SOCKET package READER PIN PLAIN.zip SEALED.zip
 *       through lib/ts_sign's package adapters: PLAIN.zip signed by the
 *       card, SEALED.zip signed by the card and sealed to its own
 *       certificate, then SEALED.zip read back with the card as expected
 *       signer and as opener: "OK <records> <bytes>"
 *
 * env SIGN_EXPECT=<卡号>: verify, sign, decrypt and package name the card
 * they expect (ts_sign_*_for; CARD_MISMATCH when another card is there).
 *
 * A failure prints `ERR <CODE> <tries_left> <Chinese message> | <detail>`
 * and exits 1 (2 for usage).  READER "*" is the one reader with a card,
 * "-" the default reader: env SIGN_READER (else "*"). */
#include "ts_package.h"
#include "ts_sign.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const code_names[] = {
    "OK",           "CONNECT",    "IO",         "PROTO",      "ARG",      "BAD_REQUEST",
    "TIMEOUT",      "BUSY",       "NO_SERVICE", "NO_READER",  "NO_CARD",  "MANY_CARDS",
    "CARD_REMOVED", "CARD_ERROR", "PIN_WRONG",  "PIN_LOCKED", "INTERNAL", "CARD_MISMATCH",
};

static const char *code_name(int code)
{
    if (code < 0 || code >= (int)(sizeof code_names / sizeof code_names[0]))
        return "?";
    return code_names[code];
}

static int fail(const struct ts_sign_error *err)
{
    printf("ERR %s %d %s | %s\n", code_name(err->code), err->tries_left, err->message, err->detail);
    return 1;
}

/* The certificate's public key, read from the card through signd. */
static EVP_PKEY *card_key(const struct ts_sign_opts *o, const char *reader,
                          struct ts_sign_error *err)
{
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    if (ts_sign_cert(o, reader, der, &len, err) != TS_SIGN_OK)
        return NULL;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    if (!k)
        fprintf(stderr, "sign_client: certificate does not parse\n");
    return k;
}

/* e = SM3(Z_A || M), Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA)
 * with the default id (GB/T 32918.2). */
static int sm2_e(EVP_PKEY *k, const unsigned char *m, size_t mlen, unsigned char e[32])
{
    static const char curve_hex[] =
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
        "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
        "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
        "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";
    unsigned char buf[2 + 16 + 128 + 64], point[65], z[32];
    size_t plen = 0;
    unsigned int zlen = 0, elen = 0;
    if (!EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                         &plen) ||
        plen != 65)
        return -1;
    buf[0] = 0x00;
    buf[1] = 0x80; /* 128 bits of id */
    memcpy(buf + 2, "1234567812345678", 16);
    for (size_t i = 0; i < 128; i++) {
        unsigned hi, lo;
        sscanf(curve_hex + 2 * i, "%1x%1x", &hi, &lo);
        buf[18 + i] = (unsigned char)(hi << 4 | lo);
    }
    memcpy(buf + 146, point + 1, 64);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_Digest(buf, sizeof buf, z, &zlen, EVP_sm3(), NULL) &&
             EVP_DigestInit_ex(c, EVP_sm3(), NULL) && EVP_DigestUpdate(c, z, zlen) &&
             EVP_DigestUpdate(c, m, mlen) && EVP_DigestFinal_ex(c, e, &elen) && elen == 32;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

/* OpenSSL's own check of an SM2 signature over M (SM3, default id). */
static int verify_sig(EVP_PKEY *k, const unsigned char *m, size_t mlen, const unsigned char *sig,
                      size_t siglen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int ok = c && EVP_DigestVerifyInit(c, &pc, EVP_sm3(), NULL, k) == 1 &&
             EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) == 1 &&
             EVP_DigestVerify(c, sig, siglen, m, mlen) == 1;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 20);
    *len = f && buf ? fread(buf, 1, 1 << 20, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

static int write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(p, 1, n, f) == n;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static int cmd_sign(const struct ts_sign_opts *o, char **a)
{
    struct ts_sign_error err;
    unsigned char e[32], sig[TS_SIGN_SIG_MAX];
    size_t mlen = 0, siglen = 0;
    int rc = 1;
    unsigned char *m = slurp(a[2], &mlen);
    EVP_PKEY *k = card_key(o, a[0], &err);
    if (!k)
        rc = err.code ? fail(&err) : 1;
    else if (sm2_e(k, m, mlen, e) != 0)
        fprintf(stderr, "sign_client: cannot compute e\n");
    else if (ts_sign_digest_for(o, a[0], getenv("SIGN_EXPECT"), a[1], e, sig, &siglen, &err) !=
             TS_SIGN_OK)
        rc = fail(&err);
    else if (write_file(a[3], sig, siglen) != 0 || verify_sig(k, m, mlen, sig, siglen) != 0)
        printf("BAD signature does not verify\n");
    else
        printf("OK verified\n"), rc = 0;
    EVP_PKEY_free(k);
    free(m);
    return rc;
}

/* Seal a random key to the card's certificate, let the card open it. */
static int cmd_decrypt(const struct ts_sign_opts *o, char **a)
{
    struct ts_sign_error err;
    unsigned char key[16], ct[TS_SIGN_CIPHER_MAX], plain[TS_SIGN_PLAIN_MAX];
    size_t ctlen = sizeof ct, plen = 0;
    int rc = 1;
    EVP_PKEY *k = card_key(o, a[0], &err);
    EVP_PKEY_CTX *pc = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
    RAND_bytes(key, sizeof key);
    if (!k)
        rc = err.code ? fail(&err) : 1;
    else if (!pc || EVP_PKEY_encrypt_init(pc) != 1 ||
             EVP_PKEY_encrypt(pc, ct, &ctlen, key, sizeof key) != 1)
        fprintf(stderr, "sign_client: SM2 encrypt failed\n");
    else if (ts_sign_decrypt_for(o, a[0], getenv("SIGN_EXPECT"), a[1], ct, ctlen, plain, &plen,
                                 &err) != TS_SIGN_OK)
        rc = fail(&err);
    else if (plen != sizeof key || memcmp(plain, key, plen) != 0)
        printf("BAD plaintext differs\n");
    else
        printf("OK\n"), rc = 0;
    EVP_PKEY_CTX_free(pc);
    EVP_PKEY_free(k);
    return rc;
}

static int cmd_signloop(const struct ts_sign_opts *o, char **a)
{
    struct ts_sign_error err;
    unsigned char e[32], sig[TS_SIGN_SIG_MAX];
    size_t siglen;
    int n = atoi(a[2]);
    for (int i = 0; i < n; i++) {
        RAND_bytes(e, sizeof e);
        int rc = ts_sign_digest(o, a[0], a[1], e, sig, &siglen, &err);
        printf("%s%s%s\n", code_name(rc), rc ? " | " : "", rc ? err.detail : "");
        fflush(stdout);
    }
    return 0;
}

static int cmd_simple(const struct ts_sign_opts *o, const char *cmd, char **a, int n)
{
    struct ts_sign_error err;
    if (strcmp(cmd, "status") == 0 && n == 0) {
        struct ts_sign_reader r[TS_SIGN_READERS];
        int count = 0;
        if (ts_sign_status(o, r, TS_SIGN_READERS, &count, &err) != TS_SIGN_OK)
            return fail(&err);
        for (int i = 0; i < count; i++)
            printf("reader %s: %s\n", r[i].name, r[i].card_present ? "card" : "empty");
        return 0;
    }
    if (strcmp(cmd, "find") == 0 && n == 1) {
        char reader[TS_SIGN_READER_MAX + 1];
        if (ts_sign_find_card(o, a[0], reader, &err) != TS_SIGN_OK)
            return fail(&err);
        return printf("%s\n", reader), 0;
    }
    if (strcmp(cmd, "cardno") == 0 && n == 1) {
        char no[TS_SIGN_CARD_NO + 1];
        if (ts_sign_card_no(o, a[0], no, &err) != TS_SIGN_OK)
            return fail(&err);
        return printf("%s\n", no), 0;
    }
    if (strcmp(cmd, "cert") == 0 && n == 2) {
        unsigned char der[TS_SIGN_CERT_MAX];
        size_t len = 0;
        if (ts_sign_cert(o, a[0], der, &len, &err) != TS_SIGN_OK)
            return fail(&err);
        return write_file(a[1], der, len) == 0 ? printf("OK %zu\n", len), 0 : 1;
    }
    if (strcmp(cmd, "verify") == 0 && n == 2) {
        if (ts_sign_verify_pin_for(o, a[0], getenv("SIGN_EXPECT"), a[1], &err) != TS_SIGN_OK)
            return fail(&err);
        return printf("OK\n"), 0;
    }
    return -1;
}

/* A package refused or not written: its code and message, and the card's
 * error when the card was the cause. */
static int package_fail(const char *what, const struct ts_package_error *pe,
                        const struct ts_sign_card *card)
{
    if (card->err.code != TS_SIGN_OK)
        return fail(&card->err);
    printf("BAD %s: %d %s\n", what, pe->code, pe->message);
    return 1;
}

/* Write a plain and a sealed package with the card, read the sealed one
 * back with the card (lib/ts_sign's package signer and opener). */
static int cmd_package(const struct ts_sign_opts *o, char **a)
{
    static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><报关单 号=\"1\"/>";
    struct ts_sign_card card = {
        .opts = o, .reader = a[0], .card_no = getenv("SIGN_EXPECT"), .pin = a[1]};
    struct ts_package_signer s = {0};
    struct ts_package_opener op = {0};
    struct ts_package_record rec = {"0001.xml", xml, sizeof xml - 1};
    struct ts_package_info info = {.kind = "card-test", .creator = "sign_client"};
    struct ts_package_error pe = {0};
    struct ts_package *pkg = NULL;
    int rc = 1;
    if (ts_sign_package_signer(&card, &s) != TS_SIGN_OK ||
        ts_sign_package_opener(&card, &op) != TS_SIGN_OK)
        rc = fail(&card.err);
    else if (ts_package_write_file(a[2], &info, &rec, 1, &s, NULL, &pe) != 0)
        rc = package_fail("plain", &pe, &card);
    else if (ts_package_write_file(a[3], &info, &rec, 1, &s, op.cert, &pe) != 0)
        rc = package_fail("sealed", &pe, &card);
    else if (ts_package_read_file(a[3], NULL, s.cert, &op, &pkg, &pe) != 0)
        rc = package_fail("read", &pe, &card);
    else if (!pkg->encrypted || pkg->nrecords != 1 || pkg->records[0].len != rec.len ||
             memcmp(pkg->records[0].data, xml, rec.len) != 0)
        printf("BAD records differ\n");
    else
        printf("OK %zu %zu\n", pkg->nrecords, pkg->records[0].len), rc = 0;
    ts_package_free(pkg);
    X509_free(s.cert);
    X509_free(op.cert);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        goto usage;
    struct ts_sign_opts o = {.socket = argv[1], .timeout_ms = 15000};
    const char *t = getenv("SIGN_TIMEOUT_MS");
    if (t)
        o.timeout_ms = atoi(t);
    o.reader = getenv("SIGN_READER");
    for (int i = 3; i < argc && i < 4; i++)
        if (strcmp(argv[i], "-") == 0)
            argv[i] = NULL; /* READER "-": the default reader, opts.reader */
    const char *cmd = argv[2];
    char **a = argv + 3;
    int n = argc - 3, rc = cmd_simple(&o, cmd, a, n);
    if (rc >= 0)
        return rc;
    if (strcmp(cmd, "sign") == 0 && n == 4)
        return cmd_sign(&o, a);
    if (strcmp(cmd, "decrypt") == 0 && n == 2)
        return cmd_decrypt(&o, a);
    if (strcmp(cmd, "signloop") == 0 && n == 3)
        return cmd_signloop(&o, a);
    if (strcmp(cmd, "package") == 0 && n == 4)
        return cmd_package(&o, a);
usage:
    fprintf(stderr, "usage: sign_client SOCKET status|cardno|cert|verify|sign|decrypt|signloop "
                    "... (see the comment on top of tests/card/sign_client.c)\n");
    return 2;
}
