/* The network options, the per-card frame queue, pcap capture and the poll integration.
 *
 * Options are collected first (net_config_*) and checked as a whole once all are in, since
 * a -device or -object may name a -netdev given after it. net_start then builds one port
 * and one slirp instance per netdev; the cards are plugged into the ports' links by the
 * board (malta_init). Frames from slirp reach a card through its port (queued while the
 * card cannot take them); frames from a card reach slirp through the same port; every
 * pcap file attached to the port records both directions. */
#include "frontend/net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/net_slirp.h"

#define NIC_MODEL "ne2k_pci"
/* QEMU's default MAC for the first card; the next ones count up in the last byte. */
static const uint8_t default_mac[NET_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* ---- key=value lists ---------------------------------------------------------------- */

static void opt_clear(gpointer p)
{
    net_opt_t *o = p;
    g_free(o->key);
    g_free(o->value);
}

GArray *net_opts_split(const char *spec, const char *implied)
{
    GArray *opts = g_array_new(FALSE, TRUE, sizeof(net_opt_t));
    g_array_set_clear_func(opts, opt_clear);
    GString *item = g_string_new(NULL);
    for (const char *p = spec;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(item, ',');
            p++;
            continue;
        }
        if (*p && *p != ',') {
            g_string_append_c(item, *p);
            continue;
        }
        char *eq = strchr(item->str, '=');
        net_opt_t o;
        if (eq)
            o = (net_opt_t){ g_strndup(item->str, (gsize)(eq - item->str)), g_strdup(eq + 1) };
        else if (opts->len == 0 && implied)
            o = (net_opt_t){ g_strdup(implied), g_strdup(item->str) };
        else
            o = (net_opt_t){ g_strdup(item->str), NULL };
        g_array_append_val(opts, o);
        if (!*p)
            break;
        g_string_truncate(item, 0);
    }
    g_string_free(item, TRUE);
    return opts;
}

static const char *opts_get(GArray *opts, const char *key)
{
    for (guint i = 0; i < opts->len; i++)
        if (!strcmp(g_array_index(opts, net_opt_t, i).key, key))
            return g_array_index(opts, net_opt_t, i).value;
    return NULL;
}

/* QEMU's rule for ids: a letter, then letters, digits, '-', '.', '_'. */
static bool valid_id(const char *id)
{
    if (!g_ascii_isalpha(id[0]))
        return false;
    for (const char *p = id; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p))
            return false;
    return true;
}

/* Six hex pairs separated by ':' (or '-'), not a multicast address. */
static bool parse_mac(const char *s, uint8_t mac[NET_MAC_LEN], const char **why)
{
    *why = "expected six hex bytes such as 52:54:00:12:34:56";
    for (int i = 0; i < NET_MAC_LEN; i++) {
        if (!g_ascii_isxdigit(s[0]) || !g_ascii_isxdigit(s[1]))
            return false;
        mac[i] = (uint8_t)(g_ascii_xdigit_value(s[0]) << 4 | g_ascii_xdigit_value(s[1]));
        s += 2;
        if (i < NET_MAC_LEN - 1 && *s != ':' && *s != '-')
            return false;
        if (i < NET_MAC_LEN - 1)
            s++;
    }
    if (*s)
        return false;
    *why = "a card cannot have a multicast address (odd first byte)";
    return !(mac[0] & 1);
}

/* ---- the options model -------------------------------------------------------------- */

typedef struct netdev_spec {
    char *id;                    /* -nic without id=: an internal name no user id can take */
    net_user_config_t user;
    bool used;                   /* a card is plugged into it */
} netdev_spec_t;

typedef struct nic_spec {
    char *origin;                /* the option as given, for messages */
    char *netdev_id;
    int netdev;                  /* index in netdevs once resolved */
    uint8_t mac[NET_MAC_LEN];
    bool mac_set;
    bool is_device;              /* -device: its netdev must be free; -nic made its own */
} nic_spec_t;

typedef struct dump_spec {
    char *origin;
    char *id, *netdev_id, *file;
    uint32_t maxlen;
    int netdev;
} dump_spec_t;

