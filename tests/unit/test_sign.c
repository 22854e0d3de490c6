/* Unit tests of lib/ts_sign (the portal's client of signd) and of signd's
 * request parser signer/signd_proto.c (included, as the fuzz target does):
 * known requests and answers, the Chinese messages, a PIN refused before
 * signd is asked, a missing socket, and the client's deadline against a
 * socket that never answers.  The whole path through the real signd, pcscd
 * and card is tests/http/signd.t. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ts_sign.h"

#include "../../signer/signd_proto.c"

/* Parse line; the code it returns. */
static int parse(const char *line, struct signd_request *req)
{
    const char *why = NULL;
    int rc = signd_parse_request(line, strlen(line), req, &why);
    if (rc != SIGND_OK)
        assert_non_null(why);
    return rc;
}

static void test_proto_accepts(void **state)
{
    (void)state;
    struct signd_request r;
    assert_int_equal(parse("PING", &r), SIGND_OK);
    assert_int_equal(r.verb, SIGND_PING);
    assert_int_equal(parse("CARDNO *", &r), SIGND_OK);
    assert_true(r.any_reader);
    assert_int_equal(parse("CERT tuishui%20vcard%2000%2000", &r), SIGND_OK);
    assert_string_equal(r.reader, "tuishui vcard 00 00");
    assert_int_equal(parse("VERIFY * 12345678", &r), SIGND_OK);
    assert_string_equal(r.pin, "12345678");
    char line[200];
    snprintf(line, sizeof line, "SIGN x 123456 %s",
             "00112233445566778899AABBCCDDEEFF"
             "00112233445566778899aabbccddeeff");
    assert_int_equal(parse(line, &r), SIGND_OK);
    assert_int_equal(r.data_len, 32);
    assert_int_equal(r.data[10], 0xAA);
    assert_int_equal(r.data[26], 0xaa);
    assert_int_equal(parse("DECRYPT * 123456 0a", &r), SIGND_OK);
    assert_int_equal(r.data_len, 1);
}

static void test_proto_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "ping",
        "PING ",
        " PING",
        "PING\r",
        "PING x",
        "CARDNO",
        "CARDNO  *",
        "CARDNO a b",
        "CERT a%2",
        "CERT a%zz",
        "CERT a%00b",
        "CERT a%0Ab",
        "CERT a b",
        "CERT a:b",
        "VERIFY * 12345",
        "VERIFY * 123456789",
        "VERIFY * 12345a",
        "SIGN * 123456 00",
        "SIGN * 123456 0",
        "SIGN * 123456 zz",
        "DECRYPT * 123456",
        "DECRYPT * 123456 ",
        "STATUS\xff",
    };
    struct signd_request r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(bad[i], &r) != SIGND_E_BAD_REQUEST)
            fail_msg("accepted: \"%s\"", bad[i]);
        for (size_t j = 0; j < sizeof r; j++)
            assert_int_equal(((unsigned char *)&r)[j], 0);
    }
    /* A line with a NUL inside is refused, not cut at the NUL. */
    assert_int_equal(signd_parse_request("PING\0x", 6, &r, &(const char *){NULL}),
                     SIGND_E_BAD_REQUEST);
    char longline[SIGND_LINE_MAX + 10];
    memset(longline, 'A', sizeof longline);
    assert_int_equal(signd_parse_request(longline, SIGND_LINE_MAX, &r, &(const char *){NULL}),
                     SIGND_E_BAD_REQUEST);
}

static void test_reader_escape(void **state)
{
    (void)state;
    char tok[400], back[128];
    size_t n = signd_reader_escape("tuishui vcard 00 00", tok, sizeof tok);
    assert_string_equal(tok, "tuishui%20vcard%2000%2000");
    assert_true(signd_reader_unescape(tok, n, back, sizeof back));
    assert_string_equal(back, "tuishui vcard 00 00");
    assert_int_equal(signd_reader_escape("a:b%c", tok, sizeof tok), 9);
    assert_string_equal(tok, "a%3Ab%25c");
    assert_int_equal(signd_reader_escape("abc", tok, 3), 0); /* no room for the NUL */
}

