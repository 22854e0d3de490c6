/* libFuzzer target: ts_store_sniff, which decides the kind of every upload
 * (JPEG / PNG segment and chunk walks, the PDF checks and libqpdf parse,
 * the XLSX check through libzip) from bytes a user chose.
 *
 * Input: the whole input is the file.  It is written to one temp file
 * ($TMPDIR/fuzz_sniff-XXXXXX, made once per process, removed at exit) and
 * sniffed by path, as ts_store_put does with an upload.  Besides "no crash,
 * no out-of-bounds read" (ASan), the verdict must keep ts_store.h's
 * promises: a known kind and no message, or TS_FILE_UNKNOWN and a
 * non-empty UTF-8 message; and a file taken as a kind must show that kind's
 * framing (JPEG: FF D8 FF ... FF D9; PNG: signature ... IEND as the last 12
 * bytes, and one byte less is refused; PDF: "%PDF-" in the first 1024
 * bytes and "%%EOF" in the last 1024; XLSX: a ZIP local header first).  A
 * broken invariant aborts. */
#include "ts_form.h"
#include "ts_store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[4096];

/* Stop the run with the name of the broken invariant. */
static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_sniff: invariant broken: %s\n", what);
        abort();
    }
}

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fuzz_sniff-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    check(fd >= 0, "mkstemp");
    close(fd);
    atexit(remove_file);
    return 0;
}

/* Replace the temp file's content with data[0..n). */
static void write_file(const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    check(f != NULL, "temp file opens");
    check(n == 0 || fwrite(data, 1, n, f) == n, "temp file written");
    check(fclose(f) == 0, "temp file closed");
}

static enum ts_file_kind sniff(const uint8_t *data, size_t n, const char **err)
{
    write_file(data, n);
    *err = NULL;
    return ts_store_sniff(path, err);
}

static bool has(const uint8_t *p, size_t n, const char *s)
{
    return memmem(p, n, s, strlen(s)) != NULL;
}

/* What a file taken as kind must look like at its edges. */
static void check_framing(const uint8_t *d, size_t n, enum ts_file_kind kind)
{
    static const uint8_t iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    size_t head = n < 1024 ? n : 1024;
    switch (kind) {
    case TS_FILE_JPEG:
        check(n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF, "JPEG starts FF D8 FF");
        check(memmem(d, n, "\xff\xd9", 2) != NULL, "JPEG has EOI");
        break;
    case TS_FILE_PNG:
        check(n >= 8 + 25 + 12 && memcmp(d + 1, "PNG\r\n\x1a\n", 7) == 0, "PNG signature");
        check(memcmp(d + n - 12, iend, 12) == 0, "PNG ends with IEND");
        break;
    case TS_FILE_PDF:
        check(has(d, head, "%PDF-"), "PDF header in the first 1024 bytes");
        check(has(d + n - head, head, "%%EOF"), "PDF %%EOF in the last 1024 bytes");
        break;
    case TS_FILE_XLSX:
        check(n >= 4 && memcmp(d, "PK\3\4", 4) == 0, "XLSX is a ZIP");
        break;
    default:
        check(false, "a kind ts_store.h names");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *err;
    enum ts_file_kind kind = sniff(data, size, &err);
    if (kind == TS_FILE_UNKNOWN) {
        check(err && *err && ts_form_utf8_valid(err, strlen(err)), "refusal has a message");
        check(size > 0 || strcmp(err, "文件为空") == 0, "empty file is 文件为空");
        return 0;
    }
    check(err == NULL, "accepted file has no message");
    check_framing(data, size, kind);
    if (kind == TS_FILE_PNG)
        check(sniff(data, size - 1, &err) == TS_FILE_UNKNOWN, "a cut PNG is refused");
    return 0;
}
