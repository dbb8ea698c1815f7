/* Page-table entries of the PV kernel (see pt.h): its tables hold machine frame numbers and are
   mapped read-only, so every write is an mmu_update, queued in a batch and issued as one
   multicall when the kernel needs its effect (a new root, a TLB flush, a user mapping it is
   about to use) or the batch is full. A read sees the queued value. */
#ifndef MINIOS_PV_PT_PV_H
#define MINIOS_PV_PT_PV_H

#include "types.h"

#define PTE_PPN_SHIFT 10

pte_t pt_read(const pte_t *p);
void pt_write(pte_t *p, pte_t v);
pte_t pt_make(uint64 pa, uint64 flags);
uint64 pt_addr(pte_t pte);
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
