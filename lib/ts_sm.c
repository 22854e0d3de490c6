/* ts_sm — SM2 signatures and key transport, SM4-CTR, HMAC-SM3 and the
 * envelope of data packages (see ts_sm.h and docs/formats.md).
 *
 * Why the envelope's two keys are separate random keys and not derived
 * with a KDF: a 48-byte session key still fits the card's 64-byte decrypt
 * (card contract), nothing has to be specified or tested beyond SM2, SM4
 * and HMAC, and anyone can open an envelope with the openssl command line
 * (pkeyutl -decrypt, enc -sm4-ctr, mac HMAC) as docs/formats.md shows. */
#include "ts_sm.h"

#include "ts_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

/* The SM2 curve's a, b, Gx, Gy (GM/T 0003.5), as Z_A hashes them. */
// clang-format off
static const unsigned char sm2_curve_abg[128] = {
    /* a */
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
    /* b */
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34,
    0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92,
    0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
    /* Gx */
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19,
    0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1,
    0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    /* Gy */
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C,
    0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40,
    0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};
// clang-format on

/* ---- keys and certificates ---- */

/* True when pkey is an EC key on the SM2 curve (OpenSSL 3.0 decodes such
 * keys as type SM2; a P-256 key must never pass for one). */
static int is_sm2_key(EVP_PKEY *pkey)
{
    char group[32];
    size_t len = 0;
    if (!pkey || !EVP_PKEY_is_a(pkey, "SM2"))
        return 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len))
        return 0;
    return strcmp(group, "SM2") == 0;
}

/* Keep pkey only when it is an SM2 key; otherwise free it. */
static EVP_PKEY *only_sm2(EVP_PKEY *pkey)
{
    if (pkey && !is_sm2_key(pkey)) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

/* True when the bytes look like PEM text (a bound certificate pasted or
 * uploaded as .pem) rather than DER. */
static int looks_pem(const void *data, size_t len)
{
    return len >= 11 && memmem(data, len, "-----BEGIN ", 11) != NULL;
}

/* Keep cert only when its key is an SM2 key; otherwise free it. */
static X509 *only_sm2_cert(X509 *cert)
{
    if (cert && !is_sm2_key(X509_get0_pubkey(cert))) {
        X509_free(cert);
        cert = NULL;
    }
    return cert;
}

/* A certificate from exactly len bytes of DER whose key is an SM2 key;
 * NULL for PEM, trailing bytes or another key type. */
X509 *ts_sm_cert_load_der(const void *data, size_t len)
{
    const unsigned char *p = data;
    X509 *cert;
    if (!data || len == 0 || len > INT32_MAX)
        return NULL;
    cert = d2i_X509(NULL, &p, (long)len);
    if (cert && p != (const unsigned char *)data + len) {
        X509_free(cert);
        cert = NULL;
    }
    return only_sm2_cert(cert);
}

/* A certificate from DER or PEM bytes whose key is an SM2 key; NULL when
 * it is neither, has trailing bytes after the DER, or another key type. */
X509 *ts_sm_cert_load(const void *data, size_t len)
{
    X509 *cert = NULL;
    if (!data || len == 0 || len > INT32_MAX)
        return NULL;
    if (!looks_pem(data, len))
        return ts_sm_cert_load_der(data, len);
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    if (bio)
        cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return only_sm2_cert(cert);
}

/* Read a whole small file (certificates, keys) into malloc'd memory. */
static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > 1024 * 1024 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)size;
out:
    fclose(f);
    return buf;
}

/* The certificate in a file (DER or PEM). */
X509 *ts_sm_cert_load_file(const char *path)
{
    size_t len = 0;
    unsigned char *data = slurp(path, &len);
    X509 *cert = data ? ts_sm_cert_load(data, len) : NULL;
    free(data);
    return cert;
}

/* The certificate's DER encoding, malloc'd: what a package embeds as
 * signer.cer and what its fingerprints are taken over. */
