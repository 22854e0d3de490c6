/* pkg_open — reads a data package (docs/formats.md) the way the rebate
 * modules will read an 报关单 XML download: the signer must be the
 * portal's certificate, and the envelope is opened by a card through
 * signd (lib/ts_sign's DECRYPT).  For tests/http/decl_download.t.
 *
 *   pkg_open SOCKET READER PIN PORTAL.cer PACKAGE OUT
 *
 * On success prints `OK kind=<kind> recipient=<卡号> records=<n>` and
 * writes the first record to OUT; a refused package prints
 * `refused: <code> <name>: <message>` and exits 1 (2 for usage or when
 * the card's certificate cannot be read). */
#include "ts_package.h"
#include "ts_sign.h"

#include <stdio.h>
#include <string.h>

/* The card in one reader, as an opener's context. */
struct card {
    struct ts_sign_opts opts;
    const char *reader;
    const char *pin;
};

/* ts_sm_unwrap_fn: the card decrypts the sealed session key. */
static int card_unwrap(void *ctx, const unsigned char *sealed, size_t sealed_len,
                       unsigned char *key, size_t *keylen)
{
    struct card *cd = ctx;
    struct ts_sign_error err;
    unsigned char plain[TS_SIGN_PLAIN_MAX];
    size_t n = 0;
    if (ts_sign_decrypt(&cd->opts, cd->reader, cd->pin, sealed, sealed_len, plain, &n, &err) !=
            TS_SIGN_OK ||
        n > *keylen) {
        fprintf(stderr, "decrypt: %s | %s\n", err.message, err.detail);
        return -1;
    }
    memcpy(key, plain, n);
    *keylen = n;
    return 0;
}

/* The certificate on the card, read through signd. */
static X509 *card_cert(struct card *cd)
{
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    struct ts_sign_error err;
    if (ts_sign_cert(&cd->opts, cd->reader, der, &len, &err) != TS_SIGN_OK) {
        fprintf(stderr, "cert: %s | %s\n", err.message, err.detail);
        return NULL;
    }
    return ts_sm_cert_load(der, len);
}

/* Write the record to path. */
static int save(const char *path, const struct ts_package_item *it)
{
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(it->data, 1, it->len, f) == it->len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: pkg_open SOCKET READER PIN PORTAL.cer PACKAGE OUT\n");
        return 2;
    }
    struct card cd = {{argv[1], 20000, NULL}, argv[2], argv[3]};
    X509 *portal = ts_sm_cert_load_file(argv[4]);
    X509 *mine = card_cert(&cd);
    struct ts_package *pkg = NULL;
    struct ts_package_error err;
    int rc = 2;
    if (!portal || !mine) {
        fprintf(stderr, "pkg_open: cannot load the portal's or the card's certificate\n");
        goto out;
    }
    struct ts_package_opener op = {mine, card_unwrap, &cd};
    if (ts_package_read_file(argv[5], &ts_package_default_limits, portal, &op, &pkg, &err) != 0) {
        printf("refused: %d %s: %s\n", err.code, ts_package_code_name(err.code), err.message);
        rc = 1;
        goto out;
    }
    printf("OK kind=%s recipient=%s records=%zu\n", pkg->kind, pkg->recipient_card, pkg->nrecords);
    rc = save(argv[6], &pkg->records[0]) == 0 ? 0 : 2;
out:
    ts_package_free(pkg);
    X509_free(portal);
    X509_free(mine);
    return rc;
}
