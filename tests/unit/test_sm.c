/* Unit tests for lib/ts_sm: certificates and keys, e = SM3(Z_A || M) as
 * the card signs it, SM2 signatures and key sealing both ways with the
 * openssl command line, SM4-CTR and HMAC-SM3 against openssl and the
 * GB/T 32907 vector, and the envelope: round trip, every field tampered,
 * wrong recipient, and opened step by step with the openssl command line
 * so the layout in docs/formats.md is what the code writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sm_fixture.h"
#include "ts_crypto.h"
#include "ts_sm.h"

static const char MSG[] = "<Declaration><EntryId>310120260000012345</EntryId></Declaration>";

static void hex_of(const unsigned char *p, size_t n, char *out)
{
    ts_crypto_hex(p, n, out);
}

static void test_cert_load(void **state)
{
    size_t len;
    unsigned char *der = fx_read("a.cer", &len), *pem;
    X509 *c = ts_sm_cert_load(der, len);
    assert_non_null(c);
    EVP_PKEY *pub = ts_sm_cert_pubkey(c);
    assert_non_null(pub);
    EVP_PKEY_free(pub);
    X509_free(c);
    /* A trailing byte after the DER is not the certificate. */
    der[len] = 0;
    assert_null(ts_sm_cert_load(der, len + 1));
    assert_null(ts_sm_cert_load(der, len - 1));
    free(der);
    size_t plen;
    pem = fx_read("a.pem", &plen);
    c = ts_sm_cert_load(pem, plen);
    assert_non_null(c);
    X509_free(c);
    free(pem);
    pem = fx_read("a.pub.pem", &plen);
    pub = ts_sm_pubkey_load(pem, plen);
    assert_non_null(pub);
    EVP_PKEY_free(pub);
    free(pem);
    /* Not SM2: refused as certificate and as key. */
    assert_null(ts_sm_cert_load_file(fx_path("p256.cer")));
    assert_null(ts_sm_privkey_load_file(fx_path("p256.key.pem")));
    assert_null(ts_sm_cert_load("garbage", 7));
    assert_null(ts_sm_cert_load_file(fx_path("missing.cer")));
}

/* The card's path: e from the certificate, EVP_PKEY_sign of e; the result
 * verifies over M with OpenSSL's own Z_A computation. */
static void test_e_is_what_openssl_verifies(void **state)
{
    X509 *c = fx_cert("a");
    EVP_PKEY *pub = ts_sm_cert_pubkey(c), *priv = fx_key("a"), *other = fx_key("b");
    unsigned char e[TS_SM_E_LEN], e2[TS_SM_E_LEN], plain[32], sig[TS_SM_SIG_MAX];
    size_t siglen = 0;
    assert_int_equal(ts_sm_sm2_e(pub, MSG, strlen(MSG), e), 0);
    assert_int_equal(ts_sm_sm2_e_cert(c, MSG, strlen(MSG), e2), 0);
    assert_memory_equal(e, e2, 32);
    assert_int_equal(ts_crypto_sm3(MSG, strlen(MSG), plain), 0);
    assert_memory_not_equal(e, plain, 32);
    assert_int_equal(ts_sm_sm2_e(other, MSG, strlen(MSG), e2), 0);
    assert_memory_not_equal(e, e2, 32); /* Z_A depends on the key */
    assert_int_equal(ts_sm_sign_e(priv, e, sig, &siglen), 0);
    assert_true(siglen <= TS_SM_SIG_MAX);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen), 0);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG) - 1, sig, siglen), -1);
    /* Signing SM3(M) instead of e is what a wrong host would do: refused. */
    assert_int_equal(ts_sm_sign_e(priv, plain, sig, &siglen), 0);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen), -1);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(other);
    X509_free(c);
}

