/* libslirp as kseg's user network.
 *
 * slirp runs in kseg's one thread: the main loop adds slirp's sockets to its poll() set
 * (net_slirp_poll_fill) and lets slirp serve them afterwards (net_slirp_poll_done), which
 * is also when slirp's timers fire. slirp's clock is the host's CLOCK_MONOTONIC, not the
 * guest's virtual time: everything slirp times (TCP retransmissions towards host peers, IPv6
 * router advertisements) concerns the host side of its sockets, whose peers live in host
 * time, and an idle guest's clock follows the host's anyway. While gdb holds the guest,
 * slirp keeps its host connections alive in host time, as QEMU's does. */
#include "frontend/net_slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/log.h"

/* ---- USER OPTIONS ------------------------------------------------------------------- */

static void hostfwd_clear(gpointer p)
{
    g_free(((net_hostfwd_t *)p)->spec);
}

static void guestfwd_clear(gpointer p)
{
    net_guestfwd_t *g = p;
    g_free(g->command);
    g_free(g->spec);
}

void net_user_config_init(net_user_config_t *c)
{
    *c = (net_user_config_t){ 0 };
    c->dnssearch = g_ptr_array_new_with_free_func(g_free);
    c->hostfwd = g_array_new(FALSE, TRUE, sizeof(net_hostfwd_t));
    g_array_set_clear_func(c->hostfwd, hostfwd_clear);
    c->guestfwd = g_array_new(FALSE, TRUE, sizeof(net_guestfwd_t));
    g_array_set_clear_func(c->guestfwd, guestfwd_clear);
}

void net_user_config_clear(net_user_config_t *c)
{
    g_free(c->hostname);
    g_free(c->domainname);
    g_free(c->tftp);
    g_free(c->bootfile);
    if (c->dnssearch)
        g_ptr_array_free(c->dnssearch, TRUE);
    if (c->hostfwd)
        g_array_free(c->hostfwd, TRUE);
    if (c->guestfwd)
        g_array_free(c->guestfwd, TRUE);
    *c = (net_user_config_t){ 0 };
}

/* A dotted quad, nothing else (inet_aton would also take "10" or "0x0a000202"). */
static bool parse_ipv4(const char *s, struct in_addr *out)
{
    return inet_pton(AF_INET, s, out) == 1;
}

static bool parse_port(const char *s, int min, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > 65535)
        return false;
    *out = (int)v;
    return true;
}

/* Cuts the text before the next `sep` out of *p (into a new string) and moves *p past the
 * separator; NULL when there is no `sep`. */
static char *take_field(const char **p, char sep)
{
    const char *at = strchr(*p, sep);
    if (!at)
        return NULL;
    char *field = g_strndup(*p, (gsize)(at - *p));
    *p = at + 1;
    return field;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport, as QEMU's slirp_hostfwd. */
static bool parse_hostfwd(const char *spec, net_hostfwd_t *f, char **error)
{
    *f = (net_hostfwd_t){ .host_addr.s_addr = htonl(INADDR_ANY) };
    const char *p = spec, *why = NULL;
    char *proto = take_field(&p, ':');
    char *haddr = proto ? take_field(&p, ':') : NULL;
    char *hport = haddr ? take_field(&p, '-') : NULL;
    char *gaddr = hport ? take_field(&p, ':') : NULL;
    if (!gaddr)
        why = "expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport";
    else if (strcmp(proto, "tcp") && strcmp(proto, "udp") && *proto)
        why = "protocol must be tcp or udp";
    else if (*haddr && !parse_ipv4(haddr, &f->host_addr))
        why = "bad host address";
    else if (!parse_port(hport, 0, &f->host_port))
        why = "bad host port";
    else if (*gaddr && !parse_ipv4(gaddr, &f->guest_addr))
        why = "bad guest address";
    else if (!parse_port(p, 1, &f->guest_port))
        why = "bad guest port";
    if (!why) {
        f->udp = !strcmp(proto, "udp");
        f->spec = g_strdup(spec);
    } else {
        *error = g_strdup_printf("invalid host forwarding rule '%s' (%s)", spec, why);
    }
    g_free(proto);
    g_free(haddr);
    g_free(hport);
    g_free(gaddr);
    return !why;
}

/* [tcp]:[server]:port-cmd:COMMAND, as QEMU's slirp_guestfwd (the cmd: form only). */
static bool parse_guestfwd(const char *spec, net_guestfwd_t *g, char **error)
{
    *g = (net_guestfwd_t){ 0 };
    const char *p = spec, *why = NULL;
    char *proto = take_field(&p, ':');
    char *server = proto ? take_field(&p, ':') : NULL;
    char *port = server ? take_field(&p, '-') : NULL;
    if (!port)
        why = "expected [tcp]:[server]:port-cmd:COMMAND";
    else if (strcmp(proto, "tcp") && *proto)
        why = "protocol must be tcp";
    else if (*server && !parse_ipv4(server, &g->server))
        why = "bad server address";
    else if (!parse_port(port, 1, &g->port))
        why = "bad port";
    else if (strncmp(p, "cmd:", 4) || !p[4])
        why = "only -cmd:COMMAND is supported as the host side";
    if (!why) {
        g->command = g_strdup(p + 4);
        g->spec = g_strdup(spec);
    } else {
        *error = g_strdup_printf("invalid guest forwarding rule '%s' (%s)", spec, why);
    }
    g_free(proto);
    g_free(server);
    g_free(port);
    return !why;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "off") || !strcmp(s, "no")) {
        *out = false;
        return true;
    }
    return false;
}