struct net_config {
    GPtrArray *netdevs;          /* netdev_spec_t *, in the order given */
    GPtrArray *nics;             /* nic_spec_t *: -nic cards, then -device cards */
    GPtrArray *dumps;            /* dump_spec_t * */
    int anonymous;               /* -nic user without id= so far */
};

static void netdev_spec_free(gpointer p)
{
    netdev_spec_t *d = p;
    g_free(d->id);
    net_user_config_clear(&d->user);
    g_free(d);
}

static void nic_spec_free(gpointer p)
{
    nic_spec_t *n = p;
    g_free(n->origin);
    g_free(n->netdev_id);
    g_free(n);
}

static void dump_spec_free(gpointer p)
{
    dump_spec_t *d = p;
    g_free(d->origin);
    g_free(d->id);
    g_free(d->netdev_id);
    g_free(d->file);
    g_free(d);
}

net_config_t *net_config_new(void)
{
    net_config_t *c = g_new0(net_config_t, 1);
    c->netdevs = g_ptr_array_new_with_free_func(netdev_spec_free);
    c->nics = g_ptr_array_new_with_free_func(nic_spec_free);
    c->dumps = g_ptr_array_new_with_free_func(dump_spec_free);
    return c;
}

void net_config_free(net_config_t *c)
{
    if (!c)
        return;
    g_ptr_array_free(c->netdevs, TRUE);
    g_ptr_array_free(c->nics, TRUE);
    g_ptr_array_free(c->dumps, TRUE);
    g_free(c);
}

static int find_netdev(const net_config_t *c, const char *id)
{
    for (guint i = 0; i < c->netdevs->len; i++)
        if (!strcmp(((netdev_spec_t *)g_ptr_array_index(c->netdevs, i))->id, id))
            return (int)i;
    return -1;
}