static void test_sign_verify_tampered(void **state)
{
    EVP_PKEY *priv = fx_key("a"), *pub = fx_pub("a"), *bpub;
    X509 *bc = fx_cert("b");
    unsigned char sig[TS_SM_SIG_MAX + 1];
    size_t siglen = 0;
    assert_int_equal(ts_sm_sign(priv, MSG, strlen(MSG), sig, &siglen), 0);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen), 0);
    for (size_t i = 0; i < siglen; i++) {
        sig[i] ^= 0x01;
        assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen), -1);
        sig[i] ^= 0x01;
    }
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen - 1), -1);
    sig[siglen] = 0;
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, siglen + 1), -1);
    bpub = ts_sm_cert_pubkey(bc);
    assert_int_equal(ts_sm_verify(bpub, MSG, strlen(MSG), sig, siglen), -1);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), NULL, 0), -1);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(bpub);
    X509_free(bc);
}

/* Signatures made by `openssl pkeyutl` and `openssl dgst` verify with
 * ts_sm; one made with another distinguishing id does not. */
static void test_openssl_cli_signs(void **state)
{
    X509 *c = fx_cert("a");
    EVP_PKEY *pub = ts_sm_cert_pubkey(c);
    unsigned char *sig;
    size_t len;
    fx_write("m.xml", MSG, strlen(MSG));
    assert_int_equal(fx_sh("openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt "
                           "distid:1234567812345678 -inkey a.key.pem -in m.xml -out s1.der"),
                     0);
    sig = fx_read("s1.der", &len);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, len), 0);
    free(sig);
    assert_int_equal(fx_sh("openssl dgst -sm3 -sign a.key.pem -sigopt distid:1234567812345678 "
                           "-out s2.der m.xml"),
                     0);
    sig = fx_read("s2.der", &len);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, len), 0);
    free(sig);
    assert_int_equal(fx_sh("openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt "
                           "distid:8765432187654321 -inkey a.key.pem -in m.xml -out s3.der"),
                     0);
    sig = fx_read("s3.der", &len);
    assert_int_equal(ts_sm_verify(pub, MSG, strlen(MSG), sig, len), -1);
    free(sig);
    EVP_PKEY_free(pub);
    X509_free(c);
}

/* Ours (software key, and the card's e path) verify with the openssl
 * command line against the certificate; a flipped byte does not. */
static void test_openssl_cli_verifies(void **state)
{
    static const char verify[] = "openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt "
                                 "distid:1234567812345678 -certin -inkey a.cer -keyform DER "
                                 "-in m.xml -sigfile %s";
    EVP_PKEY *priv = fx_key("a"), *pub = fx_pub("a");
    unsigned char sig[TS_SM_SIG_MAX], e[TS_SM_E_LEN];
    size_t siglen = 0;
    fx_write("m.xml", MSG, strlen(MSG));
    assert_int_equal(ts_sm_sign(priv, MSG, strlen(MSG), sig, &siglen), 0);
    fx_write("ours.der", sig, siglen);
    assert_int_equal(fx_sh(verify, "ours.der"), 0);
    assert_int_equal(
        fx_sh("openssl dgst -sm3 -verify a.pub.pem -sigopt distid:1234567812345678 -signature "
              "ours.der m.xml"),
        0);
    sig[siglen - 1] ^= 1;
    fx_write("bad.der", sig, siglen);
    assert_int_not_equal(fx_sh(verify, "bad.der"), 0);
    assert_int_equal(ts_sm_sm2_e(pub, MSG, strlen(MSG), e), 0);
    assert_int_equal(ts_sm_sign_e(priv, e, sig, &siglen), 0);
    fx_write("card.der", sig, siglen);
    assert_int_equal(fx_sh(verify, "card.der"), 0);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
}

/* A session key sealed by us opens with `openssl pkeyutl -decrypt`, and
 * one sealed by openssl opens with ts_sm_unseal; another key fails. */
