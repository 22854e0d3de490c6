/* Unit tests of signer/vcard_apdu.c, the virtual e-port card's applet
 * (docs/card.md): what the PC/SC test (tests/http/card.t) cannot reach —
 * the state file failing to write, how often the counter is written, the
 * exact chunking of the certificate, and a SIGN checked against an
 * independently computed e. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../signer/vcard_apdu.c"

static unsigned char cert[300];
static int saves;
static int save_fails;

static int test_save(const struct vcard *card, void *arg)
{
    (void)card;
    (void)arg;
    saves++;
    return save_fails ? -1 : 0;
}

/* A fresh card with PIN 123456, a new SM2 key, selected. */
static struct vcard new_card(void)
{
    static const unsigned char salt[VCARD_SALT_LEN] = {9, 8, 7};
    struct vcard c = {.card_no = "1300000000007",
                      .tries_left = VCARD_PIN_TRIES,
                      .cert = cert,
                      .cert_len = sizeof cert,
                      .save = test_save};
    memcpy(c.pin_salt, salt, sizeof salt);
    assert_int_equal(vcard_pin_hash(salt, "123456", 6, c.pin_sm3), 0);
    c.key = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
    assert_non_null(c.key);
    saves = 0;
    save_fails = 0;
    return c;
}

/* Send hex-free raw bytes; returns the status word, data length in *n. */
static unsigned transmit(struct vcard *c, const unsigned char *a, size_t len, unsigned char *resp,
                         size_t *n)
{
    size_t rn = vcard_apdu(c, a, len, resp);
    assert_true(rn >= 2 && rn <= VCARD_RESP_MAX);
    if (n)
        *n = rn - 2;
    return (unsigned)resp[rn - 2] << 8 | resp[rn - 1];
}

static unsigned select_applet(struct vcard *c)
{
    unsigned char a[5 + 9] = {0x00, 0xA4, 0x04, 0x00, 9}, r[VCARD_RESP_MAX];
    memcpy(a + 5, vcard_aid, 9);
    return transmit(c, a, sizeof a, r, NULL);
}

static unsigned verify(struct vcard *c, const char *pin)
{
    unsigned char a[5 + 8] = {0x00, 0x20, 0x00, 0x01, (unsigned char)strlen(pin)};
    unsigned char r[VCARD_RESP_MAX];
    memcpy(a + 5, pin, strlen(pin));
    return transmit(c, a, 5 + strlen(pin), r, NULL);
}

/* A wrong PIN is written down before the answer; a right one with a full
 * counter writes nothing (no fsync per signature). */
static void counter_saved_on_change_only(void **state)
{
    struct vcard c = new_card();
    (void)state;
    assert_int_equal(select_applet(&c), 0x9000);
    assert_int_equal(verify(&c, "123456"), 0x9000);
    assert_int_equal(saves, 0);
    assert_int_equal(verify(&c, "000000"), 0x63C4);
    assert_int_equal(saves, 1);
    assert_int_equal(c.verified, 0);
    assert_int_equal(verify(&c, "123456"), 0x9000);
    assert_int_equal(saves, 2);
    assert_int_equal(c.tries_left, 5);
    EVP_PKEY_free(c.key);
}

/* The state file cannot be written: the card refuses (6F00) and still
 * counts the wrong try, so a full disk never buys extra guesses. */
static void save_failure_refuses(void **state)
{
    struct vcard c = new_card();
    (void)state;
    select_applet(&c);
    save_fails = 1;
    assert_int_equal(verify(&c, "000000"), 0x6F00);
    assert_int_equal(c.tries_left, 4);
    assert_int_equal(c.verified, 0);
    EVP_PKEY_free(c.key);
}

/* Lock after five wrong PINs; SELECT again does not unlock; power off
 * forgets a verified PIN, SELECT does too. */
static void lock_and_forget(void **state)
{
    struct vcard c = new_card();
    unsigned char sign[5 + 32] = {0x80, 0x2A, 0x00, 0x00, 32}, r[VCARD_RESP_MAX];
    (void)state;
    select_applet(&c);
    assert_int_equal(verify(&c, "123456"), 0x9000);
    select_applet(&c);
    assert_int_equal(transmit(&c, sign, sizeof sign, r, NULL), 0x6982);
    assert_int_equal(verify(&c, "123456"), 0x9000);
    vcard_power(&c);
    assert_int_equal(select_applet(&c), 0x9000);
    assert_int_equal(transmit(&c, sign, sizeof sign, r, NULL), 0x6982);
    for (int i = 4; i >= 0; i--)
        assert_int_equal(verify(&c, "654321"), 0x63C0u | (unsigned)i);
    assert_int_equal(verify(&c, "123456"), 0x6983);
    select_applet(&c);
    assert_int_equal(verify(&c, "123456"), 0x6983);
    assert_int_equal(transmit(&c, sign, sizeof sign, r, NULL), 0x6983);
    EVP_PKEY_free(c.key);
}

