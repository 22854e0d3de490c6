/* ts_captcha — the login page's 验证码: a short code drawn server-side as a
 * small PNG the browser shows in an <img>.  The code itself is kept in the
 * session by the caller; this module only makes codes, draws them and
 * compares answers.  Nothing here needs a library beyond zlib. */
#ifndef TS_CAPTCHA_H
#define TS_CAPTCHA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_CAPTCHA_LEN    4
#define TS_CAPTCHA_WIDTH  120
#define TS_CAPTCHA_HEIGHT 40
/* Characters a code is drawn from, 28 of them: no 0/O/Q, 1/I, 2/Z, 5/S or
 * 8/B pairs a reader could confuse. */
#define TS_CAPTCHA_ALPHABET "23456789ACDEFGHJKLMNPRTUVWXY"

int ts_captcha_new_code(char code[TS_CAPTCHA_LEN + 1]);
bool ts_captcha_matches(const char *code, const char *answer);
int ts_captcha_png(const char *code, unsigned char **png, size_t *png_len);
int ts_captcha_png_seeded(const char *code, uint64_t seed, unsigned char **png, size_t *png_len);

#endif