/* net=ADDR[/MASK], MASK a prefix length (4-32) or a dotted mask; without one, the address's
 * class decides, as QEMU does. */
static bool parse_network(const char *s, net_user_config_t *c, char **error)
{
    const char *slash = strchr(s, '/');
    char *addr = slash ? g_strndup(s, (gsize)(slash - s)) : g_strdup(s);
    bool ok = parse_ipv4(addr, &c->net);
    g_free(addr);
    if (!ok) {
        *error = g_strdup_printf("net=%s: bad network address", s);
        return false;
    }
    uint32_t a = ntohl(c->net.s_addr), mask;
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        if (end != slash + 1 && !*end) {
            if (bits < 4 || bits > 32) {
                *error = g_strdup_printf("net=%s: prefix length must be 4 to 32", s);
                return false;
            }
            mask = (uint32_t)(0xFFFFFFFFull << (32 - bits));
        } else {
            struct in_addr m;
            if (!parse_ipv4(slash + 1, &m)) {
                *error = g_strdup_printf("net=%s: bad netmask", s);
                return false;
            }
            mask = ntohl(m.s_addr);
        }
    } else if (!(a & 0x80000000u)) {
        mask = 0xFF000000u;                          /* class A */
    } else if ((a & 0xFFF00000u) == 0xAC100000u) {
        mask = 0xFFF00000u;                          /* 172.16.0.0/12 */
    } else if ((a & 0xC0000000u) == 0x80000000u) {
        mask = 0xFFFF0000u;                          /* class B */
    } else if ((a & 0xFFFF0000u) == 0xC0A80000u) {
        mask = 0xFFFF0000u;                          /* 192.168.0.0/16 */
    } else if ((a & 0xE0000000u) == 0xC0000000u) {
        mask = 0xFFFFFF00u;                          /* class C */
    } else {
        *error = g_strdup_printf("net=%s: give a netmask (no class for this address)", s);
        return false;
    }
    c->mask.s_addr = htonl(mask);
    c->net.s_addr &= c->mask.s_addr;
    c->net_set = true;
    return true;
}

static bool set_address(struct in_addr *a, bool *set, const char *key, const char *value,
                        char **error)
{
    if (!parse_ipv4(value, a)) {
        *error = g_strdup_printf("%s=%s: bad IPv4 address", key, value);
        return false;
    }
    *set = true;
    return true;
}

static void set_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

bool net_user_config_set(net_user_config_t *c, const char *key, const char *value, bool *known,
                         char **error)
{
    *known = true;
    if (!strcmp(key, "net"))
        return parse_network(value, c, error);
    if (!strcmp(key, "host"))
        return set_address(&c->host, &c->host_set, key, value, error);
    if (!strcmp(key, "dhcpstart"))
        return set_address(&c->dhcp_start, &c->dhcp_set, key, value, error);
    if (!strcmp(key, "dns"))
        return set_address(&c->dns, &c->dns_set, key, value, error);
    if (!strcmp(key, "restrict") || !strcmp(key, "ipv6") || !strcmp(key, "ipv4")) {
        bool on;
        if (!parse_bool(value, &on)) {
            *error = g_strdup_printf("%s=%s: expected on or off", key, value);
            return false;
        }
        if (!strcmp(key, "ipv4") && !on) {
            *error = g_strdup("ipv4=off: kseg's user network always has IPv4");
            return false;
        }
        if (!strcmp(key, "restrict"))
            c->restricted = on;
        else if (!strcmp(key, "ipv6"))
            c->ipv6 = on;
        return true;
    }
    if (!strcmp(key, "hostname"))
        set_string(&c->hostname, value);
    else if (!strcmp(key, "domainname"))
        set_string(&c->domainname, value);
    else if (!strcmp(key, "tftp"))
        set_string(&c->tftp, value);
    else if (!strcmp(key, "bootfile"))
        set_string(&c->bootfile, value);
    else if (!strcmp(key, "dnssearch"))
        g_ptr_array_add(c->dnssearch, g_strdup(value));
    else if (!strcmp(key, "hostfwd")) {
        net_hostfwd_t f;
        if (!parse_hostfwd(value, &f, error))
            return false;
        g_array_append_val(c->hostfwd, f);
    } else if (!strcmp(key, "guestfwd")) {
        net_guestfwd_t g;
        if (!parse_guestfwd(value, &g, error))
            return false;
        g_array_append_val(c->guestfwd, g);
    } else {
        *known = false;
        return false;
    }
    return true;
}

