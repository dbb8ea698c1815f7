/* Page-table entries of the PV kernel (see pt.h): its tables hold machine frame numbers and are
   mapped read-only, so every write is an mmu_update, queued in a batch and issued as one
   multicall when the kernel needs its effect (a new root, a TLB flush, a user mapping it is
   about to use) or the batch is full. A read sees the queued value. */
#ifndef MINIOS_PV_PT_PV_H
#define MINIOS_PV_PT_PV_H

#include "memlayout.h"
#include "types.h"

#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1UL << 44) - 1)

/* The P2M and M2P (pv/start.c) and the batch's size (pt-pv.c), for the inline fast paths. */
extern const uint64 *pv_p2m;
extern const uint32 *pv_m2p;
extern uint64 pv_nr_pages, pv_m2p_first, pv_m2p_count, pt_queued;
void pv_bad_address(uint64 pa) __attribute__((noreturn));
void pv_bad_mfn(uint64 mfn) __attribute__((noreturn));
pte_t pt_read_queued(const pte_t *p);

/* The machine frame of the page at kernel address pa. */
static inline uint64 pv_mfn(uint64 pa) {
  uint64 pfn = (pa - RAM_BASE) >> PAGE_SHIFT;
  if (__builtin_expect(pfn >= pv_nr_pages, 0)) pv_bad_address(pa);
  return pv_p2m[pfn];
}
/* The kernel address of machine frame mfn, the domain's own (anything else is a kernel bug). */
static inline uint64 pv_addr_of_mfn(uint64 mfn) {
  uint64 i = mfn - pv_m2p_first;
  if (__builtin_expect(i >= pv_m2p_count || pv_m2p[i] == 0xffffffffU, 0)) pv_bad_mfn(mfn);
  return RAM_BASE + ((uint64)pv_m2p[i] << PAGE_SHIFT);
}

/* Which entries the batch writes: a direct-mapped cache of pages, each with a bitmap of its 512
   entries, so a read of an entry the batch does not write is a load. A page that finds its slot
   taken marks the slot shared, and reads of pages mapping there probe the lookaside. */
#define PT_PAGE_SLOTS 16
extern uint64 pt_slot_page[PT_PAGE_SLOTS];
extern uint64 pt_slot_bits[PT_PAGE_SLOTS][8];
extern uint8 pt_slot_shared[PT_PAGE_SLOTS];

static inline pte_t pt_read(const pte_t *p) {
  if (!pt_queued) return *p;
  uint64 page = (uint64)p >> PAGE_SHIFT, s = page % PT_PAGE_SLOTS, n = ((uint64)p >> 3) & 511;
  if (pt_slot_page[s] == page ? !(pt_slot_bits[s][n / 64] >> (n % 64) & 1) : !pt_slot_shared[s]) return *p;
  return pt_read_queued(p);
}
void pt_write(pte_t *p, pte_t v);
void pt_commit(void);
/* A table the batch writes is committed first: then its entries are plain loads until written. */
static inline void pt_settle(const pte_t *table) {
  uint64 page = (uint64)table >> PAGE_SHIFT, s = page % PT_PAGE_SLOTS;
  if (pt_queued && (pt_slot_page[s] == page || pt_slot_shared[s])) pt_commit();
}
static inline pte_t pt_make(uint64 pa, uint64 flags) { return pv_mfn(pa) << PTE_PPN_SHIFT | flags; }
static inline uint64 pt_addr(pte_t pte) { return pv_addr_of_mfn((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK); }
pagetable_t pt_alloc_table(void);
void pt_free_table(pagetable_t t);
pagetable_t pt_alloc_root(void);
void pt_free_root(pagetable_t t);
void pt_set_root(pagetable_t root, uint64 asid);
void pt_flush_tlb_asid(uint64 asid);
void pt_flush_tlb_all(void);
void pt_commit(void);
int pt_reclaim(void);

#endif
