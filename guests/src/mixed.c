/* A CoreMark-class integer workload. Every iteration: builds a linked list of pseudo-random
   values, searches it (find), sorts it (insertion sort), reverses it; multiplies and adds small
   integer matrices; runs a number-recognising state machine over a string that changes with the
   iteration; and folds every result into a CRC16. Prints the checksum; ITERATIONS is set by the
   Makefile (mixed: about 1.5e9 instructions, mixed-small: about 2e7). The checksum is the same on
   every correct machine: it is the value to compare between vmlab and QEMU. */
#include "lib.h"

typedef short i16;

#define LIST 256
#define N 20
#define TEXT_LEN 64

struct node { struct node *next; i32 val; i32 idx; };
static struct node pool[LIST];
static i16 ma[N][N], mb[N][N];
static i32 mc[N][N];
static char text[TEXT_LEN + 1] = "12.5,-3,44,7.25,-,9,10.0,abc,5,1x,0.5,-17,3.14159,,88,-2.0,x9,1";


/* CRC-16/ARC (poly 0xA001 reflected), one byte at a time. */
static u16 crc8(u16 crc, u8 b) {
  crc ^= b;
  for (int i = 0; i < 8; i++) crc = (crc & 1) ? (u16)((crc >> 1) ^ 0xA001) : (u16)(crc >> 1);
  return crc;
}
static u16 crc32v(u16 crc, u32 v) {
  for (int i = 0; i < 4; i++) crc = crc8(crc, (u8)(v >> (8 * i)));
  return crc;
}

static struct node *find(struct node *h, i32 val) {
  while (h && h->val != val) h = h->next;
  return h;
}

/* Insertion sort of a singly linked list by value (stable). */
static struct node *sort_list(struct node *h) {
  struct node *out = 0;
  while (h) {
    struct node *n = h;
    h = h->next;
    struct node **p = &out;
    while (*p && (*p)->val <= n->val) p = &(*p)->next;
    n->next = *p;
    *p = n;
  }
  return out;
}

static struct node *reverse_list(struct node *h) {
  struct node *prev = 0;
  while (h) { struct node *next = h->next; h->next = prev; prev = h; h = next; }
  return prev;
}

/* Recognises comma-separated numbers: an integer counts 1, a decimal 2, a malformed one 4
   (as a separate tally), an empty field nothing. */
enum { START, SIGN, INT, FRAC, BAD };
static u32 state_machine(const char *s) {
  int st = START;
  u32 ints = 0, decs = 0, bad = 0;
  for (;; s++) {
    char c = *s;
    if (c == ',' || c == 0) {
      if (st == INT) ints++; else if (st == FRAC) decs++; else if (st != START) bad++;
      st = START;
      if (c == 0) break;
      continue;
    }
    int digit = c >= '0' && c <= '9';
    switch (st) {
      case START: st = digit ? INT : c == '-' ? SIGN : BAD; break;
      case SIGN: st = digit ? INT : BAD; break;
      case INT: st = digit ? INT : c == '.' ? FRAC : BAD; break;
      case FRAC: st = digit ? FRAC : BAD; break;
      default: break;
    }
  }
  return ints | decs << 8 | bad << 16;
}

int main(void) {
  u16 crc = 0;
  u32 seed = 1;
  for (int it = 0; it < ITERATIONS; it++) {
    /* lists */
    for (int i = 0; i < LIST; i++) {
      seed = seed * 1103515245u + 12345u;
      pool[i].val = (i32)((seed >> 16) & 0x3ff);
      pool[i].idx = i;
      pool[i].next = i + 1 < LIST ? &pool[i + 1] : 0;
    }
    struct node *h = &pool[0];
    u32 found = 0;
    for (int k = 0; k < 8; k++) {
      struct node *f = find(h, (i32)((k * 131 + it) & 0x3ff));
      found = found * 3 + (f ? (u32)f->idx : 0xffffu);
    }
    crc = crc32v(crc, found);
    h = reverse_list(sort_list(h));
    u32 sum = 0;
    int pos = 0;
    for (struct node *n = h; n; n = n->next, pos++) sum += (u32)n->val * (u32)(pos & 7) + (u32)n->idx;
    crc = crc32v(crc, sum);
    crc = crc32v(crc, (u32)h->val << 16 | (u32)h->idx);
    /* matrices */
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) { ma[i][j] = (i16)(i * j + it); mb[i][j] = (i16)(i - j + (it & 3)); }
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        i32 s = 0;
        for (int k = 0; k < N; k++) s += (i32)ma[i][k] * mb[k][j];
        mc[i][j] = s + ma[i][j];
      }
    u32 tr = 0;
    for (int i = 0; i < N; i++) tr += (u32)mc[i][i] ^ (u32)mc[i][N - 1 - i];
    crc = crc32v(crc, tr);
    /* state machine over a string that changes every iteration */
    text[it % TEXT_LEN] = "0123456789.,-x"[it % 14];
    crc = crc32v(crc, state_machine(text));
  }
  puts_("mixed: checksum ");
  puthex(crc);
  puts_(" iterations ");
  putdec(ITERATIONS);
  putchar_('\n');
  return 0;
}