/* One answer line through ts_sign_parse_answer. */
static int answer(const char *line, struct ts_sign_error *err, const char **value)
{
    size_t vlen;
    return ts_sign_parse_answer(line, strlen(line), value, &vlen, err);
}

static void test_answers(void **state)
{
    (void)state;
    struct ts_sign_error err;
    const char *v;
    assert_int_equal(answer("OK", &err, &v), TS_SIGN_OK);
    assert_string_equal(v, "");
    assert_int_equal(answer("OK 1300000000001", &err, &v), TS_SIGN_OK);
    assert_string_equal(v, "1300000000001");
    assert_int_equal(answer("ERR PIN_WRONG 3 wrong PIN, 3 tries left", &err, &v),
                     TS_SIGN_E_PIN_WRONG);
    assert_int_equal(err.tries_left, 3);
    assert_string_equal(err.message, "IC卡密码错误，还可尝试3次");
    assert_string_equal(err.detail, "3 wrong PIN, 3 tries left");
    assert_int_equal(answer("ERR PIN_LOCKED -", &err, &v), TS_SIGN_E_PIN_LOCKED);
    assert_int_equal(err.tries_left, -1);
    assert_string_equal(err.message, "IC卡密码已锁定，请到发卡机构解锁");
    assert_int_equal(answer("ERR NO_CARD", &err, &v), TS_SIGN_E_NO_CARD);
    assert_string_equal(err.message, "未检测到IC卡，请插入电子口岸IC卡");
    assert_int_equal(answer("ERR CARD_REMOVED x", &err, &v), TS_SIGN_E_CARD_REMOVED);
    assert_non_null(strstr(err.message, "拔出"));
    assert_int_equal(answer("ERR TOO_LONG x", &err, &v), TS_SIGN_E_BAD_REQUEST);
    static const char *const garbage[] = {
        "",     "O",          "OK ",  "OKAY",    "ERR",
        "ERR ", "ERR WHAT x", "ok 1", "OK \x01", "ERR NO_CARD \xe4\xb8\xad"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        if (answer(garbage[i], &err, &v) != TS_SIGN_E_PROTO)
            fail_msg("not PROTO: \"%s\"", garbage[i]);
        assert_string_equal(err.message, ts_sign_message(TS_SIGN_E_PROTO));
    }
}

