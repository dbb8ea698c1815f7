/* Fixed-width integer types for a freestanding RV64 (LP64) kernel. */
#ifndef MINIOS_TYPES_H
#define MINIOS_TYPES_H

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef short int16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;
typedef uint64 uintptr;
typedef uint64 size_t;
typedef uint64 pte_t;
typedef pte_t *pagetable_t; /* a 4 KiB page of 512 PTEs */

#define NULL ((void *)0)

#endif
