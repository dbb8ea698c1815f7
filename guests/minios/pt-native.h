/* Page-table entries on bare hardware: plain loads and stores, satp and SFENCE.VMA (see pt.h). */
#ifndef MINIOS_PT_NATIVE_H
#define MINIOS_PT_NATIVE_H

#include "kalloc.h"
#include "memlayout.h"
#include "riscv.h"

#define PTE_PPN_SHIFT 10

static inline pte_t pt_read(const pte_t *p) { return *p; }
static inline void pt_write(pte_t *p, pte_t v) { *p = v; }
static inline void pt_settle(const pte_t *table) { (void)table; }
static inline pte_t pt_make(uint64 pa, uint64 flags) { return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags; }
static inline uint64 pt_addr(pte_t pte) { return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT; }
static inline pagetable_t pt_alloc_table(void) { return kzalloc(); }
static inline void pt_free_table(pagetable_t t) { kfree(t); }
static inline pagetable_t pt_alloc_root(void) { return kzalloc(); }
static inline void pt_free_root(pagetable_t t) { kfree(t); }
static inline void pt_set_root(pagetable_t root, uint64 asid) {
  csr_write(satp, SATP_MODE_SV39 | asid << SATP_ASID_SHIFT | (uint64)root >> PAGE_SHIFT);
}
static inline void pt_flush_tlb_asid(uint64 asid) { sfence_vma_asid(asid); }
static inline void pt_flush_tlb_all(void) { sfence_vma_all(); }
static inline void pt_commit(void) {}
static inline int pt_reclaim(void) { return 0; }

#endif