/* QEMU's defaults: the host, DNS and first DHCP addresses are .2, .3 and .15 of the
 * network (written so for any mask: the host part 0x0202, 0x0203, 0x020F). */
static struct in_addr in_network(const net_user_config_t *c, uint32_t host_part)
{
    return (struct in_addr){ c->net.s_addr | (htonl(host_part) & ~c->mask.s_addr) };
}

static bool belongs(const net_user_config_t *c, struct in_addr a)
{
    return (a.s_addr & c->mask.s_addr) == c->net.s_addr;
}

bool net_user_config_finish(net_user_config_t *c, char **error)
{
    if (!c->net_set) {
        parse_ipv4("10.0.2.0", &c->net);
        parse_ipv4("255.255.255.0", &c->mask);
    }
    if (!c->host_set)
        c->host = in_network(c, 0x0202);
    if (!c->dns_set)
        c->dns = in_network(c, 0x0203);
    if (!c->dhcp_set)
        c->dhcp_start = in_network(c, 0x020F);
    const char *why = !belongs(c, c->host) ? "host= is not in the network (net=)"
                    : !belongs(c, c->dns) ? "dns= is not in the network (net=)"
                    : c->dns.s_addr == c->host.s_addr ? "dns= must differ from host="
                    : !belongs(c, c->dhcp_start) ? "dhcpstart= is not in the network (net=)"
                    : c->dhcp_start.s_addr == c->host.s_addr ? "dhcpstart= must differ from host="
                    : c->dhcp_start.s_addr == c->dns.s_addr ? "dhcpstart= must differ from dns="
                    : NULL;
    if (why)
        *error = g_strdup(why);
    return !why;
}

/* ---- the slirp instance --------------------------------------------------------------- */

typedef struct slirp_timer {
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms;           /* -1: not armed */
} slirp_timer_t;

struct net_slirp {
    Slirp *slirp;
    GPtrArray *timers;           /* slirp_timer_t *, owned */
    void (*output)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

static int64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return clock_ns();
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    net_slirp_t *s = opaque;
    s->output(s->opaque, buf, len);
    return (ssize_t)len;
}

/* Something the guest did that slirp rejects: the guest's business, never kseg's end. */
static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    log_msg(LOG_GUEST_ERRORS, "slirp: %s\n", msg);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    net_slirp_t *s = opaque;
    slirp_timer_t *t = g_new(slirp_timer_t, 1);
    *t = (slirp_timer_t){ .cb = cb, .cb_opaque = cb_opaque, .expire_ms = -1 };
    g_ptr_array_add(s->timers, t);
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    net_slirp_t *s = opaque;
    g_ptr_array_remove_fast(s->timers, timer);     /* frees it */
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((slirp_timer_t *)timer)->expire_ms = expire_ms;
}

/* kseg builds its poll set afresh before every poll(), so slirp's fd bookkeeping and its
 * wake-up call (for a second thread) need nothing here. */
static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_register_poll_fd,
    .notify = cb_notify,
};

static bool add_forwards(net_slirp_t *s, const net_user_config_t *c, char **error)
{
    for (guint i = 0; i < c->hostfwd->len; i++) {
        const net_hostfwd_t *f = &g_array_index(c->hostfwd, net_hostfwd_t, i);
        errno = 0;
        if (slirp_add_hostfwd(s->slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
                              f->guest_port) < 0) {
            *error = g_strdup_printf("hostfwd=%s: could not set up the host forwarding rule "
                                     "(%s)", f->spec,
                                     errno ? strerror(errno) : "host port in use?");
            return false;
        }
    }
    for (guint i = 0; i < c->guestfwd->len; i++) {
        const net_guestfwd_t *g = &g_array_index(c->guestfwd, net_guestfwd_t, i);
        struct in_addr server = g->server;
        if (slirp_add_exec(s->slirp, g->command, &server, g->port) < 0) {
            *error = g_strdup_printf("guestfwd=%s: the server must be a free address:port "
                                     "of the guest network, not the host or DNS address",
                                     g->spec);
            return false;
        }
    }
    return true;
}

