/* How the kernel reads and writes page-table entries, chosen at build time: directly on bare
   hardware (pt-native.h), or through validated, batched hypercalls under the Xen-style
   hypervisor (pv/pt-pv.h), where page-table pages are mapped read-only.
     pt_read(p)            the entry at p (as the next pt_commit would leave it)
     pt_settle(t)          afterwards, until the batch writes one, table t's entries read as plain
                           loads (the walks of whole tables use this: free, copy)
     pt_write(p, v)        *p = v, possibly deferred until pt_commit
     pt_make(pa, flags)    an entry mapping the page at kernel address pa
     pt_addr(pte)          the kernel address of the page an entry maps
     pt_alloc_table()      a zeroed page-table page (NULL when out of memory)
     pt_free_table(t)      gives back a page-table page no entry points to any more
     pt_alloc_root()       a root table; pt_free_root(t) gives one back
     pt_set_root(r, asid)  makes r the hart's root with that ASID
     pt_flush_tlb_asid(a)  drops the TLB's entries of ASID a; pt_flush_tlb_all() of every ASID
     pt_commit()           every write so far takes effect
     pt_reclaim()          1 if committing gave memory back (a kalloc that failed may retry) */
#ifndef MINIOS_PT_H
#define MINIOS_PT_H

#ifdef MINIOS_PV
#include "pv/pt-pv.h"
#else
#include "pt-native.h"
#endif

#endif
