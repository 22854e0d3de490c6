/* ts_crypto — the few cryptographic primitives the portal uses, on top of
 * OpenSSL 3.0: random tokens, SM3 (audit-log chaining, 国密), SHA-256
 * (content addressing, session-token storage), scrypt password hashes and
 * constant-time comparison.  Everything returns 0 on success and -1 on
 * failure unless it says otherwise; nothing prints. */
#ifndef TS_CRYPTO_H
#define TS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#define TS_CRYPTO_SM3_LEN    32
#define TS_CRYPTO_SHA256_LEN 32
/* 64 hex digits and the NUL: SM3, SHA-256 and token strings. */
#define TS_CRYPTO_HEX64_SIZE 65
/* Room for any encoded password hash this module writes or accepts. */
#define TS_CRYPTO_PASSWORD_MAX 128

/* Default scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB), about 40 ms per
 * hash on the 2-core deployment box; see ts_crypto.c for the measurement. */
#define TS_CRYPTO_SCRYPT_LN 14
#define TS_CRYPTO_SCRYPT_R  8
#define TS_CRYPTO_SCRYPT_P  1

/* An SM3 digest computed over several fields in turn (audit-log chain). */
struct ts_crypto_sm3 {
    EVP_MD_CTX *ctx;
};

int ts_crypto_random(void *buf, size_t n);
int ts_crypto_token_hex(char out[TS_CRYPTO_HEX64_SIZE]);
void ts_crypto_hex(const void *data, size_t n, char *out);
bool ts_crypto_unhex(const char *s, size_t len, bool lower_only, unsigned char *out, size_t cap,
                     size_t *outlen);

int ts_crypto_sm3(const void *data, size_t n, unsigned char out[TS_CRYPTO_SM3_LEN]);
int ts_crypto_sm3_hex(const void *data, size_t n, char out[TS_CRYPTO_HEX64_SIZE]);
int ts_crypto_sm3_init(struct ts_crypto_sm3 *h);
int ts_crypto_sm3_update(struct ts_crypto_sm3 *h, const void *data, size_t n);
int ts_crypto_sm3_final_hex(struct ts_crypto_sm3 *h, char out[TS_CRYPTO_HEX64_SIZE]);
void ts_crypto_sm3_free(struct ts_crypto_sm3 *h);

int ts_crypto_sha256_hex(const void *data, size_t n, char out[TS_CRYPTO_HEX64_SIZE]);

int ts_crypto_password_hash(const char *pw, char *out, size_t outlen);
bool ts_crypto_password_verify(const char *pw, const char *encoded);
bool ts_crypto_password_needs_rehash(const char *encoded);
int ts_crypto_password_set_cost(int ln);

bool ts_crypto_const_eq(const char *a, const char *b);
void ts_crypto_wipe(void *p, size_t n);

#endif