int ts_sm_cert_der(X509 *cert, unsigned char **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = cert ? i2d_X509(cert, &p) : -1;
    if (n <= 0)
        return -1;
    *der = malloc((size_t)n);
    if (!*der) {
        OPENSSL_free(p);
        return -1;
    }
    memcpy(*der, p, (size_t)n);
    OPENSSL_free(p);
    *len = (size_t)n;
    return 0;
}

/* SM3 of the certificate's DER: how the manifest and the envelope name a
 * signer or recipient certificate. */
int ts_sm_cert_sm3(X509 *cert, unsigned char out[32])
{
    unsigned char *der = NULL;
    size_t len = 0;
    int rc = ts_sm_cert_der(cert, &der, &len);
    if (rc == 0)
        rc = ts_crypto_sm3(der, len, out);
    free(der);
    return rc;
}

/* The certificate's SM2 public key, with its own reference (free it). */
EVP_PKEY *ts_sm_cert_pubkey(X509 *cert)
{
    EVP_PKEY *pkey = cert ? X509_get0_pubkey(cert) : NULL;
    if (!is_sm2_key(pkey) || !EVP_PKEY_up_ref(pkey))
        return NULL;
    return pkey;
}

/* A public key from SPKI DER or PEM ("-----BEGIN PUBLIC KEY-----"). */
EVP_PKEY *ts_sm_pubkey_load(const void *data, size_t len)
{
    EVP_PKEY *pkey = NULL;
    if (!data || len == 0 || len > INT32_MAX)
        return NULL;
    if (looks_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio)
            pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        pkey = d2i_PUBKEY(NULL, &p, (long)len);
    }
    return only_sm2(pkey);
}

/* A private key from unencrypted PKCS#8 / SEC1 PEM or DER: the portal's
 * own signing key and the keys of tests and tools. */
EVP_PKEY *ts_sm_privkey_load(const void *data, size_t len)
{
    EVP_PKEY *pkey = NULL;
    if (!data || len == 0 || len > INT32_MAX)
        return NULL;
    if (looks_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        if (bio)
            pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
    }
    return only_sm2(pkey);
}

/* The private key in a file; its bytes are wiped after parsing. */
EVP_PKEY *ts_sm_privkey_load_file(const char *path)
{
    size_t len = 0;
    unsigned char *data = slurp(path, &len);
    EVP_PKEY *pkey = data ? ts_sm_privkey_load(data, len) : NULL;
    if (data)
        ts_crypto_wipe(data, len);
    free(data);
    return pkey;
}

/* A fresh SM2 key pair (tests, tools, the demo). */
EVP_PKEY *ts_sm_keygen(void)
{
    return only_sm2(EVP_PKEY_Q_keygen(NULL, NULL, "SM2"));
}

/* ---- SM2 signatures ---- */

/* The public point (x, y) as 32 bytes each. */
static int pub_xy(EVP_PKEY *pub, unsigned char xy[64])
{
    BIGNUM *x = NULL, *y = NULL;
    int rc = -1;
    if (!is_sm2_key(pub))
        return -1;
    if (!EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
        !EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_EC_PUB_Y, &y))
        goto out;
    if (BN_bn2binpad(x, xy, 32) != 32 || BN_bn2binpad(y, xy + 32, 32) != 32)
        goto out;
    rc = 0;
out:
    BN_free(x);
    BN_free(y);
    return rc;
}

/* e = SM3(Z_A || M) with Z_A = SM3(ENTL || ID || a || b || xG || yG || xA
 * || yA) and the default id: the 32 bytes the card signs for message M.
 * A signature of e by the card verifies over M with plain OpenSSL. */
int ts_sm_sm2_e(EVP_PKEY *pub, const void *msg, size_t n, unsigned char e[TS_SM_E_LEN])
{
    static const unsigned char entl[2] = {0x00, 0x80}; /* 16 bytes = 128 bits */
    unsigned char xy[64], z[32];
    EVP_MD_CTX *md = NULL;
    unsigned int len = 0;
    int rc = -1;
    if (pub_xy(pub, xy) != 0 || !(md = EVP_MD_CTX_new()))
        goto out;
    if (!EVP_DigestInit_ex(md, EVP_sm3(), NULL) || !EVP_DigestUpdate(md, entl, 2) ||
        !EVP_DigestUpdate(md, TS_SM_DISTID, TS_SM_DISTID_LEN) ||
        !EVP_DigestUpdate(md, sm2_curve_abg, sizeof sm2_curve_abg) ||
        !EVP_DigestUpdate(md, xy, sizeof xy) || !EVP_DigestFinal_ex(md, z, &len))
        goto out;
    if (!EVP_DigestInit_ex(md, EVP_sm3(), NULL) || !EVP_DigestUpdate(md, z, sizeof z) ||
        !EVP_DigestUpdate(md, msg, n) || !EVP_DigestFinal_ex(md, e, &len) || len != TS_SM_E_LEN)
        goto out;
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    return rc;
}

