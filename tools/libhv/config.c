// SPDX-License-Identifier: MIT
/*
 * The xl-style domain configuration parser; see config.h for the syntax.
 * A lexer turns the text into tokens (words, strings, = [ ] , and ends of
 * lines) with their line numbers; the parser reads `key = value` one
 * statement at a time and hands the value to the key's setter, which checks
 * its type and range. Strings have no escapes: a string holding " is
 * written in single quotes and the other way round.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "config.h"

enum tok { T_EOF, T_NL, T_WORD, T_STRING, T_EQ, T_LBRACK, T_RBRACK, T_COMMA };

struct token {
    enum tok t;
    const char *s;              /* T_WORD, T_STRING: the text (no quotes) */
    size_t n;
    unsigned int line;
};

struct value {
    struct token tok;           /* T_WORD or T_STRING; T_LBRACK: a list */
    const struct token *items;  /* a list's scalars */
    unsigned int nr;
};

struct parse {
    const char *p, *end;
    unsigned int line;
    char *err;
    size_t errlen;
    struct hv_config *cfg;
    uint32_t seen;              /* bit per key slot already set */
    unsigned int cap_line, cpus_line;
};

#define FAIL(ps, ...)   (snprintf((ps)->err, (ps)->errlen, __VA_ARGS__), -XEN_EINVAL)
#define NOMEM(ps)       (snprintf((ps)->err, (ps)->errlen, "out of memory"), -XEN_ENOMEM)

/* ---- lexer ---------------------------------------------------------- */

static bool in_set(const char *set, char c)
{
    for (; *set; set++)
        if (*set == c)
            return true;
    return false;
}

static bool word_char(char c)
{
    return c > ' ' && c < 0x7f && !in_set("#=[],\"';", c);
}

/* The next token into *t; 0 or an error for a bad byte or string. */
static int lex(struct parse *ps, struct token *t)
{
    for (;;) {
        if (ps->p == ps->end) {
            *t = (struct token){ .t = T_EOF, .line = ps->line };
            return 0;
        }
        if (*ps->p == '#')
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        else if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r')
            ps->p++;
        else
            break;
    }
    *t = (struct token){ .line = ps->line, .s = ps->p, .n = 1 };
    switch (*ps->p) {
    case '\n': t->t = T_NL; ps->line++; ps->p++; return 0;
    case ';': t->t = T_NL; ps->p++; return 0;  /* xl allows ; between statements */
    case '=': t->t = T_EQ; ps->p++; return 0;
    case '[': t->t = T_LBRACK; ps->p++; return 0;
    case ']': t->t = T_RBRACK; ps->p++; return 0;
    case ',': t->t = T_COMMA; ps->p++; return 0;
    case '"': case '\'': {
        char q = *ps->p++;

        t->t = T_STRING;
        t->s = ps->p;
        while (ps->p < ps->end && *ps->p != q && *ps->p != '\n' && *ps->p)
            ps->p++;
        if (ps->p == ps->end || *ps->p != q)
            return FAIL(ps, "line %u: unterminated string", t->line);
        t->n = ps->p++ - t->s;
        if (t->n > HV_CFG_MAX_STRING)
            return FAIL(ps, "line %u: string longer than %u bytes", t->line,
                        HV_CFG_MAX_STRING);
        return 0;
    }
    }
    if (!word_char(*ps->p))
        return FAIL(ps, "line %u: unexpected byte 0x%02x", t->line,
                    (unsigned char)*ps->p);
    t->t = T_WORD;
    while (ps->p < ps->end && word_char(*ps->p))
        ps->p++;
    t->n = ps->p - t->s;
    return 0;
}

/* The next token that is not the end of a line (inside a list). */
static int lex_skip_nl(struct parse *ps, struct token *t)
{
    int rc;

    while (!(rc = lex(ps, t)) && t->t == T_NL)
        ;
    return rc;
}

/* ---- values --------------------------------------------------------- */

