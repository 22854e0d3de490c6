/* ts_sm — the 国密 (SM2 / SM3 / SM4) operations of signed and encrypted
 * data packages, on OpenSSL 3.0 as Debian 12 ships it.
 *
 * - certificates and keys: X.509 certificates (DER or PEM) and SPKI public
 *   keys whose key is on the SM2 curve; PKCS#8 private keys (software keys:
 *   the portal's own key and tests; in production a user's key stays on the
 *   e-port card).
 * - SM2 signatures with the default distinguishing id 1234567812345678
 *   (GM/T 0009): ts_sm_sm2_e computes e = SM3(Z_A || M), the 32 bytes the
 *   card signs (card contract); signatures are DER SEQUENCE { r, s }.
 * - SM2 encryption of a short session key (OpenSSL's DER form, GM/T 0009
 *   SEQUENCE { x, y, C3 hash, C2 }): what the card decrypts.
 * - SM4-CTR, HMAC-SM3, and the envelope built from them (docs/formats.md,
 *   "Envelope"): encrypt-then-MAC, the 48-byte session key = SM4 key (16)
 *   || HMAC key (32), both random, sealed with SM2 to the recipient's
 *   certificate.  Debian's OpenSSL has no SM4-GCM, hence CTR + HMAC.
 *
 * SM3 itself, random bytes and wiping are ts_crypto's.  Functions return 0
 * on success and -1 on failure unless they say otherwise; nothing prints. */
#ifndef TS_SM_H
#define TS_SM_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The default SM2 distinguishing id (GM/T 0009), used on both sides. */
#define TS_SM_DISTID     "1234567812345678"
#define TS_SM_DISTID_LEN 16
/* e = SM3(Z_A || M). */
#define TS_SM_E_LEN 32
/* A DER SM2 signature: SEQUENCE of two INTEGERs of at most 33 bytes. */
#define TS_SM_SIG_MAX 72
#define TS_SM_SM4_KEY 16
#define TS_SM_IV_LEN  16
#define TS_SM_MAC_KEY 32
#define TS_SM_TAG_LEN 32
/* The envelope's session key: SM4 key then HMAC-SM3 key. */
#define TS_SM_SESSION_KEY (TS_SM_SM4_KEY + TS_SM_MAC_KEY)
/* The card decrypts at most 64 bytes of plaintext (card contract). */
#define TS_SM_SEALED_PLAIN_MAX 64
/* SM2 ciphertext of at most 64 bytes: 3 + (2+33)*2 + (2+32) + (2+64). */
#define TS_SM_SEALED_MAX 200

/* Envelope layout (byte offsets; L sealed-key length, N plaintext length):
 *   0 magic "TSE1" | 4 version 1 | 5 suite 1 | 6 L (u16 BE)
 *   8 SM3 of the recipient certificate (32) | 40 sealed key (L)
 *   40+L N (u64 BE) | 48+L IV (16) | 64+L ciphertext (N) | 64+L+N tag (32)
 * The tag is HMAC-SM3 over bytes 0 .. 64+L+N-1. */
#define TS_SM_ENV_MAGIC                "TSE1"
#define TS_SM_ENV_VERSION              1
#define TS_SM_ENV_SUITE                1
#define TS_SM_ENV_FIXED                (4 + 1 + 1 + 2 + 32 + 8 + TS_SM_IV_LEN + TS_SM_TAG_LEN)
#define TS_SM_ENV_OVERHEAD(sealed_len) (TS_SM_ENV_FIXED + (sealed_len))

/* Why an envelope did not open (ts_sm_envelope_open). */
enum ts_sm_env_result {
    TS_SM_ENV_OK = 0,
    TS_SM_ENV_FORMAT,    /* not an envelope, or lengths that do not add up */
    TS_SM_ENV_RECIPIENT, /* sealed to another certificate */
    TS_SM_ENV_KEY,       /* the session key would not decrypt */
    TS_SM_ENV_MAC,       /* the tag does not match: tampered or wrong key */
    TS_SM_ENV_INTERNAL,  /* out of memory, crypto library failure */
};