/* ts_sm_sm2_e for the key of a certificate (the card's, as read from the
 * card or as bound to the user). */
int ts_sm_sm2_e_cert(X509 *cert, const void *msg, size_t n, unsigned char e[TS_SM_E_LEN])
{
    EVP_PKEY *pub = ts_sm_cert_pubkey(cert);
    int rc = pub ? ts_sm_sm2_e(pub, msg, n, e) : -1;
    EVP_PKEY_free(pub);
    return rc;
}

/* A digest-sign or digest-verify context for SM2 with SM3 and the
 * default id (OpenSSL hashes Z_A || M itself). */
static EVP_MD_CTX *sm2_md_ctx(EVP_PKEY *pkey, int sign)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok = md && pctx && EVP_PKEY_CTX_set1_id(pctx, TS_SM_DISTID, TS_SM_DISTID_LEN) > 0;
    if (ok) {
        EVP_MD_CTX_set_pkey_ctx(md, pctx);
        ok = sign ? EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, pkey)
                  : EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, pkey);
    }
    if (!ok) {
        EVP_MD_CTX_free(md);
        EVP_PKEY_CTX_free(pctx);
        return NULL;
    }
    return md; /* owns nothing of pctx: freed by the caller below */
}

/* Free what sm2_md_ctx made (the pkey context is not owned by md). */
static void sm2_md_free(EVP_MD_CTX *md)
{
    if (!md)
        return;
    EVP_PKEY_CTX *pctx = EVP_MD_CTX_get_pkey_ctx(md);
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
}

/* Sign M with a software private key (the portal's own signature, tests):
 * the same signature a card makes over ts_sm_sm2_e of M. */
int ts_sm_sign(EVP_PKEY *priv, const void *msg, size_t n, unsigned char sig[TS_SM_SIG_MAX],
               size_t *siglen)
{
    EVP_MD_CTX *md = is_sm2_key(priv) ? sm2_md_ctx(priv, 1) : NULL;
    size_t len = TS_SM_SIG_MAX;
    int rc = -1;
    if (md && EVP_DigestSign(md, sig, &len, msg, n) == 1) {
        *siglen = len;
        rc = 0;
    }
    sm2_md_free(md);
    return rc;
}

/* Sign a ready e (what the card does): EVP_PKEY_sign on an SM2 context
 * takes the 32 bytes as e. */
int ts_sm_sign_e(EVP_PKEY *priv, const unsigned char e[TS_SM_E_LEN],
                 unsigned char sig[TS_SM_SIG_MAX], size_t *siglen)
{
    EVP_PKEY_CTX *pctx = is_sm2_key(priv) ? EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL) : NULL;
    size_t len = TS_SM_SIG_MAX;
    int rc = -1;
    if (pctx && EVP_PKEY_sign_init(pctx) == 1 &&
        EVP_PKEY_sign(pctx, sig, &len, e, TS_SM_E_LEN) == 1) {
        *siglen = len;
        rc = 0;
    }
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

/* ts_sm_sign_e in the shape of ts_sm_sign_e_fn; priv is an EVP_PKEY *. */
int ts_sm_sign_e_with_key(void *priv, const unsigned char e[TS_SM_E_LEN],
                          unsigned char sig[TS_SM_SIG_MAX], size_t *siglen)
{
    return ts_sm_sign_e(priv, e, sig, siglen);
}

/* Verify a DER signature over M with the default id.  0 only for a valid
 * signature in canonical DER (OpenSSL re-encodes and compares). */