static bool is_ident(const struct token *t)
{
    if (t->t != T_WORD)
        return false;
    for (size_t i = 0; i < t->n; i++) {
        char c = t->s[i];

        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i && c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

enum num_rc { NUM_OK, NUM_BAD, NUM_BIG };

/* Decimal or 0x hex digits, all of them, into *out. */
static enum num_rc parse_u64(const char *s, size_t n, uint64_t *out)
{
    unsigned int base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == n)
        return NUM_BAD;
    for (; i < n; i++) {
        char c = s[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return NUM_BAD;
        if (v > (UINT64_MAX - d) / base)
            return NUM_BIG;
        v = v * base + d;
    }
    *out = v;
    return NUM_OK;
}

/* The next token inside a list opened on line open: 1 for its ']', 0 for
 * another token, or an error (the text ended first). */
static int list_token(struct parse *ps, struct token *t, const char *key,
                      unsigned int open)
{
    int rc = lex_skip_nl(ps, t);

    if (rc)
        return rc;
    if (t->t == T_EOF)
        return FAIL(ps, "line %u: %s: unterminated list (opened on line %u)",
                    t->line, key, open);
    return t->t == T_RBRACK;
}

/* A list: the items after '[' up to ']'; scalars only. */
static int parse_list(struct parse *ps, struct token *items, unsigned int *nr,
                      const char *key)
{
    unsigned int open = ps->line;
    struct token t;
    int rc;

    *nr = 0;
    for (;;) {
        if ((rc = list_token(ps, &t, key, open)))
            return rc > 0 ? 0 : rc;
        if (t.t == T_LBRACK)
            return FAIL(ps, "line %u: %s: lists cannot be nested", t.line, key);
        if (t.t != T_STRING && t.t != T_WORD)
            return FAIL(ps, "line %u: %s: expected a list entry", t.line, key);
        if (*nr == HV_CFG_MAX_LIST)
            return FAIL(ps, "line %u: %s: more than %u entries", t.line, key,
                        HV_CFG_MAX_LIST);
        items[(*nr)++] = t;
        if ((rc = list_token(ps, &t, key, open)))
            return rc > 0 ? 0 : rc;
        if (t.t != T_COMMA)
            return FAIL(ps, "line %u: %s: expected ',' or ']' in the list",
                        t.line, key);
    }
}

static char *dup_token(const struct token *t)
{
    char *s = malloc(t->n + 1);

    if (s) {
        memcpy(s, t->s, t->n);
        s[t->n] = '\0';
    }
    return s;
}

/* ---- keys ----------------------------------------------------------- */

struct key;
typedef int (*setter_t)(struct parse *ps, const struct key *k, const struct value *v);

struct key {
    const char *name;
    setter_t set;
    unsigned int slot;          /* keys sharing a slot are one setting */
    size_t off;                 /* the field in struct hv_config */
    uint64_t min, max;          /* numbers; lists of strings: max is the
                                   offset of the entry count */
};

#define FIELD(f)    offsetof(struct hv_config, f)
#define AT(ps, k, type) ((type *)((char *)(ps)->cfg + (k)->off))

static int want_string(struct parse *ps, const struct key *k, const struct value *v)
{
    if (v->tok.t == T_STRING)
        return 0;
    if (v->tok.t == T_LBRACK)
        return FAIL(ps, "line %u: %s: expected a string, not a list",
                    v->tok.line, k->name);
    return FAIL(ps, "line %u: %s: expected a quoted string", v->tok.line, k->name);
}

static int set_string(struct parse *ps, const struct key *k, const struct value *v)
{
    int rc = want_string(ps, k, v);

    if (rc)
        return rc;
    if (!v->tok.n && k->off != FIELD(cmdline))
        return FAIL(ps, "line %u: %s: must not be empty", v->tok.line, k->name);
    if (!(*AT(ps, k, char *) = dup_token(&v->tok)))
        return NOMEM(ps);
    return 0;
}

static int get_number(struct parse *ps, const struct key *k, const struct token *t,
                      uint64_t *n)
{
    const char *name = k->name;

    if (t->t != T_WORD)
        return FAIL(ps, "line %u: %s: not a number", t->line, name);
    switch (parse_u64(t->s, t->n, n)) {
    case NUM_BAD:
        return FAIL(ps, "line %u: %s: not a number", t->line, name);
    case NUM_BIG:
        return FAIL(ps, "line %u: %s: number too large", t->line, name);
    case NUM_OK:
        break;
    }
    if (*n < k->min || *n > k->max)
        return FAIL(ps, "line %u: %s: %llu is out of range (%llu-%llu)", t->line,
                    name, (unsigned long long)*n, (unsigned long long)k->min,
                    (unsigned long long)k->max);
    return 0;
}

static int set_u64(struct parse *ps, const struct key *k, const struct value *v)
{
    return get_number(ps, k, &v->tok, AT(ps, k, uint64_t));
}

static int set_uint(struct parse *ps, const struct key *k, const struct value *v)
{
    uint64_t n;
    int rc = get_number(ps, k, &v->tok, &n);

    if (!rc)
        *AT(ps, k, unsigned int) = n;
    if (k->off == FIELD(cap))
        ps->cap_line = v->tok.line;
    return rc;
}

static int set_action(struct parse *ps, const struct key *k, const struct value *v)
{
    static const char *const names[] = { "destroy", "restart", "preserve" };
    int rc = want_string(ps, k, v);

    if (rc)
        return rc;
    for (unsigned int i = 0; i < 3; i++)
        if (strlen(names[i]) == v->tok.n && !memcmp(names[i], v->tok.s, v->tok.n)) {
            *AT(ps, k, enum hv_cfg_action) = i;
            return 0;
        }
    return FAIL(ps, "line %u: %s: '%.*s' is not destroy, restart or preserve",
                v->tok.line, k->name, (int)v->tok.n, v->tok.s);
}

static int set_type(struct parse *ps, const struct key *k, const struct value *v)
{
    int rc = want_string(ps, k, v);

    if (rc)
        return rc;
    if (v->tok.n != 3 || memcmp(v->tok.s, "pvh", 3))
        return FAIL(ps, "line %u: type: '%.*s' is not supported (only \"pvh\")",
                    v->tok.line, (int)v->tok.n, v->tok.s);
    return 0;
}

/* disk, vif: a list of strings, kept as they are. */
static int set_strings(struct parse *ps, const struct key *k, const struct value *v)
{
    char ***list = AT(ps, k, char **);
    unsigned int *nr = (unsigned int *)((char *)ps->cfg + k->max);
    unsigned int line = v->tok.line;

    if (v->tok.t != T_LBRACK)
        return FAIL(ps, "line %u: %s: expected a list [ \"...\", ... ]", line, k->name);
    for (unsigned int i = 0; i < v->nr; i++)
        if (v->items[i].t != T_STRING)
            return FAIL(ps, "line %u: %s: entry %u is not a quoted string",
                        v->items[i].line, k->name, i + 1);
    if (!v->nr)
        return 0;
    if (!(*list = malloc(v->nr * sizeof(char *))))
        return NOMEM(ps);
    memset(*list, 0, v->nr * sizeof(char *));
    *nr = v->nr;
    for (unsigned int i = 0; i < v->nr; i++)
        if (!((*list)[i] = dup_token(&v->items[i])))
            return NOMEM(ps);
    return 0;
}

int hv_cpus_parse(const char *s, size_t n, uint64_t *mask, const char **at,
                  size_t *at_len)
{
    const char *end = s + n;

    *mask = 0;
    *at = s;
    *at_len = n;
    if (n == 3 && !memcmp(s, "all", 3))
        return 0;
    while (s < end) {
        const char *tok = s, *dash = NULL;
        uint64_t lo, hi;

        while (s < end && *s != ',') {
            if (*s == '-' && !dash)
                dash = s;
            s++;
        }
        if (dash ? parse_u64(tok, dash - tok, &lo) || parse_u64(dash + 1, s - dash - 1, &hi)
                 : parse_u64(tok, s - tok, &lo))
            return HV_CPUS_BAD;
        if (!dash)
            hi = lo;
        if (lo > hi || hi >= HV_CFG_MAX_CPUS) {
            *at = tok;
            *at_len = s - tok;
            return HV_CPUS_RANGE;
        }
        *mask |= (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
        if (s < end)
            s++;                        /* the comma */
        if (s == end && s[-1] == ',')
            return HV_CPUS_BAD;
    }
    return *mask ? 0 : HV_CPUS_EMPTY;
}

/* "0-1,3" (or "all") into a mask of pCPUs. */
static int cpu_list(struct parse *ps, const struct token *t, uint64_t *mask)
{
    const char *at;
    size_t len;

    switch (hv_cpus_parse(t->s, t->n, mask, &at, &len)) {
    case 0:
        return 0;
    case HV_CPUS_RANGE:
        return FAIL(ps, "line %u: cpus: '%.*s' is out of range (CPUs 0-%u)",
                    t->line, (int)len, at, HV_CFG_MAX_CPUS - 1);
    case HV_CPUS_EMPTY:
        return FAIL(ps, "line %u: cpus: empty CPU list", t->line);
    default:
        return FAIL(ps, "line %u: cpus: bad CPU list '%.*s'", t->line,
                    (int)t->n, t->s);
    }
}

void hv_cpus_format(uint64_t mask, unsigned int nr_cpus, char *buf, size_t size)
{
    uint64_t all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
    size_t at = 0;

    if (!mask || (mask & all) == all) {
        snprintf(buf, size, "all");
        return;
    }
    buf[0] = '\0';
    for (unsigned int lo = 0; lo < 64 && at < size; lo++) {
        unsigned int hi = lo;
        int n;

        if (!(mask & (1ULL << lo)))
            continue;
        while (hi + 1 < 64 && (mask & (1ULL << (hi + 1))))
            hi++;
        n = hi == lo ? snprintf(buf + at, size - at, "%s%u", at ? "," : "", lo)
                     : snprintf(buf + at, size - at, "%s%u-%u", at ? "," : "", lo, hi);
        at += n > 0 ? (size_t)n : 0;
        lo = hi;
    }
}

static int set_cpus(struct parse *ps, const struct key *k, const struct value *v)
{
    struct hv_config *cfg = ps->cfg;
    int rc;

    ps->cpus_line = v->tok.line;
    if (v->tok.t == T_STRING || v->tok.t == T_WORD)
        return cpu_list(ps, &v->tok, &cfg->cpus);
    if (!v->nr)
        return FAIL(ps, "line %u: cpus: empty list", v->tok.line);
    for (unsigned int i = 0; i < v->nr; i++)
        if ((rc = cpu_list(ps, &v->items[i], &cfg->vcpu_cpus[i])))
            return rc;
    cfg->nr_vcpu_cpus = v->nr;
    return 0;
}

static const struct key keys[] = {
    { "name",        set_string,  0, FIELD(name), 0, 0 },
    { "kernel",      set_string,  1, FIELD(kernel), 0, 0 },
    { "ramdisk",     set_string,  2, FIELD(ramdisk), 0, 0 },
    { "cmdline",     set_string,  3, FIELD(cmdline), 0, 0 },
    { "extra",       set_string,  3, FIELD(cmdline), 0, 0 },
    { "memory",      set_u64,     4, FIELD(memory_mib), 1, HV_CFG_MAX_MEMORY },
    { "vcpus",       set_uint,    5, FIELD(vcpus), 1, HV_CFG_MAX_VCPUS },
    { "cpus",        set_cpus,    6, 0, 0, 0 },
    { "weight",      set_uint,    7, FIELD(weight), 1, 65535 },
    { "cap",         set_uint,    8, FIELD(cap), 0, 100 * HV_CFG_MAX_VCPUS },
    { "on_poweroff", set_action,  9, FIELD(on_poweroff), 0, 0 },
    { "on_reboot",   set_action, 10, FIELD(on_reboot), 0, 0 },
    { "on_crash",    set_action, 11, FIELD(on_crash), 0, 0 },
    { "disk",        set_strings, 12, FIELD(disk), 0, FIELD(nr_disk) },
    { "vif",         set_strings, 13, FIELD(vif), 0, FIELD(nr_vif) },
    { "type",        set_type,   14, 0, 0, 0 },
    { "pci",         set_strings, 15, FIELD(pci), 0, FIELD(nr_pci) },
};

/* ---- statements ----------------------------------------------------- */

static const struct key *find_key(const struct token *t)
{
    for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i].name) == t->n && !memcmp(keys[i].name, t->s, t->n))
            return &keys[i];
    return NULL;
}

