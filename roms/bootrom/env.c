/* Environment variables, YAMON style: a small table of name=value strings in RAM, filled with
 * defaults at start-up (main.c), shown by `printenv`, changed by `setenv`, read by `boot`.
 * Variables keep the order in which they were first set.
 *
 * `saveenv` keeps them in the flash's last block, in U-Boot's layout: a CRC-32 of the rest
 * of the block (little-endian), then "name=value" strings, each ending in a NUL, then one
 * more NUL, then zeros to the end of the block. At start-up env_load takes them back when
 * the CRC is right; an erased block or a bad CRC leaves the defaults. */
#include "bootrom.h"

#define ENV_SLOTS 24

typedef struct env_var {
    char name[ENV_NAME_MAX];
    char value[ENV_VALUE_MAX];
} env_var_t;

static env_var_t vars[ENV_SLOTS];
static unsigned nvars;

static env_var_t *find(const char *name)
{
    for (unsigned i = 0; i < nvars; i++)
        if (!strcmp(vars[i].name, name))
            return &vars[i];
    return NULL;
}

const char *env_get(const char *name)
{
    env_var_t *v = find(name);
    return v ? v->value : NULL;
}

bool env_get_u32(const char *name, uint32_t *out)
{
    const char *s = env_get(name);
    return s && parse_u32(s, out);
}

bool env_set(const char *name, const char *value)
{
    env_var_t *v = find(name);
    if (!value || !*value) {            /* delete, keeping the others in order */
        if (v) {
            unsigned i = (unsigned)(v - vars);
            memmove(&vars[i], &vars[i + 1], (nvars - i - 1) * sizeof(vars[0]));
            nvars--;
        }
        return true;
    }
    if (strlen(name) >= ENV_NAME_MAX || strlen(value) >= ENV_VALUE_MAX) {
        printf("setenv: name longer than %u or value longer than %u characters\n",
               ENV_NAME_MAX - 1, ENV_VALUE_MAX - 1);
        return false;
    }
    if (!v) {
        if (nvars == ENV_SLOTS) {
            printf("setenv: no room for more than %u variables\n", ENV_SLOTS);
            return false;
        }
        v = &vars[nvars++];
        strlcpy_(v->name, name, sizeof(v->name));
    }
    strlcpy_(v->value, value, sizeof(v->value));
    return true;
}

void env_print(const char *name)
{
    if (name) {
        const char *value = env_get(name);
        if (value)
            printf("%s=%s\n", name, value);
        else
            printf("printenv: '%s' is not set\n", name);
        return;
    }
    for (unsigned i = 0; i < nvars; i++)
        printf("%s=%s\n", vars[i].name, vars[i].value);
}

/* ---- The saved environment -------------------------------------------------------------- */

static uint8_t image[ENV_FLASH_SIZE];

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void env_load(void)
{
    const volatile uint32_t *flash = (const volatile uint32_t *)(FLASH_KSEG1 + ENV_FLASH_OFFSET);
    uint32_t addr = FLASH_KSEG1 + ENV_FLASH_OFFSET;
    for (uint32_t i = 0; i < ENV_FLASH_SIZE / 4; i++) {
        uint32_t w = flash[i];
        memcpy(image + 4 * i, &w, 4);
    }
    uint32_t stored = get_le32(image);
    if (stored == 0xFFFFFFFFu && image[4] == 0xFF) {
        printf("env: no saved environment (flash at 0x%08x is erased): the defaults\n", addr);
        return;
    }
    if (crc32(0, image + 4, ENV_FLASH_SIZE - 4) != stored) {
        printf("env: the saved environment at 0x%08x has a bad CRC: the defaults\n", addr);
        return;
    }
    image[ENV_FLASH_SIZE - 1] = '\0';          /* every string ends inside the block */
    nvars = 0;
    unsigned loaded = 0;
    for (const char *p = (const char *)image + 4; *p; p += strlen(p) + 1) {
        const char *eq = p;
        while (*eq && *eq != '=')
            eq++;
        char name[ENV_NAME_MAX];
        size_t len = (size_t)(eq - p);
        if (!*eq || len == 0 || len >= sizeof(name))
            continue;                           /* not name=value: skip it */
        memcpy(name, p, len);
        name[len] = '\0';
        if (env_set(name, eq + 1))
            loaded++;
    }
    printf("env: %u variables loaded from flash at 0x%08x\n", loaded, addr);
}

bool env_save(void)
{
    uint32_t addr = FLASH_KSEG1 + ENV_FLASH_OFFSET, at = 4;
    memset(image, 0, sizeof(image));
    for (unsigned i = 0; i < nvars; i++) {
        size_t name_len = strlen(vars[i].name), value_len = strlen(vars[i].value);
        if (at + name_len + value_len + 3 > ENV_FLASH_SIZE) {   /* '=', NUL, final NUL */
            printf("saveenv: the variables take more than the %u bytes of the block\n",
                   ENV_FLASH_SIZE - 5);
            return false;
        }
        memcpy(image + at, vars[i].name, name_len);
        image[at + name_len] = '=';
        memcpy(image + at + name_len + 1, vars[i].value, value_len);
        at += (uint32_t)(name_len + value_len + 2);
    }
    uint32_t crc = crc32(0, image + 4, ENV_FLASH_SIZE - 4);
    for (int b = 0; b < 4; b++)
        image[b] = (uint8_t)(crc >> (8 * b));

    printf("Saving the environment to flash at 0x%08x: %u variables, %u bytes\n", addr, nvars,
           at - 4 + 1);
    if (!flash_probe())
        return false;
    if (flash_info.block_size != ENV_FLASH_SIZE) {
        printf("saveenv: flash blocks are 0x%x bytes, not the 0x%x this layout needs\n",
               flash_info.block_size, ENV_FLASH_SIZE);
        return false;
    }
    uint32_t block = ENV_FLASH_OFFSET / ENV_FLASH_SIZE;
    if (!flash_erase_block(block) || !flash_program(ENV_FLASH_OFFSET, image, ENV_FLASH_SIZE) ||
        !flash_verify(ENV_FLASH_OFFSET, image, ENV_FLASH_SIZE))
        return false;
    /* Locked again, as U-Boot leaves its environment: a stray write cannot erase it. */
    flash_lock(block, true);
    printf("saveenv: done (block %u erased, programmed, verified and locked)\n", block);
    return true;
}
