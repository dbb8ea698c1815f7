/* The PV kernel's grant table (v1): entries it fills to let another domain at one of its frames. */
#ifndef MINIOS_PV_GNTTAB_H
#define MINIOS_PV_GNTTAB_H

#include "types.h"

void gnttab_init(void);
/* Grants domain `domid` access to the page at kernel address `page`: the grant reference. */
uint32 gnttab_grant(uint16 domid, void *page, int readonly);
/* Ends a grant: 0, or -1 while the grantee still has it mapped (the entry then stays). */
int gnttab_end(uint32 ref);

#endif
