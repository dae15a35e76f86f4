"""The network scenarios of tests/hv/hvtest.py (issue 9): two net guests (roms/guests/net)
on the hypervisor's bridge, the board's NE2000 on the emulator's user network (slirp) as
the uplink.

net-two: `-append guest=net,net`: each guest gets a lease (10.0.2.15 and .16), pings the
slirp gateway 10.0.2.2 and the other guest, and exits with every check PASS.

net-fuzz: `guest=netfuzz,net`: g0 drives its card with nonsense first, then resets it;
both guests pass everything (test_net_fuzz).

net-udp: the same with `udp=PORT`: each guest also exchanges UDP_BLOCKS blocks each way
with UdpServer below, which listens on the host's 127.0.0.1:PORT (slirp's 10.0.2.2). The
CRC-32 of each stream must be the same on both ends: what a guest printed, what the server
computed, and what each told the other at the end. It runs with the management terminal,
and once the guests are done `threads` and `net` are typed: every frame for the host went
through the hypervisor's transmit queue and its `net-tx` thread put them on the board's
card (issue 9: the real card's transmit work on a hyperthread, not in the guest's exit).

A test is given run(cmdline, commands=()): boots the hypervisor with that command line,
the board's NE2000 on the user network, until the guests are done, and returns the output
and, with `commands` ((line, regex of its output's first line) each), the terminal started
(`term`), each command typed then and its output (hvtest.py: run_guests and
run_guests_term with NicEmulator).

The protocol is the one roms/guests/net/main.c describes: stop-and-wait, every
retransmission from the guest, so the server only answers; it answers a duplicate the same
way as the original.
"""
import random
import re
import socket
import struct
import threading
import zlib

import romtest

NET_TESTS = ("nic", "dhcp", "ping-gw", "ping-peer")
UDP_BLOCKS = 24                 # main.c's UDP_BLOCKS
HOST_BLOCK_MAX = 1400
# Loss the server makes to exercise the guest's retransmission: the first copy of every
# message whose seq % LOSS_EVERY is LOSE_REQUEST is ignored, and the answer to the first
# copy of one whose seq % LOSS_EVERY is LOSE_ANSWER is not sent (so the retransmission is
# a duplicate the server must answer again without counting it twice).
LOSS_EVERY, LOSE_REQUEST, LOSE_ANSWER = 5, 2, 4
# Retransmissions that loss forces per guest: 'D' and 'R' for seqs 0..23 (5 + 5 of them
# lost going, 4 + 4 coming), and the answer to 'E' (seq 24).
FORCED_RETRANSMISSIONS = 2 * (5 + 4) + 1


class Client:
    """One guest as the server sees it (by its address after slirp's translation)."""

    def __init__(self, seed):
        rng = random.Random(seed)
        self.blocks = [rng.randbytes(rng.randint(1, HOST_BLOCK_MAX)) for _ in range(UDP_BLOCKS)]
        self.sent_crc = 0
        for b in self.blocks:
            self.sent_crc = zlib.crc32(b, self.sent_crc)
        self.expected = 0               # the next block of the guest's stream
        self.recv_crc = 0
        self.duplicates = 0
        self.guest_crcs = None          # what the guest said at the end: (sent, received)
        self.seen = set()               # (kind, seq) that came at least once


