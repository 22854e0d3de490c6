/* unlinkcrash.so — LD_PRELOAD'ed into one program run by a test so that it
 * dies (exit 137, as after SIGKILL) right after it removed a file whose
 * path contains TS_CRASH_AFTER_UNLINK: a crash at exactly that point,
 * which a test cannot time with kill -9.  Used by
 * tests/http/customs_import_recovery.t on the jobs worker: the customs
 * import's file must go only after the job's commit, so dying right after
 * removing it must leave a committed import, not a queued job without its
 * file.  Built by the test: cc -shared -fPIC -o unlinkcrash.so
 * unlinkcrash.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*unlink_fn)(const char *);

int unlink(const char *path)
{
    static unlink_fn real;
    if (!real)
        real = (unlink_fn)dlsym(RTLD_NEXT, "unlink");
    int rc = real(path);
    const char *match = getenv("TS_CRASH_AFTER_UNLINK");
    if (rc == 0 && match && match[0] && strstr(path, match))
        _exit(137);
    return rc;
}
