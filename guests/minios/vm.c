/* Sv39 page tables.
 *
 * The kernel is identity-mapped (virtual = physical) from KERNEL_BASE to KERNEL_MEM_END: its image
 * with 4 KiB pages and W^X permissions (text R-X, rodata R--, data RW-), the rest of its memory
 * with 2 MiB megapages where alignment allows. All kernel PTEs are global and lack U. The kernel
 * tables below the root are built once and shared: every address space's root points at them, so
 * the kernel keeps running across satp switches and a trap needs no trampoline.
 *
 * User address spaces live in the first GiB (root entry 0, see memlayout.h), with 4 KiB pages.
 * A and D are set in every leaf PTE: minios does not track accesses, and hardware that raises page
 * faults for clear A/D bits (Svade, vmlab's default) then never faults on them.
 */
#include "vm.h"
#include "console.h"
#include "kalloc.h"
#include "memlayout.h"
#include "proc.h"
#include "riscv.h"
#include "string.h"

#define PTE_PPN_SHIFT 10
#define PA_TO_PTE(pa) (((uint64)(pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_TO_PA(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)
#define VPN(va, level) (((va) >> (PAGE_SHIFT + 9 * (level))) & 511)
#define LEVEL_SIZE(level) (1UL << (PAGE_SHIFT + 9 * (level)))
#define USER_ROOT_ENTRIES (USER_VA_TOP / LEVEL_SIZE(2))

extern char __text_end[], __rodata_end[], __kernel_end[];

static pagetable_t kernel_root;
static uint64 asid_mask; /* the ASID bits the hart implements */
static int use_asids;

static int is_leaf(pte_t pte) { return (pte & PTE_LEAF_BITS) != 0; }

/* The PTE for va at `level` (0 = 4 KiB, 1 = 2 MiB), creating the tables above it if `alloc`;
   NULL if a table is missing (and not created) or a leaf is in the way. */
static pte_t *walk(pagetable_t root, uint64 va, int level, int alloc) {
  pagetable_t table = root;
  for (int l = 2; l > level; l--) {
    pte_t *pte = &table[VPN(va, l)];
    if (*pte & PTE_V) {
      if (is_leaf(*pte)) return NULL;
      table = (pagetable_t)PTE_TO_PA(*pte);
      continue;
    }
    if (!alloc) return NULL;
    pagetable_t next = kzalloc();
    if (!next) return NULL;
    *pte = PA_TO_PTE(next) | PTE_V;
    table = next;
  }
  return &table[VPN(va, level)];
}

/* Identity-maps [start, end) for the kernel, with megapages where alignment allows. */
static void map_kernel_range(uint64 start, uint64 end, uint64 perm) {
  for (uint64 a = start; a < end;) {
    int level = (a % MEGAPAGE_SIZE == 0 && end - a >= MEGAPAGE_SIZE) ? 1 : 0;
    pte_t *pte = walk(kernel_root, a, level, 1);
    if (!pte) panic("vm: out of memory for the kernel page tables");
    if (*pte & PTE_V) panic("vm: kernel address %p mapped twice", (void *)a);
    *pte = PA_TO_PTE(a) | perm | PTE_G | PTE_A | PTE_D | PTE_V;
    a += LEVEL_SIZE(level);
  }
}

/* Switches to the kernel's table with every ASID bit set and reads back which ones stuck (the
   architected way to find ASIDLEN). Panics if the hart ignores the write: no Sv39. */
static void enable_paging(void) {
  uint64 satp = SATP_MODE_SV39 | PA_TO_PTE(kernel_root) >> PTE_PPN_SHIFT;
  csr_write(satp, satp | SATP_ASID_MASK << SATP_ASID_SHIFT);
  uint64 back = csr_read(satp);
  if ((back >> 60) != 8) panic("vm: the hart does not implement Sv39");
  asid_mask = back >> SATP_ASID_SHIFT & SATP_ASID_MASK;
  use_asids = asid_mask >= NPROC; /* ASIDs 1..NPROC, 0 for the kernel's own table */
  csr_write(satp, satp);
  sfence_vma_all();
}

void vm_init(void) {
  kernel_root = kzalloc();
  if (!kernel_root) panic("vm: no memory for the kernel root table");
  uint64 text_end = (uint64)__text_end, rodata_end = (uint64)__rodata_end;
  map_kernel_range(KERNEL_BASE, text_end, PTE_R | PTE_X);
  map_kernel_range(text_end, rodata_end, PTE_R);
  map_kernel_range(rodata_end, KERNEL_MEM_END, PTE_R | PTE_W);
  enable_paging();
}

