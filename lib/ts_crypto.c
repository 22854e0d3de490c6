/* ts_crypto — random tokens, SM3 / SHA-256 digests, scrypt password hashes.
 *
 * Password hashes are self-describing strings in the PHC style:
 *
 *     $scrypt$ln=14,r=8,p=1$<salt, 22 chars>$<key, 43 chars>
 *
 * salt 16 bytes and key 32 bytes, both in standard base64 without padding.
 * The cost is read back from the string, so raising TS_CRYPTO_SCRYPT_LN later
 * keeps old hashes verifiable (ts_crypto_password_needs_rehash tells login
 * when to store a new one).
 *
 * Cost, measured on the deployment kind (2 cores, OpenSSL 3.0, -O2), one
 * EVP_PBE_scrypt with r=8, p=1, averaged over 20 runs:
 *     ln=13  18 ms    ln=14  40 ms    ln=15  97 ms
 * ln=14 (16 MiB per hash) sits in the 20-50 ms window the design asks for:
 * two concurrent logins still finish in ~40 ms each, yet an offline guesser
 * pays 16 MiB and 40 ms per candidate.
 *
 * Global state: ts_crypto_cost_ln below, the cost new hashes are made with.
 * Only tests and benchmarks change it (ts_crypto_password_set_cost), before
 * any thread starts. */
#include "ts_crypto.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define SALT_LEN     16
#define KEY_LEN      32
#define SALT_B64_LEN 22 /* 16 bytes, unpadded */
#define KEY_B64_LEN  43 /* 32 bytes, unpadded */
#define MAX_LN       20
#define MAX_R        16
#define MAX_P        4

/* The parts of an encoded password hash. */
struct scrypt_hash {
    int ln, r, p;
    unsigned char salt[SALT_LEN];
    unsigned char key[KEY_LEN];
};

static int ts_crypto_cost_ln = TS_CRYPTO_SCRYPT_LN;

/* Fill buf with bytes from the OpenSSL DRBG (seeded from getrandom); used
 * for salts, session ids, CSRF tokens and captcha codes. */
