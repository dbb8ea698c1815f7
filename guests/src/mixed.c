/* A CoreMark-class integer workload: linked-list sorting, matrix multiply and add, a state machine
   over a string, and a CRC16 folding all their results. Prints its checksum. */
#include "lib.h"

#define LIST 1000
#define N 32

struct node { struct node *next; i32 val; };
static struct node pool[LIST];
static i32 mat[3][N][N];

static u16 crc16(u16 crc, u32 v) {
  for (int i = 0; i < 32; i++) {
    int x = (crc ^ (v >> i)) & 1;
    crc >>= 1;
    if (x) crc ^= 0xA001;
  }
  return crc;
}

/* Insertion sort of a singly linked list. */
static struct node *sort_list(struct node *h) {
  struct node *out = 0;
  while (h) {
    struct node *n = h;
    h = h->next;
    struct node **p = &out;
    while (*p && (*p)->val < n->val) p = &(*p)->next;
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

/* Counts numbers in a comma-separated string: integers 1, decimals 2. */
static int state_machine(const char *s) {
  int st = 0, count = 0;
  for (; *s; s++) {
    char c = *s;
    switch (st) {
      case 0: st = (c >= '0' && c <= '9') ? 1 : c == '-' ? 2 : 0; break;
      case 1: if (c == '.') st = 3; else if (c == ',') { count++; st = 0; } else if (c < '0' || c > '9') st = 4; break;
      case 2: st = (c >= '0' && c <= '9') ? 1 : 0; break;
      case 3: if (c == ',') { count += 2; st = 0; } else if (c < '0' || c > '9') st = 4; break;
      case 4: if (c == ',') st = 0; break;
    }
  }
  return count;
}

int main(void) {
  u16 crc = 0;
  u32 seed = 1;
  for (int it = 0; it < ITERATIONS; it++) {
    for (int i = 0; i < LIST; i++) {
      seed = seed * 1103515245u + 12345u;
      pool[i].val = (i32)((seed >> 16) & 0xffff);
      pool[i].next = i + 1 < LIST ? &pool[i + 1] : 0;
    }
    struct node *h = reverse_list(sort_list(&pool[0]));
    crc = crc16(crc, (u32)h->val);
    crc = crc16(crc, (u32)h->next->next->val);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) { mat[0][i][j] = i * j + it; mat[1][i][j] = i - j; }
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        i32 s = 0;
        for (int k = 0; k < N; k++) s += mat[0][i][k] * mat[1][k][j];
        mat[2][i][j] = s + mat[0][i][j];
      }
    crc = crc16(crc, (u32)mat[2][7][9]);
    crc = crc16(crc, (u32)state_machine("12.5,-3,44,7.25,-,9,10.0,abc,5,1x,"));
  }
  puts_("mixed: checksum ");
  puthex(crc);
  puts_(" iterations ");
  putdec(ITERATIONS);
  putchar_('\n');
  return 0;
}