/* One `key = value` whose key token is kt; 0, or an error. */
static int statement(struct parse *ps, const struct token *kt)
{
    struct token items[HV_CFG_MAX_LIST];
    struct value v = { .items = items };
    const struct key *k;
    struct token t;
    int rc;

    if (!is_ident(kt))
        return FAIL(ps, "line %u: expected a key, not '%.*s'", kt->line,
                    (int)kt->n, kt->s);
    if ((rc = lex(ps, &t)))
        return rc;
    if (t.t != T_EQ)
        return FAIL(ps, "line %u: expected '=' after '%.*s'", kt->line,
                    (int)kt->n, kt->s);
    if (!(k = find_key(kt)))
        return FAIL(ps, "line %u: unknown key '%.*s'", kt->line, (int)kt->n, kt->s);
    if ((rc = lex(ps, &v.tok)))
        return rc;
    if (v.tok.t == T_LBRACK)
        rc = parse_list(ps, items, &v.nr, k->name);
    else if (v.tok.t != T_STRING && v.tok.t != T_WORD)
        return FAIL(ps, "line %u: %s: no value after '='", kt->line, k->name);
    if (rc || (rc = lex(ps, &t)))
        return rc;
    if (t.t != T_NL && t.t != T_EOF)
        return FAIL(ps, "line %u: %s: unexpected text after the value", t.line,
                    k->name);
    if (ps->seen & (1u << k->slot))
        return FAIL(ps, "line %u: %s: given twice%s", kt->line, k->name,
                    k->off == FIELD(cmdline) ? " (extra and cmdline are one key)" : "");
    ps->seen |= 1u << k->slot;
    return k->set(ps, k, &v);
}

