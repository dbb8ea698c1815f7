/* Grant table v1 (grant_table.h): the frame comes from GNTTABOP_setup_table; an entry is filled
   frame and domid first, then its flags (the hypervisor reads flags to decide), and ended with a
   compare-and-swap of the flags to 0 that fails while the hypervisor has GTF_reading/GTF_writing
   set (gnttab_end_foreign_access_ref). References below 8 are the toolstack's. */
#include "pv/gnttab.h"
#include "console.h"
#include "pv/hypercall.h"
#include "pv/pv.h"

#define FIRST_REF 8
#define NR_REFS 512

static struct grant_entry_v1 *table;
static uint32 next_ref = FIRST_REF;

void gnttab_init(void) {
  uint64 frame;
  struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = 1, .frame_list = (uint64)&frame};
  if (HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1) < 0 || s.status != 0) panic("pv: no grant table");
  table = (struct grant_entry_v1 *)pv_addr_of_mfn(frame);
}

uint32 gnttab_grant(uint16 domid, void *page, int readonly) {
  if (next_ref == NR_REFS) panic("pv: grant table full");
  uint32 ref = next_ref++;
  table[ref].frame = (uint32)pv_mfn((uint64)page);
  table[ref].domid = domid;
  __atomic_thread_fence(__ATOMIC_RELEASE);
  table[ref].flags = (uint16)(GTF_permit_access | (readonly ? GTF_readonly : 0));
  return ref;
}

/* The compare-and-swap covers flags and domid (one aligned word: RV64A has no 16-bit CAS) and
   clears only the flags. */
int gnttab_end(uint32 ref) {
  uint32 *word = (uint32 *)&table[ref];
  uint32 old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  do {
    if (old & (GTF_reading | GTF_writing)) return -1;
  } while (!__atomic_compare_exchange_n(word, &old, old & 0xffff0000U, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  return 0;
}
