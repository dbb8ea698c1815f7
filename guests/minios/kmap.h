/* The kernel's own mapping, shared by every address space (the root entries above the user
   gigabyte). */
#ifndef MINIOS_KMAP_H
#define MINIOS_KMAP_H

#include "types.h"

/* Builds (native) or adopts (PV: the domain builder's) the kernel's root table, switches to it
   and returns it; *asid_bits gets the number of ASID bits address spaces may use. */
pagetable_t kmap_init(uint64 *asid_mask);

#endif
