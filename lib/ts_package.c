/* ts_package — writer and reader of data packages (see ts_package.h and
 * docs/formats.md, which is the specification; keep them in step).
 *
 * The reader's order of checks, each with its own code:
 *   1. the ZIP: opens, entry count, declared sizes, methods, names
 *      (FORMAT / LIMIT)
 *   2. the four fixed entries are there (MANIFEST)
 *   3. digest.sm3 = SM3(manifest.xml) (DIGEST)
 *   4. signer.cer is the expected certificate, if one is expected, and
 *      signature.sm2 verifies over manifest.xml with it (SIGNATURE)
 *   5. manifest.xml parses, names signer.cer by its SM3 (MANIFEST,
 *      SIGNATURE)
 *   6. the ZIP holds exactly the entries the manifest lists (MANIFEST)
 *   7. each record (or the envelope) has the listed size and SM3 (DIGEST)
 *   8. the envelope: addressed to the opener, session key, tag, then
 *      decryption, split into records by the listed sizes (RECIPIENT,
 *      ENVELOPE)
 *   9. every record is well-formed UTF-8 XML without DTD (RECORD)
 * Nothing of the manifest is trusted before its signature is checked. */
#include "ts_package.h"

#include "ts_buf.h"
#include "ts_crypto.h"
#include "ts_form.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define F_MANIFEST  "manifest.xml"
#define F_DIGEST    "digest.sm3"
#define F_SIGNATURE "signature.sm2"
#define F_SIGNER    "signer.cer"
#define F_ENVELOPE  "records.env"
#define RECORDS_DIR "records/"
#define NAMESPACE   "urn:tuishui:package:1"
#define N_FIXED     4
#define CERT_MAX    16384
#define TEXT_MAX    256 /* bytes of title, creator */
#define CARD_MAX    32
#define DIGEST_LEN  65 /* 64 hex digits and LF */
#define XML_CHUNK   (64 * 1024)

const struct ts_package_limits ts_package_default_limits = {
    .max_records = 1000,
    .max_record = 32 * 1024 * 1024,
    .max_total = 64 * 1024 * 1024,
    .max_manifest = 1024 * 1024,
};

static const char *const code_names[] = {
    "ok",        "format",   "limit",     "manifest", "digest",
    "signature", "envelope", "recipient", "record",   "internal",
};

/* A short English name of a code, for logs. */
const char *ts_package_code_name(enum ts_package_code code)
{
    if ((unsigned)code < sizeof code_names / sizeof code_names[0])
        return code_names[code];
    return "unknown";
}

/* Record why the package was refused; returns -1 for `return fail(...)`.
 * The first failure wins: later ones are consequences. */
__attribute__((format(printf, 3, 4))) static int
fail(struct ts_package_error *err, enum ts_package_code code, const char *fmt, ...)
{
    va_list ap;
    if (!err || err->code != TS_PACKAGE_OK)
        return -1;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static const char E_SYSTEM[] = "数据包处理失败（系统错误），请稍后再试";

/* ---- names and small values ---- */

/* A record name: 1..64 of [A-Za-z0-9._-], not starting with '.', ending
 * ".xml".  Such names are safe to show and to use as file names. */
static bool record_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > TS_PACKAGE_NAME_MAX || s[0] == '.' || strcmp(s + n - 4, ".xml") != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* kind: [a-z0-9.-]{1,64}. */
static bool kind_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
              s[i] == '-'))
            return false;
    return true;
}

/* 卡号: 1..32 letters or digits (e-port card numbers are 13 digits). */
static bool card_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > CARD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    return true;
}

/* Free text (title, creator): UTF-8, no control characters, bounded. */
static bool text_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > TEXT_MAX || !ts_form_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* YYYY-MM-DDTHH:MM:SS followed by Z or +hh:mm / -hh:mm (shape only). */
static bool created_ok(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t n = strlen(s);
    if (n != 20 && n != 25)
        return false;
    for (size_t i = 0; i < 19; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    if (n == 20)
        return s[19] == 'Z';
    return (s[19] == '+' || s[19] == '-') && s[20] >= '0' && s[20] <= '9' && s[21] >= '0' &&
           s[21] <= '9' && s[22] == ':' && s[23] >= '0' && s[23] <= '9' && s[24] >= '0' &&
           s[24] <= '9';
}

/* n bytes from 2n lowercase hex digits exactly. */
static bool hex_decode(const char *s, unsigned char *out, size_t n)
{
    size_t got = 0;
    return strlen(s) == 2 * n && ts_crypto_unhex(s, 2 * n, true, out, n, &got);
}

/* A decimal size without sign or leading zeros, at most 2^53. */
static bool size_decode(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    uint64_t v = 0;
    if (n < 1 || n > 16 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return v <= (1ULL << 53);
}

/* ---- XML checks shared by records and the manifest ---- */

/* Refuse DTDs and entity declarations outright (design.md security). */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    XML_StopParser(*(XML_Parser *)ud, XML_FALSE);
}

/* The same for an entity declaration (reached only if a DTD got past). */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    XML_StopParser(*(XML_Parser *)ud, XML_FALSE);
}

/* Records and manifests are UTF-8: a declared other encoding is refused
 * even though the parser reads the bytes as UTF-8 anyway. */
static void XMLCALL on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding,
                               int standalone)
{
    if (encoding && strcasecmp(encoding, "UTF-8") != 0)
        XML_StopParser(*(XML_Parser *)ud, XML_FALSE);
}

/* A parser forced to UTF-8 with the DTD guards; ud's first member must be
 * the XML_Parser itself (the guards stop it through that). */
static XML_Parser guarded_parser(void *ud)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p)
        return NULL;
    XML_SetUserData(p, ud);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetXmlDeclHandler(p, on_xmldecl);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

/* Feed a whole buffer in chunks (expat takes int lengths). */
static enum XML_Status parse_all(XML_Parser p, const char *data, size_t len)
{
    while (len > XML_CHUNK) {
        if (XML_Parse(p, data, XML_CHUNK, XML_FALSE) != XML_STATUS_OK)
            return XML_STATUS_ERROR;
        data += XML_CHUNK;
        len -= XML_CHUNK;
    }
    return XML_Parse(p, data, (int)len, XML_TRUE);
}

/* The user data of a record's parser: only the parser (for the guards). */
struct xml_check {
    XML_Parser p;
};

