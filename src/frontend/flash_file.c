/* The boot flash's backing file (flash_file.h).
 *
 * Design note: what the file promises, and why a writer process.
 *
 * The guest's program and erase operations must reach the file as they complete
 * (write-through: the chip reports success only after flash_file_store returned), and
 * killing kseg at any moment, SIGKILL included, must leave every block the guest touched
 * holding either its content before or after the operation, never a mix.
 *
 * A pwrite() that has returned is in the kernel's page cache: the file has it even if the
 * process dies the next instant (only a crash of the whole machine or a power cut could lose
 * it, and those are out of scope: kseg does not fsync each write). But a pwrite() that is
 * under way is not atomic: Linux copies a write into the page cache a page at a time and
 * gives up between pages when a fatal signal is pending (mm/filemap.c,
 * generic_perform_write), so a SIGKILL that lands during the 64 KiB write of an erase can
 * leave the first pages erased and the others not.
 *
 * Therefore kseg does not write the file itself. At open it forks a small writer process
 * (named kseg-pflash) that shares the locked file description and does nothing but this:
 * read one request (offset, length, then all the bytes) from a pipe, pwrite it whole, reply
 * with an errno. kseg sends the request and waits for the reply before the chip reports the
 * operation done. A SIGKILL sent to kseg does not reach the writer: a write the writer has
 * started completes; a request kseg had not finished sending is never started (the writer
 * sees end-of-file first and writes nothing). Either way each operation's range, which
 * never spans two blocks, holds old or new content. When kseg ends, however it ends, the
 * pipe closes, and the writer syncs the file and exits; the lock goes with it, and from
 * then on the file is final (the store that was under way may land after kseg is gone).
 * The writer has its own process group, so that a signal to kseg's group (a terminal's
 * ^C, a test harness killing the group) does not reach it either. The one case left is
 * killing the writer itself in the middle of its pwrite (by its pid, or the OOM killer): a
 * torn write at page granularity remains possible then. (tests/flash/flash.py sigkill
 * catches torn erases within seconds when the stores are written by kseg itself.)
 *
 * The lock is an open-file-description lock over the whole file (F_OFD_SETLK), exclusive
 * when writable and shared for -snapshot and readonly=on, so a second kseg is refused
 * rather than interleaving its writes. QEMU locks image files with the same kind of lock
 * (on single bytes), so QEMU and kseg also refuse each other's writable use of a file. */
#include "frontend/flash_file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long to wait for a lock that is taken: a kseg that has just been killed leaves its
 * writer finishing the last block for a moment, and a restart right after must succeed. */
#define LOCK_WAIT_MS 1000
#define LOCK_POLL_MS 20

struct flash_file {
    char *path;
    int fd;
    uint32_t size;
    enum flash_file_mode mode;
    pid_t writer;            /* the writer process (writable mode), else 0 */
    int request_fd;          /* kseg -> writer: requests */
    int reply_fd;            /* writer -> kseg: one errno per request (0: written) */
    bool failed;             /* a store failed: reported, and every later store fails */
};

typedef struct store_request {
    uint32_t offset, len;    /* then `len` bytes of data */
} store_request_t;

