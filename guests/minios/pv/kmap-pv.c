/* The PV kernel's mapping is the domain builder's (4 KiB pages over the kernel's memory, its
   tables read-only, pinned and already the vCPU's root): the kernel adopts it. */
#include "kmap.h"
#include "pv/pv.h"

pagetable_t kmap_init(uint64 *asid_mask) {
  *asid_mask = 0xffff; /* MMUEXT_NEW_BASEPTR takes a 16-bit ASID */
  return (pagetable_t)pv_start_info->pt_base;
}
