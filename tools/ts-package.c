/* ts-package — make, check and time data packages (lib/ts_package) from
 * the command line: docs/samples/ is made with it, bench/package.sh times
 * it, and an operator can check a package a user says is broken.
 *
 *   ts-package create -k KEY.pem -c CERT [-t RECIPIENT.cer] [-K KIND]
 *                     [-n CREATOR] [-T TITLE] [-C CARD] [-R RECIPIENT_CARD]
 *                     [-d EPOCH] -o OUT.zip RECORD.xml...
 *       sign with the software key KEY (whose certificate is CERT) and,
 *       with -t, encrypt the records to RECIPIENT.cer.  A record's name in
 *       the package is its file's base name.
 *   ts-package verify [-s SIGNER.cer] [-c CERT -k KEY.pem] [-x DIR] IN.zip
 *       check everything; -s: the signer must be this certificate; -c/-k:
 *       the recipient's certificate and key for an encrypted package; -x:
 *       write the records into DIR.  Prints the manifest's fields.
 *   ts-package bench [-s SIGNER.cer] [-c CERT -k KEY.pem] [-S SECONDS] IN.zip
 *       verify the package (held in memory) over and over for SECONDS
 *       (default 5); prints "packages=N seconds=S per_s=R mb_per_s=M
 *       record_mb_per_s=M" (MB = 10^6 bytes of the package file; record MB
 *       of the records inside).
 *
 * Exit 0 on success, 1 on a refused package or a failure, 2 on usage. */
#include "ts_package.h"
#include "ts_sm.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct opts {
    const char *key, *cert, *to, *kind, *creator, *title, *card, *rcard, *out, *signer, *dir;
    time_t created;
    int seconds;
};

static int usage(void)
{
    fputs(
        "usage: ts-package create -k KEY.pem -c CERT [-t RCPT.cer] [-K KIND] [-n CREATOR]\n"
        "                         [-T TITLE] [-C CARD] [-R RCARD] [-d EPOCH] -o OUT.zip X.xml...\n"
        "       ts-package verify [-s SIGNER.cer] [-c CERT -k KEY.pem] [-x DIR] IN.zip\n"
        "       ts-package bench  [-s SIGNER.cer] [-c CERT -k KEY.pem] [-S SECONDS] IN.zip\n",
        stderr);
    return 2;
}

/* A whole file in memory (records, packages). */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    int c;
    memset(o, 0, sizeof *o);
    o->kind = "sample";
    o->creator = "tuishui";
    o->seconds = 5;
    while ((c = getopt(argc, argv, "k:c:t:K:n:T:C:R:d:o:s:x:S:")) != -1) {
        switch (c) {
        case 'k':
            o->key = optarg;
            break;
        case 'c':
            o->cert = optarg;
            break;
        case 't':
            o->to = optarg;
            break;
        case 'K':
            o->kind = optarg;
            break;
        case 'n':
            o->creator = optarg;
            break;
        case 'T':
            o->title = optarg;
            break;
        case 'C':
            o->card = optarg;
            break;
        case 'R':
            o->rcard = optarg;
            break;
        case 'd':
            o->created = (time_t)strtoll(optarg, NULL, 10);
            break;
        case 'o':
            o->out = optarg;
            break;
        case 's':
            o->signer = optarg;
            break;
        case 'x':
            o->dir = optarg;
            break;
        case 'S':
            o->seconds = atoi(optarg);
            break;
        default:
            return -1;
        }
    }
    return 0;
}

/* create: every record file read whole, signed with a software key (the
 * portal's or a sample's, never a card's) and written atomically through
 * ts_package_write_file, so the tool makes exactly what the portal makes. */
static int cmd_create(struct opts *o, int n, char **files)
{
    struct ts_package_record *recs = calloc((size_t)n, sizeof *recs);
    struct ts_package_info info = {o->kind, o->title, o->creator, o->card, o->rcard, o->created};
    struct ts_package_signer s = {ts_sm_cert_load_file(o->cert), ts_sm_sign_e_with_key,
                                  ts_sm_privkey_load_file(o->key)};
    struct ts_package_error err = {0};
    X509 *to = o->to ? ts_sm_cert_load_file(o->to) : NULL;
    int rc = 1;
    if (!recs) {
        fprintf(stderr, "ts-package: out of memory\n");
        n = 0;
        goto out;
    }
    if (!s.cert || !s.ctx || (o->to && !to)) {
        fprintf(stderr, "ts-package: cannot load the key or a certificate\n");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        recs[i].name = basename(files[i]);
        if (!(recs[i].data = slurp(files[i], &recs[i].len))) {
            fprintf(stderr, "ts-package: cannot read %s\n", files[i]);
            goto out;
        }
    }
    if (ts_package_write_file(o->out, &info, recs, (size_t)n, &s, to, &err) != 0) {
        fprintf(stderr, "ts-package: %s (%d %s)\n", err.message, err.code,
                ts_package_code_name(err.code));
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < n; i++)
        free((void *)recs[i].data);
    free(recs);
    X509_free(s.cert);
    EVP_PKEY_free(s.ctx);
    X509_free(to);
    return rc;
}

/* What verify and bench both need: the expected signer and the opener. */
struct checker {
    X509 *signer;
    struct ts_package_opener op;
    bool has_op;
};

