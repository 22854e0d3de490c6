/* ts_package — signed (and optionally encrypted) data packages (数据包):
 * the files the portal produces and reads in the declaration pipeline and
 * the 报关单 XML download (design.md "The declaration pipeline").
 *
 * A package is a ZIP holding manifest.xml (what, who, when, format
 * version, the records with sizes and SM3 digests), the records as UTF-8
 * XML under records/ (or, encrypted to a recipient's certificate, one
 * envelope records.env), digest.sm3 (SM3 of the manifest), signature.sm2
 * (SM2 signature over the manifest) and signer.cer.  docs/formats.md
 * describes every byte; ts_sm does the cryptography.
 *
 * Signing goes through a signer: the card through signd (which signs the
 * 32-byte e = SM3(Z_A || manifest); ts_sign_package_signer in lib/ts_sign)
 * or the portal's software key (ts_sm_sign_e_with_key).  Opening an
 * envelope goes through an opener in the same way (the card decrypts the
 * sealed session key; ts_sign_package_opener).
 *
 * Reading is whole-package in memory, bounded by the limits (default 64 MiB
 * of records; issue 6 caps an XML download at 8 MB): every entry is
 * inflated into memory with the bytes counted as they come, so a lying
 * ZIP header cannot make the reader hold more than the cap.  The reader
 * refuses with a code and a Chinese sentence that says which check failed.
 * err is required (never NULL) for the writer and the readers.
 * Fuzz target: tests/fuzz/fuzz_package.c. */
#ifndef TS_PACKAGE_H
#define TS_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ts_sm.h"

#define TS_PACKAGE_FORMAT 1
/* Record names: 1..64 of [A-Za-z0-9._-], ending ".xml", not starting
 * with '.'; stored as records/<name>. */
#define TS_PACKAGE_NAME_MAX 64

/* Why a package was refused.  Stable numbers (logged, shown with the
 * message); ts_package_code_name gives a short English name. */
enum ts_package_code {
    TS_PACKAGE_OK = 0,
    TS_PACKAGE_E_FORMAT = 1,    /* not a ZIP, bad entry names, methods */
    TS_PACKAGE_E_LIMIT = 2,     /* too many entries, too large */
    TS_PACKAGE_E_MANIFEST = 3,  /* manifest invalid, entries missing/extra */
    TS_PACKAGE_E_DIGEST = 4,    /* digest.sm3 or a record's SM3 / size */
    TS_PACKAGE_E_SIGNATURE = 5, /* bad signature, unexpected signer */
    TS_PACKAGE_E_ENVELOPE = 6,  /* envelope malformed, tag, session key */
    TS_PACKAGE_E_RECIPIENT = 7, /* encrypted to another card, or no card */
    TS_PACKAGE_E_RECORD = 8,    /* a record is not UTF-8 XML (or has DTD) */
    TS_PACKAGE_E_INTERNAL = 9,  /* memory, crypto library, signer failed */
};

struct ts_package_error {
    enum ts_package_code code;
    char message[256]; /* Chinese, for the page; names only safe entry names */
};

struct ts_package_limits {
    size_t max_records;  /* record entries */
    uint64_t max_record; /* uncompressed bytes of one record */
    uint64_t max_total;  /* of all records together (or the envelope) */
    size_t max_manifest; /* bytes of manifest.xml */
};

extern const struct ts_package_limits ts_package_default_limits;

/* Who signs: the certificate goes into the package, sign() gets e. */
struct ts_package_signer {
    X509 *cert;
    ts_sm_sign_e_fn sign;
    void *ctx;
};

/* Who opens an encrypted package: its certificate (must be the one the
 * package was sealed to) and unwrap() for the sealed session key. */
struct ts_package_opener {
    X509 *cert;
    ts_sm_unwrap_fn unwrap;
    void *ctx;
};

/* What the writer is asked to package. */
struct ts_package_info {
    const char *kind;           /* [a-z0-9.-]{1,64}, e.g. "decl-download" */
    const char *title;          /* optional, UTF-8 (e.g. 报关单数据 ...) */
    const char *creator;        /* UTF-8 name of who made it (enterprise, portal) */
    const char *creator_card;   /* optional 卡号 of the signing card */
    const char *recipient_card; /* optional 卡号 of the recipient */
    time_t created;             /* 0: now */
};

/* One record: a name (see TS_PACKAGE_NAME_MAX) and its UTF-8 XML. */
struct ts_package_record {
    const char *name;
    const void *data;
    size_t len;
};

/* A package that passed every check.  All strings are NUL-terminated
 * UTF-8; title and cards are "" when absent. */
struct ts_package {
    char id[33]; /* 32 hex digits, random per package */
    char kind[65];
    char created[26]; /* YYYY-MM-DDTHH:MM:SS+hh:mm or ...Z */
    char *title;
    char *creator;
    char creator_card[33];
    char recipient_card[33];
    bool encrypted;
    X509 *signer; /* the signer's certificate (verified against it) */
    size_t nrecords;
    struct ts_package_item {
        char *name;
        unsigned char *data; /* NUL after the last byte, not counted */
        size_t len;
    } * records;
};

int ts_package_write(const struct ts_package_info *info, const struct ts_package_record *recs,
                     size_t nrecs, const struct ts_package_signer *signer, X509 *recipient,
                     unsigned char **out, size_t *outlen, struct ts_package_error *err);
int ts_package_write_file(const char *path, const struct ts_package_info *info,
                          const struct ts_package_record *recs, size_t nrecs,
                          const struct ts_package_signer *signer, X509 *recipient,
                          struct ts_package_error *err);

int ts_package_read(const void *data, size_t len, const struct ts_package_limits *lim,
                    X509 *expected_signer, const struct ts_package_opener *opener,
                    struct ts_package **out, struct ts_package_error *err);
int ts_package_read_file(const char *path, const struct ts_package_limits *lim,
                         X509 *expected_signer, const struct ts_package_opener *opener,
                         struct ts_package **out, struct ts_package_error *err);
void ts_package_free(struct ts_package *pkg);

const char *ts_package_code_name(enum ts_package_code code);
/* The manifest parser alone (fuzzing, tests): 0 when xml is a valid
 * manifest within lim, else -1 with err filled. */
int ts_package_check_manifest(const char *xml, size_t len, const struct ts_package_limits *lim,
                              struct ts_package_error *err);

#endif
