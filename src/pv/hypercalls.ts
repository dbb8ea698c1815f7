/** The hypercall table: Xen's hypercall numbers to their handlers (any other number is -ENOSYS). */
import type { Handler } from './hypervisor.js';
import { HYPERCALL } from './abi.js';
import { mmuUpdate, mmuextOp } from './mmu-ops.js';
import { multicall } from './multicall.js';
import { setTrapTable, setTimerOp, schedOp, consoleIo, xenVersion, vcpuOp } from './domain-ops.js';
import { eventChannelOp } from './evtchn-ops.js';
import { grantTableOp } from './grant-ops.js';

export const HYPERCALLS: Record<number, Handler> = {
  [HYPERCALL.set_trap_table]: setTrapTable,
  [HYPERCALL.mmu_update]: mmuUpdate,
  [HYPERCALL.multicall]: multicall,
  [HYPERCALL.set_timer_op]: setTimerOp,
  [HYPERCALL.xen_version]: xenVersion,
  [HYPERCALL.console_io]: consoleIo,
  [HYPERCALL.grant_table_op]: grantTableOp,
  [HYPERCALL.vcpu_op]: vcpuOp,
  [HYPERCALL.mmuext_op]: mmuextOp,
  [HYPERCALL.sched_op]: schedOp,
  [HYPERCALL.event_channel_op]: eventChannelOp,
};