/* Load what -s, -c and -k name.  On failure k may hold part of it: the
 * caller frees it with checker_free either way. */
static int checker_load(const struct opts *o, struct checker *k)
{
    memset(k, 0, sizeof *k);
    if (o->signer && !(k->signer = ts_sm_cert_load_file(o->signer)))
        return -1;
    if (o->cert && o->key) {
        k->op.cert = ts_sm_cert_load_file(o->cert);
        k->op.unwrap = ts_sm_unwrap_with_key;
        k->op.ctx = ts_sm_privkey_load_file(o->key);
        k->has_op = true;
        if (!k->op.cert || !k->op.ctx)
            return -1;
    }
    return 0;
}

static void checker_free(struct checker *k)
{
    X509_free(k->signer);
    X509_free(k->op.cert);
    EVP_PKEY_free(k->op.ctx);
}

/* Write the records into dir, under their (checked, safe) names. */
static int extract(const struct ts_package *p, const char *dir)
{
    for (size_t i = 0; i < p->nrecords; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, p->records[i].name);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(p->records[i].data, 1, p->records[i].len, f) != p->records[i].len) {
            if (f)
                fclose(f);
            return -1;
        }
        if (fclose(f) != 0)
            return -1;
    }
    return 0;
}

/* The manifest's fields, one per line; the signer marked UNCHECKED when
 * no -s named the certificate it had to be. */
static void print_package(const struct ts_package *p, bool signer_checked)
{
    char subject[256];
    X509_NAME_oneline(X509_get_subject_name(p->signer), subject, sizeof subject);
    printf("id=%s\nkind=%s\ncreated=%s\ntitle=%s\ncreator=%s\ncreator_card=%s\n", p->id, p->kind,
           p->created, p->title, p->creator, p->creator_card);
    printf("encrypted=%s\nrecipient_card=%s\nsigner=%s%s\n", p->encrypted ? "yes" : "no",
           p->recipient_card, signer_checked ? "" : "UNCHECKED ", subject);
    for (size_t i = 0; i < p->nrecords; i++)
        printf("record=%s %zu\n", p->records[i].name, p->records[i].len);
}

/* verify: every check of the reader; without -s the package is accepted
 * from any signer, which the output says (signer=UNCHECKED ...) and a
 * warning on stderr repeats, so "verified" is never read as "trusted". */
static int cmd_verify(struct opts *o, const char *path)
{
    struct checker k;
    struct ts_package *p = NULL;
    struct ts_package_error err;
    int rc = 1;
    if (checker_load(o, &k) != 0) {
        fprintf(stderr, "ts-package: cannot load the key or a certificate\n");
        goto out;
    }
    if (ts_package_read_file(path, NULL, k.signer, k.has_op ? &k.op : NULL, &p, &err) != 0) {
        printf("refused: %d %s: %s\n", err.code, ts_package_code_name(err.code), err.message);
        goto out;
    }
    print_package(p, k.signer != NULL);
    if (!k.signer)
        fprintf(stderr, "ts-package: no -s given: the signer was not checked\n");
    if (o->dir && extract(p, o->dir) != 0) {
        fprintf(stderr, "ts-package: cannot write into %s\n", o->dir);
        goto out;
    }
    rc = 0;
out:
    ts_package_free(p);
    checker_free(&k);
    return rc;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench: the same reads as verify on a package held in memory, so the
 * numbers are the reader's (inflate, SM3, SM2, SM4, XML), not the disk's. */
static int cmd_bench(struct opts *o, const char *path)
{
    struct checker k;
    size_t len = 0, rec_bytes = 0;
    unsigned char *data = slurp(path, &len);
    long n = 0;
    int rc = 1;
    int loaded = checker_load(o, &k);
    if (!data || loaded != 0) {
        fprintf(stderr, "ts-package: cannot load the package, a key or a certificate\n");
        goto out;
    }
    double t0 = now_s(), t = 0;
    while (t < o->seconds) {
        struct ts_package *p = NULL;
        struct ts_package_error err;
        if (ts_package_read(data, len, NULL, k.signer, k.has_op ? &k.op : NULL, &p, &err) != 0) {
            printf("refused: %d %s: %s\n", err.code, ts_package_code_name(err.code), err.message);
            goto out;
        }
        rec_bytes = 0;
        for (size_t i = 0; i < p->nrecords; i++)
            rec_bytes += p->records[i].len;
        ts_package_free(p);
        n++;
        t = now_s() - t0;
    }
    printf("packages=%ld seconds=%.2f per_s=%.1f mb_per_s=%.1f record_mb_per_s=%.1f\n", n, t,
           (double)n / t, (double)n * (double)len / t / 1e6,
           (double)n * (double)rec_bytes / t / 1e6);
    rc = 0;
out:
    free(data);
    checker_free(&k);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o;
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    if (parse_opts(argc - 1, argv + 1, &o) != 0)
        return usage();
    int rest = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (strcmp(cmd, "create") == 0 && o.key && o.cert && o.out && rest >= 1)
        return cmd_create(&o, rest, args);
    if (strcmp(cmd, "verify") == 0 && rest == 1)
        return cmd_verify(&o, args[0]);
    if (strcmp(cmd, "bench") == 0 && rest == 1 && o.seconds > 0)
        return cmd_bench(&o, args[0]);
    return usage();
}
