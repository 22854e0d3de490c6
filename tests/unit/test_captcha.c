/* Unit tests for lib/ts_captcha: codes, answer matching, and the PNG read
 * back chunk by chunk (CRCs, IHDR, inflated scanlines, inked glyph slots). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "ts_captcha.h"

#define W       TS_CAPTCHA_WIDTH
#define H       TS_CAPTCHA_HEIGHT
#define STRIDE  (1 + 3 * W)
#define RAW_LEN ((size_t)H * STRIDE)

/* A drawn picture and its scanlines, as the tests read them back. */
struct picture {
    unsigned char *png;
    size_t len;
    unsigned char raw[RAW_LEN];
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Check the chunk at *off (length fits, CRC right) and step past it. */
static const unsigned char *next_chunk(const struct picture *pic, size_t *off, const char *type,
                                       uint32_t *len)
{
    const unsigned char *c = pic->png + *off;

    assert_true(*off + 12 <= pic->len);
    *len = be32(c);
    assert_true(*off + 12 + *len <= pic->len);
    assert_memory_equal(c + 4, type, 4);
    assert_int_equal(crc32(0L, c + 4, 4 + *len), be32(c + 8 + *len));
    *off += 12 + *len;
    return c + 8;
}

/* Walk signature, IHDR, IDAT, IEND; inflate IDAT into pic->raw. */
static void parse(struct picture *pic)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char ihdr[13] = {0, 0, 0, W, 0, 0, 0, H, 8, 2, 0, 0, 0};
    const unsigned char *data;
    unsigned char spare[RAW_LEN + 16];
    uLongf out_len = sizeof spare;
    size_t off = 8;
    uint32_t len;

    assert_memory_equal(pic->png, sig, 8);
    data = next_chunk(pic, &off, "IHDR", &len);
    assert_int_equal(len, 13);
    assert_memory_equal(data, ihdr, 13);
    data = next_chunk(pic, &off, "IDAT", &len);
    assert_int_equal(uncompress(spare, &out_len, data, len), Z_OK);
    assert_int_equal(out_len, RAW_LEN);
    memcpy(pic->raw, spare, RAW_LEN);
    next_chunk(pic, &off, "IEND", &len);
    assert_int_equal(len, 0);
    assert_int_equal(off, pic->len);
}

static void draw(struct picture *pic, const char *code, uint64_t seed)
{
    assert_int_equal(ts_captcha_png_seeded(code, seed, &pic->png, &pic->len), 0);
    parse(pic);
}

/* Glyph ink is darker than any ground, line or dot (channel sum < 300). */
static int dark_in(const struct picture *pic, int x0, int x1)
{
    int n = 0;

    for (int y = 0; y < H; y++) {
        for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < W; x++) {
            const unsigned char *p = pic->raw + (size_t)y * STRIDE + 1 + 3 * (size_t)x;
            n += p[0] + p[1] + p[2] < 300;
        }
    }
    return n;
}

static void test_new_code(void **state)
{
    int seen[256] = {0};
    char code[TS_CAPTCHA_LEN + 1];

    for (int i = 0; i < 1000; i++) {
        memset(code, 'x', sizeof code);
        assert_int_equal(ts_captcha_new_code(code), 0);
        assert_int_equal(strlen(code), TS_CAPTCHA_LEN);
        assert_int_equal(strspn(code, TS_CAPTCHA_ALPHABET), TS_CAPTCHA_LEN);
        for (int j = 0; j < TS_CAPTCHA_LEN; j++)
            seen[(unsigned char)code[j]]++;
    }
    /* 4000 draws over 28 characters: each turns up (expected ~143). */
    for (const char *c = TS_CAPTCHA_ALPHABET; *c; c++)
        assert_true(seen[(unsigned char)*c] > 50);
}

static void test_alphabet_unambiguous(void **state)
{
    assert_null(strpbrk(TS_CAPTCHA_ALPHABET, "01IOQSZB"));
    assert_int_equal(strlen(TS_CAPTCHA_ALPHABET), 28);
}

static void test_matches(void **state)
{
    assert_true(ts_captcha_matches("K7PX", "K7PX"));
    assert_true(ts_captcha_matches("K7PX", "k7px"));
    assert_false(ts_captcha_matches("K7PX", "K7PY"));
    assert_false(ts_captcha_matches("K7PX", "K7P"));
    assert_false(ts_captcha_matches("K7PX", "K7PXX"));
    assert_false(ts_captcha_matches("K7PX", ""));
    assert_false(ts_captcha_matches("K7PX", NULL));
    assert_false(ts_captcha_matches(NULL, "K7PX"));
}