static void test_seal_both_ways(void **state)
{
    EVP_PKEY *pub = fx_pub("b"), *priv = fx_key("b"), *other = fx_key("c");
    unsigned char key[TS_SM_SESSION_KEY], sealed[TS_SM_SEALED_MAX], got[64], *p;
    size_t sealed_len = 0, got_len = sizeof got, len;
    assert_int_equal(ts_crypto_random(key, sizeof key), 0);
    assert_int_equal(ts_sm_seal(pub, key, sizeof key, sealed, &sealed_len), 0);
    fx_write("sealed.der", sealed, sealed_len);
    assert_int_equal(fx_sh("openssl pkeyutl -decrypt -inkey b.key.pem -in sealed.der -out k"), 0);
    p = fx_read("k", &len);
    assert_int_equal(len, sizeof key);
    assert_memory_equal(p, key, sizeof key);
    free(p);
    assert_int_equal(ts_sm_unseal(priv, sealed, sealed_len, got, &got_len), 0);
    assert_int_equal(got_len, sizeof key);
    assert_memory_equal(got, key, sizeof key);
    got_len = sizeof got;
    assert_int_equal(ts_sm_unseal(other, sealed, sealed_len, got, &got_len), -1);
    assert_int_equal(fx_sh("head -c 40 /dev/urandom > k2 && openssl pkeyutl -encrypt -certin "
                           "-inkey b.cer -keyform DER -in k2 -out k2.der"),
                     0);
    p = fx_read("k2.der", &len);
    got_len = sizeof got;
    assert_int_equal(ts_sm_unseal(priv, p, len, got, &got_len), 0);
    free(p);
    p = fx_read("k2", &len);
    assert_int_equal(got_len, 40);
    assert_memory_equal(got, p, 40);
    free(p);
    /* More than the card can decrypt is refused at the source. */
    unsigned char big[65] = {0};
    assert_int_equal(ts_sm_seal(pub, big, sizeof big, sealed, &sealed_len), -1);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(other);
}

/* GB/T 32907's vector through CTR: with a zero plaintext the first block
 * of keystream is E_K(IV); with IV = the standard's plaintext that is the
 * standard's ciphertext.  Then a longer buffer against openssl enc. */