/* True when data is one well-formed UTF-8 XML document without DTD: the
 * check every record passes, on writing and on reading. */
static bool record_xml_ok(const unsigned char *data, size_t len)
{
    struct xml_check x = {guarded_parser(&x)};
    bool ok;
    if (!x.p)
        return false;
    ok = parse_all(x.p, (const char *)data, len) == XML_STATUS_OK;
    XML_ParserFree(x.p);
    return ok;
}

/* ---- the manifest model ---- */

struct mrec {
    char name[TS_PACKAGE_NAME_MAX + 1];
    uint64_t size;
    bool has_sm3;
    unsigned char sm3[32];
};

struct manifest {
    XML_Parser p; /* first: the DTD guards stop it through ud */
    const struct ts_package_limits *lim;
    struct ts_package_error *err;
    int depth;
    bool seen_root, seen_creator;
    char id[33], kind[65], created[26];
    char *title, *creator;
    char creator_card[CARD_MAX + 1], recipient_card[CARD_MAX + 1];
    unsigned char cert_sm3[32], recipient_sm3[32], env_sm3[32];
    bool has_recipient, has_envelope;
    uint64_t env_size, total;
    struct mrec *recs;
    size_t nrecs, cap;
};

static void manifest_free(struct manifest *m)
{
    free(m->title);
    free(m->creator);
    free(m->recs);
    memset(m, 0, sizeof *m);
}

/* Stop the parse with a manifest error. */
static void mfail(struct manifest *m, const char *what)
{
    fail(m->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：%s", what);
    XML_StopParser(m->p, XML_FALSE);
}

/* Look up an attribute; every attribute present must be one of allowed
 * (a NULL-terminated list), else the manifest is refused. */
static bool attrs_known(const XML_Char **attrs, const char *const *allowed)
{
    for (size_t i = 0; attrs[i]; i += 2) {
        bool known = false;
        for (size_t k = 0; allowed[k]; k++)
            known = known || strcmp(attrs[i], allowed[k]) == 0;
        if (!known)
            return false;
    }
    return true;
}

static const char *attr(const XML_Char **attrs, const char *name)
{
    for (size_t i = 0; attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}

/* Copy an optional card number; false when present and malformed. */
static bool take_card(const XML_Char **attrs, char out[CARD_MAX + 1])
{
    const char *v = attr(attrs, "card");
    if (!v)
        return true;
    if (!card_ok(v))
        return false;
    strcpy(out, v);
    return true;
}

/* <package format id kind created [title] [xmlns]> */
static void m_root(struct manifest *m, const XML_Char **a)
{
    static const char *const allowed[] = {"xmlns",   "format", "id", "kind",
                                          "created", "title",  NULL};
    const char *ns = attr(a, "xmlns"), *format = attr(a, "format"), *id = attr(a, "id"),
               *kind = attr(a, "kind"), *created = attr(a, "created"), *title = attr(a, "title");
    unsigned char idbin[16];
    if (!attrs_known(a, allowed) || (ns && strcmp(ns, NAMESPACE) != 0)) {
        mfail(m, "根元素属性不正确");
        return;
    }
    if (!format || strcmp(format, "1") != 0) {
        mfail(m, "不支持的格式版本");
        return;
    }
    if (!id || !hex_decode(id, idbin, sizeof idbin) || !kind || !kind_ok(kind) || !created ||
        !created_ok(created) || (title && !text_ok(title))) {
        mfail(m, "编号、类型、时间或标题不正确");
        return;
    }
    strcpy(m->id, id);
    strcpy(m->kind, kind);
    strcpy(m->created, created);
    m->title = strdup(title ? title : "");
    m->seen_root = true;
}

/* <creator name [card] cert-sm3> */
static void m_creator(struct manifest *m, const XML_Char **a)
{
    static const char *const allowed[] = {"name", "card", "cert-sm3", NULL};
    const char *name = attr(a, "name"), *fp = attr(a, "cert-sm3");
    if (m->seen_creator || !attrs_known(a, allowed) || !name || !text_ok(name) || !fp ||
        !hex_decode(fp, m->cert_sm3, 32) || !take_card(a, m->creator_card)) {
        mfail(m, "制作者信息不正确");
        return;
    }
    m->creator = strdup(name);
    m->seen_creator = true;
}

/* <recipient [card] cert-sm3> */
static void m_recipient(struct manifest *m, const XML_Char **a)
{
    static const char *const allowed[] = {"card", "cert-sm3", NULL};
    const char *fp = attr(a, "cert-sm3");
    if (m->has_recipient || !attrs_known(a, allowed) || !fp ||
        !hex_decode(fp, m->recipient_sm3, 32) || !take_card(a, m->recipient_card)) {
        mfail(m, "接收方信息不正确");
        return;
    }
    m->has_recipient = true;
}

/* <envelope name="records.env" size sm3> */
static void m_envelope(struct manifest *m, const XML_Char **a)
{
    static const char *const allowed[] = {"name", "size", "sm3", NULL};
    const char *name = attr(a, "name"), *size = attr(a, "size"), *fp = attr(a, "sm3");
    if (m->has_envelope || !attrs_known(a, allowed) || !name || strcmp(name, F_ENVELOPE) != 0 ||
        !size || !size_decode(size, &m->env_size) || !fp || !hex_decode(fp, m->env_sm3, 32)) {
        mfail(m, "加密信封信息不正确");
        return;
    }
    m->has_envelope = true;
}

/* True when no earlier record has this name. */
static bool name_unique(const struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->nrecs; i++)
        if (strcmp(m->recs[i].name, name) == 0)
            return false;
    return true;
}

/* <record name size [sm3]> */
static void m_record(struct manifest *m, const XML_Char **a)
{
    static const char *const allowed[] = {"name", "size", "sm3", NULL};
    const char *name = attr(a, "name"), *size = attr(a, "size"), *fp = attr(a, "sm3");
    struct mrec r = {0};
    if (m->nrecs >= m->lim->max_records) {
        mfail(m, "记录文件过多");
        return;
    }
    if (!attrs_known(a, allowed) || !name || !record_name_ok(name) || !name_unique(m, name) ||
        !size || !size_decode(size, &r.size) || (fp && !hex_decode(fp, r.sm3, 32))) {
        mfail(m, "记录文件信息不正确");
        return;
    }
    if (r.size > m->lim->max_record || r.size > m->lim->max_total - m->total) {
        mfail(m, "记录文件超过大小限制");
        return;
    }
    if (m->nrecs == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        struct mrec *grown = realloc(m->recs, cap * sizeof *grown);
        if (!grown) {
            mfail(m, "内存不足");
            return;
        }
        m->recs = grown;
        m->cap = cap;
    }
    strcpy(r.name, name);
    r.has_sm3 = fp != NULL;
    m->total += r.size;
    m->recs[m->nrecs++] = r;
}

static void XMLCALL m_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct manifest *m = ud;
    int depth = m->depth++;
    if (depth == 0 && strcmp(name, "package") == 0)
        m_root(m, attrs);
    else if (depth == 1 && strcmp(name, "creator") == 0)
        m_creator(m, attrs);
    else if (depth == 1 && strcmp(name, "recipient") == 0)
        m_recipient(m, attrs);
    else if (depth == 1 && strcmp(name, "envelope") == 0)
        m_envelope(m, attrs);
    else if (depth == 1 && strcmp(name, "record") == 0)
        m_record(m, attrs);
    else
        mfail(m, "含有未知的元素");
}

