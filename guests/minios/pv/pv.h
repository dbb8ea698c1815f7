/* The PV kernel's view of its memory: it runs at virtual = pseudo-physical addresses, and its
   page tables hold machine frame numbers, so it converts both ways (the P2M from start_info, and
   its own M2P built from it at boot). */
#ifndef MINIOS_PV_PV_H
#define MINIOS_PV_PV_H

#include "pv/xen.h"

extern struct start_info *pv_start_info;

/* pv_mfn(pa) and pv_addr_of_mfn(mfn) convert (pv/pt-pv.h). */
#include "pv/pt-pv.h"
/* A "key=number" of the command line, or `fallback`. */
uint64 pv_cmdline_number(const char *key, uint64 fallback);

void pt_pv_init(void);
void events_init(void);
void pv_time_init(void);
int events_upcall(void);
void pv_console_init(void);
void pv_console_flush(void);

#endif
