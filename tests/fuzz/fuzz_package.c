/* libFuzzer target: ts_package_read, the reader of every data package a
 * user uploads or reads back (报关单 XML downloads, feedback packages), and
 * the manifest parser on its own.
 *
 * Input: byte 0 says what the rest is.
 *   bits 0-1 == 0   the package itself (seeds: the samples of
 *                   docs/samples/package and broken copies); read with
 *                   bit 2: the sample signer expected (else any signer),
 *                   bit 3: the sample recipient as opener (else none).
 *                   Mutations mostly test libzip, the limits and the
 *                   digest check: nothing past the signature is reachable.
 *   bits 0-1 == 1   manifest.xml text for ts_package_check_manifest.
 *   bits 0-1 >= 2   parts split at 0xFF bytes (never in UTF-8): a manifest
 *                   template, then the records (up to 8), zipped as
 *                   records/0001.xml, ... or, with bit 3, sealed into
 *                   records.env for the sample recipient.  The target
 *                   fills the template (the k-th "@H@" becomes the SM3 hex
 *                   and the k-th "@N@" the size of item k, the envelope
 *                   being item 0 when there is one), adds digest.sm3, a
 *                   real signature by the sample signer and signer.cer: so
 *                   the fuzzer drives a *signed* hostile manifest and
 *                   records through every later check.
 * The sample keys and certificates are read from docs/samples/package/
 * (scripts/fuzz.sh runs from the repository; TS_SAMPLES overrides).
 * Limits are tight so each is reachable.  Invariants (abort when broken):
 * 0 and an OK code with a package, or -1 with a code in 1..9, a non-empty
 * message and no package; an accepted package has 1..max_records records
 * with safe names, sizes within the limits and a NUL after each record;
 * an encrypted one was read with an opener. */
#include "ts_buf.h"
#include "ts_crypto.h"
#include "ts_form.h"
#include "ts_package.h"
#include "ts_sm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

static const struct ts_package_limits tight = {
    .max_records = 8,
    .max_record = 64 * 1024,
    .max_total = 128 * 1024,
    .max_manifest = 16 * 1024,
};

static X509 *signer_cert, *recipient_cert;
static EVP_PKEY *signer_key, *recipient_key;

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_package: invariant broken: %s\n", what);
        abort();
    }
}