/* READ CERTIFICATE: Le bytes per chunk, the short last chunk, 6B00 at the
 * end, Le = 00 meaning 256. */
static void certificate_chunks(void **state)
{
    struct vcard c = new_card();
    unsigned char a[5] = {0x80, 0xB0, 0x00, 0x00, 0x00}, r[VCARD_RESP_MAX];
    size_t n;
    (void)state;
    for (size_t i = 0; i < sizeof cert; i++)
        cert[i] = (unsigned char)(i * 7);
    select_applet(&c);
    assert_int_equal(transmit(&c, a, 5, r, &n), 0x9000);
    assert_int_equal(n, 256);
    assert_memory_equal(r, cert, 256);
    a[2] = 0x01;
    assert_int_equal(transmit(&c, a, 5, r, &n), 0x9000);
    assert_int_equal(n, sizeof cert - 256);
    assert_memory_equal(r, cert + 256, n);
    a[2] = 0x00;
    a[3] = 0x10;
    a[4] = 0x05;
    assert_int_equal(transmit(&c, a, 5, r, &n), 0x9000);
    assert_int_equal(n, 5);
    assert_memory_equal(r, cert + 16, 5);
    a[2] = 0x01;
    a[3] = 0x2C; /* 300 = the length */
    assert_int_equal(transmit(&c, a, 5, r, NULL), 0x6B00);
    EVP_PKEY_free(c.key);
}

/* Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA), by hand. */
static void sm2_z(EVP_PKEY *key, unsigned char z[32])
{
    static const char *curve = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
                               "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"
                               "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
                               "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0";
    unsigned char buf[2 + 16 + 128 + 64], pub[65];
    size_t publen = 0, i;
    buf[0] = 0x00;
    buf[1] = 0x80;
    memcpy(buf + 2, "1234567812345678", 16);
    for (i = 0; i < 128; i++) {
        unsigned hi, lo;
        hi = (unsigned)(curve[2 * i] <= '9' ? curve[2 * i] - '0' : curve[2 * i] - 'A' + 10);
        lo = (unsigned)(curve[2 * i + 1] <= '9' ? curve[2 * i + 1] - '0'
                                                : curve[2 * i + 1] - 'A' + 10);
        buf[18 + i] = (unsigned char)(hi << 4 | lo);
    }
    assert_int_equal(
        EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", pub, sizeof pub, &publen), 1);
    assert_int_equal(publen, 65);
    memcpy(buf + 146, pub + 1, 64);
    assert_int_equal(EVP_Digest(buf, sizeof buf, z, NULL, EVP_sm3(), NULL), 1);
}

/* SIGN of e = SM3(Z_A || M) verifies with EVP_DigestVerify over M and the
 * default id; another M does not. */
static void sign_verifies_over_m(void **state)
{
    struct vcard c = new_card();
    static const char m[] = "申报数据 2026";
    unsigned char a[5 + 32 + 1] = {0x80, 0x2A, 0x00, 0x00, 32}, r[VCARD_RESP_MAX], z[32];
    size_t n;
    EVP_MD_CTX *md;
    EVP_PKEY_CTX *pctx = NULL;
    (void)state;
    sm2_z(c.key, z);
    md = EVP_MD_CTX_new();
    assert_true(EVP_DigestInit_ex(md, EVP_sm3(), NULL) && EVP_DigestUpdate(md, z, 32) &&
                EVP_DigestUpdate(md, m, strlen(m)) && EVP_DigestFinal_ex(md, a + 5, NULL));
    EVP_MD_CTX_free(md);
    select_applet(&c);
    verify(&c, "123456");
    assert_int_equal(transmit(&c, a, sizeof a, r, &n), 0x9000);
    assert_true(n <= 72);
    for (int other = 0; other < 2; other++) {
        md = EVP_MD_CTX_new();
        assert_int_equal(EVP_DigestVerifyInit_ex(md, &pctx, "SM3", NULL, NULL, c.key, NULL), 1);
        assert_int_equal(EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16), 1);
        assert_int_equal(EVP_DigestVerify(md, r, n, (const unsigned char *)m, strlen(m) - other),
                         other ? 0 : 1);
        EVP_MD_CTX_free(md);
    }
    EVP_PKEY_free(c.key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counter_saved_on_change_only),
        cmocka_unit_test(save_failure_refuses),
        cmocka_unit_test(lock_and_forget),
        cmocka_unit_test(certificate_chunks),
        cmocka_unit_test(sign_verifies_over_m),
    };
    return cmocka_run_group_tests_name("vcard_apdu", tests, NULL, NULL);
}
