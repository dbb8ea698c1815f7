/* Sv39 address spaces.
 *
 * The kernel's mapping (kmap.c, or the PV domain builder's) is shared: every address space's root
 * points at the kernel's tables below the root, so the kernel keeps running across satp switches
 * and a trap needs no trampoline.
 *
 * User address spaces live in the first GiB (root entry 0, see memlayout.h), with 4 KiB pages.
 * A and D are set in every leaf PTE: minios does not track accesses, and hardware that raises page
 * faults for clear A/D bits (Svade, vmlab's default) then never faults on them.
 *
 * Entries are read and written through pt.h, so the same code runs on bare hardware and as a PV
 * guest whose writes are batched hypercalls. A table is unlinked from its parent before it is
 * given back.
 */
#include "vm.h"
#include "console.h"
#include "kalloc.h"
#include "kmap.h"
#include "memlayout.h"
#include "proc.h"
#include "pt.h"
#include "string.h"

#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
#define VPN(va, level) (((va) >> (PAGE_SHIFT + 9 * (level))) & 511)
#define LEVEL_SIZE(level) (1UL << (PAGE_SHIFT + 9 * (level)))
#define USER_ROOT_ENTRIES (USER_VA_TOP / LEVEL_SIZE(2))

static pagetable_t kernel_root;
static int use_asids;

static int is_leaf(pte_t pte) { return (pte & PTE_LEAF_BITS) != 0; }

pte_t *vm_walk(pagetable_t root, uint64 va, int level, int alloc) {
  pagetable_t table = root;
  for (int l = 2; l > level; l--) {
    pte_t *pte = &table[VPN(va, l)];
    pte_t e = pt_read(pte);
    if (e & PTE_V) {
      if (is_leaf(e)) return NULL;
      table = (pagetable_t)pt_addr(e);
      continue;
    }
    if (!alloc) return NULL;
    pagetable_t next = pt_alloc_table();
    if (!next) return NULL;
    pt_write(pte, pt_make((uint64)next, PTE_V));
    table = next;
  }
  return &table[VPN(va, level)];
}

void vm_init(void) {
  uint64 asid_mask;
  kernel_root = kmap_init(&asid_mask);
  use_asids = asid_mask >= NPROC; /* ASIDs 1..NPROC, 0 for the kernel's own table */
}

pagetable_t vm_kernel_root(void) { return kernel_root; }

pagetable_t vm_create(void) {
  pagetable_t root = pt_alloc_root();
  if (!root) return NULL;
  pt_settle(kernel_root);
  for (uint64 i = USER_ROOT_ENTRIES; i < 512; i++)
    if (kernel_root[i]) pt_write(&root[i], kernel_root[i]);
  return root;
}

/* Frees every page below `table` (at `level`), and the tables themselves, but not `table`. Each
   entry is read before it is written, so after pt_settle plain loads read it right. */
static void free_subtree(pagetable_t table, int level) {
  pt_settle(table);
  for (int i = 0; i < 512; i++) {
    pte_t pte = table[i];
    if (!(pte & PTE_V)) continue;
    if (level > 0) {
      if (is_leaf(pte)) panic("vm: unexpected user superpage");
      free_subtree((pagetable_t)pt_addr(pte), level - 1);
      pt_write(&table[i], 0);
      pt_free_table((pagetable_t)pt_addr(pte));
    } else {
      pt_write(&table[i], 0);
      kfree((void *)pt_addr(pte));
    }
  }
}

void vm_free_user(pagetable_t root) {
  for (uint64 i = 0; i < USER_ROOT_ENTRIES; i++) {
    pte_t pte = pt_read(&root[i]);
    if (!(pte & PTE_V)) continue;
    free_subtree((pagetable_t)pt_addr(pte), 1);
    pt_write(&root[i], 0);
    pt_free_table((pagetable_t)pt_addr(pte));
  }
}