int ts_sm_verify(EVP_PKEY *pub, const void *msg, size_t n, const unsigned char *sig, size_t siglen)
{
    EVP_MD_CTX *md;
    int rc = -1;
    if (!sig || siglen == 0 || siglen > TS_SM_SIG_MAX || !is_sm2_key(pub))
        return -1;
    md = sm2_md_ctx(pub, 0);
    if (md && EVP_DigestVerify(md, sig, siglen, msg, n) == 1)
        rc = 0;
    sm2_md_free(md);
    return rc;
}

/* ---- SM2 key transport ---- */

/* Encrypt a short key (at most 64 bytes, what the card can decrypt) to an
 * SM2 public key; out holds TS_SM_SEALED_MAX bytes. */
int ts_sm_seal(EVP_PKEY *pub, const void *key, size_t keylen, unsigned char *out, size_t *outlen)
{
    EVP_PKEY_CTX *pctx;
    size_t len = TS_SM_SEALED_MAX;
    int rc = -1;
    if (keylen == 0 || keylen > TS_SM_SEALED_PLAIN_MAX || !is_sm2_key(pub))
        return -1;
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    if (pctx && EVP_PKEY_encrypt_init(pctx) == 1 &&
        EVP_PKEY_encrypt(pctx, out, &len, key, keylen) == 1) {
        *outlen = len;
        rc = 0;
    }
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

/* Decrypt a sealed key with a software private key (tests, tools; the card
 * does this in production).  *keylen: room in key, then the length. */
int ts_sm_unseal(EVP_PKEY *priv, const unsigned char *sealed, size_t sealed_len, unsigned char *key,
                 size_t *keylen)
{
    unsigned char buf[TS_SM_SEALED_MAX];
    size_t len = sizeof buf;
    EVP_PKEY_CTX *pctx;
    int rc = -1;
    if (!sealed || sealed_len == 0 || sealed_len > TS_SM_SEALED_MAX || !is_sm2_key(priv))
        return -1;
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
    if (pctx && EVP_PKEY_decrypt_init(pctx) == 1 &&
        EVP_PKEY_decrypt(pctx, buf, &len, sealed, sealed_len) == 1 && len <= *keylen) {
        memcpy(key, buf, len);
        *keylen = len;
        rc = 0;
    }
    ts_crypto_wipe(buf, sizeof buf);
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

/* ts_sm_unseal in the shape of ts_sm_unwrap_fn; priv is an EVP_PKEY *. */
int ts_sm_unwrap_with_key(void *priv, const unsigned char *sealed, size_t sealed_len,
                          unsigned char *key, size_t *keylen)
{
    return ts_sm_unseal(priv, sealed, sealed_len, key, keylen);
}

/* ---- SM4-CTR and HMAC-SM3 ---- */

/* SM4 in counter mode (the 16-byte IV is the first counter block, the
 * whole block counting up big-endian, as OpenSSL's CTR does); encryption
 * and decryption are the same.  in and out may be the same buffer. */
int ts_sm_sm4_ctr(const unsigned char key[TS_SM_SM4_KEY], const unsigned char iv[TS_SM_IV_LEN],
                  const void *in, size_t n, void *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    const unsigned char *src = in;
    unsigned char *dst = out;
    int rc = -1, len = 0;
    if (!c || EVP_EncryptInit_ex(c, EVP_sm4_ctr(), NULL, key, iv) != 1)
        goto out;
    while (n > 0) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        if (EVP_EncryptUpdate(c, dst, &len, src, chunk) != 1 || len != chunk)
            goto out;
        src += chunk;
        dst += chunk;
        n -= (size_t)chunk;
    }
    rc = EVP_EncryptFinal_ex(c, dst, &len) == 1 && len == 0 ? 0 : -1;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

/* Start an HMAC-SM3; on failure h holds nothing to free. */
int ts_sm_hmac_init(struct ts_sm_hmac *h, const void *key, size_t keylen)
{
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SM3", 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    h->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
    if (h->ctx && EVP_MAC_init(h->ctx, key, keylen, params) == 1)
        return 0;
    ts_sm_hmac_free(h);
    return -1;
}

int ts_sm_hmac_update(struct ts_sm_hmac *h, const void *data, size_t n)
{
    return h->ctx && EVP_MAC_update(h->ctx, data, n) == 1 ? 0 : -1;
}

/* Finish and release the context whatever happens. */
int ts_sm_hmac_final(struct ts_sm_hmac *h, unsigned char tag[TS_SM_TAG_LEN])
{
    size_t len = 0;
    int rc = h->ctx && EVP_MAC_final(h->ctx, tag, &len, TS_SM_TAG_LEN) == 1 && len == TS_SM_TAG_LEN
                 ? 0
                 : -1;
    ts_sm_hmac_free(h);
    return rc;
}

void ts_sm_hmac_free(struct ts_sm_hmac *h)
{
    EVP_MAC_CTX_free(h->ctx);
    h->ctx = NULL;
}

/* HMAC-SM3 of one buffer. */
int ts_sm_hmac_sm3(const void *key, size_t keylen, const void *data, size_t n,
                   unsigned char tag[TS_SM_TAG_LEN])
{
    struct ts_sm_hmac h;
    if (ts_sm_hmac_init(&h, key, keylen) != 0)
        return -1;
    if (ts_sm_hmac_update(&h, data, n) != 0) {
        ts_sm_hmac_free(&h);
        return -1;
    }
    return ts_sm_hmac_final(&h, tag);
}

/* ---- the envelope ---- */

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

/* Write the header (up to and including the IV) at env; returns its
 * length.  The session key is already sealed into sealed. */
static size_t put_header(unsigned char *env, const unsigned char fp[32],
                         const unsigned char *sealed, size_t sealed_len, size_t n,
                         const unsigned char iv[TS_SM_IV_LEN])
{
    size_t at = 0;
    memcpy(env, TS_SM_ENV_MAGIC, 4);
    env[4] = TS_SM_ENV_VERSION;
    env[5] = TS_SM_ENV_SUITE;
    put_be(env + 6, sealed_len, 2);
    memcpy(env + 8, fp, 32);
    at = 40;
    memcpy(env + at, sealed, sealed_len);
    at += sealed_len;
    put_be(env + at, n, 8);
    at += 8;
    memcpy(env + at, iv, TS_SM_IV_LEN);
    return at + TS_SM_IV_LEN;
}

/* Encrypt plain to the recipient's certificate: a fresh 48-byte session
 * key (SM4 key || HMAC-SM3 key) and IV from the DRBG, SM4-CTR, then the
 * tag over everything before it (encrypt-then-MAC).  *env is malloc'd. */
int ts_sm_envelope_seal(X509 *recipient, const void *plain, size_t n, unsigned char **env,
                        size_t *envlen)
{
    unsigned char sk[TS_SM_SESSION_KEY], iv[TS_SM_IV_LEN], fp[32], sealed[TS_SM_SEALED_MAX];
    size_t sealed_len = 0, head, total;
    EVP_PKEY *pub = ts_sm_cert_pubkey(recipient);
    unsigned char *out = NULL;
    int rc = -1;
    *env = NULL;
    if (!pub || n > SIZE_MAX - TS_SM_ENV_OVERHEAD(TS_SM_SEALED_MAX))
        goto out;
    if (ts_crypto_random(sk, sizeof sk) != 0 || ts_crypto_random(iv, sizeof iv) != 0 ||
        ts_sm_cert_sm3(recipient, fp) != 0 || ts_sm_seal(pub, sk, sizeof sk, sealed, &sealed_len))
        goto out;
    total = TS_SM_ENV_OVERHEAD(sealed_len) + n;
    if (!(out = malloc(total)))
        goto out;
    head = put_header(out, fp, sealed, sealed_len, n, iv);
    if (ts_sm_sm4_ctr(sk, iv, plain, n, out + head) != 0 ||
        ts_sm_hmac_sm3(sk + TS_SM_SM4_KEY, TS_SM_MAC_KEY, out, head + n, out + head + n) != 0)
        goto out;
    *env = out;
    *envlen = total;
    out = NULL;
    rc = 0;
out:
    ts_crypto_wipe(sk, sizeof sk);
    free(out);
    EVP_PKEY_free(pub);
    return rc;
}

/* The parts of an envelope, located and length-checked. */
struct env_parts {
    const unsigned char *fp, *sealed, *iv, *ct, *tag;
    size_t sealed_len, n, head;
};

/* Locate the parts; refuse anything whose lengths do not add up exactly. */
static int env_parse(const unsigned char *env, size_t len, struct env_parts *p)
{
    uint64_t n;
    if (!env || len < TS_SM_ENV_FIXED || memcmp(env, TS_SM_ENV_MAGIC, 4) != 0 ||
        env[4] != TS_SM_ENV_VERSION || env[5] != TS_SM_ENV_SUITE)
        return -1;
    p->sealed_len = (size_t)get_be(env + 6, 2);
    if (p->sealed_len == 0 || p->sealed_len > TS_SM_SEALED_MAX ||
        len < TS_SM_ENV_OVERHEAD(p->sealed_len))
        return -1;
    n = get_be(env + 40 + p->sealed_len, 8);
    if (n != len - TS_SM_ENV_OVERHEAD(p->sealed_len))
        return -1;
    p->n = (size_t)n;
    p->fp = env + 8;
    p->sealed = env + 40;
    p->iv = p->sealed + p->sealed_len + 8;
    p->ct = p->iv + TS_SM_IV_LEN;
    p->head = (size_t)(p->ct - env);
    p->tag = p->ct + p->n;
    return 0;
}

/* Check the tag over header + IV + ciphertext in constant time. */
static int env_tag_ok(const unsigned char *env, const struct env_parts *p,
                      const unsigned char *mac_key)
{
    unsigned char tag[TS_SM_TAG_LEN];
    if (ts_sm_hmac_sm3(mac_key, TS_SM_MAC_KEY, env, p->head + p->n, tag) != 0)
        return -1;
    return CRYPTO_memcmp(tag, p->tag, TS_SM_TAG_LEN) == 0 ? 0 : 1;
}

/* Open an envelope addressed to recipient (the opener's certificate),
 * unwrapping the session key through unwrap (the card via signd, or a
 * software key).  Order: layout, recipient, session key, tag, and only
 * then decryption.  *plain is malloc'd (n bytes, at least 1 allocated). */
enum ts_sm_env_result ts_sm_envelope_open(const unsigned char *env, size_t envlen, X509 *recipient,
                                          ts_sm_unwrap_fn unwrap, void *ctx, unsigned char **plain,
                                          size_t *n)
{
    unsigned char sk[TS_SM_SEALED_MAX], fp[32];
    size_t sklen = sizeof sk;
    struct env_parts p;
    enum ts_sm_env_result rc = TS_SM_ENV_INTERNAL;
    unsigned char *out = NULL;
    int tag;
    *plain = NULL;
    if (env_parse(env, envlen, &p) != 0)
        return TS_SM_ENV_FORMAT;
    if (!recipient || !unwrap || ts_sm_cert_sm3(recipient, fp) != 0)
        return TS_SM_ENV_INTERNAL;
    if (CRYPTO_memcmp(fp, p.fp, 32) != 0)
        return TS_SM_ENV_RECIPIENT;
    if (unwrap(ctx, p.sealed, p.sealed_len, sk, &sklen) != 0 || sklen != TS_SM_SESSION_KEY) {
        rc = TS_SM_ENV_KEY;
        goto out;
    }
    tag = env_tag_ok(env, &p, sk + TS_SM_SM4_KEY);
    if (tag != 0) {
        rc = tag > 0 ? TS_SM_ENV_MAC : TS_SM_ENV_INTERNAL;
        goto out;
    }
    if (!(out = malloc(p.n ? p.n : 1)) || ts_sm_sm4_ctr(sk, p.iv, p.ct, p.n, out) != 0)
        goto out;
    *plain = out;
    *n = p.n;
    out = NULL;
    rc = TS_SM_ENV_OK;
out:
    ts_crypto_wipe(sk, sizeof sk);
    free(out);
    return rc;
}
