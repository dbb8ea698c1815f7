/**
 * The SBI a VMM offers its guests (the interface OpenSBI offers on QEMU's virt machine): console
 * putchar, set_timer, system reset. Every strategy reaches it from its own exit (an ECALL from VS,
 * or an ECALL from the guest kernel deprivileged to U).
 */
import type { Machine } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { RESUME, type ExitAction } from './strategy.js';
import { NO_TIMER, type Vm } from './vm.js';


const EID_LEGACY_SET_TIMER = 0x00, EID_LEGACY_PUTCHAR = 0x01, EID_LEGACY_SHUTDOWN = 0x08;
const EID_BASE = 0x10, EID_TIME = 0x5449_4d45, EID_SRST = 0x5352_5354;
const SBI_SUCCESS = 0n, SBI_ERR_NOT_SUPPORTED = -2n;

export interface SbiResult { error: bigint; value: bigint }

/** Carries out one SBI call (a7 = EID, a6 = FID, args a0..a2). */
export function sbiCall(vm: Vm, eid: bigint, fid: bigint, args: bigint[]): SbiResult {
  switch (Number(eid)) {
    case EID_LEGACY_PUTCHAR:
      vm.consoleLog.put(Number(args[0] & 0xffn));
      return { error: SBI_SUCCESS, value: 0n };
    case EID_LEGACY_SET_TIMER:
      vm.timerDeadline = args[0];
      return { error: SBI_SUCCESS, value: 0n };
    case EID_TIME:
      if (fid !== 0n) break;
      vm.timerDeadline = args[0];
      return { error: SBI_SUCCESS, value: 0n };
    case EID_SRST:
      if (fid !== 0n) break;
      vm.exitCode = args[1] === 0n ? 0 : 1;
      return { error: SBI_SUCCESS, value: 0n };
    case EID_LEGACY_SHUTDOWN:
      vm.exitCode = 0;
      return { error: SBI_SUCCESS, value: 0n };
    case EID_BASE:
      if (fid === 0n) return { error: SBI_SUCCESS, value: 2n }; // spec version 0.2
      if (fid === 3n) return { error: SBI_SUCCESS, value: [EID_TIME, EID_SRST, EID_LEGACY_PUTCHAR].includes(Number(args[0])) ? 1n : 0n };
      return { error: SBI_SUCCESS, value: 0n };
  }
  return { error: SBI_ERR_NOT_SUPPORTED, value: 0n };
}

const isTimerCall = (eid: bigint): boolean => eid === BigInt(EID_TIME) || eid === BigInt(EID_LEGACY_SET_TIMER);

/**
 * The exit of an SBI call (the guest kernel's ECALL at exit.pc): carried out, results in a0/a1, the
 * guest resumes after it. A new timer deadline programs the host's compare register and clears
 * the guest's pending tick (`clearTick`: where the strategy keeps it).
 */
export function serveSbi(m: Machine, vm: Vm, exit: ExitRecord, clearTick: () => void): ExitAction {
  vm.stats.exit('sbi');
  const eid = m.getReg(17);
  const r = sbiCall(vm, eid, m.getReg(16), [m.getReg(10), m.getReg(11), m.getReg(12)]);
  m.setReg(10, r.error);
  m.setReg(11, r.value);
  m.pc = exit.pc + 4n;
  if (isTimerCall(eid)) { clearTick(); m.timerCompare = vm.timerDeadline; }
  if (vm.exitCode !== undefined) return { kind: 'halt', code: vm.exitCode };
  return RESUME;
}

/** The host timer fired at the guest's deadline: disarmed until the next set_timer (the strategy injects the tick). */
export function expireTimer(m: Machine, vm: Vm): void {
  vm.stats.exit('timer');
  vm.timerDeadline = NO_TIMER;
  m.timerCompare = NO_TIMER;
}
