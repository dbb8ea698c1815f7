/* The memory map: physical addresses of the machine, the kernel's memory and user virtual
   addresses. The kernel runs identity-mapped (virtual = physical) in every address space. */
#ifndef MINIOS_MEMLAYOUT_H
#define MINIOS_MEMLAYOUT_H

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define MEGAPAGE_SIZE (2UL << 20)
#define PAGE_ROUND_UP(a) (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(a) ((a) & ~(PAGE_SIZE - 1))

/* RAM starts at 0x8000_0000 (QEMU virt). The first 2 MiB belong to the M-mode stub (the firmware,
   like OpenSBI); the S-mode kernel is linked at 0x8020_0000, where OpenSBI would jump. The kernel
   manages RAM from the end of its image up to RAM_BASE + 32 MiB: the machine has at least 64 MiB,
   and a fixed amount keeps free-page counts, and thus behaviour, the same on every machine. */
#define RAM_BASE 0x80000000UL
#define KERNEL_BASE 0x80200000UL
#define KERNEL_MEM_END (RAM_BASE + (32UL << 20))

/* QEMU virt's eight virtio-mmio transports (native kernel only: the block device), and where the
   kernel maps them: at the top of its own gigabyte, as their physical addresses are user ones. */
#define VIRTIO_MMIO_START 0x10001000UL
#define VIRTIO_MMIO_END 0x10009000UL
#define VIRTIO_MMIO_VA 0xbff01000UL

/* User virtual addresses (all below the kernel's identity mapping, in the first 1 GiB, so one
   root page-table entry covers a whole user address space):
     USER_BASE     the user image (text, rodata, data, bss), then the heap growing up (sbrk)
     USER_STACK_TOP - USER_STACK_SIZE .. USER_STACK_TOP   the stack, mapped at exec
   Nothing else is mapped: an access elsewhere is a page fault that kills the process. */
#define USER_BASE 0x10000UL
#define USER_VA_TOP 0x40000000UL
#define USER_STACK_TOP USER_VA_TOP
#define USER_STACK_PAGES 4
#define USER_STACK_SIZE (USER_STACK_PAGES * PAGE_SIZE)
/* The heap stops one unmapped guard page below the stack. */
#define USER_HEAP_LIMIT (USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE)

#endif
