/* SPDX-License-Identifier: MIT */
/* The hypervisor command line: splitting it and calling option handlers. */
#include <petrel/cmdline.h>
#include <petrel/errno.h>
#include <petrel/lib.h>
#include <petrel/printk.h>

/* The CMDLINE_PARAM() entries, gathered by the linker. */
extern const struct cmdline_param __start_petrel_params[];
extern const struct cmdline_param __stop_petrel_params[];

/* One option, pointing into the command line. */
struct option {
    const char *key;
    size_t key_len;
    const char *val;        /* NULL for a bare key */
    size_t val_len;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether key[0..len) names option 'name', taking '-' for '_'. */
static bool key_eq(const char *name, const char *key, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char k = key[i] == '-' ? '_' : key[i];
        char n = name[i] == '-' ? '_' : name[i];

        if (!name[i] || k != n)
            return false;
    }
    return name[len] == '\0';
}

/* "value" -> value, and "value -> value (see cmdline.h). */
static void strip_quotes(struct option *opt)
{
    if (opt->val_len && opt->val[0] == '"') {
        opt->val++;
        opt->val_len--;
        if (opt->val_len && opt->val[opt->val_len - 1] == '"')
            opt->val_len--;
    }
}

/*
 * Read the option at *p, after any spaces, and move *p past it. Returns
 * false at the end of the command line.
 */
static bool next_option(const char **p, struct option *opt)
{
    const char *s = *p, *eq = NULL;
    bool quoted = false;
    size_t n;

    while (is_space(*s))
        s++;
    for (n = 0; s[n] && (quoted || !is_space(s[n])); n++) {
        if (s[n] == '"')
            quoted = !quoted;
        else if (s[n] == '=' && !eq)
            eq = s + n;
    }
    *p = s + n;
    if (n == 0)
        return false;
    opt->key = s;
    opt->key_len = eq ? (size_t)(eq - s) : n;
    opt->val = eq ? eq + 1 : NULL;
    opt->val_len = eq ? n - opt->key_len - 1 : 0;
    strip_quotes(opt);
    return true;
}

/* Call every handler registered for the option's key. */
static void apply_option(const struct option *opt)
{
    const struct cmdline_param *prm;
    bool known = false;

    for (prm = __start_petrel_params; prm < __stop_petrel_params; prm++) {
        if (!key_eq(prm->name, opt->key, opt->key_len))
            continue;
        known = true;
        if (prm->set(opt->val, opt->val_len) >= 0)
            continue;
        if (opt->val)
            pr_warn("cmdline: bad value '%.*s' for option '%s' ignored\n",
                    (int)opt->val_len, opt->val, prm->name);
        else
            pr_warn("cmdline: option '%s' needs a value, ignored\n",
                    prm->name);
    }
    if (!known)
        pr_warn("cmdline: unknown option '%.*s' ignored\n",
                (int)opt->key_len, opt->key);
}

void cmdline_parse(const char *cmdline)
{
    struct option opt;
    const char *p = cmdline ? cmdline : "";

    while (next_option(&p, &opt))
        apply_option(&opt);
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
    struct option opt, last = { 0 };
    const char *p = cmdline ? cmdline : "";
    bool found = false;
    size_t n;

    while (next_option(&p, &opt)) {
        if (key_eq(key, opt.key, opt.key_len)) {
            last = opt;
            found = true;
        }
    }
    if (found && size) {
        n = MIN(last.val_len, size - 1);
        if (n)
            memcpy(buf, last.val, n);
        buf[n] = '\0';
    }
    return found;
}

bool cmdline_match(const char *val, size_t len, const char *word)
{
    return val && strlen(word) == len && memcmp(val, word, len) == 0;
}

int cmdline_parse_bool(const char *val, size_t len, bool *out)
{
    static const char *const words[] = {
        "0", "no", "off", "false",      /* the first half means false */
        "1", "yes", "on", "true",
    };
    size_t i;

    if (!val) {
        *out = true;
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(words); i++) {
        if (cmdline_match(val, len, words[i])) {
            *out = i >= ARRAY_SIZE(words) / 2;
            return 0;
        }
    }
    return -EINVAL;
}

int cmdline_parse_size(const char *val, size_t len, uint64_t *out)
{
    if (!val || parse_u64(val, len, true, out) < 0)
        return -EINVAL;
    return 0;
}

int cmdline_parse_uint(const char *val, size_t len, unsigned int *out)
{
    uint64_t v;

    if (!val || parse_u64(val, len, false, &v) < 0 || v > (unsigned int)-1)
        return -EINVAL;
    *out = v;
    return 0;
}
