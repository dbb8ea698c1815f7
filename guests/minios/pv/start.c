/* The PV platform (platform.h): start of day from start_info, the M2P, the trap handler
   registered with the hypervisor, power off through sched_op. */
#include "platform.h"
#include "console.h"
#include "memlayout.h"
#include "pv/gnttab.h"
#include "pv/hypercall.h"
#include "pv/xenbus.h"
#include "pv/pv.h"
#include "riscv.h"
#include "string.h"

#define IRQ_S_SOFT 1

struct start_info *pv_start_info;
const uint64 *pv_p2m;  /* pfn -> mfn */
const uint32 *pv_m2p;  /* mfn - pv_m2p_first -> pfn */
uint64 pv_nr_pages, pv_m2p_first, pv_m2p_count;
static uint64 mem_start;

void trap_vector(void); /* trapvec.S */

static int same(const char *a, const char *b, uint64 n) {
  for (uint64 i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* head.S passes start_info's address (a1 at entry). */
void pv_start(struct start_info *si) { pv_start_info = si; }

void pv_bad_address(uint64 pa) { panic("pv: address %p outside the domain", (void *)pa); }
void pv_bad_mfn(uint64 mfn) { panic("pv: machine frame 0x%lx is not the domain's", mfn); }

/* The M2P of the domain's own frames, in the pages after the bootstrap area (the builder puts the
   page tables last, so it ends at pt_base + nr_pt_frames pages). */
static void build_m2p(void) {
  struct start_info *si = pv_start_info;
  const uint64 *p2m = (const uint64 *)si->mfn_list;
  uint64 lo = ~0UL, hi = 0;
  for (uint64 p = 0; p < si->nr_pages; p++) {
    if (p2m[p] < lo) lo = p2m[p];
    if (p2m[p] > hi) hi = p2m[p];
  }
  uint32 *m2p = (uint32 *)(si->pt_base + si->nr_pt_frames * PAGE_SIZE);
  mem_start = PAGE_ROUND_UP((uint64)(m2p + (hi - lo + 1)));
  if (mem_start >= KERNEL_MEM_END) panic("pv: no room for the M2P");
  memset(m2p, 0xff, (hi - lo + 1) * sizeof(uint32));
  for (uint64 p = 0; p < si->nr_pages; p++) m2p[p2m[p] - lo] = (uint32)p;
  pv_p2m = p2m;
  pv_m2p = m2p;
  pv_nr_pages = si->nr_pages;
  pv_m2p_first = lo;
  pv_m2p_count = hi - lo + 1;
}

uint64 pv_cmdline_number(const char *key, uint64 fallback) {
  const char *s = pv_start_info->cmd_line;
  uint64 klen = strnlen(key, 32);
  for (uint64 i = 0; i < sizeof(pv_start_info->cmd_line) && s[i];) {
    while (s[i] == ' ') i++;
    if (same(s + i, key, klen) && s[i + klen] == '=') {
      uint64 v = 0;
      int digits = 0;
      for (i += klen + 1; s[i] >= '0' && s[i] <= '9' && digits < 19; i++, digits++) v = v * 10 + (uint64)(s[i] - '0');
      return digits ? v : fallback;
    }
    while (s[i] && s[i] != ' ') i++;
  }
  return fallback;
}

void platform_init(void) {
  if (!same(pv_start_info->magic, "xen-3.0-riscv64", 16)) platform_shutdown(1);
  build_m2p();
  pv_console_init();
  static const struct trap_info traps[2] = {{.vector = 0, .address = (uint64)trap_vector}, {0}};
  if (HYPERVISOR_set_trap_table(traps) < 0) panic("pv: set_trap_table refused");
  pt_pv_init();
  events_init();
  pv_time_init();
  xenbus_init();
  gnttab_init();
}

void platform_shutdown(int failure) {
  pv_console_flush();
  struct sched_shutdown s = {.reason = failure ? SHUTDOWN_crash : SHUTDOWN_poweroff};
  for (;;) HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

/* The event upcall is the S-mode software interrupt; a tick is VIRQ_TIMER firing. */
int platform_interrupt(uint64 scause) {
  if (scause != (SCAUSE_INTERRUPT | IRQ_S_SOFT)) return -1;
  return events_upcall();
}

uint64 platform_mem_start(void) { return mem_start; }