static void test_pin_checked_first(void **state)
{
    (void)state;
    struct ts_sign_opts o = {.socket = "/nonexistent/signd.sock", .timeout_ms = 1000};
    struct ts_sign_error err;
    static const char *const pins[] = {"12345", "123456789", "12345a", "", "１２３４５６"};
    for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
        assert_int_equal(ts_sign_verify_pin(&o, NULL, pins[i], &err), TS_SIGN_E_ARG);
        assert_string_equal(err.message, "IC卡密码应为6至8位数字");
    }
    assert_int_equal(ts_sign_verify_pin(&o, NULL, "123456", &err), TS_SIGN_E_CONNECT);
    assert_non_null(strstr(err.message, "签名服务未运行"));
    char no[TS_SIGN_CARD_NO + 1];
    o.socket = NULL;
    assert_int_equal(ts_sign_card_no(&o, "*", no, &err), TS_SIGN_E_CONNECT);
}

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A socket that accepts connections (the kernel's backlog) but never
 * answers: the call must give up at its deadline with TS_SIGN_E_IO. */
static void test_deadline(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_sign.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/s", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 4), 0);
    struct ts_sign_opts o = {.socket = sa.sun_path, .timeout_ms = 300};
    struct ts_sign_error err;
    long long t0 = ms_now();
    assert_int_equal(ts_sign_verify_pin(&o, "*", "123456", &err), TS_SIGN_E_IO);
    long long took = ms_now() - t0;
    assert_true(took >= 250 && took < 2000);
    assert_string_equal(err.message, "签名服务响应超时，请稍后重试");

    /* A full backlog (signd stopped): refused at once, not waited on. */
    int extra[16], n = 0;
    while (n < 16) {
        extra[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(extra[n], (struct sockaddr *)&sa, sizeof sa) != 0) {
            close(extra[n]);
            break;
        }
        n++;
    }
    assert_true(n < 16);
    t0 = ms_now();
    assert_int_equal(ts_sign_verify_pin(&o, "*", "123456", &err), TS_SIGN_E_IO);
    assert_true(ms_now() - t0 < 250);
    for (int i = 0; i < n; i++)
        close(extra[i]);
    close(fd);
    unlink(sa.sun_path);
    rmdir(dir);
}

/* The expected card number is an optional last token of VERIFY, SIGN and
 * DECRYPT only, 1-32 digits. */
static void test_proto_card_no(void **state)
{
    (void)state;
    struct signd_request r;
    assert_int_equal(parse("VERIFY * 123456 1300000000001", &r), SIGND_OK);
    assert_string_equal(r.pin, "123456");
    assert_string_equal(r.card_no, "1300000000001");
    assert_int_equal(parse("VERIFY * 123456", &r), SIGND_OK);
    assert_string_equal(r.card_no, "");
    char line[300];
    snprintf(line, sizeof line, "SIGN x 123456 %064d 1300000000002", 0);
    assert_int_equal(parse(line, &r), SIGND_OK);
    assert_string_equal(r.card_no, "1300000000002");
    assert_int_equal(r.data_len, 32);
    assert_int_equal(parse("DECRYPT * 123456 0a 7", &r), SIGND_OK);
    assert_string_equal(r.card_no, "7");
    static const char *const bad[] = {
        "CARDNO * 1300000000001",
        "CERT * 1300000000001",
        "PING 1",
        "VERIFY * 123456 13000a",
        "VERIFY * 123456 1 2",
        "VERIFY * 123456 ",
        "DECRYPT * 123456 0a -1",
        "VERIFY * 123456 123456789012345678901234567890123",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i], &r) != SIGND_E_BAD_REQUEST)
            fail_msg("accepted: \"%s\"", bad[i]);
    assert_string_equal(signd_err_code(SIGND_E_CARD_MISMATCH), "CARD_MISMATCH");
    /* Every code signd can send has its own meaning and Chinese message in
     * ts_sign (one shared table of names: lib/ts_signwire). */
    for (int code = SIGND_E_BAD_REQUEST; code < SIGND_E_COUNT; code++) {
        char wire[64];
        struct ts_sign_error e;
        const char *val;
        snprintf(wire, sizeof wire, "ERR %s x", signd_err_code(code));
        int got = answer(wire, &e, &val);
        if (got == TS_SIGN_E_PROTO || got == TS_SIGN_OK || !e.message[0])
            fail_msg("%s: not understood by ts_sign", wire);
    }
    struct ts_sign_error err;
    const char *v;
    assert_int_equal(answer("ERR CARD_MISMATCH expected card 1, the reader holds card 2", &err, &v),
                     TS_SIGN_E_CARD_MISMATCH);
    assert_non_null(strstr(err.message, "卡号不一致"));
    assert_string_equal(err.detail, "expected card 1, the reader holds card 2");
}

/* A one-connection signd stand-in: accepts once, keeps the request line,
 * answers `answer_line`. */
struct fake_signd {
    int lfd;
    char line[1100];
    const char *answer_line;
};

static void *fake_signd_main(void *arg)
{
    struct fake_signd *f = arg;
    int fd = accept(f->lfd, NULL, NULL);
    size_t used = 0;
    while (fd >= 0 && used < sizeof f->line - 1 && !memchr(f->line, '\n', used)) {
        ssize_t r = read(fd, f->line + used, sizeof f->line - 1 - used);
        if (r <= 0)
            break;
        used += (size_t)r;
    }
    f->line[used] = '\0';
    if (fd >= 0) {
        if (write(fd, f->answer_line, strlen(f->answer_line)) < 0)
            f->line[0] = '\0';
        close(fd);
    }
    return NULL;
}