net_slirp_t *net_slirp_new(const net_user_config_t *c,
                           void (*output)(void *opaque, const uint8_t *frame, size_t len),
                           void *opaque, char **error)
{
    net_slirp_t *s = g_new0(net_slirp_t, 1);
    s->timers = g_ptr_array_new_with_free_func(g_free);
    s->output = output;
    s->opaque = opaque;

    /* slirp keeps the search list's pointers only while it builds its DHCP option. */
    const char **search = NULL;
    if (c->dnssearch->len) {
        search = g_new0(const char *, c->dnssearch->len + 1);
        for (guint i = 0; i < c->dnssearch->len; i++)
            search[i] = g_ptr_array_index(c->dnssearch, i);
    }
    SlirpConfig sc = {
        .version = 4,
        .restricted = c->restricted,
        .in_enabled = true,
        .vnetwork = c->net,
        .vnetmask = c->mask,
        .vhost = c->host,
        .in6_enabled = c->ipv6,
        .vhostname = c->hostname,
        .tftp_path = c->tftp,
        .bootfile = c->bootfile,
        .vdhcp_start = c->dhcp_start,
        .vnameserver = c->dns,
        .vdnssearch = search,
        .vdomainname = c->domainname,
    };
    if (c->ipv6) {
        /* QEMU's IPv6 defaults: fec0::/64, host fec0::2, DNS fec0::3. */
        inet_pton(AF_INET6, "fec0::", &sc.vprefix_addr6);
        sc.vprefix_len = 64;
        inet_pton(AF_INET6, "fec0::2", &sc.vhost6);
        inet_pton(AF_INET6, "fec0::3", &sc.vnameserver6);
    }
    s->slirp = slirp_new(&sc, &callbacks, s);
    g_free(search);
    if (!s->slirp) {
        *error = g_strdup("libslirp refused the user network's configuration");
        net_slirp_free(s);
        return NULL;
    }
    if (!add_forwards(s, c, error)) {
        net_slirp_free(s);
        return NULL;
    }
    return s;
}

void net_slirp_free(net_slirp_t *s)
{
    if (!s)
        return;
    if (s->slirp)
        slirp_cleanup(s->slirp);
    g_ptr_array_free(s->timers, TRUE);
    g_free(s);
}

void net_slirp_input(net_slirp_t *s, const uint8_t *frame, size_t len)
{
    slirp_input(s->slirp, frame, (int)len);
}

static int add_poll(int fd, int events, void *opaque)
{
    GArray *fds = opaque;
    short ev = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) |
                       ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                       ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    struct pollfd p = { .fd = fd, .events = ev };
    g_array_append_val(fds, p);
    return (int)fds->len - 1;
}

static int get_revents(int idx, void *opaque)
{
    GArray *fds = opaque;
    if (idx < 0 || (guint)idx >= fds->len)
        return 0;
    short re = g_array_index(fds, struct pollfd, idx).revents;
    return ((re & POLLIN) ? SLIRP_POLL_IN : 0) | ((re & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((re & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((re & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((re & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

void net_slirp_poll_fill(net_slirp_t *s, GArray *pollfds, int *timeout_ms)
{
    uint32_t t = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
    slirp_pollfds_fill(s->slirp, &t, add_poll, pollfds);
    int64_t now = clock_ns() / 1000000;
    for (guint i = 0; i < s->timers->len; i++) {
        const slirp_timer_t *timer = g_ptr_array_index(s->timers, i);
        if (timer->expire_ms < 0)
            continue;
        int64_t wait = timer->expire_ms > now ? timer->expire_ms - now : 0;
        if ((uint64_t)wait < t)
            t = (uint32_t)wait;
    }
    *timeout_ms = t > INT_MAX ? -1 : (int)t;
}

/* A callback may arm, disarm, create or free timers: after each one the scan starts over
 * (a fired timer is disarmed first, so each due timer runs once). */
static void run_timers(net_slirp_t *s)
{
    int64_t now = clock_ns() / 1000000;
    for (guint i = 0; i < s->timers->len;) {
        slirp_timer_t *t = g_ptr_array_index(s->timers, i);
        if (t->expire_ms < 0 || t->expire_ms > now) {
            i++;
            continue;
        }
        t->expire_ms = -1;
        t->cb(t->cb_opaque);
        i = 0;
    }
}

void net_slirp_poll_done(net_slirp_t *s, GArray *pollfds, bool poll_failed)
{
    slirp_pollfds_poll(s->slirp, poll_failed, get_revents, pollfds);
    run_timers(s);
}
