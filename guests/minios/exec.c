/* exec: a process gets a new address space built from the user image. Every page of the image is
   copied into fresh frames (text R-X, rodata R--, data and bss RW-), the stack is mapped below
   USER_STACK_TOP with argc/argv on it, and the process starts at the image's _ustart with
   a0 = argc, a1 = argv, a2 = the program's main. */
#include "exec.h"
#include "console.h"
#include "kalloc.h"
#include "memlayout.h"
#include "sched.h"
#include "string.h"
#include "uaccess.h"
#include "userimg.h"
#include "vm.h"

static uint64 image_perm(const struct uimage_header *h, uint64 va) {
  if (va < h->text_end) return PTE_R | PTE_X;
  if (va < h->rodata_end) return PTE_R;
  return PTE_R | PTE_W;
}

static int load_image(pagetable_t root) {
  const struct uimage_header *h = userimg_header();
  for (uint64 va = USER_BASE; va < PAGE_ROUND_UP(h->bss_end); va += PAGE_SIZE) {
    uint8 *page = kalloc();
    if (!page) return -1;
    uint64 n = userimg_copy(page, va, PAGE_SIZE);
    memset(page + n, 0, PAGE_SIZE - n);
    if (vm_map_user(root, va, page, image_perm(h, va)) < 0) {
      kfree(page);
      return -1;
    }
  }
  return 0;
}

/* Maps the stack and lays out, from USER_STACK_TOP down: the argument strings, then argv[]
   (NULL-terminated), with sp 16-byte aligned below. Everything fits in the top page. */
static int setup_stack(pagetable_t root, const struct execargs *args, uint64 *sp, uint64 *argv) {
  if (vm_alloc_user(root, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, PTE_R | PTE_W) < 0)
    return -1;
  uint64 page_va = USER_STACK_TOP - PAGE_SIZE;
  uint8 *page = (uint8 *)vm_user_pa(root, page_va, PTE_W); /* the kernel maps all RAM 1:1 */
  uint64 top = USER_STACK_TOP, pointers[MAXARG + 1];
  for (int i = args->argc - 1; i >= 0; i--) {
    uint64 len = strnlen(args->argv[i], ARGLEN - 1) + 1;
    top -= len;
    memcpy(page + (top - page_va), args->argv[i], len - 1);
    page[top - page_va + len - 1] = 0;
    pointers[i] = top;
  }
  pointers[args->argc] = 0;
  top = (top - (args->argc + 1) * sizeof(uint64)) & ~15UL;
  memcpy(page + (top - page_va), pointers, (args->argc + 1) * sizeof(uint64));
  *sp = *argv = top;
  return 0;
}

int exec_program(struct proc *p, const char *name, const struct execargs *args) {
  const struct uprog *prog = userimg_find(name);
  if (!prog || args->argc < 1 || args->argc > MAXARG) return -1;
  pagetable_t root = vm_create();
  if (!root) return -1;
  uint64 sp, argv;
  if (load_image(root) < 0 || setup_stack(root, args, &sp, &argv) < 0) {
    vm_destroy(root);
    return -1;
  }
  pagetable_t old = p->root;
  p->root = root;
  p->heap_base = p->brk = PAGE_ROUND_UP(userimg_header()->bss_end);
  memset(p->tf, 0, sizeof(*p->tf));
  p->tf->sepc = userimg_header()->start;
  p->tf->regs[REG_SP] = sp;
  p->tf->regs[REG_A0] = (uint64)args->argc;
  p->tf->regs[REG_A1] = argv;
  p->tf->regs[REG_A2] = prog->main;
  memset(p->name, 0, sizeof(p->name));
  memcpy(p->name, prog->name, strnlen(prog->name, sizeof(p->name) - 1));
  if (p == myproc()) vm_activate(root, p->asid);
  vm_flush_asid(p->asid); /* the ASID's old translations belong to the old address space */
  vm_destroy(old);
  return 0;
}

/* One exec at a time (the kernel is never preempted), so the arguments can live here rather than
   take 1 KiB of a 4 KiB kernel stack. */
static struct execargs exec_args;

int64 exec_from_user(uint64 user_name, uint64 user_argv) {
  char name[UPROG_NAME_LEN];
  if (copyinstr(name, user_name, sizeof(name)) < 0) return -1;
  struct execargs *args = &exec_args;
  for (args->argc = 0;; args->argc++) {
    uint64 arg;
    if (copyin(&arg, user_argv + args->argc * sizeof(uint64), sizeof(arg)) < 0) return -1;
    if (!arg) break;
    if (args->argc == MAXARG || copyinstr(args->argv[args->argc], arg, ARGLEN) < 0) return -1;
  }
  if (exec_program(myproc(), name, args) < 0) return -1;
  return args->argc; /* the syscall's result goes to a0, which must hold argc */
}