static void test_sm4_ctr(void **state)
{
    static const unsigned char k[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                        0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    static const unsigned char c[16] = {0x68, 0x1e, 0xdf, 0x34, 0xd2, 0x06, 0x96, 0x5e,
                                        0x86, 0xb3, 0xe9, 0x4f, 0x53, 0x6e, 0x42, 0x46};
    unsigned char zero[16] = {0}, out[16], data[1000], enc[1000], back[1000], *p;
    char khex[33], ivhex[33];
    size_t len;
    assert_int_equal(ts_sm_sm4_ctr(k, k, zero, 16, out), 0);
    assert_memory_equal(out, c, 16);
    assert_int_equal(ts_crypto_random(data, sizeof data), 0);
    unsigned char iv[16];
    assert_int_equal(ts_crypto_random(iv, sizeof iv), 0);
    assert_int_equal(ts_sm_sm4_ctr(k, iv, data, sizeof data, enc), 0);
    assert_memory_not_equal(enc, data, 32);
    assert_int_equal(ts_sm_sm4_ctr(k, iv, enc, sizeof enc, back), 0);
    assert_memory_equal(back, data, sizeof data);
    fx_write("plain.bin", data, sizeof data);
    hex_of(k, 16, khex);
    hex_of(iv, 16, ivhex);
    assert_int_equal(
        fx_sh("openssl enc -sm4-ctr -K %s -iv %s -in plain.bin -out ctr.bin", khex, ivhex), 0);
    p = fx_read("ctr.bin", &len);
    assert_int_equal(len, sizeof enc);
    assert_memory_equal(p, enc, sizeof enc);
    free(p);
}

/* HMAC-SM3 one-shot, piecewise, and against `openssl mac`. */
static void test_hmac_sm3(void **state)
{
    unsigned char key[32], tag[32], tag2[32], *p;
    char khex[65], thex[65];
    struct ts_sm_hmac h;
    size_t len;
    assert_int_equal(ts_crypto_random(key, sizeof key), 0);
    assert_int_equal(ts_sm_hmac_sm3(key, 32, MSG, strlen(MSG), tag), 0);
    assert_int_equal(ts_sm_hmac_init(&h, key, 32), 0);
    assert_int_equal(ts_sm_hmac_update(&h, MSG, 5), 0);
    assert_int_equal(ts_sm_hmac_update(&h, MSG + 5, strlen(MSG) - 5), 0);
    assert_int_equal(ts_sm_hmac_final(&h, tag2), 0);
    assert_memory_equal(tag, tag2, 32);
    fx_write("m.xml", MSG, strlen(MSG));
    hex_of(key, 32, khex);
    assert_int_equal(
        fx_sh("openssl mac -digest SM3 -macopt hexkey:%s -in m.xml -out mac.txt HMAC", khex), 0);
    p = fx_read("mac.txt", &len);
    hex_of(tag, 32, thex);
    for (size_t i = 0; i < len; i++)
        if (p[i] >= 'A' && p[i] <= 'F')
            p[i] = (unsigned char)(p[i] - 'A' + 'a');
    assert_true(len >= 64);
    assert_memory_equal(p, thex, 64);
    free(p);
    key[0] ^= 1;
    assert_int_equal(ts_sm_hmac_sm3(key, 32, MSG, strlen(MSG), tag2), 0);
    assert_memory_not_equal(tag, tag2, 32);
}

/* Seal MSG to B; *env malloc'd. */
static unsigned char *seal_msg(size_t *len)
{
    X509 *b = fx_cert("b");
    unsigned char *env = NULL;
    assert_int_equal(ts_sm_envelope_seal(b, MSG, strlen(MSG), &env, len), 0);
    X509_free(b);
    return env;
}

/* Open env as who (certificate) with key (a private key). */
static enum ts_sm_env_result open_as(const unsigned char *env, size_t len, const char *who,
                                     const char *key, unsigned char **plain, size_t *n)
{
    X509 *c = fx_cert(who);
    EVP_PKEY *k = fx_key(key);
    enum ts_sm_env_result r = ts_sm_envelope_open(env, len, c, ts_sm_unwrap_with_key, k, plain, n);
    X509_free(c);
    EVP_PKEY_free(k);
    return r;
}

static void test_envelope_round_trip(void **state)
{
    unsigned char *env, *plain = NULL;
    size_t len, n = 0, sealed_len;
    env = seal_msg(&len);
    sealed_len = (size_t)env[6] << 8 | env[7];
    assert_int_equal(len, TS_SM_ENV_OVERHEAD(sealed_len) + strlen(MSG));
    assert_memory_equal(env, "TSE1\x01\x01", 6);
    assert_int_equal(open_as(env, len, "b", "b", &plain, &n), TS_SM_ENV_OK);
    assert_int_equal(n, strlen(MSG));
    assert_memory_equal(plain, MSG, n);
    free(plain);
    free(env);
    /* Empty plaintext is an envelope too. */
    X509 *b = fx_cert("b");
    assert_int_equal(ts_sm_envelope_seal(b, "", 0, &env, &len), 0);
    assert_int_equal(open_as(env, len, "b", "b", &plain, &n), TS_SM_ENV_OK);
    assert_int_equal(n, 0);
    free(plain);
    free(env);
    X509_free(b);
}

/* Flip one byte at off and expect want. */
static void flip_expect(const unsigned char *env, size_t len, size_t off,
                        enum ts_sm_env_result want)
{
    unsigned char *copy = malloc(len), *plain = NULL;
    size_t n = 0;
    memcpy(copy, env, len);
    copy[off] ^= 0x04;
    enum ts_sm_env_result got = open_as(copy, len, "b", "b", &plain, &n);
    if (got != want)
        fail_msg("flip at %zu: got %d, want %d", off, got, want);
    assert_null(plain);
    free(copy);
}

/* Every field of the layout, tampered, gives its own refusal. */
static void test_envelope_tampered(void **state)
{
    size_t len, L;
    unsigned char *env = seal_msg(&len), *plain = NULL;
    size_t n = 0;
    L = (size_t)env[6] << 8 | env[7];
    flip_expect(env, len, 0, TS_SM_ENV_FORMAT);          /* magic */
    flip_expect(env, len, 4, TS_SM_ENV_FORMAT);          /* version */
    flip_expect(env, len, 5, TS_SM_ENV_FORMAT);          /* suite */
    flip_expect(env, len, 7, TS_SM_ENV_FORMAT);          /* L */
    flip_expect(env, len, 8 + 5, TS_SM_ENV_RECIPIENT);   /* recipient SM3 */
    flip_expect(env, len, 40 + L - 5, TS_SM_ENV_KEY);    /* sealed key (C2) */
    flip_expect(env, len, 40 + L + 7, TS_SM_ENV_FORMAT); /* N */
    flip_expect(env, len, 48 + L, TS_SM_ENV_MAC);        /* IV */
    flip_expect(env, len, 64 + L, TS_SM_ENV_MAC);        /* ciphertext first */
    flip_expect(env, len, len - 33, TS_SM_ENV_MAC);      /* ciphertext last */
    flip_expect(env, len, len - 1, TS_SM_ENV_MAC);       /* tag */
    assert_int_equal(open_as(env, len - 1, "b", "b", &plain, &n), TS_SM_ENV_FORMAT);
    assert_int_equal(open_as(env, 10, "b", "b", &plain, &n), TS_SM_ENV_FORMAT);
    /* Another card (its own certificate): not addressed to it. */
    assert_int_equal(open_as(env, len, "c", "c", &plain, &n), TS_SM_ENV_RECIPIENT);
    /* B's certificate but C's key (a card that is not the certificate's). */
    assert_int_equal(open_as(env, len, "b", "c", &plain, &n), TS_SM_ENV_KEY);
    assert_null(plain);
    free(env);
}

/* Open one of our envelopes with nothing but the openssl command line,
 * following docs/formats.md: pkeyutl -decrypt the sealed key, check the
 * tag with `openssl mac`, decrypt with `openssl enc -sm4-ctr`. */
static void test_envelope_opened_by_openssl(void **state)
{
    size_t len, L, n, klen, tlen, plen;
    unsigned char *env = seal_msg(&len), *sk, *tag, *plain;
    char enc_hex[33], mac_hex[65], iv_hex[33], tag_hex[65];
    L = (size_t)env[6] << 8 | env[7];
    n = strlen(MSG);
    fx_write("sealed.der", env + 40, L);
    fx_write("authed.bin", env, 64 + L + n);
    fx_write("ct.bin", env + 64 + L, n);
    assert_int_equal(fx_sh("openssl pkeyutl -decrypt -inkey b.key.pem -in sealed.der -out sk"), 0);
    sk = fx_read("sk", &klen);
    assert_int_equal(klen, TS_SM_SESSION_KEY);
    hex_of(sk, 16, enc_hex);
    hex_of(sk + 16, 32, mac_hex);
    hex_of(env + 48 + L, 16, iv_hex);
    assert_int_equal(
        fx_sh("openssl mac -digest SM3 -macopt hexkey:%s -in authed.bin -out tag.txt HMAC",
              mac_hex),
        0);
    tag = fx_read("tag.txt", &tlen);
    hex_of(env + len - 32, 32, tag_hex);
    assert_true(tlen >= 64);
    assert_int_equal(strncasecmp((char *)tag, tag_hex, 64), 0);
    assert_int_equal(
        fx_sh("openssl enc -d -sm4-ctr -K %s -iv %s -in ct.bin -out pt.bin", enc_hex, iv_hex), 0);
    plain = fx_read("pt.bin", &plen);
    assert_int_equal(plen, n);
    assert_memory_equal(plain, MSG, n);
    free(plain);
    free(tag);
    free(sk);
    free(env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_load),
        cmocka_unit_test(test_e_is_what_openssl_verifies),
        cmocka_unit_test(test_sign_verify_tampered),
        cmocka_unit_test(test_openssl_cli_signs),
        cmocka_unit_test(test_openssl_cli_verifies),
        cmocka_unit_test(test_seal_both_ways),
        cmocka_unit_test(test_sm4_ctr),
        cmocka_unit_test(test_hmac_sm3),
        cmocka_unit_test(test_envelope_round_trip),
        cmocka_unit_test(test_envelope_tampered),
        cmocka_unit_test(test_envelope_opened_by_openssl),
    };
    return cmocka_run_group_tests_name("ts_sm", tests, fx_setup, fx_teardown);
}
