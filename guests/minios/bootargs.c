/* Boot arguments. The host may overwrite minios_bootargs in guest memory after loading the image
   and before starting it (it is an ordinary symbol in .data); otherwise the compiled-in default
   applies. Format: space-separated tokens, NUL-terminated or filling all 256 bytes:
     name=count   run program `name` with argument `count` (decimal; a program may take up to 4,
                  separated by commas, as dirty=PAGES,PASSES), in the order given;
     tick=T       the timer period in time units (0 = no timer; otherwise at least TICK_MIN).
   Every name must be a built-in program other than init. The runs become init's arguments. */
#include "bootargs.h"
#include "console.h"
#include "string.h"
#include "userimg.h"

#ifndef MINIOS_BOOTARGS
#define MINIOS_BOOTARGS "compute=2000000 getppid=20000 fork=200 tlb=200000"
#endif

char minios_bootargs[BOOTARGS_SIZE] = MINIOS_BOOTARGS;

#define MAX_DIGITS 19 /* any 19-digit number fits in 64 bits */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* A count: 1 to MAX_DIGITS decimal digits. */
static int parse_count(const char *s, uint64 *value) {
  uint64 v = 0;
  int n = 0;
  for (; s[n]; n++) {
    if (s[n] < '0' || s[n] > '9' || n == MAX_DIGITS) return -1;
    v = v * 10 + (uint64)(s[n] - '0');
  }
  *value = v;
  return n ? 0 : -1;
}

/* A program's counts: 1 to MAX_COUNTS counts separated by single commas (dirty=PAGES,PASSES). */
#define MAX_COUNTS 4
static int valid_counts(const char *s) {
  char one[MAX_DIGITS + 2];
  int groups = 0;
  for (;;) {
    int n = 0;
    while (s[n] && s[n] != ',') {
      if (n > MAX_DIGITS) return 0;
      one[n] = s[n];
      n++;
    }
    one[n] = 0;
    uint64 v;
    if (parse_count(one, &v) < 0 || ++groups > MAX_COUNTS) return 0;
    if (!s[n]) return 1;
    s += n + 1;
  }
}

static int bad(const char *why, const char *token) {
  kprintf("minios: bad bootargs: %s: \"%s\"\n", why, token);
  return -1;
}

/* Applies one token ("key=value", NUL-terminated, shorter than ARGLEN). */
static int apply_token(struct bootargs *out, const char *token) {
  char key[ARGLEN];
  int k = 0;
  for (; token[k] && token[k] != '='; k++) key[k] = token[k];
  key[k] = 0;
  if (token[k] != '=') return bad("expected name=count", token);
  uint64 count = 0;
  if (strcmp(key, "tick") != 0) {
    if (!valid_counts(token + k + 1))
      return bad("the count must be decimal numbers of at most 19 digits, at most 4 separated by commas", token);
  } else if (parse_count(token + k + 1, &count) < 0)
    return bad("the count must be a decimal number of at most 19 digits", token);
  if (strcmp(key, "tick") == 0) {
    if (count != 0 && count < TICK_MIN) return bad("tick must be 0 or at least 1000", token);
    out->tick = count;
    return 0;
  }
  if (strcmp(key, "init") == 0 || !userimg_find(key)) return bad("no such program", token);
  if (out->init.argc == MAXARG) return bad("too many programs", token);
  memcpy(out->init.argv[out->init.argc++], token, strnlen(token, ARGLEN - 1) + 1);
  return 0;
}

int bootargs_parse(struct bootargs *out) {
  memset(out, 0, sizeof(*out));
  out->tick = TICK_DEFAULT;
  memcpy(out->init.argv[0], "init", 5);
  out->init.argc = 1;
  for (int i = 0; i < BOOTARGS_SIZE && minios_bootargs[i];) {
    if (is_space(minios_bootargs[i])) {
      i++;
      continue;
    }
    char token[ARGLEN];
    int n = 0;
    for (; i < BOOTARGS_SIZE && minios_bootargs[i] && !is_space(minios_bootargs[i]); i++) {
      if (n == ARGLEN - 1) {
        token[n] = 0;
        return bad("token too long", token);
      }
      token[n++] = minios_bootargs[i];
    }
    token[n] = 0;
    if (apply_token(out, token) < 0) return -1;
  }
  return 0;
}
