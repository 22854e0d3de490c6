/* Unit tests for lib/ts_package: round trips (plain and encrypted), every
 * tampering refused with its own code (a record, the manifest, the digest,
 * the signature, the envelope's ciphertext / IV / tag / sealed key, a wrong
 * recipient, an extra or a missing entry), limits, hostile XML, and the
 * package checked with the openssl command line and re-signed by it.
 *
 * Tampering works on the unzipped entries: change one, zip again, and
 * where the point is to reach a later check, recompute what an attacker
 * who holds the signing key would (digest, signature). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "sm_fixture.h"
#include "ts_crypto.h"
#include "ts_package.h"

static const char REC1[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<DecHead><EntryId>310120260000012345</EntryId>"
                           "<TradeName>上海示例进出口有限公司</TradeName></DecHead>\n";
static const char REC2[] = "<DecList><GNo>1</GNo><GName>棉制男衬衫</GName></DecList>";

/* ---- the entries of a package, as a list that can be changed ---- */

struct entry {
    char name[80];
    unsigned char *data;
    size_t len;
};

struct entries {
    struct entry e[16];
    size_t n;
};

static void unzip_all(const unsigned char *pkg, size_t len, struct entries *es)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(pkg, len, 0, &ze);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(z);
    es->n = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(z, (zip_uint64_t)i, 0, &st), 0);
        struct entry *e = &es->e[es->n++];
        snprintf(e->name, sizeof e->name, "%s", st.name);
        e->data = malloc(st.size + 1);
        e->len = st.size;
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        assert_int_equal(zip_fread(f, e->data, st.size), (zip_int64_t)st.size);
        e->data[st.size] = 0;
        zip_fclose(f);
    }
    zip_discard(z);
    zip_error_fini(&ze);
}

