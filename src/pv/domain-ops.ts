/**
 * The hypercalls about a domain's own vCPU: its trap handler (set_trap_table, the validated
 * "fast" handler every U-mode trap then reaches directly), its timer (set_timer_op, vcpu_op), its
 * scheduling (sched_op: yield, block, shutdown), its console (console_io) and xen_version.
 */
import type { Caller, Handler } from './hypervisor.js';
import { Fields, MAX_COPY } from './guest-access.js';
import { NO_TIMER } from './domain.js';
import { err, SCHEDOP, SHUTDOWN, CONSOLEIO, XENVER, XEN_VERSION, VCPUOP, TRAP_INFO_SIZE } from './abi.js';

const MAX_TRAP_INFO = 256;
const STVEC_MODES = 2; // 0 direct, 1 vectored

const domU = (c: Caller) => c.domain;

/**
 * HYPERVISOR_set_trap_table(table): trap_info entries up to one with address 0. RV64 has one
 * vector, 0 (stvec); `flags` is stvec's MODE. The handler must be 4-byte aligned and executable in
 * S-mode under the domain's current tables (so never a user page). A NULL table removes it.
 */
export const setTrapTable: Handler = (hv, caller, [table]) => {
  const d = domU(caller);
  if (!d) return err('EINVAL');
  if (table === 0n) { d.trapHandler = undefined; return 0; }
  let handler: bigint | undefined;
  for (let i = 0; i < MAX_TRAP_INFO; i++) {
    const b = caller.access.read(table + BigInt(i * TRAP_INFO_SIZE), TRAP_INFO_SIZE);
    if (!b) return err('EFAULT');
    const e = new Fields(b);
    const address = e.u64(8);
    if (address === 0n) break;
    const vector = e.u8(0), mode = e.u8(1);
    if (vector !== 0 || mode >= STVEC_MODES || (address & 3n) !== 0n) return err('EINVAL');
    if (!hv.machine.translate(address, 2, 1).ok) return err('EINVAL');
    handler = address | BigInt(mode);
  }
  if (handler === undefined) return err('EINVAL');
  d.trapHandler = handler;
  return 0;
};

/** HYPERVISOR_set_timer_op(timeout): a one-shot VIRQ_TIMER at `timeout` (time-CSR units; 0 cancels). */
export const setTimerOp: Handler = (_hv, caller, [timeout]) => {
  const d = domU(caller);
  if (!d) return err('EINVAL');
  d.setTimer(timeout === 0n ? NO_TIMER : timeout);
  return 0;
};

/** HYPERVISOR_sched_op(cmd, arg). */
export const schedOp: Handler = (_hv, caller, [cmd, arg]) => {
  const d = domU(caller);
  if (!d) return err('EINVAL');
  switch (Number(cmd)) {
    case SCHEDOP.yield: return 0;
    case SCHEDOP.block:
      // Blocking re-enables upcalls (Xen: local_event_delivery_enable); the strategy wakes the vCPU.
      d.sharedInfo.enableUpcalls();
      d.blockRequested = true;
      return 0;
    case SCHEDOP.shutdown: {
      const b = caller.access.read(arg, 4);
      if (!b) return err('EFAULT');
      const reason = new Fields(b).u32(0);
      if (reason > SHUTDOWN.watchdog) return err('EINVAL');
      d.shutdownCode = reason === SHUTDOWN.poweroff ? 0 : 1;
      return 0;
    }
    default: return err('ENOSYS');
  }
};

/** HYPERVISOR_console_io(cmd, count, buffer): the hypervisor's own console (output only). */
export const consoleIo: Handler = (_hv, caller, [cmd, count, buffer]) => {
  const d = domU(caller);
  if (!d) return err('EINVAL');
  if (Number(cmd) === CONSOLEIO.read) return 0;
  if (Number(cmd) !== CONSOLEIO.write) return err('ENOSYS');
  if (count > BigInt(MAX_COPY)) return err('EINVAL');
  const b = caller.access.read(buffer, Number(count));
  if (!b) return err('EFAULT');
  d.vm.consoleLog.write(b);
  return 0;
};

/** HYPERVISOR_xen_version(cmd, arg). */
export const xenVersion: Handler = (_hv, caller, [cmd, arg]) => {
  switch (Number(cmd)) {
    case XENVER.version: return XEN_VERSION;
    case XENVER.extraversion: {
      const b = new Uint8Array(16);
      b.set(new TextEncoder().encode('.0-vmlab'));
      return caller.access.write(arg, b) ? 0 : err('EFAULT');
    }
    default: return err('ENOSYS');
  }
};

/** HYPERVISOR_vcpu_op(cmd, vcpuid, arg): vCPU 0 exists; its single-shot timer is set_timer_op's. */
export const vcpuOp: Handler = (_hv, caller, [cmd, vcpu, arg]) => {
  const d = domU(caller);
  if (!d) return err('EINVAL');
  if (vcpu !== 0n) return err('ENOENT');
  switch (Number(cmd)) {
    case VCPUOP.is_up: return 1;
    case VCPUOP.set_singleshot_timer: {
      const b = caller.access.read(arg, 16);
      if (!b) return err('EFAULT');
      d.setTimer(new Fields(b).u64(0));
      return 0;
    }
    case VCPUOP.stop_singleshot_timer: d.setTimer(NO_TIMER); return 0;
    default: return err('ENOSYS');
  }
};
