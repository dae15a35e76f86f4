/* The user-mode network backend: libslirp, a TCP/IP stack in the process that gives the
 * guest a private network (by default 10.0.2.0/24: gateway 10.0.2.2, DNS 10.0.2.3, the
 * guest's DHCP address 10.0.2.15) and turns the guest's connections into ordinary host
 * sockets. The USER OPTIONS of -nic user / -netdev user are QEMU's (net=, host=, dhcpstart=,
 * dns=, hostname=, domainname=, dnssearch=, restrict=, ipv6=, tftp=, bootfile=, hostfwd=,
 * guestfwd=). */
#ifndef KSEG_NET_SLIRP_H
#define KSEG_NET_SLIRP_H

#include <glib.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
typedef struct net_hostfwd {
    bool udp;
    struct in_addr host_addr;    /* INADDR_ANY when left out, as QEMU */
    int host_port;               /* 0: the host picks one */
    struct in_addr guest_addr;   /* 0 when left out: slirp uses the first DHCP address */
    int guest_port;
    char *spec;                  /* as given, for error messages */
} net_hostfwd_t;

/* guestfwd=[tcp]:[server]:port-cmd:COMMAND */
typedef struct net_guestfwd {
    struct in_addr server;       /* 0 when left out: slirp picks 10.0.2.4 (in its network) */
    int port;
    char *command;
    char *spec;
} net_guestfwd_t;

typedef struct net_user_config {
    struct in_addr net, mask, host, dhcp_start, dns;
    bool net_set, host_set, dhcp_set, dns_set;
    bool restricted;
    bool ipv6;                   /* off by default in kseg (README: Networking) */
    char *hostname, *domainname, *tftp, *bootfile;
    GPtrArray *dnssearch;        /* char *, NULL-terminated when handed to slirp */
    GArray *hostfwd;             /* net_hostfwd_t */
    GArray *guestfwd;            /* net_guestfwd_t */
} net_user_config_t;

void net_user_config_init(net_user_config_t *c);
void net_user_config_clear(net_user_config_t *c);
/* One key=value of the USER OPTIONS. Returns false with *error (g_strdup'd) for a bad value;
 * *known is false (and nothing is set) when `key` is not a user option. */
bool net_user_config_set(net_user_config_t *c, const char *key, const char *value, bool *known,
                         char **error);
/* Fills in the defaults that follow from net= and checks the addresses belong together. */
bool net_user_config_finish(net_user_config_t *c, char **error);

typedef struct net_slirp net_slirp_t;

/* Starts a slirp instance; frames it sends to the guest go to output(). Returns NULL with
 * *error when slirp refuses the configuration or a forwarding rule (a host port in use). */
net_slirp_t *net_slirp_new(const net_user_config_t *c,
                           void (*output)(void *opaque, const uint8_t *frame, size_t len),
                           void *opaque, char **error);
void net_slirp_free(net_slirp_t *s);
/* A frame from the guest. */
void net_slirp_input(net_slirp_t *s, const uint8_t *frame, size_t len);

/* Around the main loop's poll(): add slirp's sockets to `pollfds` (struct pollfd) and lower
 * *timeout_ms to when slirp next needs to run; then, after poll(), let slirp serve them and
 * fire its due timers. */
void net_slirp_poll_fill(net_slirp_t *s, GArray *pollfds, int *timeout_ms);
void net_slirp_poll_done(net_slirp_t *s, GArray *pollfds, bool poll_failed);

#endif
