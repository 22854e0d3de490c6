/* ts_captcha — codes and their picture.
 *
 * The picture is 120×40 RGB.  Each character comes from a 5×7 bitmap font
 * below, scaled ×3 across and ×4 down, turned by a small angle, slanted,
 * shifted a few pixels and given one of a few dark colours; thin mid-tone
 * lines and dots go under and over the text.  All arithmetic is integer:
 * angles are slopes in sixteenths.  The PNG (colour type 2, 8 bits, one
 * IDAT) is written by hand with zlib's compress2 and crc32.
 *
 * The jitter comes from a splitmix64 generator seeded from ts_crypto_random,
 * or from the caller in ts_captcha_png_seeded so tests get fixed pictures;
 * the code itself always comes from ts_crypto_random. */
#include "ts_captcha.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "ts_crypto.h"

#define W       TS_CAPTCHA_WIDTH
#define H       TS_CAPTCHA_HEIGHT
#define STRIDE  (1 + 3 * W) /* filter byte, then RGB */
#define GLYPH_W 5
#define GLYPH_H 7
#define SCALE_X 3
#define SCALE_Y 4
#define SLOT_W  28 /* horizontal room per character */
#define SLOT_X0 18 /* centre of the first slot */

struct rgb {
    unsigned char r, g, b;
};

/* A character's 5×7 bitmap, one string per row, '#' is ink. */
struct glyph {
    char ch;
    const char *rows[GLYPH_H];
};