int ts_crypto_random(void *buf, size_t n)
{
    if (n > INT32_MAX)
        return -1;
    return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

/* Write n bytes as 2n lowercase hex digits and a NUL: out holds 2n+1. */
void ts_crypto_hex(const void *data, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

/* The value of one hex digit, -1 for anything else.  lower_only: only
 * 0-9 a-f, for formats that write one spelling (package manifests, the
 * virtual card's state file); protocols that accept both cases pass false. */
static int hex_digit(unsigned char c, bool lower_only)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (!lower_only && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The one hex decoder of the project (signd's protocol, lib/ts_sign, the
 * virtual card, package manifests): len digits (even) into out, at most
 * cap bytes; *outlen the byte count.  false on an odd count, a non-digit
 * or too many bytes (out may then hold part of the value). */
bool ts_crypto_unhex(const char *s, size_t len, bool lower_only, unsigned char *out, size_t cap,
                     size_t *outlen)
{
    if (len % 2 != 0 || len / 2 > cap)
        return false;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit((unsigned char)s[i], lower_only);
        int lo = hex_digit((unsigned char)s[i + 1], lower_only);
        if (hi < 0 || lo < 0)
            return false;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *outlen = len / 2;
    return true;
}

/* A fresh 256-bit secret as 64 hex digits: session ids and CSRF tokens. */
int ts_crypto_token_hex(char out[TS_CRYPTO_HEX64_SIZE])
{
    unsigned char raw[32];
    int rc = -1;

    if (ts_crypto_random(raw, sizeof raw) != 0)
        goto out;
    ts_crypto_hex(raw, sizeof raw, out);
    rc = 0;
out:
    ts_crypto_wipe(raw, sizeof raw);
    return rc;
}

/* One-shot digest with the named algorithm; the helpers below name it. */
static int ts_crypto_digest(const EVP_MD *md, const void *data, size_t n, unsigned char out[32])
{
    if (md == NULL || EVP_MD_get_size(md) != 32)
        return -1;
    return EVP_Digest(data, n, out, NULL, md, NULL) == 1 ? 0 : -1;
}

/* SM3 (GB/T 32905) of one buffer: the hash the audit chain is built on. */
int ts_crypto_sm3(const void *data, size_t n, unsigned char out[TS_CRYPTO_SM3_LEN])
{
    return ts_crypto_digest(EVP_sm3(), data, n, out);
}

/* SM3 of one buffer as 64 hex digits, the form stored in the audit table. */
int ts_crypto_sm3_hex(const void *data, size_t n, char out[TS_CRYPTO_HEX64_SIZE])
{
    unsigned char md[TS_CRYPTO_SM3_LEN];

    if (ts_crypto_sm3(data, n, md) != 0)
        return -1;
    ts_crypto_hex(md, sizeof md, out);
    return 0;
}

/* Start an SM3 over several fields (previous hash, then each column of an
 * audit row).  On failure h holds nothing to free. */
int ts_crypto_sm3_init(struct ts_crypto_sm3 *h)
{
    h->ctx = EVP_MD_CTX_new();
    if (h->ctx == NULL)
        return -1;
    if (EVP_DigestInit_ex(h->ctx, EVP_sm3(), NULL) != 1) {
        ts_crypto_sm3_free(h);
        return -1;
    }
    return 0;
}

/* Feed one more field.  The caller separates fields unambiguously (lengths
 * or a separator that cannot occur in them); SM3 itself does not. */
int ts_crypto_sm3_update(struct ts_crypto_sm3 *h, const void *data, size_t n)
{
    if (h->ctx == NULL)
        return -1;
    return EVP_DigestUpdate(h->ctx, data, n) == 1 ? 0 : -1;
}

/* Finish the chained SM3 as hex.  Releases the context whatever happens, so
 * the caller frees nothing after calling this. */
int ts_crypto_sm3_final_hex(struct ts_crypto_sm3 *h, char out[TS_CRYPTO_HEX64_SIZE])
{
    unsigned char md[TS_CRYPTO_SM3_LEN];
    unsigned int len = 0;
    int rc = -1;

    if (h->ctx == NULL)
        return -1;
    if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1 || len != sizeof md)
        goto out;
    ts_crypto_hex(md, sizeof md, out);
    rc = 0;
out:
    ts_crypto_sm3_free(h);
    return rc;
}

/* Abandon a chained SM3 (error path between init and final); idempotent. */
void ts_crypto_sm3_free(struct ts_crypto_sm3 *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

/* SHA-256 as hex: names of stored files, and the form in which session
 * tokens are kept in the database so a dump does not hand out sessions. */
int ts_crypto_sha256_hex(const void *data, size_t n, char out[TS_CRYPTO_HEX64_SIZE])
{
    unsigned char md[TS_CRYPTO_SHA256_LEN];

    if (ts_crypto_digest(EVP_sha256(), data, n, md) != 0)
        return -1;
    ts_crypto_hex(md, sizeof md, out);
    return 0;
}

/* Standard base64 without the '=' padding (PHC string format).  out holds
 * 4*ceil(n/3)+1 bytes. */
static void ts_crypto_b64_encode(const unsigned char *in, size_t n, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

    while (len > 0 && out[len - 1] == '=')
        out[--len] = '\0';
}

/* Decode exactly n bytes from unpadded base64 s of length slen.  Refuses
 * anything but the one canonical spelling, so an encoded hash cannot be
 * varied without changing its meaning. */
static int ts_crypto_b64_decode(const char *s, size_t slen, unsigned char *out, size_t n)
{
    char padded[64], again[64];
    unsigned char raw[48];
    size_t plen = (slen + 3) / 4 * 4;
    int rc = -1;

    if (n > 32 || slen != (n * 4 + 2) / 3)
        return -1;
    memcpy(padded, s, slen);
    memset(padded + slen, '=', plen - slen);
    padded[plen] = '\0';
    if (EVP_DecodeBlock(raw, (unsigned char *)padded, (int)plen) < (int)n)
        goto out;
    ts_crypto_b64_encode(raw, n, again);
    if (strlen(again) != slen || memcmp(again, s, slen) != 0)
        goto out;
    memcpy(out, raw, n);
    rc = 0;
out:
    ts_crypto_wipe(raw, sizeof raw);
    return rc;
}

/* Read "<name>=<decimal>" followed by term from *s, advancing *s past term.
 * No sign, no leading zero, 1 <= value <= max. */
static int ts_crypto_parse_param(const char **s, const char *name, char term, int max, int *value)
{
    const char *p = *s;
    size_t nlen = strlen(name);
    int v = 0;

    if (strncmp(p, name, nlen) != 0 || p[nlen] != '=')
        return -1;
    p += nlen + 1;
    if (*p < '1' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        if (v > max)
            return -1;
    }
    if (*p != term)
        return -1;
    *value = v;
    *s = p + 1;
    return 0;
}

/* Split an encoded password hash into its parts.  Refuses malformed strings
 * and costs beyond ln 20, r 16, p 4: a tampered row must not make a login
 * allocate gigabytes or spin for minutes. */
static int ts_crypto_parse_hash(const char *enc, struct scrypt_hash *h)
{
    static const char prefix[] = "$scrypt$";
    const char *p = enc, *dollar;

    if (strncmp(p, prefix, sizeof prefix - 1) != 0)
        return -1;
    p += sizeof prefix - 1;
    if (ts_crypto_parse_param(&p, "ln", ',', MAX_LN, &h->ln) != 0 ||
        ts_crypto_parse_param(&p, "r", ',', MAX_R, &h->r) != 0 ||
        ts_crypto_parse_param(&p, "p", '$', MAX_P, &h->p) != 0)
        return -1;
    dollar = strchr(p, '$');
    if (dollar == NULL)
        return -1;
    if (ts_crypto_b64_decode(p, (size_t)(dollar - p), h->salt, SALT_LEN) != 0)
        return -1;
    p = dollar + 1;
    return ts_crypto_b64_decode(p, strlen(p), h->key, KEY_LEN);
}

/* Run scrypt with the parameters and salt in h, writing KEY_LEN bytes.  The
 * memory ceiling is exactly what these (already bounded) parameters need. */
static int ts_crypto_scrypt(const char *pw, const struct scrypt_hash *h, unsigned char key[KEY_LEN])
{
    uint64_t n = UINT64_C(1) << h->ln;
    uint64_t r = (uint64_t)h->r, p = (uint64_t)h->p;
    uint64_t maxmem = 128 * r * (n + 2) + 128 * r * p;

    return EVP_PBE_scrypt(pw, strlen(pw), h->salt, SALT_LEN, n, r, p, maxmem, key, KEY_LEN) == 1
               ? 0
               : -1;
}

/* Write h as the self-describing string; -1 if out is too small. */
static int ts_crypto_format_hash(const struct scrypt_hash *h, char *out, size_t outlen)
{
    char salt[SALT_B64_LEN + 3], key[KEY_B64_LEN + 3];
    int len;

    ts_crypto_b64_encode(h->salt, SALT_LEN, salt);
    ts_crypto_b64_encode(h->key, KEY_LEN, key);
    len = snprintf(out, outlen, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", h->ln, h->r, h->p, salt, key);
    ts_crypto_wipe(key, sizeof key);
    return len > 0 && (size_t)len < outlen ? 0 : -1;
}

/* Hash a new password (account creation, reset, change) with a fresh salt
 * at the current cost.  out should hold TS_CRYPTO_PASSWORD_MAX bytes. */
int ts_crypto_password_hash(const char *pw, char *out, size_t outlen)
{
    struct scrypt_hash h = {
        .ln = ts_crypto_cost_ln, .r = TS_CRYPTO_SCRYPT_R, .p = TS_CRYPTO_SCRYPT_P};
    int rc = -1;

    if (pw == NULL || out == NULL)
        return -1;
    if (ts_crypto_random(h.salt, SALT_LEN) != 0 || ts_crypto_scrypt(pw, &h, h.key) != 0)
        goto out;
    rc = ts_crypto_format_hash(&h, out, outlen);
out:
    ts_crypto_wipe(&h, sizeof h);
    if (rc != 0 && out != NULL && outlen > 0)
        ts_crypto_wipe(out, outlen);
    return rc;
}

/* Does pw match the stored hash?  False for any malformed or out-of-bounds
 * string; the final comparison takes the same time wherever keys differ. */
bool ts_crypto_password_verify(const char *pw, const char *encoded)
{
    struct scrypt_hash h;
    unsigned char key[KEY_LEN];
    bool ok = false;

    if (pw == NULL || encoded == NULL)
        return false;
    if (ts_crypto_parse_hash(encoded, &h) != 0 || ts_crypto_scrypt(pw, &h, key) != 0)
        goto out;
    ok = CRYPTO_memcmp(key, h.key, KEY_LEN) == 0;
out:
    ts_crypto_wipe(key, sizeof key);
    ts_crypto_wipe(&h, sizeof h);
    return ok;
}

/* After a successful login: is the stored hash weaker than what we would
 * make today (or unreadable)?  Then login stores a fresh hash. */
bool ts_crypto_password_needs_rehash(const char *encoded)
{
    struct scrypt_hash h;
    bool weaker;

    if (encoded == NULL || ts_crypto_parse_hash(encoded, &h) != 0)
        return true;
    weaker = h.ln < ts_crypto_cost_ln || h.r < TS_CRYPTO_SCRYPT_R || h.p < TS_CRYPTO_SCRYPT_P;
    ts_crypto_wipe(&h, sizeof h);
    return weaker;
}

/* Lower (or raise) the cost of new hashes: tests and benchmarks only, which
 * would otherwise spend 40 ms per hash.  Call before any thread starts. */
int ts_crypto_password_set_cost(int ln)
{
    if (ln < 1 || ln > MAX_LN)
        return -1;
    ts_crypto_cost_ln = ln;
    return 0;
}

/* Compare two secrets (CSRF tokens, captcha answers) without the time
 * telling how long a prefix matched.  Only the lengths may leak; tokens
 * have a public fixed length. */
bool ts_crypto_const_eq(const char *a, const char *b)
{
    size_t la, lb;

    if (a == NULL || b == NULL)
        return false;
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return false;
    return CRYPTO_memcmp(a, b, la) == 0;
}

/* Erase a secret (PIN, password buffer, key) so the compiler cannot drop
 * the store as dead. */
void ts_crypto_wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}