pagetable_t vm_kernel_root(void) { return kernel_root; }

pagetable_t vm_create(void) {
  pagetable_t root = kzalloc();
  if (!root) return NULL;
  for (uint64 i = USER_ROOT_ENTRIES; i < 512; i++) root[i] = kernel_root[i];
  return root;
}

/* Frees every page below `table` (at `level`), and the tables themselves, but not `table`. */
static void free_subtree(pagetable_t table, int level) {
  for (int i = 0; i < 512; i++) {
    pte_t pte = table[i];
    if (!(pte & PTE_V)) continue;
    if (level > 0 && !is_leaf(pte)) {
      free_subtree((pagetable_t)PTE_TO_PA(pte), level - 1);
    } else if (level > 0) {
      panic("vm: unexpected user superpage");
    }
    kfree((void *)PTE_TO_PA(pte));
    table[i] = 0;
  }
}

void vm_free_user(pagetable_t root) {
  for (uint64 i = 0; i < USER_ROOT_ENTRIES; i++) {
    if (!(root[i] & PTE_V)) continue;
    free_subtree((pagetable_t)PTE_TO_PA(root[i]), 1);
    kfree((void *)PTE_TO_PA(root[i]));
    root[i] = 0;
  }
}

void vm_destroy(pagetable_t root) {
  vm_free_user(root);
  kfree(root);
}

int vm_map_user(pagetable_t root, uint64 va, void *page, uint64 perm) {
  pte_t *pte = walk(root, va, 0, 1);
  if (!pte) return -1;
  if (*pte & PTE_V) panic("vm: user address %p mapped twice", (void *)va);
  *pte = PA_TO_PTE(page) | perm | PTE_U | PTE_A | PTE_D | PTE_V;
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
    pte_t *pte = walk(root, va, 0, 0);
    if (!pte || !(*pte & PTE_V)) panic("vm: unmapping unmapped user address %p", (void *)va);
    kfree((void *)PTE_TO_PA(*pte));
    *pte = 0;
  }
}

/* Copies the subtree under src_table into dst_table (same level): new tables, new frames. */
static int copy_subtree(pagetable_t src_table, pagetable_t dst_table, int level) {
  for (int i = 0; i < 512; i++) {
    pte_t pte = src_table[i];
    if (!(pte & PTE_V)) continue;
    void *page = level > 0 ? kzalloc() : kalloc();
    if (!page) return -1;
    if (level > 0) {
      dst_table[i] = PA_TO_PTE(page) | PTE_V;
      if (copy_subtree((pagetable_t)PTE_TO_PA(pte), page, level - 1) < 0) return -1;
    } else {
      memcpy(page, (void *)PTE_TO_PA(pte), PAGE_SIZE);
      dst_table[i] = PA_TO_PTE(page) | (pte & ((1UL << PTE_PPN_SHIFT) - 1));
    }
  }
  return 0;
}

/* On failure the partial copy stays in dst, where vm_destroy(dst) frees it. */
int vm_copy_user(pagetable_t src, pagetable_t dst) {
  for (uint64 i = 0; i < USER_ROOT_ENTRIES; i++) {
    if (!(src[i] & PTE_V)) continue;
    pagetable_t table = kzalloc();
    if (!table) return -1;
    dst[i] = PA_TO_PTE(table) | PTE_V;
    if (copy_subtree((pagetable_t)PTE_TO_PA(src[i]), table, 1) < 0) return -1;
  }
  return 0;
}

uint64 vm_user_pa(pagetable_t root, uint64 va, uint64 perm) {
  if (va >= USER_VA_TOP) return 0;
  pte_t *pte = walk(root, va, 0, 0);
  if (!pte) return 0;
  uint64 need = PTE_V | PTE_U | perm;
  if ((*pte & need) != need) return 0;
  return PTE_TO_PA(*pte) | (va & (PAGE_SIZE - 1));
}

uint64 vm_asid_for_slot(int slot) { return use_asids ? (uint64)slot + 1 : 0; }

void vm_activate(pagetable_t root, uint64 asid) {
  csr_write(satp, SATP_MODE_SV39 | asid << SATP_ASID_SHIFT | (uint64)root >> PAGE_SHIFT);
  if (!use_asids) sfence_vma_all();
}

void vm_flush_asid(uint64 asid) {
  if (use_asids)
    sfence_vma_asid(asid);
  else
    sfence_vma_all();
}