static void test_png_structure(void **state)
{
    struct picture pic;

    draw(&pic, "K7PX", 1);
    for (int y = 0; y < H; y++)
        assert_int_equal(pic.raw[(size_t)y * STRIDE], 0); /* filter: none */
    free(pic.png);
}

/* Every character of the alphabet draws, in every slot. */
static void test_png_every_character(void **state)
{
    const char *a = TS_CAPTCHA_ALPHABET;
    struct picture pic;
    char code[TS_CAPTCHA_LEN + 1];

    for (size_t i = 0; i + TS_CAPTCHA_LEN <= strlen(a); i++) {
        memcpy(code, a + i, TS_CAPTCHA_LEN);
        code[TS_CAPTCHA_LEN] = '\0';
        draw(&pic, code, i);
        free(pic.png);
    }
}

/* Each of the four slots (28 px wide from x = 4) holds inked glyph pixels,
 * and the strip left of the first slot holds almost none. */
static void test_png_glyphs_inked(void **state)
{
    static const char *const codes[] = {"2345", "6789", "ACDE", "FGHJ", "KLMN", "PRTU", "VWXY"};
    struct picture pic;

    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++) {
        for (uint64_t seed = 0; seed < 8; seed++) {
            draw(&pic, codes[c], seed);
            for (int i = 0; i < TS_CAPTCHA_LEN; i++)
                assert_true(dark_in(&pic, 4 + 28 * i, 4 + 28 * i + 27) >= 60);
            assert_true(dark_in(&pic, 0, 0) == 0);
            free(pic.png);
        }
    }
}

/* Regression: the noise-line stepper once re-read its error term between
 * the x and y steps and, for some slopes (seed 24), never reached its end. */
static void test_png_many_seeds(void **state)
{
    struct picture pic;

    for (uint64_t seed = 0; seed < 300; seed++) {
        draw(&pic, "K7PX", seed);
        free(pic.png);
    }
}

static void test_png_deterministic(void **state)
{
    struct picture a, b;

    draw(&a, "K7PX", 42);
    draw(&b, "K7PX", 42);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.png, b.png, a.len);
    free(a.png);
    free(b.png);
}

static void test_png_differs(void **state)
{
    struct picture a, b, c;

    draw(&a, "K7PX", 42);
    draw(&b, "K7PY", 42);
    draw(&c, "K7PX", 43);
    assert_memory_not_equal(a.raw, b.raw, RAW_LEN);
    assert_memory_not_equal(a.raw, c.raw, RAW_LEN);
    free(a.png);
    free(b.png);
    free(c.png);
}

/* The unseeded form draws and differs between calls. */
static void test_png_random_seed(void **state)
{
    struct picture a, b;

    assert_int_equal(ts_captcha_png("K7PX", &a.png, &a.len), 0);
    assert_int_equal(ts_captcha_png("K7PX", &b.png, &b.len), 0);
    parse(&a);
    parse(&b);
    assert_memory_not_equal(a.raw, b.raw, RAW_LEN);
    free(a.png);
    free(b.png);
}

static void test_png_refuses_bad_codes(void **state)
{
    static const char *const bad[] = {"", "K7P", "K7PXY", "k7px", "0O1I", "K7P!", "K7P "};
    unsigned char *png = (unsigned char *)"untouched";
    size_t len = 7;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ts_captcha_png_seeded(bad[i], 1, &png, &len), -1);
    assert_int_equal(ts_captcha_png(NULL, &png, &len), -1);
    assert_int_equal(len, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_code),
        cmocka_unit_test(test_alphabet_unambiguous),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_png_structure),
        cmocka_unit_test(test_png_every_character),
        cmocka_unit_test(test_png_glyphs_inked),
        cmocka_unit_test(test_png_many_seeds),
        cmocka_unit_test(test_png_deterministic),
        cmocka_unit_test(test_png_differs),
        cmocka_unit_test(test_png_random_seed),
        cmocka_unit_test(test_png_refuses_bad_codes),
    };
    return cmocka_run_group_tests_name("ts_captcha", tests, NULL, NULL);
}
