/* Unit tests of lib/ts_card's parts that need no database and no card: the
 * 卡号不一致 message word for word (001 重要提醒), the challenge message a
 * card signs (domain-separated, one field a line), a blank reader meaning
 * the configured one, and ts_card_prove refusing an unusable certificate
 * before signd is asked and reporting an unreachable signd.  The paths
 * through signd, pcscd and the virtual cards are tests/http/card_login.t
 * and card_binding.t. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ts_card.h"
#include "ts_sm.h"

static void test_mismatch_message(void **state)
{
    (void)state;
    char m[200];
    ts_card_mismatch_message("1300000000002", "1300000000001", m, sizeof m);
    assert_string_equal(
        m, "当前卡号 1300000000002 与用户注册信息卡号 1300000000001 不一致，无法进行申报");
    assert_string_equal(TS_CARD_MSG_UNBOUND, "您无权限操作该数据");
}

static void test_challenge(void **state)
{
    (void)state;
    char m[TS_CARD_CHALLENGE_MAX];
    const char *nonce = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    size_t n = ts_card_challenge(TS_CARD_LOGIN, nonce, "1300000000001", 0, m);
    assert_string_equal(
        m, "TUISHUI-CARD-CHALLENGE/1\npurpose=login\nnonce=00112233445566778899aabbccddeeff"
           "00112233445566778899aabbccddeeff\ncard=1300000000001\nuser=0\n");
    assert_int_equal(n, strlen(m));
    n = ts_card_challenge(TS_CARD_BIND, nonce, "1300000000002", 42, m);
    assert_non_null(strstr(m, "purpose=bind\n"));
    assert_non_null(strstr(m, "user=42\n"));
    ts_card_challenge(TS_CARD_CHECK, nonce, "1300000000002", 42, m);
    assert_non_null(strstr(m, "purpose=check\n"));
}

static void test_reader_arg(void **state)
{
    (void)state;
    assert_null(ts_card_reader_arg(NULL));
    assert_null(ts_card_reader_arg(""));
    assert_string_equal(ts_card_reader_arg("tuishui vcard 00 01"), "tuishui vcard 00 01");
}

/* A certificate that does not load is refused before signd is asked (the
 * socket does not exist: asking it would say so instead). */
static void test_prove_bad_cert(void **state)
{
    (void)state;
    struct ts_sign_opts o = {.socket = "/nonexistent/signd.sock", .timeout_ms = 500};
    struct ts_card_check chk;
    unsigned char sig[TS_SIGN_SIG_MAX], junk[16] = {0x30, 0x03, 0x02, 0x01, 0x01};
    size_t sig_len;
    memset(&chk, 0, sizeof chk);
    assert_int_equal(
        ts_card_prove(&o, NULL, NULL, "123456", junk, sizeof junk, "m", 1, sig, &sig_len, &chk), 1);
    assert_int_equal(chk.verdict, TS_CARD_BAD_CERT);
    assert_non_null(strstr(chk.message, "证书"));
}

/* With a usable certificate, an unreachable signd is TS_CARD_SIGND with
 * ts_sign's Chinese message. */
static void test_prove_no_signd(void **state)
{
    (void)state;
    struct ts_sign_opts o = {.socket = "/nonexistent/signd.sock", .timeout_ms = 500};
    struct ts_card_check chk;
    unsigned char sig[TS_SIGN_SIG_MAX], *der = NULL;
    size_t sig_len, len = 0;
    EVP_PKEY *key = ts_sm_keygen();
    X509 *cert = X509_new();
    assert_non_null(key);
    assert_non_null(cert);
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    assert_true(X509_sign(cert, key, EVP_sm3()) > 0);
    assert_int_equal(ts_sm_cert_der(cert, &der, &len), 0);
    memset(&chk, 0, sizeof chk);
    assert_int_equal(ts_card_prove(&o, NULL, NULL, "123456", der, len, "m", 1, sig, &sig_len, &chk), 1);
    assert_int_equal(chk.verdict, TS_CARD_SIGND);
    assert_int_equal(chk.sign_err.code, TS_SIGN_E_CONNECT);
    assert_string_equal(chk.message, ts_sign_message(TS_SIGN_E_CONNECT));
    free(der);
    X509_free(cert);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mismatch_message), cmocka_unit_test(test_challenge),
        cmocka_unit_test(test_reader_arg),       cmocka_unit_test(test_prove_bad_cert),
        cmocka_unit_test(test_prove_no_signd),
    };
    return cmocka_run_group_tests_name("ts_card", tests, NULL, NULL);
}
