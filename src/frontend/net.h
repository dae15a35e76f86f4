/* kseg's network: the options (-nic, -netdev, -device, -object filter-dump, QEMU's
 * spellings), the per-card frame queue, pcap capture, and the running backends' share of
 * the main loop's poll().
 *
 * A netdev is a backend (libslirp's user network) with a port: the net_link_t a card is
 * plugged into, the bounded queue of frames waiting for that card, and the pcap files that
 * record the port's frames in both directions. */
#ifndef KSEG_NET_H
#define KSEG_NET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/net_link.h"

/* ---- options ------------------------------------------------------------------------ */

/* QEMU's option lists (also -drive's): items separated by commas, ",," a comma inside a
 * value. A first item without '=' becomes implied=item (the backend type, the driver) when
 * `implied` is given; any other item without '=' has a NULL value. Returns a GArray of
 * net_opt_t (free it with g_array_free(.., TRUE)). */
typedef struct net_opt {
    char *key;
    char *value;
} net_opt_t;

GArray *net_opts_split(const char *spec, const char *implied);

typedef struct net_config net_config_t;

typedef enum net_opt_result {
    NET_OPT_OK,
    NET_OPT_ERROR,               /* *error says why (one line, without "kseg: ") */
    NET_OPT_HELP,                /* a help text was printed on stdout: exit with status 0 */
} net_opt_result_t;

net_config_t *net_config_new(void);
void net_config_free(net_config_t *c);
/* -nic user[,model=ne2k_pci][,mac=..][,id=..][,USER OPTIONS] | -nic none */
net_opt_result_t net_config_add_nic(net_config_t *c, const char *spec, char **error);
/* -netdev user,id=ID[,USER OPTIONS] */
net_opt_result_t net_config_add_netdev(net_config_t *c, const char *spec, char **error);
/* -device ne2k_pci,netdev=ID[,mac=..] | -device help */
net_opt_result_t net_config_add_device(net_config_t *c, const char *spec, char **error);
/* -object filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N] */
net_opt_result_t net_config_add_object(net_config_t *c, const char *spec, char **error);
/* Once every option is in: resolves the references, gives each card without mac= the next
 * free default MAC, warns (stderr) about a netdev no card uses. */
bool net_config_finish(net_config_t *c, int max_nics, char **error);

/* ---- the running network ------------------------------------------------------------ */

typedef struct net net_t;

/* Starts the backends and opens the capture files (NULL and *error if one cannot be). */
net_t *net_start(const net_config_t *c, char **error);
void net_stop(net_t *n);
int net_nic_count(const net_t *n);
/* The i-th card's link (the card fills in its half) and MAC address. */
net_link_t *net_nic_link(net_t *n, int i);
const uint8_t *net_nic_mac(const net_t *n, int i);
/* Around the main loop's poll(): adds the backends' fds to `pollfds` (struct pollfd) and
 * lowers *timeout_ms (-1: none) to their next deadline; then serves them and offers queued
 * frames to the cards again. */
void net_poll_fill(net_t *n, GArray *pollfds, int *timeout_ms);
void net_poll_done(net_t *n, GArray *pollfds, bool poll_failed);

/* ---- pcap capture ------------------------------------------------------------------- */

typedef struct net_pcap net_pcap_t;

#define NET_PCAP_DEFAULT_SNAPLEN 65536u   /* filter-dump's maxlen default, as QEMU's */

net_pcap_t *net_pcap_open(const char *path, uint32_t snaplen, char **error);
/* One record, stamped with the host's wall clock, at most snaplen bytes of the frame. */
void net_pcap_record(net_pcap_t *p, const uint8_t *frame, size_t len);
void net_pcap_close(net_pcap_t *p);

/* ---- a port: a card's link, its receive queue, its captures ----------------------------- */

/* Frames a card cannot take yet wait here. 128 full frames (190 KiB) hold more than a TCP
 * window of a guest that has not scaled its window (64 KiB) and the NE2000's whole 16 KiB
 * ring many times over, so a bulk transfer loses nothing while the guest's driver catches
 * up; past that, the card is offered the frame anyway and drops it as the chip would, and
 * TCP slows down. */
#define NET_QUEUE_FRAMES 128

typedef struct net_port {
    net_link_t link;             /* handed to the card; its backend half points here */
    uint8_t *queue[NET_QUEUE_FRAMES];   /* a ring of g_malloc'd frames */
    size_t queue_len[NET_QUEUE_FRAMES];
    unsigned head, count;
    bool flushing;               /* guards against the card re-entering from receive() */
    GPtrArray *pcaps;            /* net_pcap_t *, not owned */
    /* Where the card's transmitted frames go (NULL: nowhere). */
    void (*backend_input)(void *backend, const uint8_t *frame, size_t len);
    void *backend;
} net_port_t;

void net_port_init(net_port_t *p, void (*backend_input)(void *, const uint8_t *, size_t),
                   void *backend);
void net_port_destroy(net_port_t *p);
/* A frame from the backend for the card: delivered now if the card can take it and nothing
 * waits before it, else queued; with the queue full, offered to the card regardless. */
void net_port_deliver(net_port_t *p, const uint8_t *frame, size_t len);
/* Offers queued frames, in order, while the card can take them. */
void net_port_flush(net_port_t *p);

#endif
