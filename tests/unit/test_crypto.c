/* Unit tests for lib/ts_crypto: digests against published vectors, tokens,
 * scrypt password strings (round trip, tampering, bounds), comparisons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ts_crypto.h"

/* Cheap cost for the tests that only need some valid hash. */
#define TEST_LN 10

static const char sm3_abc[] = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
static const char sm3_abcd16[] = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";

/* The 64-byte message of GB/T 32905 example 2: "abcd" sixteen times. */
static void abcd16(char msg[65])
{
    for (int i = 0; i < 16; i++)
        memcpy(msg + 4 * i, "abcd", 4);
    msg[64] = '\0';
}

/* A fresh valid hash of pw at the test cost. */
static void hash_of(const char *pw, char out[TS_CRYPTO_PASSWORD_MAX])
{
    assert_int_equal(ts_crypto_password_hash(pw, out, TS_CRYPTO_PASSWORD_MAX), 0);
}

/* The part of an encoded hash after "$scrypt$<params>$": salt$key. */
static const char *salt_and_key(const char *enc)
{
    const char *p = strchr(enc + 1, '$');
    assert_non_null(p);
    p = strchr(p + 1, '$');
    assert_non_null(p);
    return p + 1;
}

static void test_sm3_abc(void **state)
{
    unsigned char md[TS_CRYPTO_SM3_LEN];
    char hex[TS_CRYPTO_HEX64_SIZE];

    assert_int_equal(ts_crypto_sm3("abc", 3, md), 0);
    ts_crypto_hex(md, sizeof md, hex);
    assert_string_equal(hex, sm3_abc);
    assert_int_equal(ts_crypto_sm3_hex("abc", 3, hex), 0);
    assert_string_equal(hex, sm3_abc);
}

static void test_sm3_64_bytes(void **state)
{
    char msg[65], hex[TS_CRYPTO_HEX64_SIZE];

    abcd16(msg);
    assert_int_equal(ts_crypto_sm3_hex(msg, 64, hex), 0);
    assert_string_equal(hex, sm3_abcd16);
}

/* Chaining field by field gives the digest of the concatenation. */
static void test_sm3_incremental(void **state)
{
    struct ts_crypto_sm3 h;
    char msg[65], hex[TS_CRYPTO_HEX64_SIZE];

    abcd16(msg);
    assert_int_equal(ts_crypto_sm3_init(&h), 0);
    assert_int_equal(ts_crypto_sm3_update(&h, msg, 10), 0);
    assert_int_equal(ts_crypto_sm3_update(&h, msg + 10, 0), 0);
    assert_int_equal(ts_crypto_sm3_update(&h, msg + 10, 54), 0);
    assert_int_equal(ts_crypto_sm3_final_hex(&h, hex), 0);
    assert_string_equal(hex, sm3_abcd16);
    assert_null(h.ctx);
    /* After final the context is gone: more updates fail, free is safe. */
    assert_int_equal(ts_crypto_sm3_update(&h, "x", 1), -1);
    ts_crypto_sm3_free(&h);
}

/* An abandoned chain is released by ts_crypto_sm3_free (ASan checks). */
static void test_sm3_abandon(void **state)
{
    struct ts_crypto_sm3 h;

    assert_int_equal(ts_crypto_sm3_init(&h), 0);
    assert_int_equal(ts_crypto_sm3_update(&h, "abc", 3), 0);
    ts_crypto_sm3_free(&h);
    ts_crypto_sm3_free(&h);
    assert_null(h.ctx);
}