/* Run call against a fake signd answering ans; the request line it sent. */
static void one_exchange(const char *ans, void (*call)(const struct ts_sign_opts *, void *),
                         void *arg, char *sent, size_t sent_size)
{
    char dir[] = "/tmp/test_sign.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/s", dir);
    struct fake_signd f = {.lfd = socket(AF_UNIX, SOCK_STREAM, 0), .answer_line = ans};
    assert_int_equal(bind(f.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(f.lfd, 4), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fake_signd_main, &f), 0);
    struct ts_sign_opts o = {.socket = sa.sun_path, .timeout_ms = 3000};
    call(&o, arg);
    pthread_join(t, NULL);
    snprintf(sent, sent_size, "%s", f.line);
    close(f.lfd);
    unlink(sa.sun_path);
    rmdir(dir);
}

static void call_verify_for(const struct ts_sign_opts *o, void *arg)
{
    struct ts_sign_error err;
    *(int *)arg = ts_sign_verify_pin_for(o, "*", "1300000000001", "123456", &err);
}

static void call_verify(const struct ts_sign_opts *o, void *arg)
{
    struct ts_sign_error err;
    *(int *)arg = ts_sign_verify_pin(o, "r 1", "123456", &err);
}

static void call_sign_for(const struct ts_sign_opts *o, void *arg)
{
    struct ts_sign_error err;
    unsigned char e[32] = {0xAB}, sig[TS_SIGN_SIG_MAX];
    size_t n = 0;
    *(int *)arg = ts_sign_digest_for(o, NULL, "1300000000002", "123456", e, sig, &n, &err);
}

/* ts_sign_package_unwrap: the card's plaintext, and -1 when it does not
 * fit the room the envelope gives. */
static void call_unwrap_small(const struct ts_sign_opts *o, void *arg)
{
    struct ts_sign_card card = {.opts = o, .reader = "*", .card_no = "5", .pin = "123456"};
    unsigned char sealed[3] = {1, 2, 3}, key[2];
    size_t keylen = sizeof key;
    *(int *)arg = ts_sign_package_unwrap(&card, sealed, sizeof sealed, key, &keylen);
}

/* The _for calls put the expected card number on the wire as the last
 * token; the old calls do not; a malformed one never leaves the process. */
static void test_card_no_on_the_wire(void **state)
{
    (void)state;
    char sent[1100];
    int rc = -1;
    one_exchange("OK\n", call_verify_for, &rc, sent, sizeof sent);
    assert_int_equal(rc, TS_SIGN_OK);
    assert_string_equal(sent, "VERIFY * 123456 1300000000001\n");
    one_exchange("OK\n", call_verify, &rc, sent, sizeof sent);
    assert_string_equal(sent, "VERIFY r%201 123456\n");
    one_exchange("ERR CARD_MISMATCH expected card 1300000000002, the reader holds card "
                 "1300000000001\n",
                 call_sign_for, &rc, sent, sizeof sent);
    assert_int_equal(rc, TS_SIGN_E_CARD_MISMATCH);
    char want[200];
    snprintf(want, sizeof want, "SIGN * 123456 ab%062d 1300000000002\n", 0);
    assert_string_equal(sent, want);
    one_exchange("OK 010203\n", call_unwrap_small, &rc, sent, sizeof sent);
    assert_int_equal(rc, -1);
    assert_string_equal(sent, "DECRYPT * 123456 010203 5\n");
    struct ts_sign_opts o = {.socket = "/nonexistent/signd.sock", .timeout_ms = 1000};
    struct ts_sign_error err;
    assert_int_equal(ts_sign_verify_pin_for(&o, NULL, "13000a", "123456", &err), TS_SIGN_E_ARG);
    assert_int_equal(ts_sign_verify_pin_for(&o, NULL, "", "123456", &err), TS_SIGN_E_CONNECT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proto_accepts),     cmocka_unit_test(test_proto_refuses),
        cmocka_unit_test(test_reader_escape),     cmocka_unit_test(test_answers),
        cmocka_unit_test(test_pin_checked_first), cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_proto_card_no),     cmocka_unit_test(test_card_no_on_the_wire),
    };
    return cmocka_run_group_tests_name("ts_sign", tests, NULL, NULL);
}
