/* Environment variables, YAMON style: a small table of name=value strings in RAM, filled with
 * defaults at start-up (main.c), shown by `printenv`, changed by `setenv`, read by `boot`.
 * Nothing is saved: the boot flash is read-only for the boot ROM, so every boot starts from
 * the defaults. Variables keep the order in which they were first set. */
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
