#include "frontend/chardev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

enum chardev_kind { CHR_NULL, CHR_STDIO, CHR_FILE, CHR_TCP };

struct chardev {
    enum chardev_kind kind;
    int in_fd, out_fd;      /* -1 when absent */
    int listen_fd;          /* tcp server socket */
    bool saw_ctrl_a;        /* stdio: Ctrl-A pressed, waiting for the command key */
    chardev_receiver_t receiver;
    void (*tap)(void *opaque, const uint8_t *buf, size_t len);
    void *tap_opaque;
    uint8_t pending[64];    /* received but not yet taken by the device */
    size_t pending_len;
};

#define MAX_CHARDEVS 8
static chardev_t *chardevs[MAX_CHARDEVS];
static int chardev_count;
int chardev_quit_requested;

static struct termios saved_termios;
static bool termios_saved;

static void restore_terminal(void)
{
    if (termios_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

/* A terminal on stdio goes raw, as with QEMU's -nographic: the guest sees every key; Ctrl-A
 * x quits, Ctrl-A Ctrl-A sends a Ctrl-A. */
static void make_terminal_raw(void)
{
    if (termios_saved || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
        return;
    termios_saved = true;
    atexit(restore_terminal);
    struct termios t = saved_termios;
    t.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(unsigned)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static int open_tcp_server(const char *rest, char **error)
{
    /* rest: "[HOST]:PORT[,server][,nowait]..." */
    char **parts = g_strsplit(rest, ",", -1);
    const char *addr = parts[0];
    const char *colon = strrchr(addr, ':');
    int fd = -1;
    if (!colon) {
        *error = g_strdup_printf("tcp chardev needs HOST:PORT, got '%s'", addr);
        goto out;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535) {
        *error = g_strdup_printf("bad tcp port '%s'", colon + 1);
        goto out;
    }
    bool server = false;
    for (int i = 1; parts[i]; i++) {
        if (!strcmp(parts[i], "server") || !strcmp(parts[i], "server=on"))
            server = true;
        else if (strcmp(parts[i], "nowait") && strcmp(parts[i], "wait=off")) {
            *error = g_strdup_printf("unsupported tcp chardev option '%s'", parts[i]);
            goto out;
        }
    }
    if (!server) {
        *error = g_strdup("only tcp server chardevs are supported (add ,server,nowait)");
        goto out;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    char *host = g_strndup(addr, (gsize)(colon - addr));
    if (!*host || !strcmp(host, "localhost"))
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        *error = g_strdup_printf("bad tcp address '%s'", host);
        g_free(host);
        goto out;
    }
    g_free(host);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
        *error = g_strdup_printf("cannot listen on tcp port %ld: %s", port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
out:
    g_strfreev(parts);
    return fd;
}

chardev_t *chardev_open(const char *spec, char **error)
{
    if (chardev_count == MAX_CHARDEVS) {
        *error = g_strdup("too many serial back ends");
        return NULL;
    }
    chardev_t *c = g_new0(chardev_t, 1);
    c->in_fd = c->out_fd = c->listen_fd = -1;
    if (!strcmp(spec, "null") || !strcmp(spec, "none")) {
        c->kind = CHR_NULL;
    } else if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
        c->kind = CHR_STDIO;
        c->in_fd = STDIN_FILENO;
        c->out_fd = STDOUT_FILENO;
        make_terminal_raw();
    } else if (!strncmp(spec, "file:", 5)) {
        c->kind = CHR_FILE;
        c->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (c->out_fd < 0) {
            *error = g_strdup_printf("cannot open serial file '%s': %s", spec + 5, strerror(errno));
            g_free(c);
            return NULL;
        }
    } else if (!strncmp(spec, "tcp:", 4)) {
        c->kind = CHR_TCP;
        c->listen_fd = open_tcp_server(spec + 4, error);
        if (c->listen_fd < 0) {
            g_free(c);
            return NULL;
        }
    } else {
        *error = g_strdup_printf("unknown serial back end '%s' (use stdio, null, file:PATH or "
                                 "tcp::PORT,server,nowait)", spec);
        g_free(c);
        return NULL;
    }
    chardevs[chardev_count++] = c;
    return c;
}

void chardev_close(chardev_t *c)
{
    if (!c)
        return;
    for (int i = 0; i < chardev_count; i++)
        if (chardevs[i] == c) {
            chardevs[i] = chardevs[--chardev_count];
            break;
        }
    if (c->kind == CHR_FILE || c->kind == CHR_TCP) {
        if (c->out_fd >= 0)
            close(c->out_fd);
        if (c->listen_fd >= 0)
            close(c->listen_fd);
    }
    g_free(c);
}

static void drop_tcp_client(chardev_t *c)
{
    close(c->in_fd);
    c->in_fd = c->out_fd = -1;
}

void chardev_set_tap(chardev_t *c, void (*tap)(void *opaque, const uint8_t *buf, size_t len),
                     void *opaque)
{
    if (c) {
        c->tap = tap;
        c->tap_opaque = opaque;
    }
}

void chardev_write(chardev_t *c, const uint8_t *buf, size_t len)
{
    if (c && c->tap)
        c->tap(c->tap_opaque, buf, len);
    if (!c || c->out_fd < 0)
        return;
    while (len) {
        ssize_t n = write(c->out_fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            /* A slow tcp reader: wait a little rather than lose the byte stream order. */
            struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };
            if (poll(&p, 1, 100) > 0)
                continue;
        }
        if (n <= 0) {
            if (c->kind == CHR_TCP)
                drop_tcp_client(c);
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

void chardev_set_receiver(chardev_t *c, const chardev_receiver_t *r)
{
    if (c)
        c->receiver = *r;
}

int chardev_poll_fds(struct pollfd *fds, int max)
{
    int n = 0;
    for (int i = 0; i < chardev_count && n < max; i++) {
        chardev_t *c = chardevs[i];
        int fd = c->in_fd >= 0 ? c->in_fd : c->listen_fd;
        /* Only ask for input the device can take; the rest waits in the kernel. */
        if (fd >= 0 && (c->in_fd < 0 || c->pending_len < sizeof(c->pending)))
            fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
    }
    return n;
}

/* Stdio keys, as QEMU's -nographic: Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A
 * sends a Ctrl-A. (Only on a terminal: piped input passes through untouched.) */
static const char escape_help[] =
    "\r\nC-a h    print this help\r\n"
    "C-a x    exit kseg\r\n"
    "C-a C-a  send C-a to the guest\r\n";

static size_t filter_stdio(chardev_t *c, uint8_t *buf, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = buf[i];
        if (c->saw_ctrl_a) {
            c->saw_ctrl_a = false;
            if (ch == 'x') {
                chardev_quit_requested = 1;
                continue;
            }
            if (ch == 'h') {
                if (write(STDOUT_FILENO, escape_help, sizeof(escape_help) - 1) < 0) {
                    /* the terminal is gone; nothing to tell */
                }
                continue;
            }
            if (ch != 0x01)
                continue;
        } else if (ch == 0x01 && termios_saved) {
            c->saw_ctrl_a = true;
            continue;
        }
        buf[out++] = ch;
    }
    return out;
}

static void deliver(chardev_t *c)
{
    if (!c->receiver.receive || !c->pending_len)
        return;
    size_t room = c->receiver.can_receive(c->receiver.opaque);
    if (room > c->pending_len)
        room = c->pending_len;
    if (!room)
        return;
    c->receiver.receive(c->receiver.opaque, c->pending, room);
    memmove(c->pending, c->pending + room, c->pending_len - room);
    c->pending_len -= room;
}

void chardev_service(void)
{
    for (int i = 0; i < chardev_count; i++) {
        chardev_t *c = chardevs[i];
        if (c->kind == CHR_TCP && c->in_fd < 0 && c->listen_fd >= 0) {
            int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0)
                c->in_fd = c->out_fd = fd;
        }
        deliver(c);
        if (c->in_fd < 0 || c->pending_len == sizeof(c->pending))
            continue;
        struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0)
            continue;
        ssize_t n = read(c->in_fd, c->pending + c->pending_len, sizeof(c->pending) - c->pending_len);
        if (n <= 0) {
            if (c->kind == CHR_TCP)
                drop_tcp_client(c);
            else if (n == 0)
                c->in_fd = -1;   /* stdin at end of file: no more input */
            continue;
        }
        size_t got = (size_t)n;
        if (c->kind == CHR_STDIO)
            got = filter_stdio(c, c->pending + c->pending_len, got);
        c->pending_len += got;
        deliver(c);
    }
}