/* Sets *error to "OPTION SPEC: message" and returns NET_OPT_ERROR. */
static net_opt_result_t refuse(char **error, const char *option, const char *spec,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static net_opt_result_t refuse(char **error, const char *option, const char *spec,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    *error = g_strdup_printf("%s %s: %s", option, spec, msg);
    g_free(msg);
    return NET_OPT_ERROR;
}

/* Splits an option's list and takes out its type (the `implied` key: "type", "driver");
 * every item must be key=value. NULL and *error when not; *type is the caller's to free. */
static GArray *split_spec(const char *option, const char *spec, const char *implied,
                          char **type, char **error)
{
    GArray *opts = net_opts_split(spec, implied);
    bool bad = false;
    *type = NULL;
    for (guint i = 0; i < opts->len && !bad; i++) {
        net_opt_t *o = &g_array_index(opts, net_opt_t, i);
        if (!o->value) {
            bad = refuse(error, option, spec, "'%s' needs a value (%s=...)", o->key,
                         o->key) == NET_OPT_ERROR;
            continue;
        }
        if (!*type && !strcmp(o->key, implied)) {
            *type = o->value;
            o->value = NULL;
            g_array_remove_index(opts, i--);
        }
    }
    if (!bad && !*type)
        bad = refuse(error, option, spec, "%s= is missing", implied) == NET_OPT_ERROR;
    if (!bad)
        return opts;
    g_free(*type);
    *type = NULL;
    g_array_free(opts, TRUE);
    return NULL;
}

static net_opt_result_t check_id(const net_config_t *c, const char *option, const char *spec,
                                 const char *id, char **error)
{
    if (!valid_id(id))
        return refuse(error, option, spec, "id '%s': a letter, then letters, digits, "
                      "'-', '.', '_'", id);
    if (find_netdev(c, id) >= 0)
        return refuse(error, option, spec, "duplicate id '%s'", id);
    return NET_OPT_OK;
}

/* The keys of -nic and -netdev: a user network's options plus, for -nic, the card's. */
static net_opt_result_t parse_user(net_config_t *c, const char *option, const char *spec,
                                   GArray *opts, nic_spec_t *nic, char **error)
{
    netdev_spec_t *d = g_new0(netdev_spec_t, 1);
    net_user_config_init(&d->user);
    net_opt_result_t r = NET_OPT_OK;
    for (guint i = 0; i < opts->len && r == NET_OPT_OK; i++) {
        const net_opt_t *o = &g_array_index(opts, net_opt_t, i);
        const char *why;
        bool known;
        char *msg = NULL;
        if (!strcmp(o->key, "id"))
            r = d->id ? refuse(error, option, spec, "id given twice")
                      : check_id(c, option, spec, o->value, error);
        else if (nic && !strcmp(o->key, "model"))
            r = strcmp(o->value, NIC_MODEL) ? refuse(error, option, spec, "unsupported NIC "
                      "model '%s' (kseg has " NIC_MODEL "; model=help)", o->value) : NET_OPT_OK;
        else if (nic && !strcmp(o->key, "mac"))
            r = parse_mac(o->value, nic->mac, &why)
                ? (nic->mac_set = true, NET_OPT_OK)
                : refuse(error, option, spec, "bad MAC address '%s': %s", o->value, why);
        else if (!net_user_config_set(&d->user, o->key, o->value, &known, &msg))
            r = known ? refuse(error, option, spec, "%s", msg)
                      : refuse(error, option, spec, "invalid parameter '%s'", o->key);
        if (r == NET_OPT_OK && !strcmp(o->key, "id"))
            d->id = g_strdup(o->value);
        g_free(msg);
    }
    char *msg = NULL;
    if (r == NET_OPT_OK && !net_user_config_finish(&d->user, &msg))
        r = refuse(error, option, spec, "%s", msg);
    g_free(msg);
    if (r == NET_OPT_OK && !d->id && !nic)
        r = refuse(error, option, spec, "needs id=ID (for -device " NIC_MODEL ",netdev=ID)");
    if (r != NET_OPT_OK) {
        netdev_spec_free(d);
        return r;
    }
    if (!d->id)
        d->id = g_strdup_printf("#nic%d", c->anonymous++);
    if (nic) {
        nic->netdev_id = g_strdup(d->id);
        d->used = true;
    }
    g_ptr_array_add(c->netdevs, d);
    return NET_OPT_OK;
}

static net_opt_result_t print_models(void)
{
    printf("Available NIC models:\n" NIC_MODEL "\n");
    return NET_OPT_HELP;
}

static net_opt_result_t print_devices(void)
{
    printf("Network devices:\nname \"" NIC_MODEL "\", bus PCI, desc \"NE2000 PCI "
           "(Realtek RTL8029)\"\n");
    return NET_OPT_HELP;
}

net_opt_result_t net_config_add_nic(net_config_t *c, const char *spec, char **error)
{
    char *type;
    GArray *opts = split_spec("-nic", spec, "type", &type, error);
    if (!opts)
        return NET_OPT_ERROR;
    const char *model = opts_get(opts, "model");
    net_opt_result_t r;
    if (model && !strcmp(model, "help")) {
        r = print_models();
    } else if (!strcmp(type, "none")) {
        r = opts->len == 0 ? NET_OPT_OK : refuse(error, "-nic", spec, "none takes no options");
    } else if (strcmp(type, "user")) {
        r = refuse(error, "-nic", spec, "unsupported network backend '%s' (kseg has user "
                   "and none)", type);
    } else {
        nic_spec_t *nic = g_new0(nic_spec_t, 1);
        nic->origin = g_strdup_printf("-nic %s", spec);
        r = parse_user(c, "-nic", spec, opts, nic, error);
        if (r == NET_OPT_OK)
            g_ptr_array_add(c->nics, nic);
        else
            nic_spec_free(nic);
    }
    g_free(type);
    g_array_free(opts, TRUE);
    return r;
}

net_opt_result_t net_config_add_netdev(net_config_t *c, const char *spec, char **error)
{
    char *type;
    GArray *opts = split_spec("-netdev", spec, "type", &type, error);
    if (!opts)
        return NET_OPT_ERROR;
    net_opt_result_t r = strcmp(type, "user")
        ? refuse(error, "-netdev", spec, "unsupported network backend '%s' (kseg has user)",
                 type)
        : parse_user(c, "-netdev", spec, opts, NULL, error);
    g_free(type);
    g_array_free(opts, TRUE);
    return r;
}

net_opt_result_t net_config_add_device(net_config_t *c, const char *spec, char **error)
{
    if (!strcmp(spec, "help"))
        return print_devices();
    char *driver;
    GArray *opts = split_spec("-device", spec, "driver", &driver, error);
    if (!opts)
        return NET_OPT_ERROR;
    net_opt_result_t r = NET_OPT_OK;
    nic_spec_t *nic = g_new0(nic_spec_t, 1);
    nic->origin = g_strdup_printf("-device %s", spec);
    nic->is_device = true;
    if (strcmp(driver, NIC_MODEL)) {
        r = refuse(error, "-device", spec, "unsupported device '%s' (kseg has " NIC_MODEL
                   "; -device help)", driver);
    }
    for (guint i = 0; i < opts->len && r == NET_OPT_OK; i++) {
        const net_opt_t *o = &g_array_index(opts, net_opt_t, i);
        const char *why;
        if (!strcmp(o->key, "netdev") && !nic->netdev_id)
            nic->netdev_id = g_strdup(o->value);
        else if (!strcmp(o->key, "mac") && !nic->mac_set)
            r = parse_mac(o->value, nic->mac, &why)
                ? (nic->mac_set = true, NET_OPT_OK)
                : refuse(error, "-device", spec, "bad MAC address '%s': %s", o->value, why);
        else if (!strcmp(o->key, "id"))
            ;
        else
            r = refuse(error, "-device", spec, "invalid or repeated parameter '%s'", o->key);
    }
    if (r == NET_OPT_OK && !nic->netdev_id)
        r = refuse(error, "-device", spec, "needs netdev=ID (a -netdev user,id=ID)");
    if (r == NET_OPT_OK)
        g_ptr_array_add(c->nics, nic);
    else
        nic_spec_free(nic);
    g_free(driver);
    g_array_free(opts, TRUE);
    return r;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

net_opt_result_t net_config_add_object(net_config_t *c, const char *spec, char **error)
{
    char *type;
    GArray *opts = split_spec("-object", spec, "qom-type", &type, error);
    if (!opts)
        return NET_OPT_ERROR;
    net_opt_result_t r = NET_OPT_OK;
    dump_spec_t *d = g_new0(dump_spec_t, 1);
    d->origin = g_strdup_printf("-object %s", spec);
    d->maxlen = NET_PCAP_DEFAULT_SNAPLEN;
    if (strcmp(type, "filter-dump"))
        r = refuse(error, "-object", spec, "unsupported object type '%s' (kseg has "
                   "filter-dump)", type);
    for (guint i = 0; i < opts->len && r == NET_OPT_OK; i++) {
        const net_opt_t *o = &g_array_index(opts, net_opt_t, i);
        char **field = !strcmp(o->key, "id") ? &d->id : !strcmp(o->key, "netdev") ? &d->netdev_id
                     : !strcmp(o->key, "file") ? &d->file : NULL;
        if (field && !*field && *o->value)
            *field = g_strdup(o->value);
        else if (!strcmp(o->key, "maxlen")) {
            if (!parse_u32(o->value, &d->maxlen) || d->maxlen == 0)
                r = refuse(error, "-object", spec, "bad maxlen '%s' (1 to 4294967295)",
                           o->value);
        } else
            r = refuse(error, "-object", spec, "invalid or repeated parameter '%s'", o->key);
    }
    if (r == NET_OPT_OK && (!d->id || !d->netdev_id || !d->file))
        r = refuse(error, "-object", spec, "needs id=, netdev= and file=");
    for (guint i = 0; i < c->dumps->len && r == NET_OPT_OK; i++)
        if (!strcmp(((dump_spec_t *)g_ptr_array_index(c->dumps, i))->id, d->id))
            r = refuse(error, "-object", spec, "duplicate id '%s'", d->id);
    if (r == NET_OPT_OK)
        g_ptr_array_add(c->dumps, d);
    else
        dump_spec_free(d);
    g_free(type);
    g_array_free(opts, TRUE);
    return r;
}

static bool mac_taken(const net_config_t *c, const uint8_t mac[NET_MAC_LEN])
{
    for (guint i = 0; i < c->nics->len; i++) {
        const nic_spec_t *n = g_ptr_array_index(c->nics, i);
        if (n->mac_set && !memcmp(n->mac, mac, NET_MAC_LEN))
            return true;
    }
    return false;
}

bool net_config_finish(net_config_t *c, int max_nics, char **error)
{
    if ((int)c->nics->len > max_nics) {
        *error = g_strdup_printf("at most %d network cards (-nic, -device " NIC_MODEL ") on "
                                 "this board", max_nics);
        return false;
    }
    for (guint i = 0; i < c->nics->len; i++) {
        nic_spec_t *n = g_ptr_array_index(c->nics, i);
        n->netdev = find_netdev(c, n->netdev_id);
        if (n->netdev < 0) {
            *error = g_strdup_printf("%s: no -netdev with id '%s'", n->origin, n->netdev_id);
            return false;
        }
        netdev_spec_t *d = g_ptr_array_index(c->netdevs, n->netdev);
        if (d->used && n->is_device) {
            *error = g_strdup_printf("%s: netdev '%s' is already in use by another card",
                                     n->origin, n->netdev_id);
            return false;
        }
        d->used = true;
    }
    /* As QEMU: the first default MAC no card has taken, then the next. */
    uint8_t next[NET_MAC_LEN];
    memcpy(next, default_mac, NET_MAC_LEN);
    for (guint i = 0; i < c->nics->len; i++) {
        nic_spec_t *n = g_ptr_array_index(c->nics, i);
        if (n->mac_set)
            continue;
        while (mac_taken(c, next))
            next[5]++;
        memcpy(n->mac, next, NET_MAC_LEN);
        n->mac_set = true;
    }
    for (guint i = 0; i < c->dumps->len; i++) {
        dump_spec_t *d = g_ptr_array_index(c->dumps, i);
        d->netdev = find_netdev(c, d->netdev_id);
        if (d->netdev < 0) {
            *error = g_strdup_printf("%s: no netdev with id '%s' (a -netdev id= or a -nic "
                                     "id=)", d->origin, d->netdev_id);
            return false;
        }
    }
    for (guint i = 0; i < c->netdevs->len; i++) {
        const netdev_spec_t *d = g_ptr_array_index(c->netdevs, i);
        if (!d->used)
            fprintf(stderr, "kseg: warning: netdev %s has no peer (no -device " NIC_MODEL
                    ",netdev=%s)\n", d->id, d->id);
    }
    return true;
}

/* ---- pcap capture --------------------------------------------------------------------- */

/* The classic pcap format (not pcapng): a 24-byte file header, then a 16-byte header per
 * record, all in the writer's byte order, which the magic number tells the reader. */
#define PCAP_MAGIC          0xA1B2C3D4u     /* microsecond timestamps */
#define PCAP_VERSION_MAJOR  2
#define PCAP_VERSION_MINOR  4
#define PCAP_LINKTYPE_ETHERNET 1

struct net_pcap {
    FILE *f;
    char *path;
    uint32_t snaplen;
    bool failed;                 /* a write failed: reported once, recording stopped */
};

static bool pcap_write(net_pcap_t *p, const void *data, size_t len)
{
    /* Flushed with every record: a record costs one write() at the NE2000's rates, and a
     * reader (or a test) sees every frame as soon as it passed, even if kseg is killed. */
    if (fwrite(data, 1, len, p->f) == len && fflush(p->f) == 0)
        return true;
    if (!p->failed)
        fprintf(stderr, "kseg: filter-dump: writing '%s' failed: %s (recording stopped)\n",
                p->path, strerror(errno));
    p->failed = true;
    return false;
}

net_pcap_t *net_pcap_open(const char *path, uint32_t snaplen, char **error)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        *error = g_strdup_printf("filter-dump: cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    net_pcap_t *p = g_new0(net_pcap_t, 1);
    *p = (net_pcap_t){ .f = f, .path = g_strdup(path), .snaplen = snaplen };
    uint32_t header[6] = { PCAP_MAGIC, PCAP_VERSION_MAJOR | PCAP_VERSION_MINOR << 16, 0, 0,
                           snaplen, PCAP_LINKTYPE_ETHERNET };
    if (fwrite(header, sizeof header, 1, f) != 1 || fflush(f)) {
        *error = g_strdup_printf("filter-dump: cannot write '%s': %s", path, strerror(errno));
        net_pcap_close(p);
        return NULL;
    }
    return p;
}

void net_pcap_record(net_pcap_t *p, const uint8_t *frame, size_t len)
{
    if (p->failed)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t caplen = len < p->snaplen ? (uint32_t)len : p->snaplen;
    uint32_t header[4] = { (uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec / 1000), caplen,
                           (uint32_t)len };
    /* One buffer, one write: a reader never sees a header without its frame. */
    uint8_t *record = g_malloc(sizeof header + caplen);
    memcpy(record, header, sizeof header);
    memcpy(record + sizeof header, frame, caplen);
    pcap_write(p, record, sizeof header + caplen);
    g_free(record);
}

void net_pcap_close(net_pcap_t *p)
{
    if (!p)
        return;
    fclose(p->f);
    g_free(p->path);
    g_free(p);
}

/* ---- ports ------------------------------------------------------------------------------ */

static void port_record(net_port_t *p, const uint8_t *frame, size_t len)
{
    for (guint i = 0; i < p->pcaps->len; i++)
        net_pcap_record(g_ptr_array_index(p->pcaps, i), frame, len);
}

static void port_transmit(void *backend, const uint8_t *frame, size_t len)
{
    net_port_t *p = backend;
    port_record(p, frame, len);
    if (p->backend_input)
        p->backend_input(p->backend, frame, len);
}

void net_port_init(net_port_t *p, void (*backend_input)(void *, const uint8_t *, size_t),
                   void *backend)
{
    *p = (net_port_t){ .backend_input = backend_input, .backend = backend };
    p->link.backend = p;
    p->link.transmit = port_transmit;
    /* No receive_ready: when the card has room again, its queued frames go in at the main
     * loop's next poll (after the CPU's slice), not from inside the guest's register
     * write. As on a wire, frames then arrive while the driver runs, not in the middle of
     * one of its register writes. That matters: Linux's 8390 driver takes at most 9
     * frames per interrupt, then acknowledges PRX; frames poured into the ring as it frees
     * each page would sit unread behind an acknowledged interrupt. */
    p->pcaps = g_ptr_array_new();
}

void net_port_destroy(net_port_t *p)
{
    for (; p->count; p->count--, p->head = (p->head + 1) % NET_QUEUE_FRAMES)
        g_free(p->queue[p->head]);
    g_ptr_array_free(p->pcaps, TRUE);
}

static bool card_ready(const net_port_t *p)
{
    return p->link.can_receive && p->link.can_receive(p->link.card);
}

void net_port_flush(net_port_t *p)
{
    if (p->flushing)
        return;
    p->flushing = true;
    while (p->count && card_ready(p)) {
        uint8_t *frame = p->queue[p->head];
        size_t len = p->queue_len[p->head];
        p->head = (p->head + 1) % NET_QUEUE_FRAMES;
        p->count--;
        p->link.receive(p->link.card, frame, len);
        g_free(frame);
    }
    p->flushing = false;
}

void net_port_deliver(net_port_t *p, const uint8_t *frame, size_t len)
{
    /* On the wire a frame has at least 60 bytes before its FCS; slirp sends shorter ones
     * and, as the link's sender, the port pads them with zeros. */
    uint8_t padded[NET_FRAME_MIN];
    if (len < NET_FRAME_MIN) {
        memset(padded, 0, sizeof padded);
        memcpy(padded, frame, len);
        frame = padded;
        len = NET_FRAME_MIN;
    }
    port_record(p, frame, len);
    if (!p->link.receive)
        return;                  /* a netdev no card uses: the frame goes nowhere */
    if (!p->count && !p->flushing && card_ready(p)) {
        p->link.receive(p->link.card, frame, len);
        return;
    }
    if (p->count == NET_QUEUE_FRAMES)
        net_port_flush(p);
    if (p->count == NET_QUEUE_FRAMES) {
        p->link.receive(p->link.card, frame, len);   /* the card counts it lost */
        return;
    }
    unsigned tail = (p->head + p->count) % NET_QUEUE_FRAMES;
    p->queue[tail] = g_memdup2(frame, len);
    p->queue_len[tail] = len;
    p->count++;
    net_port_flush(p);
}

/* ---- the running network -------------------------------------------------------------- */

typedef struct backend {
    net_port_t port;
    net_slirp_t *slirp;
} backend_t;

typedef struct nic {
    uint8_t mac[NET_MAC_LEN];
    backend_t *backend;
} nic_t;

struct net {
    backend_t *backends;         /* one per netdev, never moved: the links point into it */
    int backend_count;
    nic_t *nics;
    int nic_count;
    GPtrArray *pcaps;            /* net_pcap_t *, owned */
};

static void slirp_output(void *opaque, const uint8_t *frame, size_t len)
{
    net_port_deliver(&((backend_t *)opaque)->port, frame, len);
}

static void slirp_input_frame(void *opaque, const uint8_t *frame, size_t len)
{
    net_slirp_input(((backend_t *)opaque)->slirp, frame, len);
}

net_t *net_start(const net_config_t *c, char **error)
{
    net_t *n = g_new0(net_t, 1);
    n->pcaps = g_ptr_array_new_with_free_func((GDestroyNotify)net_pcap_close);
    n->backends = g_new0(backend_t, c->netdevs->len ? c->netdevs->len : 1);
    for (guint i = 0; i < c->netdevs->len; i++) {
        const netdev_spec_t *d = g_ptr_array_index(c->netdevs, i);
        backend_t *b = &n->backends[i];
        net_port_init(&b->port, slirp_input_frame, b);
        n->backend_count++;
        b->slirp = net_slirp_new(&d->user, slirp_output, b, error);
        if (!b->slirp) {
            char *msg = *error;
            *error = g_str_has_prefix(d->id, "#") ? g_strdup_printf("-nic: %s", msg)
                   : g_strdup_printf("netdev %s: %s", d->id, msg);
            g_free(msg);
            net_stop(n);
            return NULL;
        }
    }
    for (guint i = 0; i < c->dumps->len; i++) {
        const dump_spec_t *d = g_ptr_array_index(c->dumps, i);
        net_pcap_t *p = net_pcap_open(d->file, d->maxlen, error);
        if (!p) {
            net_stop(n);
            return NULL;
        }
        g_ptr_array_add(n->pcaps, p);
        g_ptr_array_add(n->backends[d->netdev].port.pcaps, p);
    }
    n->nics = g_new0(nic_t, c->nics->len ? c->nics->len : 1);
    for (guint i = 0; i < c->nics->len; i++) {
        const nic_spec_t *s = g_ptr_array_index(c->nics, i);
        memcpy(n->nics[i].mac, s->mac, NET_MAC_LEN);
        n->nics[i].backend = &n->backends[s->netdev];
    }
    n->nic_count = (int)c->nics->len;
    return n;
}

void net_stop(net_t *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->backend_count; i++) {
        net_slirp_free(n->backends[i].slirp);
        net_port_destroy(&n->backends[i].port);
    }
    g_ptr_array_free(n->pcaps, TRUE);
    g_free(n->backends);
    g_free(n->nics);
    g_free(n);
}

int net_nic_count(const net_t *n)
{
    return n ? n->nic_count : 0;
}

net_link_t *net_nic_link(net_t *n, int i)
{
    return &n->nics[i].backend->port.link;
}

const uint8_t *net_nic_mac(const net_t *n, int i)
{
    return n->nics[i].mac;
}

void net_poll_fill(net_t *n, GArray *pollfds, int *timeout_ms)
{
    for (int i = 0; n && i < n->backend_count; i++) {
        net_slirp_poll_fill(n->backends[i].slirp, pollfds, timeout_ms);
        /* Frames waiting for a card that has room again go in right after the poll: do
         * not sleep first (an idle guest would wait for its next timer tick for them). */
        if (n->backends[i].port.count && card_ready(&n->backends[i].port))
            *timeout_ms = 0;
    }
}

void net_poll_done(net_t *n, GArray *pollfds, bool poll_failed)
{
    for (int i = 0; n && i < n->backend_count; i++) {
        net_slirp_poll_done(n->backends[i].slirp, pollfds, poll_failed);
        net_port_flush(&n->backends[i].port);
    }
}