static unsigned char *zip_all_entries(const struct entries *es, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(out);
    zip_t *z = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
    for (size_t i = 0; i < es->n; i++) {
        zip_source_t *s = zip_source_buffer(z, es->e[i].data, es->e[i].len, 0);
        assert_true(zip_file_add(z, es->e[i].name, s, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(out, &st), 0);
    assert_int_equal(zip_source_open(out), 0);
    unsigned char *bytes = malloc(st.size);
    assert_int_equal(zip_source_read(out, bytes, st.size), (zip_int64_t)st.size);
    zip_source_close(out);
    zip_source_free(out);
    zip_error_fini(&ze);
    *len = st.size;
    return bytes;
}

static void entries_free(struct entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        free(es->e[i].data);
    es->n = 0;
}

static struct entry *find(struct entries *es, const char *name)
{
    for (size_t i = 0; i < es->n; i++)
        if (strcmp(es->e[i].name, name) == 0)
            return &es->e[i];
    fail_msg("no entry %s", name);
    return NULL;
}

static void set_entry(struct entries *es, const char *name, const void *data, size_t len)
{
    struct entry *e = find(es, name);
    free(e->data);
    e->data = malloc(len + 1);
    memcpy(e->data, data, len);
    e->data[len] = 0;
    e->len = len;
}

static void add_entry(struct entries *es, const char *name, const char *text)
{
    struct entry *e = &es->e[es->n++];
    snprintf(e->name, sizeof e->name, "%s", name);
    e->len = strlen(text);
    e->data = (unsigned char *)strdup(text);
}

static void drop_entry(struct entries *es, const char *name)
{
    struct entry *e = find(es, name);
    free(e->data);
    *e = es->e[--es->n];
}

/* What an attacker holding key `who` does after changing the manifest:
 * a new digest.sm3 and a new signature.sm2. */
static void resign(struct entries *es, const char *who)
{
    struct entry *m = find(es, "manifest.xml");
    char hex[TS_CRYPTO_HEX64_SIZE + 1];
    unsigned char sig[TS_SM_SIG_MAX];
    size_t siglen = 0;
    EVP_PKEY *k = fx_key(who);
    assert_int_equal(ts_crypto_sm3_hex(m->data, m->len, hex), 0);
    hex[64] = '\n';
    set_entry(es, "digest.sm3", hex, 65);
    assert_int_equal(ts_sm_sign(k, m->data, m->len, sig, &siglen), 0);
    set_entry(es, "signature.sm2", sig, siglen);
    EVP_PKEY_free(k);
}

/* Replace the first `from` in the manifest by `to` (same or other length). */
static void edit_manifest(struct entries *es, const char *from, const char *to)
{
    struct entry *m = find(es, "manifest.xml");
    char *at = strstr((char *)m->data, from);
    assert_non_null(at);
    size_t pre = (size_t)(at - (char *)m->data), fl = strlen(from), tl = strlen(to);
    size_t len = m->len - fl + tl;
    unsigned char *d = malloc(len + 1);
    memcpy(d, m->data, pre);
    memcpy(d + pre, to, tl);
    memcpy(d + pre + tl, m->data + pre + fl, m->len - pre - fl + 1);
    free(m->data);
    m->data = d;
    m->len = len;
}

/* ---- writing and reading ---- */

static X509 *A, *B, *C;
static EVP_PKEY *A_key, *B_key, *C_key;

static int setup(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    A = ts_sm_cert_load_file(fx_path("a.cer"));
    B = ts_sm_cert_load_file(fx_path("b.cer"));
    C = ts_sm_cert_load_file(fx_path("c.cer"));
    A_key = ts_sm_privkey_load_file(fx_path("a.key.pem"));
    B_key = ts_sm_privkey_load_file(fx_path("b.key.pem"));
    C_key = ts_sm_privkey_load_file(fx_path("c.key.pem"));
    return A && B && C && A_key && B_key && C_key ? 0 : -1;
}

static int teardown(void **state)
{
    X509_free(A);
    X509_free(B);
    X509_free(C);
    EVP_PKEY_free(A_key);
    EVP_PKEY_free(B_key);
    EVP_PKEY_free(C_key);
    return fx_teardown(state);
}

static const struct ts_package_info INFO = {
    .kind = "decl-download",
    .title = "报关单数据 2026-11-01至2026-11-30",
    .creator = "中国电子口岸 出口退税平台 & <测试>",
    .creator_card = "1234567890123",
    .recipient_card = "8800000000001",
    .created = 1796000000,
};

/* A package of REC1 and REC2 signed by A, encrypted to `to` or plain. */
static unsigned char *make(X509 *to, size_t *len)
{
    struct ts_package_record recs[] = {
        {"0001.xml", REC1, strlen(REC1)},
        {"0002.xml", REC2, strlen(REC2)},
    };
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, A_key};
    struct ts_package_error err;
    unsigned char *out = NULL;
    if (ts_package_write(&INFO, recs, 2, &s, to, &out, len, &err) != 0)
        fail_msg("write: %d %s", err.code, err.message);
    return out;
}

/* Read as B (opener B's certificate and key), expecting signer A. */
static enum ts_package_code read_as(const unsigned char *pkg, size_t len, X509 *cert, EVP_PKEY *key,
                                    struct ts_package **out, char *msg)
{
    struct ts_package_opener op = {cert, ts_sm_unwrap_with_key, key};
    struct ts_package_error err;
    struct ts_package *p = NULL;
    int rc = ts_package_read(pkg, len, NULL, A, cert ? &op : NULL, &p, &err);
    if (msg)
        strcpy(msg, err.message);
    if (rc == 0) {
        assert_int_equal(err.code, TS_PACKAGE_OK);
        assert_non_null(p);
        if (out)
            *out = p;
        else
            ts_package_free(p);
    } else {
        assert_null(p);
        assert_true(err.message[0] != 0);
    }
    return err.code;
}

/* Zip es, read it as B, and expect code (and, if given, text in the
 * message). */
static void expect(struct entries *es, enum ts_package_code code, const char *text)
{
    size_t len;
    char msg[256];
    unsigned char *pkg = zip_all_entries(es, &len);
    enum ts_package_code got = read_as(pkg, len, B, B_key, NULL, msg);
    if (got != code || (text && !strstr(msg, text)))
        fail_msg("got %s (%s), want %s with '%s'", ts_package_code_name(got), msg,
                 ts_package_code_name(code), text ? text : "");
    free(pkg);
}

static void check_contents(const struct ts_package *p, bool encrypted)
{
    assert_string_equal(p->kind, "decl-download");
    assert_string_equal(p->title, INFO.title);
    assert_string_equal(p->creator, INFO.creator);
    assert_string_equal(p->creator_card, "1234567890123");
    assert_int_equal(strlen(p->id), 32);
    assert_int_equal(strlen(p->created), 25);
    assert_int_equal(p->encrypted, encrypted);
    assert_string_equal(p->recipient_card, encrypted ? "8800000000001" : "");
    assert_int_equal(X509_cmp(p->signer, A), 0);
    assert_int_equal(p->nrecords, 2);
    assert_string_equal(p->records[0].name, "0001.xml");
    assert_int_equal(p->records[0].len, strlen(REC1));
    assert_memory_equal(p->records[0].data, REC1, strlen(REC1));
    assert_string_equal(p->records[1].name, "0002.xml");
    assert_string_equal((char *)p->records[1].data, REC2);
}

static void test_round_trip_plain(void **state)
{
    size_t len;
    unsigned char *pkg = make(NULL, &len);
    struct ts_package *p = NULL;
    struct entries es;
    assert_int_equal(read_as(pkg, len, NULL, NULL, &p, NULL), TS_PACKAGE_OK);
    check_contents(p, false);
    ts_package_free(p);
    unzip_all(pkg, len, &es);
    assert_int_equal(es.n, 6);
    assert_non_null(find(&es, "records/0001.xml"));
    entries_free(&es);
    free(pkg);
}

static void test_round_trip_encrypted(void **state)
{
    size_t len;
    unsigned char *pkg = make(B, &len);
    struct ts_package *p = NULL;
    struct entries es;
    char msg[256];
    assert_int_equal(read_as(pkg, len, B, B_key, &p, NULL), TS_PACKAGE_OK);
    check_contents(p, true);
    ts_package_free(p);
    /* No record in the clear, not even its digest. */
    unzip_all(pkg, len, &es);
    assert_int_equal(es.n, 5);
    assert_null(
        memmem(find(&es, "records.env")->data, find(&es, "records.env")->len, "DecHead", 7));
    int sm3s = 0;
    for (char *at = (char *)find(&es, "manifest.xml")->data; (at = strstr(at, "sm3=\"")); at++)
        sm3s++;
    assert_int_equal(sm3s, 3); /* creator, recipient, envelope: none for the records */
    entries_free(&es);
    /* Another card, no card, the right certificate with another key. */
    assert_int_equal(read_as(pkg, len, C, C_key, NULL, msg), TS_PACKAGE_E_RECIPIENT);
    assert_non_null(strstr(msg, "同一张卡"));
    assert_int_equal(read_as(pkg, len, NULL, NULL, NULL, msg), TS_PACKAGE_E_RECIPIENT);
    assert_int_equal(read_as(pkg, len, B, C_key, NULL, msg), TS_PACKAGE_E_ENVELOPE);
    free(pkg);
}

/* A byte flipped in a record, the manifest, the digest, the signature. */
static void test_flipped_bytes(void **state)
{
    size_t len;
    unsigned char *pkg = make(NULL, &len);
    struct entries es;
    unzip_all(pkg, len, &es);
    find(&es, "records/0002.xml")->data[10] ^= 1;
    expect(&es, TS_PACKAGE_E_DIGEST, "records/0002.xml");
    find(&es, "records/0002.xml")->data[10] ^= 1;
    expect(&es, TS_PACKAGE_OK, NULL);
    find(&es, "manifest.xml")->data[100] ^= 1;
    expect(&es, TS_PACKAGE_E_DIGEST, "manifest.xml");
    find(&es, "manifest.xml")->data[100] ^= 1;
    find(&es, "digest.sm3")->data[0] ^= 1;
    expect(&es, TS_PACKAGE_E_DIGEST, "digest.sm3");
    find(&es, "digest.sm3")->data[0] ^= 1;
    struct entry *sig = find(&es, "signature.sm2");
    sig->data[sig->len - 1] ^= 1;
    expect(&es, TS_PACKAGE_E_SIGNATURE, "签名");
    sig->data[sig->len - 1] ^= 1;
    /* The manifest changed and its digest recomputed: the signature
     * catches it. */
    edit_manifest(&es, "decl-download", "decl-upload");
    struct entry *m = find(&es, "manifest.xml");
    char hex[66];
    assert_int_equal(ts_crypto_sm3_hex(m->data, m->len, hex), 0);
    hex[64] = '\n';
    set_entry(&es, "digest.sm3", hex, 65);
    expect(&es, TS_PACKAGE_E_SIGNATURE, "签名");
    entries_free(&es);
    free(pkg);
}

/* A record changed by someone with the signing key who also fixes the
 * manifest: accepted (it is a valid package of A's) — and by C, who
 * re-signs with its own key: refused because A is expected, and refused
 * without expectation when signer.cer is not the one the manifest names. */
static void test_other_signer(void **state)
{
    size_t len;
    unsigned char *pkg = make(NULL, &len), *der;
    struct entries es;
    unzip_all(pkg, len, &es);
    resign(&es, "c");
    expect(&es, TS_PACKAGE_E_SIGNATURE, "签名"); /* signer.cer is A's, signature C's */
    der = fx_read("c.cer", &len);
    set_entry(&es, "signer.cer", der, len);
    free(der);
    expect(&es, TS_PACKAGE_E_SIGNATURE, "预期"); /* a valid package of C's, but A expected */
    size_t plen;
    unsigned char *p2 = zip_all_entries(&es, &plen);
    struct ts_package_error err;
    struct ts_package *p = NULL;
    assert_int_equal(ts_package_read(p2, plen, NULL, NULL, NULL, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_SIGNATURE); /* manifest names A's certificate */
    assert_non_null(strstr(err.message, "清单"));
    free(p2);
    entries_free(&es);
    free(pkg);
}

/* An extra entry (listed nowhere) and a missing one. */
static void test_extra_and_missing_entries(void **state)
{
    size_t len;
    unsigned char *pkg = make(NULL, &len);
    struct entries es;
    unzip_all(pkg, len, &es);
    add_entry(&es, "records/0003.xml", "<x/>");
    expect(&es, TS_PACKAGE_E_MANIFEST, "records/0003.xml");
    drop_entry(&es, "records/0003.xml");
    add_entry(&es, "readme.txt", "hello");
    expect(&es, TS_PACKAGE_E_MANIFEST, "readme.txt");
    drop_entry(&es, "readme.txt");
    add_entry(&es, "../evil.xml", "<x/>");
    expect(&es, TS_PACKAGE_E_FORMAT, NULL);
    drop_entry(&es, "../evil.xml");
    expect(&es, TS_PACKAGE_OK, NULL);
    struct entry saved = *find(&es, "records/0001.xml");
    saved.data = (unsigned char *)strdup((char *)saved.data);
    drop_entry(&es, "records/0001.xml");
    expect(&es, TS_PACKAGE_E_MANIFEST, "records/0001.xml");
    es.e[es.n++] = saved;
    drop_entry(&es, "signature.sm2");
    expect(&es, TS_PACKAGE_E_MANIFEST, "signature.sm2");
    entries_free(&es);
    free(pkg);
}

/* Put new envelope bytes in and fix the manifest as the signer would. */
static void replace_envelope(struct entries *es, const unsigned char *env, size_t len)
{
    struct entry *old = find(es, "records.env");
    char oldhex[65], newhex[65];
    unsigned char md[32];
    ts_crypto_sm3(old->data, old->len, md);
    ts_crypto_hex(md, 32, oldhex);
    ts_crypto_sm3(env, len, md);
    ts_crypto_hex(md, 32, newhex);
    char oldsize[64], newsize[64];
    snprintf(oldsize, sizeof oldsize, "name=\"records.env\" size=\"%zu\"", old->len);
    snprintf(newsize, sizeof newsize, "name=\"records.env\" size=\"%zu\"", len);
    edit_manifest(es, oldhex, newhex);
    edit_manifest(es, oldsize, newsize);
    set_entry(es, "records.env", env, len);
    resign(es, "a");
}

/* The envelope: flipped bytes are caught by the manifest's digest first;
 * with the digest and signature redone (by the signer), the envelope's
 * own checks still refuse the ciphertext, IV, tag and sealed key. */
static void test_envelope_tampered(void **state)
{
    size_t len;
    unsigned char *pkg = make(B, &len);
    struct entries es;
    unzip_all(pkg, len, &es);
    struct entry *env = find(&es, "records.env");
    size_t elen = env->len, L = (size_t)env->data[6] << 8 | env->data[7];
    unsigned char *orig = malloc(elen);
    memcpy(orig, env->data, elen);
    env->data[elen - 40] ^= 1;
    expect(&es, TS_PACKAGE_E_DIGEST, "records.env");
    env->data[elen - 40] ^= 1;
    const size_t offsets[] = {64 + L, elen - 33, 48 + L, elen - 1, 40 + L - 3};
    const char *const texts[] = {"HMAC", "HMAC", "HMAC", "HMAC", "会话密钥"};
    for (size_t i = 0; i < 5; i++) {
        unsigned char *t = malloc(elen);
        memcpy(t, orig, elen);
        t[offsets[i]] ^= 0x10;
        replace_envelope(&es, t, elen);
        expect(&es, TS_PACKAGE_E_ENVELOPE, texts[i]);
        memcpy(t, orig, elen);
        replace_envelope(&es, t, elen);
        expect(&es, TS_PACKAGE_OK, NULL);
        free(t);
    }
    /* An envelope one byte short (lengths no longer add up). */
    replace_envelope(&es, orig, elen - 1);
    expect(&es, TS_PACKAGE_E_ENVELOPE, "格式");
    free(orig);
    entries_free(&es);
    free(pkg);
}

/* A record that is not XML, or has a DTD: the writer refuses it, and a
 * reader refuses a package whose signer put one in anyway. */
static void test_bad_records(void **state)
{
    static const char laughs[] = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\">"
                                 "<!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>";
    struct ts_package_record rec = {"x.xml", laughs, strlen(laughs)};
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, A_key};
    struct ts_package_error err;
    unsigned char *out = NULL;
    size_t len;
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_RECORD);
    rec.data = "<a>";
    rec.len = 3;
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_RECORD);
    rec.data = "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>";
    rec.len = strlen(rec.data);
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_RECORD);
    rec.name = "../x.xml";
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_MANIFEST);
    /* Signed, digested, listed, and still refused. */
    unsigned char *pkg = make(NULL, &len);
    struct entries es;
    unzip_all(pkg, len, &es);
    struct entry *r2 = find(&es, "records/0002.xml");
    char oldhex[65], newhex[65], oldsize[16], newsize[16];
    unsigned char md[32];
    ts_crypto_sm3(r2->data, r2->len, md);
    ts_crypto_hex(md, 32, oldhex);
    snprintf(oldsize, sizeof oldsize, "size=\"%zu\"", r2->len);
    set_entry(&es, "records/0002.xml", laughs, strlen(laughs));
    ts_crypto_sm3(laughs, strlen(laughs), md);
    ts_crypto_hex(md, 32, newhex);
    snprintf(newsize, sizeof newsize, "size=\"%zu\"", strlen(laughs));
    edit_manifest(&es, oldhex, newhex);
    char *rec2 = strstr((char *)find(&es, "manifest.xml")->data, "0002.xml");
    assert_non_null(rec2);
    edit_manifest(&es, oldsize, newsize);
    resign(&es, "a");
    expect(&es, TS_PACKAGE_E_RECORD, "records/0002.xml");
    entries_free(&es);
    free(pkg);
}

