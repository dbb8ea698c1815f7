/* The kernel's mapping on bare hardware: identity (virtual = physical) from KERNEL_BASE to
   KERNEL_MEM_END, its image with 4 KiB pages and W^X permissions (text R-X, rodata R--, data
   RW-), the rest with 2 MiB megapages where alignment allows, and the virtio-mmio registers
   (RW-, at VIRTIO_MMIO_VA: the user gigabyte holds their physical addresses); all global, none U. Then paging goes on, finding how many ASID bits the hart has. */
#include "kmap.h"
#include "console.h"
#include "memlayout.h"
#include "pt.h"
#include "vm.h"

extern char __text_end[], __rodata_end[];

#define LEVEL_SIZE(level) (1UL << (PAGE_SHIFT + 9 * (level)))

static pagetable_t kernel_root;

/* Maps [start, end) at virtual address start + offset, with megapages where alignment allows. */
static void map_kernel_range(uint64 start, uint64 end, uint64 offset, uint64 perm) {
  for (uint64 a = start; a < end;) {
    int level = (a % MEGAPAGE_SIZE == 0 && end - a >= MEGAPAGE_SIZE) ? 1 : 0;
    pte_t *pte = vm_walk(kernel_root, a + offset, level, 1);
    if (!pte) panic("vm: out of memory for the kernel page tables");
    if (pt_read(pte) & PTE_V) panic("vm: kernel address %p mapped twice", (void *)(a + offset));
    pt_write(pte, pt_make(a, perm | PTE_G | PTE_A | PTE_D | PTE_V));
    a += LEVEL_SIZE(level);
  }
}

/* Switches to the kernel's table with every ASID bit set and reads back which ones stuck (the
   architected way to find ASIDLEN). Panics if the hart ignores the write: no Sv39. */
static uint64 enable_paging(void) {
  uint64 satp = SATP_MODE_SV39 | (uint64)kernel_root >> PAGE_SHIFT;
  csr_write(satp, satp | SATP_ASID_MASK << SATP_ASID_SHIFT);
  uint64 back = csr_read(satp);
  if ((back >> 60) != 8) panic("vm: the hart does not implement Sv39");
  csr_write(satp, satp);
  sfence_vma_all();
  return back >> SATP_ASID_SHIFT & SATP_ASID_MASK;
}

pagetable_t kmap_init(uint64 *asid_mask) {
  kernel_root = pt_alloc_root();
  if (!kernel_root) panic("vm: no memory for the kernel root table");
  uint64 text_end = (uint64)__text_end, rodata_end = (uint64)__rodata_end;
  map_kernel_range(KERNEL_BASE, text_end, 0, PTE_R | PTE_X);
  map_kernel_range(text_end, rodata_end, 0, PTE_R);
  map_kernel_range(rodata_end, KERNEL_MEM_END, 0, PTE_R | PTE_W);
  map_kernel_range(VIRTIO_MMIO_START, VIRTIO_MMIO_END, VIRTIO_MMIO_VA - VIRTIO_MMIO_START, PTE_R | PTE_W);
  *asid_mask = enable_paging();
  return kernel_root;
}
