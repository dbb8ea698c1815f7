/* Sv39 page tables: the kernel's mapping, shared by every address space, and user mappings. */
#ifndef MINIOS_VM_H
#define MINIOS_VM_H

#include "types.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

void vm_init(void);
/* The PTE for va at `level` (0 = 4 KiB, 1 = 2 MiB), creating the tables above it if `alloc`;
   NULL if a table is missing (and not created) or a leaf is in the way. */
pte_t *vm_walk(pagetable_t root, uint64 va, int level, int alloc);
pagetable_t vm_kernel_root(void);

/* Address spaces: a root table whose kernel entries point at the shared kernel tables. */
pagetable_t vm_create(void);            /* NULL when out of memory */
void vm_destroy(pagetable_t root);      /* frees the user pages, their tables and the root */
void vm_free_user(pagetable_t root);    /* frees the user pages and their tables only */
int vm_copy_user(pagetable_t src, pagetable_t dst); /* a full copy of src's user pages; 0 or -1 */

/* User pages (4 KiB, perm = PTE_R/W/X; U, A and D are added). */
int vm_map_user(pagetable_t root, uint64 va, void *page, uint64 perm); /* 0 or -1 (no memory) */
int vm_alloc_user(pagetable_t root, uint64 start, uint64 end, uint64 perm); /* zeroed pages */
void vm_unmap_user(pagetable_t root, uint64 start, uint64 end);       /* and frees the pages */
/* The physical address backing user address va if it is mapped U with all of `perm`, else 0. */
uint64 vm_user_pa(pagetable_t root, uint64 va, uint64 perm);

/* ASIDs: each process slot owns one. Without enough hardware ASID bits every address space uses
   ASID 0 and a context switch flushes the TLB. */
uint64 vm_asid_for_slot(int slot);
void vm_activate(pagetable_t root, uint64 asid);
void vm_flush_asid(uint64 asid); /* after changing or replacing the mappings of that ASID */
/* Every mapping change so far takes effect (PV: the batched updates are issued). */
void vm_commit(void);

#endif
