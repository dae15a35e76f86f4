/* 8042 keyboard controller with a PS/2 keyboard and mouse. Replies and timing follow
 * QEMU's hw/input/pckbd.c (its "extended state" model) and hw/input/ps2.c, which is what
 * Linux's i8042 driver sees on QEMU's Malta:
 *
 *   - The output buffer (port 0x60) holds one byte. A controller reply (self-test 0x55,
 *     the command byte, ...) goes first, then keyboard bytes, then mouse bytes; the
 *     keyboard's bytes wait while CTR disables the keyboard interface, the mouse's while
 *     it disables the auxiliary one. Reading 0x60 empties the buffer and at once refills it
 *     from the next source; reading it empty returns the last byte again.
 *   - Status bit 0 (OBF) says the buffer is full, bit 5 that its byte is auxiliary data.
 *     IRQ 1 is high while keyboard-side data waits and CTR enables it (and does not
 *     disable the keyboard); IRQ 12 while auxiliary data waits and CTR enables it.
 *     Linux checks IRQ 12 with the 0xD3 loop-back command when it probes the AUX port.
 *   - Bytes written to 0x60 with no command pending go to the keyboard; after 0xD4, to the
 *     mouse. Either re-enables the interface it reaches (QEMU).
 *   - The devices answer at once (no 1 ms keyboard throttle as on QEMU: there is no host
 *     input yet to throttle). */
#include "devices/i8042.h"

#include <string.h>

#include "frontend/log.h"

/* Controller commands (port 0x64). */
enum {
    CCMD_READ_MODE = 0x20, CCMD_WRITE_MODE = 0x60, CCMD_MOUSE_DISABLE = 0xA7,
    CCMD_MOUSE_ENABLE = 0xA8, CCMD_TEST_MOUSE = 0xA9, CCMD_SELF_TEST = 0xAA,
    CCMD_KBD_TEST = 0xAB, CCMD_KBD_DISABLE = 0xAD, CCMD_KBD_ENABLE = 0xAE,
    CCMD_READ_INPORT = 0xC0, CCMD_READ_OUTPORT = 0xD0, CCMD_WRITE_OUTPORT = 0xD1,
    CCMD_WRITE_OBUF = 0xD2, CCMD_WRITE_AUX_OBUF = 0xD3, CCMD_WRITE_MOUSE = 0xD4,
    CCMD_DISABLE_A20 = 0xDD, CCMD_ENABLE_A20 = 0xDF, CCMD_PULSE_BITS_3_0 = 0xF0,
    CCMD_RESET = 0xFE, CCMD_NO_OP = 0xFF,
};

#define STAT_OBF       0x01
#define STAT_SELFTEST  0x04    /* the system flag: set by a passed self-test */
#define STAT_CMD       0x08
#define STAT_UNLOCKED  0x10
#define STAT_MOUSE_OBF 0x20

#define MODE_KBD_INT       0x01
#define MODE_MOUSE_INT     0x02
#define MODE_DISABLE_KBD   0x10
#define MODE_DISABLE_MOUSE 0x20
#define MODE_KCC           0x40    /* translate keyboard scan codes to set 1 */

#define OUT_RESET     0x01
#define OUT_A20       0x02
#define OUT_OBF       0x10
#define OUT_MOUSE_OBF 0x20
#define OUT_ONES      0xCC         /* QEMU's default for the unused bits */

#define SELF_TEST_OK   0x55
#define PORT_TEST_OK   0x00
#define INPORT_VALUE   0x80        /* keyboard not inhibited */