void vm_destroy(pagetable_t root) {
  vm_free_user(root);
  pt_free_root(root);
}

int vm_map_user(pagetable_t root, uint64 va, void *page, uint64 perm) {
  pte_t *pte = vm_walk(root, va, 0, 1);
  if (!pte) return -1;
  if (pt_read(pte) & PTE_V) panic("vm: user address %p mapped twice", (void *)va);
  pt_write(pte, pt_make((uint64)page, perm | PTE_U | PTE_A | PTE_D | PTE_V));
  return 0;
}

int vm_alloc_user(pagetable_t root, uint64 start, uint64 end, uint64 perm) {
  for (uint64 va = start; va < end; va += PAGE_SIZE) {
    void *page = kzalloc();
    if (!page || vm_map_user(root, va, page, perm) < 0) {
      if (page) kfree(page);
      vm_unmap_user(root, start, va);
      return -1;
    }
  }
  return 0;
}

void vm_unmap_user(pagetable_t root, uint64 start, uint64 end) {
  for (uint64 va = start; va < end; va += PAGE_SIZE) {
    pte_t *pte = vm_walk(root, va, 0, 0);
    pte_t e = pte ? pt_read(pte) : 0;
    if (!(e & PTE_V)) panic("vm: unmapping unmapped user address %p", (void *)va);
    pt_write(pte, 0);
    kfree((void *)pt_addr(e));
  }
}

/* Copies the subtree under src_table into dst_table (same level): new tables, new frames. */
static int copy_subtree(pagetable_t src_table, pagetable_t dst_table, int level) {
  pt_settle(src_table); /* only dst_table is written */
  for (int i = 0; i < 512; i++) {
    pte_t pte = src_table[i];
    if (!(pte & PTE_V)) continue;
    void *page = level > 0 ? (void *)pt_alloc_table() : kalloc();
    if (!page) return -1;
    if (level > 0) {
      pt_write(&dst_table[i], pt_make((uint64)page, PTE_V));
      if (copy_subtree((pagetable_t)pt_addr(pte), page, level - 1) < 0) return -1;
    } else {
      memcpy(page, (void *)pt_addr(pte), PAGE_SIZE);
      pt_write(&dst_table[i], pt_make((uint64)page, pte & ((1UL << 10) - 1)));
    }
  }
  return 0;
}

/* On failure the partial copy stays in dst, where vm_destroy(dst) frees it. */
int vm_copy_user(pagetable_t src, pagetable_t dst) {
  for (uint64 i = 0; i < USER_ROOT_ENTRIES; i++) {
    pte_t pte = pt_read(&src[i]);
    if (!(pte & PTE_V)) continue;
    pagetable_t table = pt_alloc_table();
    if (!table) return -1;
    pt_write(&dst[i], pt_make((uint64)table, PTE_V));
    if (copy_subtree((pagetable_t)pt_addr(pte), table, 1) < 0) return -1;
  }
  return 0;
}

uint64 vm_user_pa(pagetable_t root, uint64 va, uint64 perm) {
  if (va >= USER_VA_TOP) return 0;
  pt_commit(); /* the caller is about to use the mapping through the hart */
  pte_t *pte = vm_walk(root, va, 0, 0);
  if (!pte) return 0;
  pte_t e = pt_read(pte);
  uint64 need = PTE_V | PTE_U | perm;
  if ((e & need) != need) return 0;
  return pt_addr(e) | (va & (PAGE_SIZE - 1));
}

uint64 vm_asid_for_slot(int slot) { return use_asids ? (uint64)slot + 1 : 0; }

void vm_activate(pagetable_t root, uint64 asid) {
  pt_set_root(root, asid);
  if (!use_asids) pt_flush_tlb_all();
}

void vm_flush_asid(uint64 asid) {
  if (use_asids)
    pt_flush_tlb_asid(asid);
  else
    pt_flush_tlb_all();
}

void vm_commit(void) { pt_commit(); }