static const char *sample(const char *name)
{
    static char path[512];
    const char *dir = getenv("TS_SAMPLES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "docs/samples/package", name);
    return path;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    signer_cert = ts_sm_cert_load_file(sample("signer.cer"));
    recipient_cert = ts_sm_cert_load_file(sample("recipient.cer"));
    signer_key = ts_sm_privkey_load_file(sample("signer.key.pem"));
    recipient_key = ts_sm_privkey_load_file(sample("recipient.key.pem"));
    check(signer_cert && recipient_cert && signer_key && recipient_key,
          "sample keys in docs/samples/package (run from the repository)");
    return 0;
}

/* Add one entry (bytes not copied). */
static void add(zip_t *z, const char *name, const void *p, size_t n)
{
    zip_source_t *src = zip_source_buffer(z, p, n, 0);
    check(src && zip_file_add(z, name, src, 0) >= 0, "zip_file_add");
}

/* The next part of the input, up to a 0xFF byte or the end. */
static bool next_part(const uint8_t **at, const uint8_t *end, const uint8_t **p, size_t *n)
{
    if (*at > end)
        return false;
    const uint8_t *stop = memchr(*at, 0xFF, (size_t)(end - *at));
    if (!stop)
        stop = end;
    *p = *at;
    *n = (size_t)(stop - *at);
    *at = stop + 1;
    return true;
}

/* The items of a built package: records, or the envelope of them. */
struct items {
    const uint8_t *p[9];
    size_t n[9];
    size_t count;
};

/* The manifest template with the k-th "@H@" replaced by the SM3 (hex) of
 * item k and the k-th "@N@" by its size, so that mutations of a seed keep
 * their digests right and reach the checks after them. */
static void fill_template(struct ts_buf *out, const uint8_t *m, size_t mlen, const struct items *it)
{
    size_t h = 0, z = 0;
    for (size_t i = 0; i < mlen; i++) {
        if (i + 3 <= mlen && m[i] == '@' && m[i + 2] == '@' &&
            (m[i + 1] == 'H' || m[i + 1] == 'N')) {
            bool hash = m[i + 1] == 'H';
            size_t k = hash ? h++ : z++;
            if (k < it->count && hash) {
                char hex[TS_CRYPTO_HEX64_SIZE];
                check(ts_crypto_sm3_hex(it->p[k], it->n[k], hex) == 0, "sm3");
                ts_buf_adds(out, hex);
            } else if (k < it->count) {
                ts_buf_printf(out, "%zu", it->n[k]);
            }
            i += 2;
            continue;
        }
        ts_buf_addc(out, (char)m[i]);
    }
}

/* The parts, the records sealed into an envelope if asked, the manifest
 * filled in and signed as the sample signer would: zipped into memory. */
static uint8_t *signed_package(const uint8_t *data, size_t size, bool envelope, size_t *len)
{
    const uint8_t *at = data, *end = data + size, *m;
    size_t mlen;
    char digest[TS_CRYPTO_HEX64_SIZE], name[32];
    unsigned char sig[TS_SM_SIG_MAX], *der = NULL, *env = NULL;
    size_t siglen = 0, derlen = 0, envlen = 0;
    struct items recs = {0}, items;
    struct ts_buf manifest = {0}, plain = {0};
    zip_error_t ze;
    if (!next_part(&at, end, &m, &mlen))
        return NULL;
    while (recs.count < 8 && next_part(&at, end, &recs.p[recs.count], &recs.n[recs.count]))
        recs.count++;
    items = recs;
    if (envelope) {
        for (size_t i = 0; i < recs.count; i++)
            ts_buf_add(&plain, recs.p[i], recs.n[i]);
        check(ts_sm_envelope_seal(recipient_cert, plain.data ? plain.data : "", plain.len, &env,
                                  &envlen) == 0,
              "seal");
        items.p[0] = env;
        items.n[0] = envlen;
        memcpy(items.p + 1, recs.p, sizeof recs.p[0] * 8);
        memcpy(items.n + 1, recs.n, sizeof recs.n[0] * 8);
        items.count = recs.count + 1;
    }
    fill_template(&manifest, m, mlen, &items);
    check(ts_crypto_sm3_hex(manifest.data ? manifest.data : "", manifest.len, digest) == 0, "sm3");
    digest[64] = '\n';
    check(ts_sm_sign(signer_key, manifest.data ? manifest.data : "", manifest.len, sig, &siglen) ==
              0,
          "sign");
    check(ts_sm_cert_der(signer_cert, &der, &derlen) == 0, "der");
    zip_error_init(&ze);
    zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(out);
    zip_t *z = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
    check(z != NULL, "zip_open_from_source");
    add(z, "manifest.xml", manifest.data ? manifest.data : "", manifest.len);
    if (envelope)
        add(z, "records.env", env, envlen);
    for (size_t k = 0; !envelope && k < recs.count; k++) {
        snprintf(name, sizeof name, "records/%04zu.xml", k + 1);
        add(z, name, recs.p[k], recs.n[k]);
    }
    add(z, "digest.sm3", digest, 65);
    add(z, "signature.sm2", sig, siglen);
    add(z, "signer.cer", der, derlen);
    check(zip_close(z) == 0, "zip_close");
    zip_stat_t st;
    check(zip_source_stat(out, &st) == 0 && zip_source_open(out) == 0, "reopen");
    uint8_t *bytes = malloc(st.size ? st.size : 1);
    check(zip_source_read(out, bytes, st.size) == (zip_int64_t)st.size, "read back");
    zip_source_close(out);
    zip_source_free(out);
    zip_error_fini(&ze);
    free(der);
    free(env);
    ts_buf_free(&manifest);
    ts_buf_free(&plain);
    *len = st.size;
    return bytes;
}

/* What an accepted package promises. */
static void check_package(const struct ts_package *p, bool opener)
{
    size_t total = 0;
    check(p->nrecords >= 1 && p->nrecords <= tight.max_records, "record count");
    check(!p->encrypted || opener, "encrypted only with an opener");
    check(p->signer != NULL && strlen(p->id) == 32, "signer and id");
    check(ts_form_utf8_valid(p->creator, strlen(p->creator)), "creator UTF-8");
    for (size_t i = 0; i < p->nrecords; i++) {
        const struct ts_package_item *r = &p->records[i];
        check(r->len <= tight.max_record && r->data[r->len] == 0, "record size and NUL");
        check(strlen(r->name) <= TS_PACKAGE_NAME_MAX && !strchr(r->name, '/') && r->name[0] != '.',
              "record name safe");
        check(ts_form_utf8_valid((const char *)r->data, r->len), "record UTF-8");
        total += r->len;
    }
    check(total <= tight.max_total, "total size");
}

static void check_result(int rc, const struct ts_package_error *err, const struct ts_package *p,
                         bool opener)
{
    if (rc == 0) {
        check(err->code == TS_PACKAGE_OK && p != NULL, "success: OK and a package");
        check_package(p, opener);
    } else {
        check(rc == -1 && p == NULL, "failure: -1 and no package");
        check(err->code >= TS_PACKAGE_E_FORMAT && err->code <= TS_PACKAGE_E_INTERNAL, "code");
        check(err->message[0] != 0 && ts_form_utf8_valid(err->message, strlen(err->message)),
              "a refusal says why, in UTF-8");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    struct ts_package_error err;
    struct ts_package *p = NULL;
    struct ts_package_opener op = {recipient_cert, ts_sm_unwrap_with_key, recipient_key};
    bool with_op = mode & 8;
    uint8_t *built = NULL;
    const uint8_t *pkg = data + 1;
    size_t len = size - 1;
    int rc;
    if ((mode & 3) == 1) {
        rc = ts_package_check_manifest((const char *)data + 1, size - 1, &tight, &err);
        check(rc == 0 ? err.code == TS_PACKAGE_OK : err.message[0] != 0, "manifest result");
        return 0;
    }
    if ((mode & 3) >= 2) {
        if (!(built = signed_package(data + 1, size - 1, with_op, &len)))
            return 0;
        pkg = built;
    }
    rc = ts_package_read(pkg, len, &tight, (mode & 4) || built ? signer_cert : NULL,
                         with_op ? &op : NULL, &p, &err);
    check_result(rc, &err, p, with_op);
    if (getenv("FUZZ_PACKAGE_DEBUG")) /* what each seed reaches */
        fprintf(stderr, "fuzz_package: %s %s\n", ts_package_code_name(err.code), err.message);
    ts_package_free(p);
    free(built);
    return 0;
}