class UdpServer(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.clients = {}
        self.errors = []
        self.stopping = False
        self.lock = threading.Lock()
        self.seeds = random.Random()

    def run(self):
        while not self.stopping:
            try:
                data, addr = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                break
            with self.lock:
                reply = self.answer(data, addr)
            if reply is not None:
                self.sock.sendto(reply, addr)

    def answer(self, data, addr):
        if len(data) < 4:
            self.errors.append("short message from %s: %r" % (addr, data))
            return None
        kind, seq, body = data[0:1], struct.unpack(">H", data[2:4])[0], data[4:]
        c = self.clients.setdefault(addr, Client(self.seeds.getrandbits(32)))
        first = (kind, seq) not in c.seen
        c.seen.add((kind, seq))
        if first and seq % LOSS_EVERY == LOSE_REQUEST:
            return None                 # lost on the way in
        reply = self.reply(c, kind, seq, data, body)
        return None if first and seq % LOSS_EVERY == LOSE_ANSWER else reply

    def reply(self, c, kind, seq, data, body):
        if kind == b"D":
            if seq == c.expected:
                c.recv_crc = zlib.crc32(body, c.recv_crc)
                c.expected += 1
            elif seq < c.expected:
                c.duplicates += 1
            else:
                return None             # ahead of a block we never got: no ack
            return b"A\0" + data[2:4]
        if kind == b"R" and seq < UDP_BLOCKS:
            return b"P\0" + data[2:4] + c.blocks[seq]
        if kind == b"E" and len(body) >= 8:
            c.guest_crcs = struct.unpack(">II", body[:8])
            return b"F\0" + data[2:4] + struct.pack(">II", c.recv_crc, c.sent_crc)
        self.errors.append("unexpected message: %r" % data[:16])
        return None

    def stop(self):
        self.stopping = True
        self.join(2)
        self.sock.close()


def check_net_guest(text, guest, tests):
    results = dict((name, verdict) for verdict, name in
                   re.findall(r"^\[%s\] net: (PASS|FAIL) ([\w-]+):" % guest, text, re.M))
    for name in tests:
        romtest.check(results.get(name) == "PASS", "%s: check %s: %s\n%s"
                      % (guest, name, results.get(name, "did not run"), text))
    romtest.check(re.search(r"^\[%s\] net: %d passed, 0 failed" % (guest, len(tests)), text,
                            re.M), "no clean summary from %s:\n%s" % (guest, text))
    romtest.check("hv: guest %s exited" % guest in text, "%s did not exit:\n%s" % (guest, text))
    m = re.search(r"^\[%s\] net: lease (10\.0\.2\.\d+)" % guest, text, re.M)
    return m.group(1)


def check_card_interrupts(text):
    """The cards' line reached the guests: a WAIT ended with Cause.IP3 (the guests also
    wake every millisecond by their timer, so this is checked over both)."""
    wakeups = [int(n) for n in re.findall(r"^\[g\d\] net: \d+ passed.* (\d+) wakeups by the "
                                          r"card\]$", text, re.M)]
    romtest.check(len(wakeups) == 2 and sum(wakeups) > 0,
                  "no guest was woken by its card's interrupt: %s" % wakeups)


def check_bridge(text):
    """The hypervisor's report of the guests' network when they are done (vne2k.c): the
    two guests' ports and the uplink each carried frames both ways, none lost for want of
    queue room."""
    for port in ("g0", "g1", "uplink"):
        m = re.search(r"^%s +up +(\d+) +(\d+) +\d+ +\d+ +\d+ +(\d+)$" % port, text, re.M)
        romtest.check(m and int(m.group(1)) > 0 and int(m.group(2)) > 0,
                      "bridge port %s carried nothing both ways:\n%s" % (port, text))
        romtest.check(int(m.group(3)) == 0, "port %s lost frames:\n%s" % (port, text))


def test_net_two(run):
    text, _ = run("guest=net,net")
    leases = {check_net_guest(text, g, NET_TESTS) for g in ("g0", "g1")}
    romtest.check(leases == {"10.0.2.15", "10.0.2.16"}, "leases: %s" % sorted(leases))
    check_card_interrupts(text)
    check_bridge(text)


def check_net_tx(threads, net):
    """The terminal's `threads` and `net` once the guests are done: the net-tx thread
    exists and ran, and the uplink's frames all went through its queue onto the card: as
    many queued as the bridge gave the uplink, none lost for want of room, none still
    waiting, and the card sent exactly those (only the thread calls ne2k_transmit)."""
    m = re.search(r"^ *\d+ net-tx +(\w+) +\d+ +(\d+) +\d+/8192$", threads, re.M)
    romtest.check(m and m.group(1) in ("waiting", "ready", "running") and int(m.group(2)) > 0,
                  "no net-tx thread that ran:\n%s" % threads)
    romtest.check(re.search(r"^ *\d+ net-rx ", threads, re.M),
                  "no net-rx thread:\n%s" % threads)
    up = re.search(r"^uplink +up +\d+ +(\d+) ", net, re.M)
    card = re.search(r"hv: net: counters \[.* tx (\d+) frames .*; tx: (\d+) errors, (\d+) "
                     r"dropped; tx queue: (\d+) frames, (\d+) full, (\d+) waiting, (\d+) "
                     r"deepest\]", net)
    romtest.check(up and card, "no uplink row or card counters in `net`:\n%s" % net)
    to_uplink = int(up.group(1))
    sent, errors, dropped, queued, full, waiting, deepest = map(int, card.groups())
    romtest.check(to_uplink > 0 and queued == to_uplink and full == 0 and waiting == 0 and
                  deepest >= 1 and sent == queued and errors == 0 and dropped == 0,
                  "the uplink's %d frames did not all go through net-tx's queue onto the "
                  "card:\n%s" % (to_uplink, net))


def test_net_udp(run):
    server = UdpServer()
    server.start()
    try:
        text, (threads, net) = run("guest=net,net udp=%d" % server.port,
                                   [("threads", r"id name"), ("net", r"port +state")])
    finally:
        server.stop()
    check_net_tx(threads, net)
    romtest.check(not server.errors, "server: %s" % "; ".join(server.errors))
    for g in ("g0", "g1"):
        check_net_guest(text, g, NET_TESTS + ("udp",))
    check_card_interrupts(text)
    # Each guest's printed CRCs are one client's, seen from the server's side.
    ends = {(c.recv_crc, c.sent_crc) for c in server.clients.values() if c.guest_crcs}
    romtest.check(len(ends) == 2, "the server finished %d exchanges, not 2" % len(ends))
    for g in ("g0", "g1"):
        m = re.search(r"^\[%s\] net: udp: \S+ sent %d blocks crc32 0x([0-9a-f]{8}), received "
                      r"%d blocks crc32 0x([0-9a-f]{8})" % (g, UDP_BLOCKS, UDP_BLOCKS), text,
                      re.M)
        romtest.check(m, "no udp line from %s:\n%s" % (g, text))
        got = (int(m.group(1), 16), int(m.group(2), 16))
        n = re.search(r"^\[%s\] net: udp: .* (\d+) retransmissions" % g, text, re.M)
        romtest.check(n and int(n.group(1)) >= FORCED_RETRANSMISSIONS,
                      "%s retransmitted less than the server's losses force:\n%s" % (g, text))
        romtest.check(got in ends, "%s's crc32s 0x%08x, 0x%08x are not the server's: %s"
                      % (g, got[0], got[1], ["0x%08x 0x%08x" % e for e in sorted(ends)]))
    for c in server.clients.values():
        romtest.check(not c.guest_crcs or c.duplicates >= 4,
                      "the server saw %d duplicate blocks, not the 4 its losses force"
                      % c.duplicates)
        if c.guest_crcs:
            romtest.check(c.guest_crcs == (c.recv_crc, c.sent_crc),
                          "a guest reported 0x%08x 0x%08x, the server has 0x%08x 0x%08x"
                          % (*c.guest_crcs, c.recv_crc, c.sent_crc))


def test_net_fuzz(run):
    """`guest=netfuzz,net`: g0 first drives its card with 50000 random register and
    data-port accesses (nonsense ring pointers, remote DMA anywhere, transmits of any
    length); its card then resets and works, and neither the hypervisor nor g1 noticed:
    both pass everything, ping each other included."""
    text, _ = run("guest=netfuzz,net")
    romtest.check(not re.search(r"^hv: (panic|guest g\d stopped)", text, re.M),
                  "the hypervisor or a guest did not survive:\n%s" % text)
    leases = {check_net_guest(text, "g0", ("nic", "fuzz") + NET_TESTS[1:]),
              check_net_guest(text, "g1", NET_TESTS)}
    romtest.check(leases == {"10.0.2.15", "10.0.2.16"}, "leases: %s" % sorted(leases))


TESTS = {"net-two": test_net_two, "net-udp": test_net_udp, "net-fuzz": test_net_fuzz}