/* Whole reads and writes on pipes and files; false on an error or on end-of-file first. */
static bool read_full(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_full(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool pwrite_full(int fd, const uint8_t *p, size_t len, off_t offset)
{
    while (len) {
        ssize_t n = pwrite(fd, p, len, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        p += n;
        len -= (size_t)n;
        offset += n;
    }
    return true;
}

/* ---- The writer process --------------------------------------------------------------- */

static void close_others(int keep_a, int keep_b, int keep_c)
{
    int keep[3] = { keep_a, keep_b, keep_c };
    /* Sort the three, then close the gaps between them above stderr. */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    unsigned from = 3;
    for (int i = 0; i < 3; i++) {
        if ((unsigned)keep[i] > from)
            close_range(from, (unsigned)keep[i] - 1, 0);
        from = (unsigned)keep[i] + 1;
    }
    close_range(from, ~0u, 0);
}

static void __attribute__((noreturn)) writer_main(int file_fd, int request_fd, int reply_fd)
{
    static uint8_t data[FLASH_FILE_MAX_STORE];
    /* Not the terminal's or the group's signals: it must outlive kseg's end long enough to
     * finish, and it ends by itself when the pipe closes. No terminal or socket stays open
     * in it either. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    close_others(file_fd, request_fd, reply_fd);
    setpgid(0, 0);
    prctl(PR_SET_NAME, "kseg-pflash", 0, 0, 0);

    for (;;) {
        store_request_t r;
        /* End-of-file before a whole request: kseg has gone; what it had not handed over
         * is not written, so that range keeps its old content. */
        if (!read_full(request_fd, &r, sizeof(r)) || r.len > sizeof(data) ||
            !read_full(request_fd, data, r.len))
            break;
        int err = pwrite_full(file_fd, data, r.len, (off_t)r.offset) ? 0 : errno;
        if (!write_full(reply_fd, &err, sizeof(err)))
            break;
    }
    fdatasync(file_fd);
    _exit(0);
}

static bool start_writer(flash_file_t *f, char **error)
{
    int request[2], reply[2];
    if (pipe2(request, O_CLOEXEC) < 0) {
        *error = g_strdup_printf("-pflash: cannot make a pipe: %s", strerror(errno));
        return false;
    }
    if (pipe2(reply, O_CLOEXEC) < 0) {
        *error = g_strdup_printf("-pflash: cannot make a pipe: %s", strerror(errno));
        close(request[0]);
        close(request[1]);
        return false;
    }
    fflush(NULL);                        /* nothing buffered gets written twice */
    pid_t pid = fork();
    if (pid < 0) {
        *error = g_strdup_printf("-pflash: cannot start the writer process: %s",
                                 strerror(errno));
        close(request[0]);
        close(request[1]);
        close(reply[0]);
        close(reply[1]);
        return false;
    }
    if (pid == 0)
        writer_main(f->fd, request[0], reply[1]);
    close(request[0]);
    close(reply[1]);
    f->writer = pid;
    f->request_fd = request[1];
    f->reply_fd = reply[0];
    /* A writer that has died must show as a failed store, not kill kseg with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    return true;
}

/* ---- Opening and storing ---------------------------------------------------------------- */

static bool take_lock(int fd, bool exclusive)
{
    struct flock lock = { .l_type = exclusive ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
    for (int waited = 0;; waited += LOCK_POLL_MS) {
        if (fcntl(fd, F_OFD_SETLK, &lock) == 0)
            return true;
        if ((errno != EAGAIN && errno != EACCES) || waited >= LOCK_WAIT_MS)
            return false;
        nanosleep(&(struct timespec){ .tv_nsec = LOCK_POLL_MS * 1000000L }, NULL);
    }
}

static void free_file(flash_file_t *f)
{
    if (f->fd >= 0)
        close(f->fd);
    g_free(f->path);
    g_free(f);
}

flash_file_t *flash_file_open(const char *path, uint32_t size, enum flash_file_mode mode,
                              uint8_t *content, char **error)
{
    flash_file_t *f = g_new0(flash_file_t, 1);
    f->path = g_strdup(path);
    f->size = size;
    f->mode = mode;
    f->request_fd = f->reply_fd = -1;
    f->fd = open(path, (mode == FLASH_FILE_WRITABLE ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (f->fd < 0) {
        *error = g_strdup_printf("-pflash: cannot open '%s'%s: %s", path,
                                 mode == FLASH_FILE_WRITABLE ? " for writing" : "",
                                 strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        *error = g_strdup_printf("-pflash: '%s' is not a regular file", path);
        goto fail;
    }
    if (st.st_size != (off_t)size) {
        *error = g_strdup_printf("-pflash: '%s' is %lld bytes; the boot flash needs exactly "
                                 "%u (%u MiB), and kseg never resizes the file", path,
                                 (long long)st.st_size, size, size >> 20);
        goto fail;
    }
    if (!take_lock(f->fd, mode == FLASH_FILE_WRITABLE)) {
        *error = g_strdup_printf("-pflash: '%s' is in use by another kseg (or another "
                                 "program holds a lock on it)", path);
        goto fail;
    }
    for (uint32_t done = 0; done < size;) {
        ssize_t n = pread(f->fd, content + done, size - done, done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *error = g_strdup_printf("-pflash: cannot read '%s': %s", path,
                                     n < 0 ? strerror(errno) : "it got shorter");
            goto fail;
        }
        done += (uint32_t)n;
    }
    if (mode == FLASH_FILE_WRITABLE && !start_writer(f, error))
        goto fail;
    return f;

fail:
    free_file(f);
    return NULL;
}

enum flash_file_mode flash_file_mode(const flash_file_t *f)
{
    return f->mode;
}

static bool store_failed(flash_file_t *f, const char *why)
{
    if (!f->failed)
        fprintf(stderr, "kseg: -pflash: cannot store flash writes in '%s' (%s); the guest "
                "sees its programs and erases fail from now on\n", f->path, why);
    f->failed = true;
    return false;
}

bool flash_file_store(flash_file_t *f, uint32_t offset, const uint8_t *data, uint32_t len)
{
    if (f->mode != FLASH_FILE_WRITABLE)
        return true;
    if (f->failed)
        return false;
    if (len > FLASH_FILE_MAX_STORE || offset > f->size || len > f->size - offset)
        return store_failed(f, "a store outside the file");
    store_request_t r = { offset, len };
    int err;
    if (!write_full(f->request_fd, &r, sizeof(r)) || !write_full(f->request_fd, data, len) ||
        !read_full(f->reply_fd, &err, sizeof(err)))
        return store_failed(f, "the writer process has gone");
    if (err)
        return store_failed(f, strerror(err));
    return true;
}

void flash_file_close(flash_file_t *f)
{
    if (!f)
        return;
    if (f->writer > 0) {
        close(f->request_fd);            /* the writer syncs the file and exits */
        close(f->reply_fd);
        while (waitpid(f->writer, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    free_file(f);
}
