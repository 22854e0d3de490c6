/* Shared by test_sm.c and test_package.c: a temp folder with SM2 keys and
 * certificates made by the openssl command line (so the keys are not our
 * code's idea of SM2), and helpers to run openssl and move bytes through
 * files.  Included once per test binary; everything is static.
 *
 *   a.key.pem a.cer a.pem a.pub.pem   signer A (cert DER, PEM, SPKI PEM)
 *   b.key.pem b.cer                   recipient B
 *   c.key.pem c.cer                   someone else, C
 *   p256.key.pem p256.cer             a P-256 (not SM2) key and cert */
#ifndef SM_FIXTURE_H
#define SM_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ts_sm.h"

static char fx_dir[64];

/* Run a shell command in the fixture folder; its exit status. */
__attribute__((format(printf, 1, 2))) static int fx_sh(const char *fmt, ...)
{
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "cd '%s' && (", fx_dir);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
    va_end(ap);
    snprintf(cmd + n, sizeof cmd - (size_t)n, ") >/dev/null 2>&1");
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static const char *fx_path(const char *name)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 256, "%s/%s", fx_dir, name);
    return p;
}

static void fx_write(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(fx_path(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A file's bytes, malloc'd (NUL-terminated). */
static unsigned char *fx_read(const char *name, size_t *len)
{
    FILE *f = fopen(fx_path(name), "rb");
    assert_non_null(f);
    unsigned char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

/* An SM2 key and a self-signed SM2/SM3 certificate named who. */
static int fx_make_sm2(const char *who)
{
    return fx_sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out %s.key.pem && "
                 "openssl req -new -x509 -key %s.key.pem -sm3 -sigopt distid:1234567812345678 "
                 "-subj /CN=%s -days 3650 -outform DER -out %s.cer",
                 who, who, who, who);
}

static int fx_setup(void **state)
{
    strcpy(fx_dir, "/tmp/ts-sm-test.XXXXXX");
    if (!mkdtemp(fx_dir))
        return -1;
    if (fx_make_sm2("a") || fx_make_sm2("b") || fx_make_sm2("c"))
        return -1;
    if (fx_sh("openssl x509 -inform DER -in a.cer -out a.pem && "
              "openssl pkey -in a.key.pem -pubout -out a.pub.pem"))
        return -1;
    if (fx_sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key.pem && "
              "openssl req -new -x509 -key p256.key.pem -sha256 -subj /CN=p -days 30 "
              "-outform DER -out p256.cer"))
        return -1;
    return 0;
}

static int fx_teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static X509 *fx_cert(const char *who)
{
    char name[32];
    snprintf(name, sizeof name, "%s.cer", who);
    X509 *c = ts_sm_cert_load_file(fx_path(name));
    assert_non_null(c);
    return c;
}

static EVP_PKEY *fx_key(const char *who)
{
    char name[32];
    snprintf(name, sizeof name, "%s.key.pem", who);
    EVP_PKEY *k = ts_sm_privkey_load_file(fx_path(name));
    assert_non_null(k);
    return k;
}

/* The SM2 public key of who's certificate. */
__attribute__((unused)) static EVP_PKEY *fx_pub(const char *who)
{
    X509 *c = fx_cert(who);
    EVP_PKEY *k = ts_sm_cert_pubkey(c);
    assert_non_null(k);
    X509_free(c);
    return k;
}

#endif