/* Keyboard commands and replies. */
enum {
    KBD_CMD_SET_LEDS = 0xED, KBD_CMD_ECHO = 0xEE, KBD_CMD_SCANCODE = 0xF0,
    KBD_CMD_GET_ID = 0xF2, KBD_CMD_SET_RATE = 0xF3, KBD_CMD_ENABLE = 0xF4,
    KBD_CMD_RESET_DISABLE = 0xF5, KBD_CMD_RESET_ENABLE = 0xF6,
    KBD_CMD_SET_TYPEMATIC = 0xFA, KBD_CMD_SET_MAKE_BREAK = 0xFB, KBD_CMD_RESET = 0xFF,
};
#define KBD_REPLY_POR    0xAA
#define KBD_REPLY_ID     0xAB
#define KBD_REPLY_ACK    0xFA
#define KBD_REPLY_RESEND 0xFE
#define KBD_ID_XLATED    0x41      /* MF2 keyboard ID byte 2 through a translating 8042 */
#define KBD_ID_RAW       0x83

/* Mouse commands. */
enum {
    AUX_SET_SCALE11 = 0xE6, AUX_SET_SCALE21 = 0xE7, AUX_SET_RES = 0xE8, AUX_GET_SCALE = 0xE9,
    AUX_SET_STREAM = 0xEA, AUX_POLL = 0xEB, AUX_RESET_WRAP = 0xEC, AUX_SET_WRAP = 0xEE,
    AUX_SET_REMOTE = 0xF0, AUX_GET_TYPE = 0xF2, AUX_SET_SAMPLE = 0xF3, AUX_ENABLE_DEV = 0xF4,
    AUX_DISABLE_DEV = 0xF5, AUX_SET_DEFAULT = 0xF6, AUX_RESET = 0xFF,
};
#define AUX_ACK                0xFA
#define MOUSE_STATUS_REMOTE    0x40
#define MOUSE_STATUS_ENABLED   0x20
#define MOUSE_STATUS_SCALE21   0x10
#define MOUSE_PACKET_SYNC      0x08    /* bit 3 of a packet's first byte is always set */

/* ---- PS/2 devices ------------------------------------------------------------------- */

static void q_push(ps2_queue_t *q, uint8_t b)
{
    if (q->count == PS2_QUEUE_SIZE)
        return;                        /* a full device drops what it cannot send */
    q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
}