static void XMLCALL m_end(void *ud, const XML_Char *name)
{
    ((struct manifest *)ud)->depth--;
}

/* Only whitespace between the elements. */
static void XMLCALL m_text(void *ud, const XML_Char *s, int len)
{
    for (int i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t') {
            mfail(ud, "含有多余的文本");
            return;
        }
}

/* The whole manifest agrees with itself: a creator, at least one record,
 * an envelope exactly when there is a recipient, and record digests
 * exactly when the records are not encrypted. */
static int manifest_consistent(struct manifest *m)
{
    if (!m->seen_root || !m->seen_creator || m->nrecs == 0)
        return fail(m->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：缺少制作者或记录文件");
    if (m->has_recipient != m->has_envelope)
        return fail(m->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：接收方与加密信封不对应");
    for (size_t i = 0; i < m->nrecs; i++)
        if (m->recs[i].has_sm3 == m->has_envelope)
            return fail(m->err, TS_PACKAGE_E_MANIFEST,
                        "数据包清单错误：记录文件 %s 的摘要信息不正确", m->recs[i].name);
    if (!m->title || !m->creator)
        return fail(m->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    return 0;
}

/* Parse manifest.xml into m (which the caller frees with manifest_free). */
static int manifest_parse(struct manifest *m, const char *xml, size_t len,
                          const struct ts_package_limits *lim, struct ts_package_error *err)
{
    enum XML_Status st;
    memset(m, 0, sizeof *m);
    m->lim = lim;
    m->err = err;
    if (len > lim->max_manifest)
        return fail(err, TS_PACKAGE_E_LIMIT, "数据包清单过大");
    if (!(m->p = guarded_parser(m)))
        return fail(err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    XML_SetElementHandler(m->p, m_start, m_end);
    XML_SetCharacterDataHandler(m->p, m_text);
    st = parse_all(m->p, xml, len);
    XML_ParserFree(m->p);
    m->p = NULL;
    if (err->code != TS_PACKAGE_OK)
        return -1;
    if (st != XML_STATUS_OK)
        return fail(err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：不是有效的UTF-8 XML（不允许DTD）");
    return manifest_consistent(m);
}

/* The manifest parser for the fuzzer and tests. */
int ts_package_check_manifest(const char *xml, size_t len, const struct ts_package_limits *lim,
                              struct ts_package_error *err)
{
    struct manifest m;
    struct ts_package_error local = {0};
    int rc;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    rc = manifest_parse(&m, xml, len, lim ? lim : &ts_package_default_limits, err);
    manifest_free(&m);
    return rc;
}

/* ---- reading the ZIP ---- */

struct reader {
    zip_t *za;
    const struct ts_package_limits *lim;
    struct ts_package_error *err;
    unsigned char *manifest, *digest, *sig, *cert_der;
    size_t manifest_len, digest_len, sig_len, cert_len;
    X509 *cert;
    struct manifest m;
    struct ts_package_item *items;
    size_t nitems;
    unsigned char *plain; /* the opened envelope, split into items */
    size_t plain_len;
};

/* A ZIP entry name the reader will even look at: printable ASCII without
 * "..", backslash or a leading '/'. */
static bool entry_name_safe(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '/' || strstr(s, ".."))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '\\')
            return false;
    return true;
}

/* Judge the archive before inflating anything: entry count, names,
 * duplicates, declared sizes and their sum, stored or deflated only. */
static int check_entries(struct reader *r)
{
    zip_int64_t n = zip_get_num_entries(r->za, 0);
    uint64_t total = 0;
    uint64_t cap = r->lim->max_total + r->lim->max_manifest + TS_SM_ENV_OVERHEAD(TS_SM_SEALED_MAX) +
                   CERT_MAX + 1024;
    if (n < 0)
        return fail(r->err, TS_PACKAGE_E_FORMAT, "数据包格式错误：不是有效的ZIP文件");
    if ((uint64_t)n > r->lim->max_records + N_FIXED + 1)
        return fail(r->err, TS_PACKAGE_E_LIMIT, "数据包文件过多（超过%zu个记录文件）",
                    r->lim->max_records);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(r->za, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
            !(st.valid & ZIP_STAT_SIZE) || !entry_name_safe(st.name) ||
            zip_name_locate(r->za, st.name, 0) != i)
            return fail(r->err, TS_PACKAGE_E_FORMAT, "数据包格式错误：文件名不正确或重复");
        if (st.size > cap - total)
            return fail(r->err, TS_PACKAGE_E_LIMIT, "数据包过大：解压后超过上限");
        total += st.size;
        if (((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) ||
            !(st.valid & ZIP_STAT_COMP_METHOD) ||
            (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE))
            return fail(r->err, TS_PACKAGE_E_FORMAT, "数据包格式错误：不支持的压缩方式");
    }
    return 0;
}

/* Inflate the entry called name into malloc'd memory (NUL-terminated),
 * counting the bytes really produced against cap and the declared size.
 * An entry that does not inflate or fails its CRC was changed after
 * zipping: for the user that is a failed integrity check (DIGEST), like a
 * wrong SM3.  Returns 1 when there is no such entry. */
static int read_entry(struct reader *r, const char *name, uint64_t cap, unsigned char **data,
                      size_t *len)
{
    zip_stat_t st;
    zip_file_t *zf = NULL;
    unsigned char *buf = NULL;
    uint64_t got = 0;
    int rc = -1;
    zip_int64_t i = zip_name_locate(r->za, name, 0), k;
    if (i < 0)
        return 1;
    if (zip_stat_index(r->za, (zip_uint64_t)i, 0, &st) != 0 || st.size > cap)
        return fail(r->err, TS_PACKAGE_E_LIMIT, "数据包文件 %s 过大", name);
    if (!(buf = malloc(st.size + 1)) || !(zf = zip_fopen_index(r->za, (zip_uint64_t)i, 0)))
        goto out;
    while ((k = zip_fread(zf, buf + got, st.size + 1 - got)) > 0 && got + (uint64_t)k <= st.size)
        got += (uint64_t)k;
    if (k != 0 || got != st.size) {
        fail(r->err, TS_PACKAGE_E_DIGEST,
             "数据包摘要校验失败：文件 %s 已损坏或被改动（ZIP校验不符）", name);
        goto out;
    }
    buf[got] = 0;
    *data = buf;
    *len = (size_t)got;
    buf = NULL;
    rc = 0;
out:
    if (rc != 0)
        fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (zf)
        zip_fclose(zf);
    free(buf);
    return rc;
}

/* read_entry for the four fixed entries: a missing one is a manifest
 * error naming it. */
static int read_fixed(struct reader *r, const char *name, uint64_t cap, unsigned char **data,
                      size_t *len)
{
    int rc = read_entry(r, name, cap, data, len);
    if (rc == 1)
        return fail(r->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：缺少文件 %s", name);
    return rc;
}

/* Step 3: digest.sm3 holds the SM3 of manifest.xml in hex and a LF. */
static int check_digest(struct reader *r)
{
    char hex[TS_CRYPTO_HEX64_SIZE];
    if (ts_crypto_sm3_hex(r->manifest, r->manifest_len, hex) != 0)
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (r->digest_len != DIGEST_LEN || r->digest[64] != '\n' ||
        CRYPTO_memcmp(hex, r->digest, 64) != 0)
        return fail(r->err, TS_PACKAGE_E_DIGEST,
                    "数据包摘要校验失败：清单 %s 的SM3摘要与 %s 不符，数据包已损坏或被改动",
                    F_MANIFEST, F_DIGEST);
    return 0;
}

/* Step 4: the signer is who the caller expects (the certificate bound to
 * the user, or the portal's), and the signature verifies over the
 * manifest with that certificate's key. */
static int check_signature(struct reader *r, X509 *expected)
{
    unsigned char *want = NULL;
    size_t want_len = 0;
    EVP_PKEY *pub = NULL;
    int rc = -1;
    if (expected && ts_sm_cert_der(expected, &want, &want_len) != 0)
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (expected && (want_len != r->cert_len || memcmp(want, r->cert_der, want_len) != 0)) {
        fail(r->err, TS_PACKAGE_E_SIGNATURE,
             "数据包签名验证失败：签名证书不是预期的证书（不是绑定的卡或本平台签发的数据）");
        goto out;
    }
    if (!(r->cert = ts_sm_cert_load_der(r->cert_der, r->cert_len)) || /* DER only (formats.md) */
        !(pub = ts_sm_cert_pubkey(r->cert))) {
        fail(r->err, TS_PACKAGE_E_SIGNATURE, "数据包签名验证失败：签名证书无效或不是SM2证书");
        goto out;
    }
    if (ts_sm_verify(pub, r->manifest, r->manifest_len, r->sig, r->sig_len) != 0) {
        fail(r->err, TS_PACKAGE_E_SIGNATURE,
             "数据包签名验证失败：SM2签名与清单不符，数据包已被改动或不是该证书签名");
        goto out;
    }
    rc = 0;
out:
    free(want);
    EVP_PKEY_free(pub);
    return rc;
}

/* Step 5's second half: the signed manifest names signer.cer. */
static int check_signer_named(struct reader *r)
{
    unsigned char fp[32];
    if (ts_crypto_sm3(r->cert_der, r->cert_len, fp) != 0)
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (memcmp(fp, r->m.cert_sm3, 32) != 0)
        return fail(r->err, TS_PACKAGE_E_SIGNATURE,
                    "数据包签名验证失败：签名证书与清单中记载的证书不一致");
    return 0;
}

/* True when the manifest lists name as an entry of this package. */
static bool listed(const struct manifest *m, const char *name)
{
    if (strcmp(name, F_MANIFEST) == 0 || strcmp(name, F_DIGEST) == 0 ||
        strcmp(name, F_SIGNATURE) == 0 || strcmp(name, F_SIGNER) == 0)
        return true;
    if (m->has_envelope)
        return strcmp(name, F_ENVELOPE) == 0;
    if (strncmp(name, RECORDS_DIR, strlen(RECORDS_DIR)) != 0)
        return false;
    return !name_unique(m, name + strlen(RECORDS_DIR));
}

/* Step 6: every entry is listed, and every listed entry is there. */
static int check_entry_set(struct reader *r)
{
    zip_int64_t n = zip_get_num_entries(r->za, 0);
    char name[sizeof RECORDS_DIR + TS_PACKAGE_NAME_MAX];
    for (zip_int64_t i = 0; i < n; i++) {
        const char *e = zip_get_name(r->za, (zip_uint64_t)i, 0);
        if (!e || !listed(&r->m, e))
            return fail(r->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：含有清单未列出的文件 %s",
                        e ? e : "");
    }
    if (r->m.has_envelope)
        return zip_name_locate(r->za, F_ENVELOPE, 0) < 0
                   ? fail(r->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：缺少文件 %s", F_ENVELOPE)
                   : 0;
    for (size_t i = 0; i < r->m.nrecs; i++) {
        snprintf(name, sizeof name, "%s%s", RECORDS_DIR, r->m.recs[i].name);
        if (zip_name_locate(r->za, name, 0) < 0)
            return fail(r->err, TS_PACKAGE_E_MANIFEST, "数据包清单错误：缺少文件 %s", name);
    }
    return 0;
}

/* An entry's bytes against the size and SM3 the manifest lists. */
static int check_listed(struct reader *r, const char *name, const unsigned char *data, size_t len,
                        uint64_t size, const unsigned char sm3[32])
{
    unsigned char md[32];
    if (len != size)
        return fail(r->err, TS_PACKAGE_E_DIGEST, "数据包摘要校验失败：文件 %s 的大小与清单不符",
                    name);
    if (ts_crypto_sm3(data, len, md) != 0)
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (CRYPTO_memcmp(md, sm3, 32) != 0)
        return fail(r->err, TS_PACKAGE_E_DIGEST,
                    "数据包摘要校验失败：文件 %s 的SM3摘要与清单不符，数据包已损坏或被改动", name);
    return 0;
}

/* Step 7 for a plain package: read each record and check it. */
static int read_records(struct reader *r)
{
    char name[sizeof RECORDS_DIR + TS_PACKAGE_NAME_MAX];
    for (size_t i = 0; i < r->m.nrecs; i++) {
        struct mrec *mr = &r->m.recs[i];
        struct ts_package_item *it = &r->items[i];
        snprintf(name, sizeof name, "%s%s", RECORDS_DIR, mr->name);
        if (read_entry(r, name, r->lim->max_record, &it->data, &it->len) != 0)
            return -1;
        r->nitems = i + 1;
        if (check_listed(r, name, it->data, it->len, mr->size, mr->sm3) != 0)
            return -1;
    }
    return 0;
}

/* Why an envelope did not open, for the user. */
static int envelope_failed(struct reader *r, enum ts_sm_env_result res)
{
    switch (res) {
    case TS_SM_ENV_RECIPIENT:
        return fail(r->err, TS_PACKAGE_E_RECIPIENT,
                    "数据包不是加密给当前卡的，请使用下载该数据时的同一张卡读入");
    case TS_SM_ENV_KEY:
        return fail(r->err, TS_PACKAGE_E_ENVELOPE,
                    "数据包解密失败：无法解开会话密钥（卡与证书不匹配或加密信封已损坏）");
    case TS_SM_ENV_MAC:
        return fail(r->err, TS_PACKAGE_E_ENVELOPE,
                    "数据包解密失败：加密数据的完整性校验（HMAC-SM3）不通过，数据已被改动");
    case TS_SM_ENV_FORMAT:
        return fail(r->err, TS_PACKAGE_E_ENVELOPE, "数据包解密失败：加密信封格式错误");
    default:
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    }
}

/* Split the opened envelope into records by the listed sizes (which add
 * up to its length exactly). */
static int split_plain(struct reader *r, size_t n)
{
    size_t at = 0;
    if (n != r->m.total)
        return fail(r->err, TS_PACKAGE_E_ENVELOPE, "数据包解密失败：解密后的数据与清单不符");
    for (size_t i = 0; i < r->m.nrecs; i++) {
        struct ts_package_item *it = &r->items[i];
        size_t len = (size_t)r->m.recs[i].size;
        if (!(it->data = malloc(len + 1)))
            return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
        memcpy(it->data, r->plain + at, len);
        it->data[len] = 0;
        it->len = len;
        r->nitems = i + 1;
        at += len;
    }
    return 0;
}

/* Steps 7 and 8 for an encrypted package. */
static int read_envelope(struct reader *r, const struct ts_package_opener *op)
{
    unsigned char *env = NULL, fp[32];
    size_t env_len = 0, n = 0;
    enum ts_sm_env_result res;
    int rc = -1;
    if (read_entry(r, F_ENVELOPE, r->lim->max_total + TS_SM_ENV_OVERHEAD(TS_SM_SEALED_MAX), &env,
                   &env_len) != 0)
        return -1;
    if (check_listed(r, F_ENVELOPE, env, env_len, r->m.env_size, r->m.env_sm3) != 0)
        goto out;
    if (!op || !op->cert || !op->unwrap) {
        fail(r->err, TS_PACKAGE_E_RECIPIENT, "数据包已加密，请插入接收该数据的卡后再读入");
        goto out;
    }
    if (ts_sm_cert_sm3(op->cert, fp) != 0 || memcmp(fp, r->m.recipient_sm3, 32) != 0) {
        envelope_failed(r, TS_SM_ENV_RECIPIENT);
        goto out;
    }
    res = ts_sm_envelope_open(env, env_len, op->cert, op->unwrap, op->ctx, &r->plain, &n);
    r->plain_len = n;
    free(env); /* peak memory: the package, then plaintext and records */
    env = NULL;
    if (res != TS_SM_ENV_OK) {
        envelope_failed(r, res);
        goto out;
    }
    rc = split_plain(r, n);
    free(r->plain); /* the records hold copies now */
    r->plain = NULL;
out:
    free(env);
    return rc;
}

/* Step 9. */
static int check_records_xml(struct reader *r)
{
    for (size_t i = 0; i < r->m.nrecs; i++)
        if (!record_xml_ok(r->items[i].data, r->items[i].len))
            return fail(r->err, TS_PACKAGE_E_RECORD,
                        "数据包记录 %s%s 不是有效的UTF-8 XML（或含有不允许的DTD/实体定义）",
                        RECORDS_DIR, r->m.recs[i].name);
    return 0;
}

/* Steps 1-5: the signed manifest, parsed. */
static int read_signed_manifest(struct reader *r, X509 *expected)
{
    if (check_entries(r) != 0 ||
        read_fixed(r, F_MANIFEST, r->lim->max_manifest, &r->manifest, &r->manifest_len) != 0 ||
        read_fixed(r, F_DIGEST, 1024, &r->digest, &r->digest_len) != 0 ||
        read_fixed(r, F_SIGNATURE, 1024, &r->sig, &r->sig_len) != 0 ||
        read_fixed(r, F_SIGNER, CERT_MAX, &r->cert_der, &r->cert_len) != 0)
        return -1;
    if (check_digest(r) != 0 || check_signature(r, expected) != 0)
        return -1;
    if (manifest_parse(&r->m, (const char *)r->manifest, r->manifest_len, r->lim, r->err) != 0)
        return -1;
    return check_signer_named(r);
}

/* Hand the checked contents over as a ts_package (taking r's records). */
static int build_result(struct reader *r, struct ts_package **out)
{
    struct ts_package *pkg = calloc(1, sizeof *pkg);
    if (!pkg)
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    strcpy(pkg->id, r->m.id);
    strcpy(pkg->kind, r->m.kind);
    strcpy(pkg->created, r->m.created);
    strcpy(pkg->creator_card, r->m.creator_card);
    strcpy(pkg->recipient_card, r->m.recipient_card);
    pkg->title = r->m.title;
    pkg->creator = r->m.creator;
    r->m.title = r->m.creator = NULL;
    pkg->encrypted = r->m.has_envelope;
    pkg->signer = r->cert;
    r->cert = NULL;
    for (size_t i = 0; i < r->m.nrecs; i++)
        r->items[i].name = strdup(r->m.recs[i].name);
    pkg->records = r->items;
    pkg->nrecords = r->nitems;
    r->items = NULL;
    r->nitems = 0;
    *out = pkg;
    for (size_t i = 0; i < pkg->nrecords; i++)
        if (!pkg->records[i].name)
            return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    return 0;
}

/* Release everything the reader still holds. */
static void reader_free(struct reader *r)
{
    free(r->manifest);
    free(r->digest);
    free(r->sig);
    free(r->cert_der);
    X509_free(r->cert);
    for (size_t i = 0; i < r->nitems; i++)
        free(r->items[i].data);
    free(r->items);
    if (r->plain)
        ts_crypto_wipe(r->plain, r->plain_len);
    free(r->plain);
    manifest_free(&r->m);
    if (r->za)
        zip_discard(r->za);
}

/* The whole reader on an opened archive. */
static int read_archive(struct reader *r, X509 *expected, const struct ts_package_opener *op,
                        struct ts_package **out)
{
    if (read_signed_manifest(r, expected) != 0 || check_entry_set(r) != 0)
        return -1;
    if (!(r->items = calloc(r->m.nrecs, sizeof *r->items)))
        return fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if ((r->m.has_envelope ? read_envelope(r, op) : read_records(r)) != 0)
        return -1;
    if (check_records_xml(r) != 0)
        return -1;
    return build_result(r, out);
}

/* Start a read: clear the outputs, pick the limits. */
static void reader_init(struct reader *r, const struct ts_package_limits *lim,
                        struct ts_package **out, struct ts_package_error *err)
{
    memset(r, 0, sizeof *r);
    memset(err, 0, sizeof *err);
    *out = NULL;
    r->lim = lim ? lim : &ts_package_default_limits;
    r->err = err;
}

/* Finish a read: on failure nothing is handed out. */
static int reader_finish(struct reader *r, int rc, struct ts_package **out)
{
    reader_free(r);
    if (rc != 0 && *out) {
        ts_package_free(*out);
        *out = NULL;
    }
    if (rc != 0 && r->err->code == TS_PACKAGE_OK)
        fail(r->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    return rc == 0 ? 0 : -1;
}

/* Read and check a package held in memory (data is not copied).
 * expected_signer NULL accepts any signer: the caller then decides about
 * (*out)->signer.  opener NULL refuses encrypted packages. */
int ts_package_read(const void *data, size_t len, const struct ts_package_limits *lim,
                    X509 *expected_signer, const struct ts_package_opener *opener,
                    struct ts_package **out, struct ts_package_error *err)
{
    struct reader r;
    zip_error_t ze;
    zip_source_t *src;
    int rc = -1;
    reader_init(&r, lim, out, err);
    zip_error_init(&ze);
    src = data && len ? zip_source_buffer_create(data, len, 0, &ze) : NULL;
    if (src && !(r.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)))
        zip_source_free(src);
    if (r.za)
        rc = read_archive(&r, expected_signer, opener, out);
    else
        fail(err, TS_PACKAGE_E_FORMAT, "数据包格式错误：不是有效的ZIP文件");
    zip_error_fini(&ze);
    return reader_finish(&r, rc, out);
}

/* Read and check a package file (an upload's temp file, a download). */
int ts_package_read_file(const char *path, const struct ts_package_limits *lim,
                         X509 *expected_signer, const struct ts_package_opener *opener,
                         struct ts_package **out, struct ts_package_error *err)
{
    struct reader r;
    int ze = 0, rc = -1;
    reader_init(&r, lim, out, err);
    r.za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (r.za)
        rc = read_archive(&r, expected_signer, opener, out);
    else if (ze == ZIP_ER_NOENT || ze == ZIP_ER_OPEN || ze == ZIP_ER_READ)
        fail(err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    else
        fail(err, TS_PACKAGE_E_FORMAT, "数据包格式错误：不是有效的ZIP文件");
    return reader_finish(&r, rc, out);
}

void ts_package_free(struct ts_package *pkg)
{
    if (!pkg)
        return;
    for (size_t i = 0; i < pkg->nrecords; i++) {
        free(pkg->records[i].name);
        if (pkg->records[i].data) /* decrypted records must not linger in freed memory */
            ts_crypto_wipe(pkg->records[i].data, pkg->records[i].len + 1);
        free(pkg->records[i].data);
    }
    free(pkg->records);
    free(pkg->title);
    free(pkg->creator);
    X509_free(pkg->signer);
    free(pkg);
}

/* ---- writing ---- */

/* An attribute with its value escaped (the values were checked to hold
 * no control characters). */
static void add_attr(struct ts_buf *b, const char *name, const char *value)
{
    ts_buf_printf(b, " %s=\"", name);
    ts_buf_add_xml(b, value);
    ts_buf_addc(b, '"');
}

static void add_hex_attr(struct ts_buf *b, const char *name, const unsigned char *data, size_t n)
{
    char hex[2 * 32 + 1];
    ts_crypto_hex(data, n, hex);
    add_attr(b, name, hex);
}

/* created as local time with its offset (+08:00 in the stack's TZ). */
static void format_created(time_t t, char out[26])
{
    struct tm tm;
    char z[8];
    localtime_r(&t, &tm);
    strftime(out, 26, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(z, sizeof z, "%z", &tm);
    snprintf(out + 19, 7, "%.3s:%.2s", z, z + 3);
}

/* Everything the writer builds before zipping. */
struct writer {
    const struct ts_package_info *info;
    const struct ts_package_record *recs;
    size_t nrecs;
    struct ts_package_error *err;
    unsigned char cert_sm3[32], recipient_sm3[32];
    unsigned char *cert_der, *env;
    size_t cert_len, env_len;
    struct ts_buf manifest;
    char digest[DIGEST_LEN + 1];
    unsigned char sig[TS_SM_SIG_MAX];
    size_t sig_len;
};

/* The writer's input is checked with the reader's rules, so the portal
 * never produces a package it would refuse. */
static int check_input(struct writer *w)
{
    const struct ts_package_info *in = w->info;
    const struct ts_package_limits *lim = &ts_package_default_limits;
    uint64_t total = 0;
    if (!in->kind || !kind_ok(in->kind) || !in->creator || !text_ok(in->creator) ||
        (in->title && in->title[0] && !text_ok(in->title)) ||
        (in->creator_card && in->creator_card[0] && !card_ok(in->creator_card)) ||
        (in->recipient_card && in->recipient_card[0] && !card_ok(in->recipient_card)))
        return fail(w->err, TS_PACKAGE_E_MANIFEST, "数据包信息不正确（类型、制作者、标题或卡号）");
    if (w->nrecs == 0 || w->nrecs > lim->max_records)
        return fail(w->err, TS_PACKAGE_E_LIMIT, "数据包记录文件数不正确（1至%zu个）",
                    lim->max_records);
    for (size_t i = 0; i < w->nrecs; i++) {
        const struct ts_package_record *rec = &w->recs[i];
        if (!rec->name || !record_name_ok(rec->name))
            return fail(w->err, TS_PACKAGE_E_MANIFEST, "数据包记录文件名不正确");
        for (size_t k = 0; k < i; k++)
            if (strcmp(w->recs[k].name, rec->name) == 0)
                return fail(w->err, TS_PACKAGE_E_MANIFEST, "数据包记录文件名重复：%s", rec->name);
        if (rec->len > lim->max_record || rec->len > lim->max_total - total)
            return fail(w->err, TS_PACKAGE_E_LIMIT, "数据包记录文件过大：%s", rec->name);
        total += rec->len;
        if (!record_xml_ok(rec->data, rec->len))
            return fail(w->err, TS_PACKAGE_E_RECORD,
                        "数据包记录 %s 不是有效的UTF-8 XML（或含有不允许的DTD/实体定义）",
                        rec->name);
    }
    return 0;
}

/* The records as one buffer and sealed to the recipient. */
static int seal_records(struct writer *w, X509 *recipient)
{
    struct ts_buf plain = {0};
    int rc;
    for (size_t i = 0; i < w->nrecs; i++)
        ts_buf_add(&plain, w->recs[i].data, w->recs[i].len);
    rc = ts_sm_envelope_seal(recipient, plain.data ? plain.data : "", plain.len, &w->env,
                             &w->env_len);
    if (plain.data)
        ts_crypto_wipe(plain.data, plain.len);
    ts_buf_free(&plain);
    if (rc == 0 && ts_sm_cert_sm3(recipient, w->recipient_sm3) == 0)
        return 0;
    return fail(w->err, TS_PACKAGE_E_ENVELOPE, "数据包加密失败：接收方证书无效或不是SM2证书");
}

/* One <record> line: name, size, and the SM3 unless encrypted. */
static void add_record(struct writer *w, const struct ts_package_record *rec, bool encrypted)
{
    unsigned char md[32];
    char size[24];
    ts_buf_adds(&w->manifest, "  <record");
    add_attr(&w->manifest, "name", rec->name);
    snprintf(size, sizeof size, "%zu", rec->len);
    add_attr(&w->manifest, "size", size);
    if (!encrypted && ts_crypto_sm3(rec->data, rec->len, md) == 0)
        add_hex_attr(&w->manifest, "sm3", md, 32);
    ts_buf_adds(&w->manifest, "/>\n");
}

/* manifest.xml (docs/formats.md "manifest.xml"). */
static int build_manifest(struct writer *w)
{
    const struct ts_package_info *in = w->info;
    struct ts_buf *b = &w->manifest;
    unsigned char id[16], md[32];
    char created[26], size[24];
    if (ts_crypto_random(id, sizeof id) != 0)
        return fail(w->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    format_created(in->created ? in->created : time(NULL), created);
    ts_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package");
    add_attr(b, "xmlns", NAMESPACE);
    add_attr(b, "format", "1");
    add_hex_attr(b, "id", id, sizeof id);
    add_attr(b, "kind", in->kind);
    add_attr(b, "created", created);
    if (in->title && in->title[0])
        add_attr(b, "title", in->title);
    ts_buf_adds(b, ">\n  <creator");
    add_attr(b, "name", in->creator);
    if (in->creator_card && in->creator_card[0])
        add_attr(b, "card", in->creator_card);
    add_hex_attr(b, "cert-sm3", w->cert_sm3, 32);
    ts_buf_adds(b, "/>\n");
    if (w->env) {
        ts_buf_adds(b, "  <recipient");
        if (in->recipient_card && in->recipient_card[0])
            add_attr(b, "card", in->recipient_card);
        add_hex_attr(b, "cert-sm3", w->recipient_sm3, 32);
        ts_buf_adds(b, "/>\n  <envelope");
        add_attr(b, "name", F_ENVELOPE);
        snprintf(size, sizeof size, "%zu", w->env_len);
        add_attr(b, "size", size);
        if (ts_crypto_sm3(w->env, w->env_len, md) != 0)
            return fail(w->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
        add_hex_attr(b, "sm3", md, 32);
        ts_buf_adds(b, "/>\n");
    }
    for (size_t i = 0; i < w->nrecs; i++)
        add_record(w, &w->recs[i], w->env != NULL);
    ts_buf_adds(b, "</package>\n");
    return 0;
}

/* digest.sm3 and the signature: e over the manifest goes to the signer,
 * and what comes back is verified at once (a card that is not the one of
 * the certificate is caught here, not by the recipient). */
static int sign_manifest(struct writer *w, const struct ts_package_signer *s)
{
    unsigned char e[TS_SM_E_LEN];
    EVP_PKEY *pub = ts_sm_cert_pubkey(s->cert);
    int rc = -1;
    if (ts_crypto_sm3_hex(w->manifest.data, w->manifest.len, w->digest) != 0 || !pub ||
        ts_sm_sm2_e(pub, w->manifest.data, w->manifest.len, e) != 0) {
        fail(w->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
        goto out;
    }
    w->digest[64] = '\n';
    w->sig_len = 0;
    if (s->sign(s->ctx, e, w->sig, &w->sig_len) != 0 || w->sig_len > TS_SM_SIG_MAX ||
        ts_sm_verify(pub, w->manifest.data, w->manifest.len, w->sig, w->sig_len) != 0) {
        fail(w->err, TS_PACKAGE_E_SIGNATURE,
             "数据包签名失败：签名无法用签名证书验证（卡与证书不匹配或签名服务出错）");
        goto out;
    }
    rc = 0;
out:
    EVP_PKEY_free(pub);
    return rc;
}

/* Add one entry to the archive (bytes not copied: they outlive the zip). */
static int add_entry(zip_t *z, const char *name, const void *p, size_t n, bool deflate,
                     time_t mtime)
{
    zip_source_t *src = zip_source_buffer(z, p, n, 0);
    zip_int64_t i;
    if (!src)
        return -1;
    if ((i = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
        zip_source_free(src);
        return -1;
    }
    if (zip_set_file_compression(z, (zip_uint64_t)i, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) !=
            0 ||
        zip_file_set_mtime(z, (zip_uint64_t)i, mtime, 0) != 0)
        return -1;
    return 0;
}

/* All entries in the documented order. */
static int add_entries(struct writer *w, zip_t *z, time_t now)
{
    char name[sizeof RECORDS_DIR + TS_PACKAGE_NAME_MAX];
    if (add_entry(z, F_MANIFEST, w->manifest.data, w->manifest.len, true, now) != 0)
        return -1;
    if (w->env && add_entry(z, F_ENVELOPE, w->env, w->env_len, false, now) != 0)
        return -1;
    for (size_t i = 0; !w->env && i < w->nrecs; i++) {
        snprintf(name, sizeof name, "%s%s", RECORDS_DIR, w->recs[i].name);
        if (add_entry(z, name, w->recs[i].data, w->recs[i].len, true, now) != 0)
            return -1;
    }
    if (add_entry(z, F_DIGEST, w->digest, DIGEST_LEN, false, now) != 0 ||
        add_entry(z, F_SIGNATURE, w->sig, w->sig_len, false, now) != 0 ||
        add_entry(z, F_SIGNER, w->cert_der, w->cert_len, false, now) != 0)
        return -1;
    return 0;
}

/* Zip everything into malloc'd memory. */
static int zip_all(struct writer *w, unsigned char **out, size_t *outlen)
{
    zip_error_t ze;
    zip_source_t *mem;
    zip_t *z = NULL;
    zip_stat_t st;
    int rc = -1;
    zip_error_init(&ze);
    if (!(mem = zip_source_buffer_create(NULL, 0, 0, &ze)))
        goto out;
    zip_source_keep(mem);
    if (!(z = zip_open_from_source(mem, ZIP_TRUNCATE, &ze)))
        goto out;
    if (add_entries(w, z, w->info->created ? w->info->created : time(NULL)) != 0) {
        zip_discard(z);
        goto out;
    }
    if (zip_close(z) != 0) {
        zip_discard(z);
        goto out;
    }
    if (zip_source_stat(mem, &st) != 0 || zip_source_open(mem) != 0)
        goto out;
    if ((*out = malloc(st.size ? st.size : 1)) &&
        zip_source_read(mem, *out, st.size) == (zip_int64_t)st.size) {
        *outlen = st.size;
        rc = 0;
    }
    zip_source_close(mem);
out:
    if (rc != 0) {
        free(*out);
        *out = NULL;
    }
    if (mem)
        zip_source_free(mem);
    zip_error_fini(&ze);
    return rc == 0 ? 0 : fail(w->err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
}

/* Write a package into malloc'd memory: records as given, signed through
 * signer, and encrypted to recipient unless it is NULL. */
int ts_package_write(const struct ts_package_info *info, const struct ts_package_record *recs,
                     size_t nrecs, const struct ts_package_signer *signer, X509 *recipient,
                     unsigned char **out, size_t *outlen, struct ts_package_error *err)
{
    struct writer w = {.info = info, .recs = recs, .nrecs = nrecs, .err = err};
    int rc = -1;
    memset(err, 0, sizeof *err);
    *out = NULL;
    if (!signer || !signer->sign || !signer->cert)
        return fail(err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    if (check_input(&w) != 0)
        goto out;
    if (ts_sm_cert_der(signer->cert, &w.cert_der, &w.cert_len) != 0 ||
        ts_crypto_sm3(w.cert_der, w.cert_len, w.cert_sm3) != 0) {
        fail(err, TS_PACKAGE_E_SIGNATURE, "数据包签名失败：签名证书无效");
        goto out;
    }
    if (recipient && seal_records(&w, recipient) != 0)
        goto out;
    if (build_manifest(&w) != 0 || sign_manifest(&w, signer) != 0)
        goto out;
    rc = zip_all(&w, out, outlen);
out:
    free(w.cert_der);
    free(w.env);
    ts_buf_free(&w.manifest);
    return rc;
}

/* Write all of data to fd. */
static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Write a package to path durably: a temp file beside it, fsync'd, then
 * renamed over path (a reader never sees half a package). */
int ts_package_write_file(const char *path, const struct ts_package_info *info,
                          const struct ts_package_record *recs, size_t nrecs,
                          const struct ts_package_signer *signer, X509 *recipient,
                          struct ts_package_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    struct ts_buf tmp = {0};
    int fd = -1, rc = -1;
    if (ts_package_write(info, recs, nrecs, signer, recipient, &data, &len, err) != 0)
        return -1;
    /* mkstemp: a fresh name opened with O_EXCL in path's folder, so a file
     * or link someone left there is never written through. */
    ts_buf_printf(&tmp, "%s.tmp.XXXXXX", path);
    fd = mkostemp(tmp.data, O_CLOEXEC);
    bool made = fd >= 0;
    if (fd >= 0 && fchmod(fd, 0640) == 0 && write_all(fd, data, len) == 0 && fsync(fd) == 0) {
        int c = close(fd);
        fd = -1; /* closed even when close() failed: never close it twice */
        if (c == 0)
            rc = rename(ts_buf_cstr(&tmp), path) == 0 ? 0 : -1;
    }
    if (fd >= 0)
        close(fd);
    if (rc != 0) {
        if (made)
            unlink(ts_buf_cstr(&tmp));
        fail(err, TS_PACKAGE_E_INTERNAL, "%s", E_SYSTEM);
    }
    ts_buf_free(&tmp);
    free(data);
    return rc;
}
