/* Hypercalls: ECALL from S with the number in a7 and arguments in a0-a5; the result in a0. */
#ifndef MINIOS_PV_HYPERCALL_H
#define MINIOS_PV_HYPERCALL_H

#include "pv/xen.h"

static inline int64 hypercall(uint64 nr, uint64 a0, uint64 a1, uint64 a2, uint64 a3) {
  register uint64 r0 asm("a0") = a0;
  register uint64 r1 asm("a1") = a1;
  register uint64 r2 asm("a2") = a2;
  register uint64 r3 asm("a3") = a3;
  register uint64 r7 asm("a7") = nr;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r7) : "memory");
  return (int64)r0;
}

static inline int64 HYPERVISOR_set_timer_op(uint64 t) { return hypercall(__HYPERVISOR_set_timer_op, t, 0, 0, 0); }
static inline int64 HYPERVISOR_sched_op(int cmd, void *arg) { return hypercall(__HYPERVISOR_sched_op, (uint64)cmd, (uint64)arg, 0, 0); }
static inline int64 HYPERVISOR_event_channel_op(int cmd, void *arg) {
  return hypercall(__HYPERVISOR_event_channel_op, (uint64)cmd, (uint64)arg, 0, 0);
}
static inline int64 HYPERVISOR_console_io(int cmd, uint64 count, const char *buf) {
  return hypercall(__HYPERVISOR_console_io, (uint64)cmd, count, (uint64)buf, 0);
}
static inline int64 HYPERVISOR_set_trap_table(const struct trap_info *t) { return hypercall(__HYPERVISOR_set_trap_table, (uint64)t, 0, 0, 0); }
static inline int64 HYPERVISOR_multicall(struct multicall_entry *calls, uint64 n) { return hypercall(__HYPERVISOR_multicall, (uint64)calls, n, 0, 0); }
static inline int64 HYPERVISOR_mmu_update(struct mmu_update *u, uint64 n, uint32 *done, uint64 dom) {
  return hypercall(__HYPERVISOR_mmu_update, (uint64)u, n, (uint64)done, dom);
}
static inline int64 HYPERVISOR_mmuext_op(struct mmuext_op *o, uint64 n, uint32 *done, uint64 dom) {
  return hypercall(__HYPERVISOR_mmuext_op, (uint64)o, n, (uint64)done, dom);
}
static inline int64 HYPERVISOR_grant_table_op(int cmd, void *uop, uint64 count) {
  return hypercall(__HYPERVISOR_grant_table_op, (uint64)cmd, (uint64)uop, count, 0);
}

#endif