static uint8_t q_pop(ps2_queue_t *q)
{
    uint8_t b = q->data[q->head];
    q->head = (q->head + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

static void q_clear(ps2_queue_t *q)
{
    q->head = q->count = 0;
}

/* The keyboard's own reset (power-on, and the reset commands): its queue goes too. */
static void kbd_reset_device(ps2_kbd_t *kb)
{
    q_clear(&kb->q);
    kb->scan_enabled = true;
    kb->scancode_set = 2;
    kb->leds = 0;
}

/* Scan-code set numbers as a translating controller reports them (QEMU's table). */
static uint8_t translated_set(uint8_t set)
{
    static const uint8_t table[4] = { 0xFF, 0x43, 0x41, 0x3F };
    return set <= 3 ? table[set] : set;
}

static void kbd_write(ps2_kbd_t *kb, uint8_t v)
{
    int cmd = kb->write_cmd;
    kb->write_cmd = -1;
    switch (cmd) {
    case KBD_CMD_SCANCODE:
        if (v == 0) {
            q_push(&kb->q, KBD_REPLY_ACK);
            q_push(&kb->q, kb->translate ? translated_set(kb->scancode_set) : kb->scancode_set);
        } else if (v <= 3) {
            kb->scancode_set = v;
            q_push(&kb->q, KBD_REPLY_ACK);
        } else {
            q_push(&kb->q, KBD_REPLY_RESEND);
        }
        return;
    case KBD_CMD_SET_LEDS:
        kb->leds = v;
        q_push(&kb->q, KBD_REPLY_ACK);
        return;
    case KBD_CMD_SET_RATE:
    case KBD_CMD_SET_MAKE_BREAK:
        q_push(&kb->q, KBD_REPLY_ACK);
        return;
    default:
        break;
    }
    switch (v) {
    case 0x00:
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    case KBD_CMD_GET_ID:               /* an MF2 AT keyboard */
        q_push(&kb->q, KBD_REPLY_ACK);
        q_push(&kb->q, KBD_REPLY_ID);
        q_push(&kb->q, kb->translate ? KBD_ID_XLATED : KBD_ID_RAW);
        break;
    case KBD_CMD_ECHO:
        q_push(&kb->q, KBD_CMD_ECHO);
        break;
    case KBD_CMD_ENABLE:
        kb->scan_enabled = true;
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    case KBD_CMD_SCANCODE:
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SET_RATE:
    case KBD_CMD_SET_MAKE_BREAK:
        kb->write_cmd = v;
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    case KBD_CMD_RESET_DISABLE:
        kbd_reset_device(kb);
        kb->scan_enabled = false;
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    case KBD_CMD_RESET_ENABLE:
        kbd_reset_device(kb);
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    case KBD_CMD_RESET:                /* self-test passed: ACK, then BAT completion */
        kbd_reset_device(kb);
        q_push(&kb->q, KBD_REPLY_ACK);
        q_push(&kb->q, KBD_REPLY_POR);
        break;
    case KBD_CMD_SET_TYPEMATIC:
        q_push(&kb->q, KBD_REPLY_ACK);
        break;
    default:
        q_push(&kb->q, KBD_REPLY_RESEND);
        break;
    }
}

static void mouse_defaults(ps2_mouse_t *m)
{
    m->sample_rate = 100;
    m->resolution = 2;
    m->status = 0;
}

/* The 200, 100, 80 (IntelliMouse) or 200, 200, 80 (Explorer) sample-rate knock that
 * switches a wheel mouse to its extended protocol; QEMU's mouse answers it. */
static void mouse_detect(ps2_mouse_t *m, uint8_t rate)
{
    switch (m->detect_state) {
    case 1:
        m->detect_state = rate == 100 ? 2 : rate == 200 ? 3 : 0;
        break;
    case 2:
    case 3:
        if (rate == 80)
            m->type = m->detect_state == 2 ? 3 : 4;
        m->detect_state = 0;
        break;
    default:
        m->detect_state = rate == 200 ? 1 : 0;
        break;
    }
}

static void mouse_write(ps2_mouse_t *m, uint8_t v)
{
    int cmd = m->write_cmd;
    m->write_cmd = -1;
    if (cmd == AUX_SET_SAMPLE) {
        m->sample_rate = v;
        mouse_detect(m, v);
        q_push(&m->q, AUX_ACK);
        return;
    }
    if (cmd == AUX_SET_RES) {
        m->resolution = v;
        q_push(&m->q, AUX_ACK);
        return;
    }
    if (m->wrap) {                     /* wrap mode echoes all but its way out */
        if (v == AUX_RESET_WRAP) {
            m->wrap = false;
            q_push(&m->q, AUX_ACK);
            return;
        }
        if (v != AUX_RESET) {
            q_push(&m->q, v);
            return;
        }
    }
    switch (v) {
    case AUX_SET_SCALE11:
        m->status &= ~MOUSE_STATUS_SCALE21;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_SET_SCALE21:
        m->status |= MOUSE_STATUS_SCALE21;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_SET_STREAM:
        m->status &= ~MOUSE_STATUS_REMOTE;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_SET_WRAP:
        m->wrap = true;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_SET_REMOTE:
        m->status |= MOUSE_STATUS_REMOTE;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_GET_TYPE:
        q_push(&m->q, AUX_ACK);
        q_push(&m->q, m->type);
        break;
    case AUX_SET_RES:
    case AUX_SET_SAMPLE:
        m->write_cmd = v;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_GET_SCALE:
        q_push(&m->q, AUX_ACK);
        q_push(&m->q, m->status);
        q_push(&m->q, m->resolution);
        q_push(&m->q, m->sample_rate);
        break;
    case AUX_POLL:                     /* a packet with no movement and no buttons */
        q_push(&m->q, AUX_ACK);
        q_push(&m->q, MOUSE_PACKET_SYNC);
        q_push(&m->q, 0);
        q_push(&m->q, 0);
        if (m->type == 3 || m->type == 4)
            q_push(&m->q, 0);
        break;
    case AUX_ENABLE_DEV:
        m->status |= MOUSE_STATUS_ENABLED;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_DISABLE_DEV:
        m->status &= ~MOUSE_STATUS_ENABLED;
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_SET_DEFAULT:
        mouse_defaults(m);
        q_push(&m->q, AUX_ACK);
        break;
    case AUX_RESET:
        mouse_defaults(m);
        m->type = 0;
        m->wrap = false;
        q_clear(&m->q);
        q_push(&m->q, AUX_ACK);
        q_push(&m->q, KBD_REPLY_POR);
        q_push(&m->q, m->type);
        break;
    default:
        /* QEMU's mouse does not answer other commands; the driver's wait times out. */
        break;
    }
}

/* ---- The controller ----------------------------------------------------------------- */

static void update_irq_lines(i8042_t *k)
{
    bool kbd = false, mouse = false;
    if (k->status & STAT_OBF) {
        if (k->status & STAT_MOUSE_OBF)
            mouse = k->mode & MODE_MOUSE_INT;
        else
            kbd = (k->mode & MODE_KBD_INT) && !(k->mode & MODE_DISABLE_KBD);
    }
    irq_set(&k->irq_kbd, kbd);
    irq_set(&k->irq_mouse, mouse);
}

/* Moves the next byte into an empty output buffer: a controller reply first, then the
 * keyboard's, then the mouse's, each only while its interface is enabled. */
static void fill_output(i8042_t *k)
{
    if (k->status & STAT_OBF)
        return;
    bool aux;
    if (k->cb_pending) {
        k->cb_pending = false;
        k->obdata = k->cbdata;
        aux = k->cb_aux;
    } else if (k->kbd.q.count && !(k->mode & MODE_DISABLE_KBD)) {
        k->obdata = q_pop(&k->kbd.q);
        aux = false;
    } else if (k->mouse.q.count && !(k->mode & MODE_DISABLE_MOUSE)) {
        k->obdata = q_pop(&k->mouse.q);
        aux = true;
    } else {
        return;
    }
    k->status |= STAT_OBF | (aux ? STAT_MOUSE_OBF : 0);
    k->outport |= OUT_OBF | (aux ? OUT_MOUSE_OBF : 0);
    update_irq_lines(k);
}

/* A controller reply replaces one not yet in the output buffer (QEMU's single cbdata). */
static void queue_reply(i8042_t *k, uint8_t b, bool aux)
{
    k->cbdata = b;
    k->cb_aux = aux;
    k->cb_pending = true;
    fill_output(k);
}

static void write_outport(i8042_t *k, uint8_t v)
{
    k->outport = v;
    if (!(v & OUT_RESET) && k->reset_request)
        k->reset_request(k->opaque);
}

static void write_command(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset;
    (void)size;
    i8042_t *k = dev;
    uint8_t v = (uint8_t)value;
    /* 0xF0-0xFF pulse output port bits 3-0 that are 0 in the command; only bit 0, the
     * reset line, does anything. */
    if ((v & CCMD_PULSE_BITS_3_0) == CCMD_PULSE_BITS_3_0)
        v = (v & 1) ? CCMD_NO_OP : CCMD_RESET;
    switch (v) {
    case CCMD_READ_MODE:
        queue_reply(k, k->mode, false);
        break;
    case CCMD_WRITE_MODE:
    case CCMD_WRITE_OBUF:
    case CCMD_WRITE_AUX_OBUF:
    case CCMD_WRITE_MOUSE:
    case CCMD_WRITE_OUTPORT:
        k->write_cmd = v;
        break;
    case CCMD_MOUSE_DISABLE:
        k->mode |= MODE_DISABLE_MOUSE;
        break;
    case CCMD_MOUSE_ENABLE:
        k->mode &= ~MODE_DISABLE_MOUSE;
        fill_output(k);
        break;
    case CCMD_TEST_MOUSE:
    case CCMD_KBD_TEST:
        queue_reply(k, PORT_TEST_OK, false);
        break;
    case CCMD_SELF_TEST:
        k->status |= STAT_SELFTEST;
        queue_reply(k, SELF_TEST_OK, false);
        break;
    case CCMD_KBD_DISABLE:
        k->mode |= MODE_DISABLE_KBD;
        break;
    case CCMD_KBD_ENABLE:
        k->mode &= ~MODE_DISABLE_KBD;
        fill_output(k);
        break;
    case CCMD_READ_INPORT:
        queue_reply(k, INPORT_VALUE, false);
        break;
    case CCMD_READ_OUTPORT:
        queue_reply(k, k->outport, false);
        break;
    case CCMD_ENABLE_A20:
        k->outport |= OUT_A20;
        break;
    case CCMD_DISABLE_A20:
        k->outport &= ~OUT_A20;
        break;
    case CCMD_RESET:
        if (k->reset_request)
            k->reset_request(k->opaque);
        break;
    case CCMD_NO_OP:
        break;
    default:
        log_msg(LOG_GUEST_ERRORS, "guest error: i8042: unsupported controller command 0x%02x\n", v);
        break;
    }
}

static uint32_t read_status(void *dev, uint32_t offset, unsigned size)
{
    (void)offset;
    (void)size;
    i8042_t *k = dev;
    return k->status;
}

static uint32_t read_data(void *dev, uint32_t offset, unsigned size)
{
    (void)offset;
    (void)size;
    i8042_t *k = dev;
    uint8_t v = k->obdata;
    if (k->status & STAT_OBF) {
        k->status &= ~(STAT_OBF | STAT_MOUSE_OBF);
        k->outport &= ~(OUT_OBF | OUT_MOUSE_OBF);
        update_irq_lines(k);
        fill_output(k);                 /* the next byte, if any, moves in at once */
    }
    return v;
}

static void write_data(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset;
    (void)size;
    i8042_t *k = dev;
    uint8_t v = (uint8_t)value;
    uint8_t cmd = k->write_cmd;
    k->write_cmd = 0;
    switch (cmd) {
    case 0:
        kbd_write(&k->kbd, v);
        k->mode &= ~MODE_DISABLE_KBD;   /* talking to the keyboard re-enables it */
        break;
    case CCMD_WRITE_MODE:
        k->mode = v;
        k->kbd.translate = v & MODE_KCC;
        update_irq_lines(k);            /* the enables act on a byte already waiting */
        break;
    case CCMD_WRITE_OBUF:
        queue_reply(k, v, false);
        break;
    case CCMD_WRITE_AUX_OBUF:
        queue_reply(k, v, true);
        break;
    case CCMD_WRITE_OUTPORT:
        write_outport(k, v);
        break;
    case CCMD_WRITE_MOUSE:
        mouse_write(&k->mouse, v);
        k->mode &= ~MODE_DISABLE_MOUSE;
        break;
    default:
        break;
    }
    fill_output(k);
}

/* Port 0x60 reads and writes data; port 0x64 reads status and takes commands. */
const device_ops_t i8042_data_ops = { .read = read_data, .write = write_data };
const device_ops_t i8042_cmd_ops = { .read = read_status, .write = write_command };

void i8042_reset(i8042_t *k)
{
    k->mode = MODE_KBD_INT | MODE_MOUSE_INT;
    k->status = STAT_CMD | STAT_UNLOCKED;
    k->outport = OUT_RESET | OUT_A20 | OUT_ONES;
    k->write_cmd = 0;
    k->cb_pending = false;
    k->kbd = (ps2_kbd_t){ .write_cmd = -1 };
    kbd_reset_device(&k->kbd);
    k->mouse = (ps2_mouse_t){ .write_cmd = -1 };
    mouse_defaults(&k->mouse);
    update_irq_lines(k);
}

void i8042_init(i8042_t *k, irq_line_t irq_kbd, irq_line_t irq_mouse)
{
    memset(k, 0, sizeof(*k));
    k->irq_kbd = irq_kbd;
    k->irq_mouse = irq_mouse;
    i8042_reset(k);
}