/* Drawn for the characters of TS_CAPTCHA_ALPHABET and only those. */
static const struct glyph ts_captcha_font[] = {
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {'A', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'C', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
    {'D', {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}},
    {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
    {'F', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
    {'G', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
    {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'J', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
    {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
    {'L', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
    {'M', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
    {'N', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
    {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
    {'R', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
    {'T', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
    {'U', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
    {'V', {"#...#", "#...#", "#...#", ".#.#.", ".#.#.", "..#..", "..#.."}},
    {'W', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
    {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
    {'Y', {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}},
};

/* Ink colours: dark enough to read on the light ground, each channel sum
 * under 300 so they never look like the noise (which stays above). */
static const struct rgb ts_captcha_ink[] = {
    {20, 40, 140}, {140, 20, 30}, {20, 100, 40}, {90, 20, 120}, {40, 40, 40},
};

/* Draw a fresh code: TS_CAPTCHA_LEN characters of the alphabet, uniform
 * (bytes at or above the largest multiple of the alphabet size are
 * redrawn so no character is likelier than another). */
int ts_captcha_new_code(char code[TS_CAPTCHA_LEN + 1])
{
    static const char alphabet[] = TS_CAPTCHA_ALPHABET;
    const unsigned n = sizeof alphabet - 1;
    const unsigned limit = 256 / n * n;
    unsigned char b;
    int i = 0;

    while (i < TS_CAPTCHA_LEN) {
        if (ts_crypto_random(&b, 1) != 0)
            return -1;
        if (b < limit)
            code[i++] = alphabet[b % n];
    }
    code[TS_CAPTCHA_LEN] = '\0';
    return 0;
}

/* Did the user type the code?  Case does not matter (people type lower
 * case); the comparison is constant-time like every secret's. */
bool ts_captcha_matches(const char *code, const char *answer)
{
    char up[TS_CAPTCHA_LEN + 1];
    size_t i;

    if (code == NULL || answer == NULL || strlen(answer) != TS_CAPTCHA_LEN)
        return false;
    for (i = 0; i < TS_CAPTCHA_LEN; i++) {
        char c = answer[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    up[i] = '\0';
    return ts_crypto_const_eq(code, up);
}

/* splitmix64: small, fast, good enough to scatter noise.  Not a secret. */
static uint64_t ts_captcha_rng(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [lo, hi]; the modulo bias is irrelevant for jitter. */
static int ts_captcha_between(uint64_t *state, int lo, int hi)
{
    return lo + (int)(ts_captcha_rng(state) % (uint64_t)(hi - lo + 1));
}

/* The bitmap of c, or NULL if c is not in the alphabet. */
static const struct glyph *ts_captcha_glyph(char c)
{
    size_t n = sizeof ts_captcha_font / sizeof ts_captcha_font[0];

    for (size_t i = 0; i < n; i++)
        if (ts_captcha_font[i].ch == c)
            return &ts_captcha_font[i];
    return NULL;
}

/* Only codes this module could have made are drawn. */
static bool ts_captcha_valid(const char *code)
{
    if (code == NULL || strlen(code) != TS_CAPTCHA_LEN)
        return false;
    for (size_t i = 0; i < TS_CAPTCHA_LEN; i++)
        if (ts_captcha_glyph(code[i]) == NULL)
            return false;
    return true;
}

/* Set one pixel of the PNG scanlines, clipping at the edges. */
static void ts_captcha_put(unsigned char *raw, int x, int y, struct rgb c)
{
    unsigned char *p;

    if (x < 0 || x >= W || y < 0 || y >= H)
        return;
    p = raw + (size_t)y * STRIDE + 1 + 3 * (size_t)x;
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

/* A random mid-tone: every channel in [lo, hi]. */
static struct rgb ts_captcha_tone(uint64_t *st, int lo, int hi)
{
    struct rgb c = {(unsigned char)ts_captcha_between(st, lo, hi),
                    (unsigned char)ts_captcha_between(st, lo, hi),
                    (unsigned char)ts_captcha_between(st, lo, hi)};
    return c;
}

/* Light ground with a faint left-to-right tint, filter byte 0 per row. */
static void ts_captcha_background(unsigned char *raw, uint64_t *st)
{
    struct rgb from = ts_captcha_tone(st, 225, 250);
    struct rgb to = ts_captcha_tone(st, 225, 250);

    for (int y = 0; y < H; y++) {
        raw[(size_t)y * STRIDE] = 0;
        for (int x = 0; x < W; x++) {
            struct rgb c = {(unsigned char)(from.r + (to.r - from.r) * x / W),
                            (unsigned char)(from.g + (to.g - from.g) * x / W),
                            (unsigned char)(from.b + (to.b - from.b) * x / W)};
            ts_captcha_put(raw, x, y, c);
        }
    }
}

/* A one-pixel line (Bresenham) between two points. */
static void ts_captcha_line(unsigned char *raw, int x0, int y0, int x1, int y1, struct rgb c)
{
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;

    for (;;) {
        int e2 = 2 * err;

        ts_captcha_put(raw, x0, y0, c);
        if (x0 == x1 && y0 == y1)
            break;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

/* n lines from the left part to the right part of the picture in tones
 * lo..hi: under the text they blur the ground, over it they cross it. */
static void ts_captcha_lines(unsigned char *raw, uint64_t *st, int n, int lo, int hi)
{
    for (int i = 0; i < n; i++) {
        int x0 = ts_captcha_between(st, 0, W / 4);
        int x1 = ts_captcha_between(st, 3 * W / 4, W - 1);
        int y0 = ts_captcha_between(st, 0, H - 1);
        int y1 = ts_captcha_between(st, 0, H - 1);

        ts_captcha_line(raw, x0, y0, x1, y1, ts_captcha_tone(st, lo, hi));
    }
}

/* Scattered single dots in light-to-mid tones. */
static void ts_captcha_dots(unsigned char *raw, uint64_t *st, int n)
{
    for (int i = 0; i < n; i++) {
        int x = ts_captcha_between(st, 0, W - 1);
        int y = ts_captcha_between(st, 0, H - 1);

        ts_captcha_put(raw, x, y, ts_captcha_tone(st, 120, 220));
    }
}

/* Is the scaled glyph inked at (sx, sy), measured from its top-left? */
static bool ts_captcha_cell(const struct glyph *g, int sx, int sy)
{
    if (sx < 0 || sy < 0 || sx >= GLYPH_W * SCALE_X || sy >= GLYPH_H * SCALE_Y)
        return false;
    return g->rows[sy / SCALE_Y][sx / SCALE_X] == '#';
}

/* The same with a pen one pixel wider and taller, so the corner-to-corner
 * steps of diagonal strokes overlap instead of breaking when turned. */
static bool ts_captcha_ink_at(const struct glyph *g, int sx, int sy)
{
    return ts_captcha_cell(g, sx, sy) || ts_captcha_cell(g, sx - 1, sy) ||
           ts_captcha_cell(g, sx, sy - 1);
}

/* Draw one character centred at (cx, cy), turned by rot/16 radians and
 * slanted by slant/16, by mapping every target pixel back into the bitmap
 * (so strokes stay solid whatever the angle). */
static void ts_captcha_char(unsigned char *raw, const struct glyph *g, int cx, int cy, int rot,
                            int slant, struct rgb ink)
{
    const int hw = GLYPH_W * SCALE_X / 2, hh = GLYPH_H * SCALE_Y / 2;

    for (int v = -hh - 4; v <= hh + 4; v++) {
        for (int u = -hw - 7; u <= hw + 7; u++) {
            int su = u + v * (rot - slant) / 16;
            int sv = v - u * rot / 16;

            if (ts_captcha_ink_at(g, su + hw, sv + hh))
                ts_captcha_put(raw, cx + u, cy + v, ink);
        }
    }
}

/* The characters of code, each in its slot with its own jitter and ink. */
static void ts_captcha_text(unsigned char *raw, uint64_t *st, const char *code)
{
    size_t ninks = sizeof ts_captcha_ink / sizeof ts_captcha_ink[0];

    for (int i = 0; i < TS_CAPTCHA_LEN; i++) {
        int cx = SLOT_X0 + SLOT_W * i + ts_captcha_between(st, -3, 3);
        int cy = H / 2 + ts_captcha_between(st, -2, 2);
        int rot = ts_captcha_between(st, -3, 3);
        int slant = ts_captcha_between(st, -3, 3);
        struct rgb ink = ts_captcha_ink[ts_captcha_rng(st) % ninks];

        ts_captcha_char(raw, ts_captcha_glyph(code[i]), cx, cy, rot, slant, ink);
    }
}

/* Store v big-endian, as PNG wants every integer. */
static void ts_captcha_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Write a PNG chunk at dst: length, type, data (which may already sit at
 * dst + 8), CRC over type and data.  Returns the byte after it. */
static unsigned char *ts_captcha_chunk(unsigned char *dst, const char *type,
                                       const unsigned char *data, size_t len)
{
    uLong crc;

    ts_captcha_be32(dst, (uint32_t)len);
    memcpy(dst + 4, type, 4);
    if (len > 0)
        memmove(dst + 8, data, len);
    crc = crc32(0L, dst + 4, (uInt)(4 + len));
    ts_captcha_be32(dst + 8 + len, (uint32_t)crc);
    return dst + 12 + len;
}

/* Wrap the scanlines in a PNG: signature, IHDR, one IDAT, IEND.  The
 * returned buffer is malloc'd; on failure nothing is left allocated. */
static int ts_captcha_encode(const unsigned char *raw, unsigned char **png, size_t *png_len)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13] = {0, 0, 0, 0, 0, 0, 0, 0, 8, 2, 0, 0, 0};
    uLong raw_len = (uLong)H * STRIDE;
    uLongf zlen = compressBound(raw_len);
    unsigned char *buf, *p;

    buf = malloc(sizeof sig + 25 + 12 + zlen + 12);
    if (buf == NULL)
        return -1;
    memcpy(buf, sig, sizeof sig);
    ts_captcha_be32(ihdr, W);
    ts_captcha_be32(ihdr + 4, H);
    p = ts_captcha_chunk(buf + sizeof sig, "IHDR", ihdr, sizeof ihdr);
    if (compress2(p + 8, &zlen, raw, raw_len, Z_BEST_COMPRESSION) != Z_OK) {
        free(buf);
        return -1;
    }
    p = ts_captcha_chunk(p, "IDAT", p + 8, zlen);
    p = ts_captcha_chunk(p, "IEND", NULL, 0);
    *png = buf;
    *png_len = (size_t)(p - buf);
    return 0;
}

/* Draw code as a PNG with the jitter fixed by seed (tests; and the body of
 * ts_captcha_png).  Refuses codes not made of the alphabet. */
int ts_captcha_png_seeded(const char *code, uint64_t seed, unsigned char **png, size_t *png_len)
{
    unsigned char *raw;
    uint64_t st = seed;
    int rc;

    if (!ts_captcha_valid(code) || png == NULL || png_len == NULL)
        return -1;
    raw = malloc((size_t)H * STRIDE);
    if (raw == NULL)
        return -1;
    ts_captcha_background(raw, &st);
    ts_captcha_lines(raw, &st, 4, 150, 210);
    ts_captcha_dots(raw, &st, 150);
    ts_captcha_text(raw, &st, code);
    ts_captcha_lines(raw, &st, 2, 100, 170);
    rc = ts_captcha_encode(raw, png, png_len);
    free(raw);
    return rc;
}

/* Draw code as a PNG with unpredictable jitter; caller free()s *png. */
int ts_captcha_png(const char *code, unsigned char **png, size_t *png_len)
{
    uint64_t seed;

    if (ts_crypto_random(&seed, sizeof seed) != 0)
        return -1;
    return ts_captcha_png_seeded(code, seed, png, png_len);
}
