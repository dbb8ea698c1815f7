/* Checked access to user memory. Every user address the kernel touches is first looked up in the
   process's page table (mapped, U, and R or W), so a bad pointer in a syscall gives -1 and never a
   kernel page fault. The copy itself goes through the user's virtual address with sstatus.SUM set
   (S-mode may then access U pages), as a kernel on real hardware does. */
#include "uaccess.h"
#include "memlayout.h"
#include "riscv.h"
#include "sched.h"
#include "string.h"
#include "vm.h"

int user_range_ok(uint64 va, uint64 len, int write) {
  if (len == 0) return 1;
  if (va >= USER_VA_TOP || len > USER_VA_TOP - va) return 0;
  uint64 perm = write ? PTE_W : PTE_R;
  for (uint64 page = PAGE_ROUND_DOWN(va); page < va + len; page += PAGE_SIZE)
    if (!vm_user_pa(myproc()->root, page, perm)) return 0;
  return 1;
}

int copyin(void *dst, uint64 user_src, uint64 len) {
  if (!user_range_ok(user_src, len, UACCESS_READ)) return -1;
  csr_set(sstatus, SSTATUS_SUM);
  memcpy(dst, (const void *)user_src, len);
  csr_clear(sstatus, SSTATUS_SUM);
  return 0;
}

int copyout(uint64 user_dst, const void *src, uint64 len) {
  if (!user_range_ok(user_dst, len, UACCESS_WRITE)) return -1;
  csr_set(sstatus, SSTATUS_SUM);
  memcpy((void *)user_dst, src, len);
  csr_clear(sstatus, SSTATUS_SUM);
  return 0;
}

int64 copyinstr(char *dst, uint64 user_src, uint64 max) {
  for (uint64 n = 0; n < max; n++) {
    /* Check each page as the string enters it: the string may end before an unmapped page. */
    if (n == 0 || (user_src + n) % PAGE_SIZE == 0)
      if (!user_range_ok(user_src + n, 1, UACCESS_READ)) return -1;
    csr_set(sstatus, SSTATUS_SUM);
    char c = *(const volatile char *)(user_src + n);
    csr_clear(sstatus, SSTATUS_SUM);
    dst[n] = c;
    if (c == 0) return (int64)n;
  }
  return -1;
}