/* What only the whole file can say. */
static int check_whole(struct parse *ps)
{
    struct hv_config *cfg = ps->cfg;

    if (!cfg->name)
        return FAIL(ps, "missing 'name'");
    if (!cfg->kernel)
        return FAIL(ps, "missing 'kernel'");
    if (cfg->cap > 100 * cfg->vcpus)
        return FAIL(ps, "line %u: cap: %u is more than 100 x vcpus (%u)",
                    ps->cap_line, cfg->cap, cfg->vcpus);
    if (cfg->nr_vcpu_cpus > cfg->vcpus)
        return FAIL(ps, "line %u: cpus: %u entries for %u vCPU(s)", ps->cpus_line,
                    cfg->nr_vcpu_cpus, cfg->vcpus);
    return 0;
}

int hv_config_parse(const char *text, size_t len, struct hv_config *cfg,
                    char *err, size_t errlen)
{
    struct parse ps = { .p = text, .end = text + len, .line = 1,
                        .err = err, .errlen = errlen, .cfg = cfg };
    struct token t;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    cfg->memory_mib = 128;
    cfg->vcpus = 1;
    cfg->weight = 256;
    cfg->on_poweroff = HV_ACTION_DESTROY;
    cfg->on_reboot = HV_ACTION_RESTART;
    cfg->on_crash = HV_ACTION_DESTROY;
    if (errlen)
        err[0] = '\0';
    while (!(rc = lex(&ps, &t)) && t.t != T_EOF)
        if (t.t != T_NL && (rc = statement(&ps, &t)))
            break;
    if (!rc)
        rc = check_whole(&ps);
    if (rc)
        hv_config_free(cfg);
    return rc;
}

static void free_strings(char **list, unsigned int nr)
{
    for (unsigned int i = 0; list && i < nr; i++)
        free(list[i]);
    free(list);
}

void hv_config_free(struct hv_config *cfg)
{
    free(cfg->name);
    free(cfg->kernel);
    free(cfg->ramdisk);
    free(cfg->cmdline);
    free_strings(cfg->disk, cfg->nr_disk);
    free_strings(cfg->vif, cfg->nr_vif);
    free_strings(cfg->pci, cfg->nr_pci);
    memset(cfg, 0, sizeof(*cfg));
}

const char *hv_cfg_action_name(enum hv_cfg_action a)
{
    static const char *const names[] = { "destroy", "restart", "preserve" };

    return (unsigned int)a < 3 ? names[a] : "?";
}