static void test_sha256(void **state)
{
    char hex[TS_CRYPTO_HEX64_SIZE];

    assert_int_equal(ts_crypto_sha256_hex("abc", 3, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(ts_crypto_sha256_hex("", 0, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_hex(void **state)
{
    const unsigned char in[] = {0x00, 0x0f, 0xa5, 0xff};
    char out[9];

    ts_crypto_hex(in, sizeof in, out);
    assert_string_equal(out, "000fa5ff");
    ts_crypto_hex(in, 0, out);
    assert_string_equal(out, "");

    unsigned char back[4];
    size_t n = 99;
    assert_true(ts_crypto_unhex("000fa5ff", 8, true, back, sizeof back, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(back, in, 4);
    assert_true(ts_crypto_unhex("000FA5fF", 8, false, back, sizeof back, &n));
    assert_memory_equal(back, in, 4);
    assert_false(ts_crypto_unhex("000FA5FF", 8, true, back, sizeof back, &n));     /* lower only */
    assert_false(ts_crypto_unhex("000fa5f", 7, false, back, sizeof back, &n));     /* odd */
    assert_false(ts_crypto_unhex("000fa5ffee", 10, false, back, sizeof back, &n)); /* > cap */
    assert_false(ts_crypto_unhex("0g", 2, false, back, sizeof back, &n));
    assert_false(ts_crypto_unhex("0 ", 2, false, back, sizeof back, &n));
    assert_true(ts_crypto_unhex("", 0, false, back, sizeof back, &n));
    assert_int_equal(n, 0);
}

static void test_token(void **state)
{
    char a[TS_CRYPTO_HEX64_SIZE], b[TS_CRYPTO_HEX64_SIZE];

    assert_int_equal(ts_crypto_token_hex(a), 0);
    assert_int_equal(ts_crypto_token_hex(b), 0);
    assert_int_equal(strlen(a), 64);
    assert_int_equal(strspn(a, "0123456789abcdef"), 64);
    assert_string_not_equal(a, b);
}

static void test_random(void **state)
{
    unsigned char a[32] = {0}, b[32] = {0};

    assert_int_equal(ts_crypto_random(a, sizeof a), 0);
    assert_int_equal(ts_crypto_random(b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(ts_crypto_random(a, 0), 0);
}

/* The default cost is what the header documents, and it verifies. */
static void test_password_default_cost(void **state)
{
    char enc[TS_CRYPTO_PASSWORD_MAX], want[32];

    snprintf(want, sizeof want, "$scrypt$ln=%d,r=%d,p=%d$", TS_CRYPTO_SCRYPT_LN, TS_CRYPTO_SCRYPT_R,
             TS_CRYPTO_SCRYPT_P);
    assert_int_equal(ts_crypto_password_set_cost(TS_CRYPTO_SCRYPT_LN), 0);
    hash_of("12345678", enc);
    assert_int_equal(ts_crypto_password_set_cost(TEST_LN), 0);
    assert_int_equal(strncmp(enc, want, strlen(want)), 0);
    assert_int_equal(strlen(enc), strlen(want) + 22 + 1 + 43);
    assert_true(ts_crypto_password_verify("12345678", enc));
}

static void test_password_round_trip(void **state)
{
    char enc[TS_CRYPTO_PASSWORD_MAX];

    hash_of("Tuishui#2024 退税", enc);
    assert_true(ts_crypto_password_verify("Tuishui#2024 退税", enc));
    hash_of("", enc);
    assert_true(ts_crypto_password_verify("", enc));
}

static void test_password_wrong(void **state)
{
    char enc[TS_CRYPTO_PASSWORD_MAX];

    hash_of("correct horse", enc);
    assert_false(ts_crypto_password_verify("correct hors", enc));
    assert_false(ts_crypto_password_verify("correct horse ", enc));
    assert_false(ts_crypto_password_verify("Correct horse", enc));
    assert_false(ts_crypto_password_verify("", enc));
    assert_false(ts_crypto_password_verify(NULL, enc));
    assert_false(ts_crypto_password_verify("correct horse", NULL));
}

static void test_password_salted(void **state)
{
    char a[TS_CRYPTO_PASSWORD_MAX], b[TS_CRYPTO_PASSWORD_MAX];

    hash_of("12345678", a);
    hash_of("12345678", b);
    assert_string_not_equal(a, b);
    assert_true(ts_crypto_password_verify("12345678", a));
    assert_true(ts_crypto_password_verify("12345678", b));
}

/* Flip one character at position i to another base64 character. */
static void flip(char *enc, size_t i)
{
    enc[i] = enc[i] == 'A' ? 'B' : 'A';
}

static void test_password_tampered(void **state)
{
    char good[TS_CRYPTO_PASSWORD_MAX], bad[TS_CRYPTO_PASSWORD_MAX + 8];
    size_t len, sk;

    hash_of("12345678", good);
    assert_true(ts_crypto_password_verify("12345678", good));
    len = strlen(good);
    sk = (size_t)(salt_and_key(good) - good);

    strcpy(bad, good);
    flip(bad, len - 2); /* key */
    assert_false(ts_crypto_password_verify("12345678", bad));
    strcpy(bad, good);
    flip(bad, sk + 3); /* salt */
    assert_false(ts_crypto_password_verify("12345678", bad));
    strcpy(bad, good);
    bad[len - 1] = '\0'; /* truncated key */
    assert_false(ts_crypto_password_verify("12345678", bad));
    snprintf(bad, sizeof bad, "%s=", good); /* padding we never write */
    assert_false(ts_crypto_password_verify("12345678", bad));
    snprintf(bad, sizeof bad, "%sA", good); /* trailing junk */
    assert_false(ts_crypto_password_verify("12345678", bad));
    strcpy(bad, good);
    bad[1] = 'S'; /* "$Scrypt$" */
    assert_false(ts_crypto_password_verify("12345678", bad));
    assert_false(ts_crypto_password_verify("12345678", ""));
    assert_false(ts_crypto_password_verify("12345678", "$scrypt$"));
}

/* The last key character carries 2 unused bits; another spelling of the
 * same bytes must not be accepted either. */
static void test_password_noncanonical(void **state)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char enc[TS_CRYPTO_PASSWORD_MAX];
    size_t last;
    int v;

    hash_of("12345678", enc);
    last = strlen(enc) - 1;
    v = (int)(strchr(b64, enc[last]) - b64);
    enc[last] = b64[v ^ 1];
    assert_false(ts_crypto_password_verify("12345678", enc));
}

/* Rebuild enc with another parameter section, keeping salt and key. */
static void with_params(const char *enc, const char *params, char *out, size_t outlen)
{
    snprintf(out, outlen, "$scrypt$%s$%s", params, salt_and_key(enc));
}

static void test_password_absurd_params(void **state)
{
    static const char *const bad_params[] = {
        "ln=21,r=8,p=1",         "ln=99,r=8,p=1", "ln=10,r=17,p=1",    "ln=10,r=8,p=5",
        "ln=0,r=8,p=1",          "ln=10,r=0,p=1", "ln=010,r=8,p=1",    "ln=-1,r=8,p=1",
        "ln=10,p=1,r=8",         "ln=10,r=8",     "ln=10,r=8,p=1,x=1", "ln=,r=8,p=1",
        "ln=4294967306,r=8,p=1",
    };
    char enc[TS_CRYPTO_PASSWORD_MAX], bad[TS_CRYPTO_PASSWORD_MAX + 32];

    hash_of("12345678", enc);
    /* Control: the same parameters rebuilt this way still verify. */
    with_params(enc, "ln=10,r=8,p=1", bad, sizeof bad);
    assert_true(ts_crypto_password_verify("12345678", bad));
    for (size_t i = 0; i < sizeof bad_params / sizeof bad_params[0]; i++) {
        with_params(enc, bad_params[i], bad, sizeof bad);
        assert_false(ts_crypto_password_verify("12345678", bad));
    }
}

/* Parameters come from the string: a hash made at one cost verifies after
 * the cost for new hashes changed, and a changed cost in the string (same
 * salt and key) no longer matches. */
static void test_password_params_from_string(void **state)
{
    char enc[TS_CRYPTO_PASSWORD_MAX], other[TS_CRYPTO_PASSWORD_MAX + 32];

    assert_int_equal(ts_crypto_password_set_cost(TEST_LN - 2), 0);
    hash_of("12345678", enc);
    assert_int_equal(ts_crypto_password_set_cost(TEST_LN), 0);
    assert_true(ts_crypto_password_verify("12345678", enc));
    assert_true(ts_crypto_password_needs_rehash(enc));
    with_params(enc, "ln=8,r=8,p=2", other, sizeof other);
    assert_false(ts_crypto_password_verify("12345678", other));

    hash_of("12345678", enc);
    assert_false(ts_crypto_password_needs_rehash(enc));
    assert_true(ts_crypto_password_needs_rehash("garbage"));
}

static void test_password_small_buffer(void **state)
{
    char out[40];

    assert_int_equal(ts_crypto_password_hash("12345678", out, sizeof out), -1);
    assert_int_equal(ts_crypto_password_hash(NULL, out, sizeof out), -1);
}

static void test_set_cost_bounds(void **state)
{
    assert_int_equal(ts_crypto_password_set_cost(0), -1);
    assert_int_equal(ts_crypto_password_set_cost(21), -1);
    assert_int_equal(ts_crypto_password_set_cost(TEST_LN), 0);
}

static void test_const_eq(void **state)
{
    assert_true(ts_crypto_const_eq("abc", "abc"));
    assert_true(ts_crypto_const_eq("", ""));
    assert_false(ts_crypto_const_eq("abc", "abd"));
    assert_false(ts_crypto_const_eq("abc", "ab"));
    assert_false(ts_crypto_const_eq("ab", "abc"));
    assert_false(ts_crypto_const_eq(NULL, "abc"));
    assert_false(ts_crypto_const_eq("abc", NULL));
}

static void test_wipe(void **state)
{
    unsigned char buf[16], zero[16] = {0};

    memset(buf, 0x5a, sizeof buf);
    ts_crypto_wipe(buf, sizeof buf);
    assert_memory_equal(buf, zero, sizeof buf);
}

static int setup(void **state)
{
    return ts_crypto_password_set_cost(TEST_LN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm3_abc),
        cmocka_unit_test(test_sm3_64_bytes),
        cmocka_unit_test(test_sm3_incremental),
        cmocka_unit_test(test_sm3_abandon),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_password_default_cost),
        cmocka_unit_test(test_password_round_trip),
        cmocka_unit_test(test_password_wrong),
        cmocka_unit_test(test_password_salted),
        cmocka_unit_test(test_password_tampered),
        cmocka_unit_test(test_password_noncanonical),
        cmocka_unit_test(test_password_absurd_params),
        cmocka_unit_test(test_password_params_from_string),
        cmocka_unit_test(test_password_small_buffer),
        cmocka_unit_test(test_set_cost_bounds),
        cmocka_unit_test(test_const_eq),
        cmocka_unit_test(test_wipe),
    };
    return cmocka_run_group_tests_name("ts_crypto", tests, setup, NULL);
}