/* Produces a signature over e (card: through signd; software: a key). */
typedef int (*ts_sm_sign_e_fn)(void *ctx, const unsigned char e[TS_SM_E_LEN],
                               unsigned char sig[TS_SM_SIG_MAX], size_t *siglen);
/* Decrypts a sealed session key; *keylen is the room in key on entry and
 * the plaintext length on return (card: through signd; software: a key). */
typedef int (*ts_sm_unwrap_fn)(void *ctx, const unsigned char *sealed, size_t sealed_len,
                               unsigned char *key, size_t *keylen);

X509 *ts_sm_cert_load(const void *data, size_t len);
/* DER only (an entry the format says is DER, a card's certificate). */
X509 *ts_sm_cert_load_der(const void *data, size_t len);
X509 *ts_sm_cert_load_file(const char *path);
int ts_sm_cert_der(X509 *cert, unsigned char **der, size_t *len);
int ts_sm_cert_sm3(X509 *cert, unsigned char out[32]);
EVP_PKEY *ts_sm_cert_pubkey(X509 *cert);
EVP_PKEY *ts_sm_pubkey_load(const void *data, size_t len);
EVP_PKEY *ts_sm_privkey_load(const void *data, size_t len);
EVP_PKEY *ts_sm_privkey_load_file(const char *path);
EVP_PKEY *ts_sm_keygen(void);

int ts_sm_sm2_e(EVP_PKEY *pub, const void *msg, size_t n, unsigned char e[TS_SM_E_LEN]);
int ts_sm_sm2_e_cert(X509 *cert, const void *msg, size_t n, unsigned char e[TS_SM_E_LEN]);
int ts_sm_sign(EVP_PKEY *priv, const void *msg, size_t n, unsigned char sig[TS_SM_SIG_MAX],
               size_t *siglen);
int ts_sm_sign_e(EVP_PKEY *priv, const unsigned char e[TS_SM_E_LEN],
                 unsigned char sig[TS_SM_SIG_MAX], size_t *siglen);
int ts_sm_sign_e_with_key(void *priv, const unsigned char e[TS_SM_E_LEN],
                          unsigned char sig[TS_SM_SIG_MAX], size_t *siglen);
int ts_sm_verify(EVP_PKEY *pub, const void *msg, size_t n, const unsigned char *sig, size_t siglen);

int ts_sm_seal(EVP_PKEY *pub, const void *key, size_t keylen, unsigned char *out, size_t *outlen);
int ts_sm_unseal(EVP_PKEY *priv, const unsigned char *sealed, size_t sealed_len, unsigned char *key,
                 size_t *keylen);
int ts_sm_unwrap_with_key(void *priv, const unsigned char *sealed, size_t sealed_len,
                          unsigned char *key, size_t *keylen);

int ts_sm_sm4_ctr(const unsigned char key[TS_SM_SM4_KEY], const unsigned char iv[TS_SM_IV_LEN],
                  const void *in, size_t n, void *out);

/* HMAC-SM3 over several pieces in turn. */
struct ts_sm_hmac {
    EVP_MAC_CTX *ctx;
};
int ts_sm_hmac_init(struct ts_sm_hmac *h, const void *key, size_t keylen);
int ts_sm_hmac_update(struct ts_sm_hmac *h, const void *data, size_t n);
int ts_sm_hmac_final(struct ts_sm_hmac *h, unsigned char tag[TS_SM_TAG_LEN]);
void ts_sm_hmac_free(struct ts_sm_hmac *h);
int ts_sm_hmac_sm3(const void *key, size_t keylen, const void *data, size_t n,
                   unsigned char tag[TS_SM_TAG_LEN]);

int ts_sm_envelope_seal(X509 *recipient, const void *plain, size_t n, unsigned char **env,
                        size_t *envlen);
enum ts_sm_env_result ts_sm_envelope_open(const unsigned char *env, size_t envlen, X509 *recipient,
                                          ts_sm_unwrap_fn unwrap, void *ctx, unsigned char **plain,
                                          size_t *n);

#endif