/* Entry count and uncompressed sizes are judged before inflating. */
static void test_limits(void **state)
{
    size_t len, big = 4 * 1024 * 1024;
    char *xml = malloc(big + 16);
    memcpy(xml, "<a>", 3);
    memset(xml + 3, 'x', big);
    memcpy(xml + 3 + big, "</a>", 5);
    struct ts_package_record rec = {"big.xml", xml, big + 7};
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, A_key};
    struct ts_package_error err;
    unsigned char *pkg = NULL;
    struct ts_package *p = NULL;
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &pkg, &len, &err), 0);
    assert_true(len < 100 * 1024); /* deflated: a small file, a large record */
    struct ts_package_limits lim = ts_package_default_limits;
    assert_int_equal(ts_package_read(pkg, len, &lim, A, NULL, &p, &err), 0);
    ts_package_free(p);
    lim.max_total = 1024 * 1024;
    assert_int_equal(ts_package_read(pkg, len, &lim, A, NULL, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_LIMIT);
    free(pkg);
    lim = ts_package_default_limits;
    lim.max_records = 1;
    pkg = make(NULL, &len);
    assert_int_equal(ts_package_read(pkg, len, &lim, A, NULL, &p, &err), -1);
    assert_true(err.code == TS_PACKAGE_E_LIMIT || err.code == TS_PACKAGE_E_MANIFEST);
    free(pkg);
    free(xml);
    assert_int_equal(ts_package_read("PK\3\4garbage", 12, NULL, A, NULL, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_FORMAT);
    assert_int_equal(ts_package_read("", 0, NULL, A, NULL, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_FORMAT);
}

/* The manifest parser on its own: strict about what it accepts. */
#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"

static void test_manifest_rules(void **state)
{
    static const char head[] =
        "<package xmlns=\"urn:tuishui:package:1\" format=\"1\" "
        "id=\"00112233445566778899aabbccddeeff\" kind=\"k\" created=\"2026-12-01T10:00:00+08:00\">"
        "<creator name=\"n\" cert-sm3=\"" Z64 "\"/>";
    char xml[1024];
    struct ts_package_error err;
    snprintf(xml, sizeof xml, "%s<record name=\"a.xml\" size=\"3\" sm3=\"" Z64 "\"/></package>",
             head);
    assert_int_equal(ts_package_check_manifest(xml, strlen(xml), NULL, &err), 0);
    const char *bad[] = {
        "<record name=\"a.xml\" size=\"03\" sm3=\"" Z64 "\"/></package>",
        "<record name=\"a.xml\" size=\"3\"/></package>",
        "<record name=\"../a.xml\" size=\"3\" sm3=\"" Z64 "\"/></package>",
        "<record name=\"a.xml\" size=\"3\" sm3=\"" Z64 "\" x=\"1\"/></package>",
        "<record name=\"a.xml\" size=\"3\" sm3=\"" Z64 "\"/><extra/></package>",
        "<record name=\"a.xml\" size=\"3\" sm3=\"" Z64 "\"/>text</package>",
        "</package>",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(xml, sizeof xml, "%s%s", head, bad[i]);
        if (ts_package_check_manifest(xml, strlen(xml), NULL, &err) == 0)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(err.code, TS_PACKAGE_E_MANIFEST);
    }
    const char *dtd = "<!DOCTYPE package [<!ENTITY x \"y\">]><package format=\"1\"/>";
    assert_int_equal(ts_package_check_manifest(dtd, strlen(dtd), NULL, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_MANIFEST);
    snprintf(xml, sizeof xml, "%s", head);
    char *f = strstr(xml, "format=\"1\"");
    f[8] = '2';
    strcat(xml, "</package>");
    assert_int_equal(ts_package_check_manifest(xml, strlen(xml), NULL, &err), -1);
    assert_non_null(strstr(err.message, "版本"));
}

/* The format is not private: openssl checks digest.sm3 and the signature
 * of our package, and a package whose signature openssl made verifies. */
static void test_openssl_cli(void **state)
{
    size_t len;
    unsigned char *pkg = make(B, &len), *sig;
    struct entries es;
    unzip_all(pkg, len, &es);
    struct entry *m = find(&es, "manifest.xml");
    fx_write("manifest.xml", m->data, m->len);
    fx_write("digest.sm3", find(&es, "digest.sm3")->data, 65);
    fx_write("signature.sm2", find(&es, "signature.sm2")->data, find(&es, "signature.sm2")->len);
    fx_write("signer.cer", find(&es, "signer.cer")->data, find(&es, "signer.cer")->len);
    assert_int_equal(fx_sh("openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt "
                           "distid:1234567812345678 -certin -inkey signer.cer -keyform DER "
                           "-in manifest.xml -sigfile signature.sm2"),
                     0);
    assert_int_equal(fx_sh("test \"$(openssl dgst -sm3 -r manifest.xml | cut -c1-64)\" = "
                           "\"$(head -c 64 digest.sm3)\""),
                     0);
    assert_int_equal(fx_sh("openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt "
                           "distid:1234567812345678 -inkey a.key.pem -in manifest.xml "
                           "-out cli.sig"),
                     0);
    sig = fx_read("cli.sig", &len);
    assert_memory_not_equal(sig, find(&es, "signature.sm2")->data, 8);
    set_entry(&es, "signature.sm2", sig, len);
    free(sig);
    expect(&es, TS_PACKAGE_OK, NULL);
    /* ... and one openssl made with another key does not. */
    assert_int_equal(fx_sh("openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt "
                           "distid:1234567812345678 -inkey c.key.pem -in manifest.xml "
                           "-out cli.sig"),
                     0);
    sig = fx_read("cli.sig", &len);
    set_entry(&es, "signature.sm2", sig, len);
    free(sig);
    expect(&es, TS_PACKAGE_E_SIGNATURE, NULL);
    entries_free(&es);
    free(pkg);
}

/* A signer that answers with a signature the certificate does not verify
 * (a card that is not the certificate's) is caught by the writer. */
static void test_writer_catches_wrong_card(void **state)
{
    struct ts_package_record rec = {"a.xml", "<a/>", 4};
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, C_key};
    struct ts_package_error err;
    unsigned char *out = NULL;
    size_t len;
    assert_int_equal(ts_package_write(&INFO, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_SIGNATURE);
    assert_null(out);
    struct ts_package_info bad = INFO;
    bad.kind = "Decl Download";
    s.ctx = A_key;
    assert_int_equal(ts_package_write(&bad, &rec, 1, &s, NULL, &out, &len, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_MANIFEST);
}

/* The file variants: written durably, read back from the path. */
static void test_files(void **state)
{
    struct ts_package_record rec = {"a.xml", REC1, strlen(REC1)};
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, A_key};
    struct ts_package_opener op = {B, ts_sm_unwrap_with_key, B_key};
    struct ts_package_error err;
    struct ts_package *p = NULL;
    assert_int_equal(ts_package_write_file(fx_path("p.zip"), &INFO, &rec, 1, &s, B, &err), 0);
    assert_int_equal(ts_package_read_file(fx_path("p.zip"), NULL, A, &op, &p, &err), 0);
    assert_string_equal((char *)p->records[0].data, REC1);
    ts_package_free(p);
    assert_int_equal(ts_package_read_file(fx_path("none.zip"), NULL, A, &op, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_INTERNAL);
}

/* signer.cer is DER (docs/formats.md): the same certificate as PEM, with
 * the manifest's cert-sm3 and the signature redone to match, is refused
 * even when the caller expects no particular signer. */
static void test_signer_cer_pem_refused(void **state)
{
    size_t len, pemlen, plen;
    unsigned char *pkg = make(NULL, &len), *pem = fx_read("a.pem", &pemlen), md[32];
    char oldhex[65], newhex[65];
    struct entries es;
    unzip_all(pkg, len, &es);
    struct entry *cer = find(&es, "signer.cer");
    ts_crypto_sm3(cer->data, cer->len, md);
    ts_crypto_hex(md, 32, oldhex);
    ts_crypto_sm3(pem, pemlen, md);
    ts_crypto_hex(md, 32, newhex);
    edit_manifest(&es, oldhex, newhex);
    set_entry(&es, "signer.cer", pem, pemlen);
    resign(&es, "a");
    unsigned char *p2 = zip_all_entries(&es, &plen);
    struct ts_package_error err;
    struct ts_package *p = NULL;
    assert_int_equal(ts_package_read(p2, plen, NULL, NULL, NULL, &p, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_SIGNATURE);
    assert_non_null(strstr(err.message, "签名证书无效"));
    free(p2);
    free(pem);
    entries_free(&es);
    free(pkg);
}

/* ts_package_write_file never writes through a file or link that sits at
 * a temp name it might pick (it used to be path.tmp.<pid>, opened without
 * O_EXCL), and leaves no temp file behind. */
static void test_write_file_temp_name(void **state)
{
    struct ts_package_record rec = {"a.xml", REC1, strlen(REC1)};
    struct ts_package_signer s = {A, ts_sm_sign_e_with_key, A_key};
    struct ts_package_error err;
    char link[512], cmd[600];
    size_t len;
    fx_write("victim", "keep", 4);
    snprintf(link, sizeof link, "%s.tmp.%ld", fx_path("t.zip"), (long)getpid());
    assert_int_equal(symlink(fx_path("victim"), link), 0);
    assert_int_equal(ts_package_write_file(fx_path("t.zip"), &INFO, &rec, 1, &s, NULL, &err), 0);
    unsigned char *v = fx_read("victim", &len);
    assert_int_equal(len, 4);
    assert_memory_equal(v, "keep", 4);
    free(v);
    unlink(link);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls '%s' | grep 't.zip.tmp')\"", fx_dir);
    assert_int_equal(system(cmd), 0);
    struct stat st;
    assert_int_equal(stat(fx_path("t.zip"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

/* The same verified content: metadata and records. */
static bool same_content(const struct ts_package *a, const struct ts_package *b)
{
    if (strcmp(a->id, b->id) || strcmp(a->kind, b->kind) || strcmp(a->created, b->created) ||
        strcmp(a->title, b->title) || strcmp(a->creator, b->creator) ||
        a->encrypted != b->encrypted || a->nrecords != b->nrecords ||
        X509_cmp(a->signer, b->signer))
        return false;
    for (size_t i = 0; i < a->nrecords; i++)
        if (strcmp(a->records[i].name, b->records[i].name) ||
            a->records[i].len != b->records[i].len ||
            memcmp(a->records[i].data, b->records[i].data, a->records[i].len))
            return false;
    return true;
}

/* Any one byte of the package file flipped, plain and encrypted: either
 * refused, or (a ZIP field nothing depends on, such as a time stamp) the
 * very same verified content.  Never different content. */
static void test_any_byte_flipped(void **state)
{
    for (int enc = 0; enc < 2; enc++) {
        size_t len, refused = 0;
        unsigned char *pkg = make(enc ? B : NULL, &len);
        struct ts_package *good = NULL, *p;
        assert_int_equal(read_as(pkg, len, B, B_key, &good, NULL), TS_PACKAGE_OK);
        for (size_t i = 0; i < len; i++) {
            pkg[i] ^= 0x20;
            p = NULL;
            if (read_as(pkg, len, B, B_key, &p, NULL) == TS_PACKAGE_OK) {
                if (!same_content(p, good))
                    fail_msg("flip at %zu of %zu accepted with other content", i, len);
                ts_package_free(p);
            } else {
                refused++;
            }
            pkg[i] ^= 0x20;
        }
        assert_true(refused > len / 2);
        ts_package_free(good);
        free(pkg);
    }
}

/* The sample of docs/formats.md verifies with its certificates (so the
 * document and the code agree); run from the repository like make unit. */
static void test_checked_in_sample(void **state)
{
    X509 *signer = ts_sm_cert_load_file("docs/samples/package/signer.cer");
    X509 *rcpt = ts_sm_cert_load_file("docs/samples/package/recipient.cer");
    EVP_PKEY *key = ts_sm_privkey_load_file("docs/samples/package/recipient.key.pem");
    struct ts_package_opener op = {rcpt, ts_sm_unwrap_with_key, key};
    struct ts_package_error err;
    struct ts_package *plain = NULL, *enc = NULL;
    assert_non_null(signer);
    assert_non_null(key);
    assert_int_equal(
        ts_package_read_file("docs/samples/package/plain.zip", NULL, signer, NULL, &plain, &err),
        0);
    assert_int_equal(
        ts_package_read_file("docs/samples/package/encrypted.zip", NULL, signer, &op, &enc, &err),
        0);
    assert_true(enc->encrypted);
    assert_int_equal(plain->nrecords, 2);
    assert_int_equal(enc->nrecords, 2);
    assert_string_equal(plain->kind, "decl-download");
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(plain->records[i].len, enc->records[i].len);
        assert_memory_equal(plain->records[i].data, enc->records[i].data, enc->records[i].len);
    }
    /* Someone else's certificate as the expected signer: refused. */
    ts_package_free(plain);
    assert_int_equal(
        ts_package_read_file("docs/samples/package/plain.zip", NULL, A, NULL, &plain, &err), -1);
    assert_int_equal(err.code, TS_PACKAGE_E_SIGNATURE);
    ts_package_free(enc);
    X509_free(signer);
    X509_free(rcpt);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_plain),
        cmocka_unit_test(test_round_trip_encrypted),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_other_signer),
        cmocka_unit_test(test_extra_and_missing_entries),
        cmocka_unit_test(test_envelope_tampered),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_manifest_rules),
        cmocka_unit_test(test_openssl_cli),
        cmocka_unit_test(test_writer_catches_wrong_card),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_signer_cer_pem_refused),
        cmocka_unit_test(test_write_file_temp_name),
        cmocka_unit_test(test_any_byte_flipped),
        cmocka_unit_test(test_checked_in_sample),
    };
    return cmocka_run_group_tests_name("ts_package", tests, setup, teardown);
}
