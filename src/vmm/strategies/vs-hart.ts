/**
 * What the two hardware-assisted strategies share: the guest runs in VS/VU, its virtual CPU state
 * lives in the hart's registers and VS CSRs while it runs (saved here across world switches), SBI
 * calls arrive as ECALLs from VS, and the guest's timer is the host's CLINT compare register, its
 * expiry an exit that injects VSTIP through hvip.
 */
import type { Machine } from '../../../bindings/machine.js';
import type { ExitRecord } from '../../../bindings/exit.js';
import { CSR, CAUSE, IRQ, bit, ALL_CAUSES, GUEST_EXCEPTIONS } from '../csr.js';
import { serveSbi, expireTimer } from '../sbi.js';
import { RESUME, IDLE, type ExitAction } from '../strategy.js';
import type { Vm } from '../vm.js';

const VS_SAVED = [CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsatp, CSR.hvip] as const;

/** A guest's virtual CPU while it is off the hart. */
export class VsVcpu {
  regs: bigint[] = new Array(32).fill(0n);
  pc = 0n;
  priv = 1;
  csrs = new Map<number, bigint>();
}

export interface VsHartOptions {
  /** Exceptions delegated to the guest without an exit (the rest exit). */
  guestExceptions: bigint;
  /** hstatus.VTVM: satp accesses and SFENCE.VMA in VS exit as virtual instructions. */
  trapVm: boolean;
  /** hgatp (0: no G-stage). */
  hgatp: bigint;
}

/** Programs the hart's HS/M-level controls for a guest in VS (the part of a world switch that is not the guest's state). */
export function configureVsHart(m: Machine, o: VsHartOptions): void {
  m.writeCsr(CSR.medeleg, o.guestExceptions);
  m.writeCsr(CSR.hedeleg, o.guestExceptions);
  m.writeCsr(CSR.hideleg, bit(IRQ.vssi) | bit(IRQ.vsti) | bit(IRQ.vsei));
  m.writeCsr(CSR.mie, (m.readCsr(CSR.mie) & (bit(IRQ.vssi) | bit(IRQ.vsti) | bit(IRQ.vsei))) | bit(IRQ.mti));
  m.writeCsr(CSR.mcounteren, 0xffff_ffffn);
  m.writeCsr(CSR.hcounteren, 0xffff_ffffn);
  m.writeCsr(CSR.hstatus, o.trapVm ? bit(20) : 0n);
  m.writeCsr(CSR.hgatp, o.hgatp);
  m.configure({
    exitOnException: ALL_CAUSES & ~o.guestExceptions,
    exitOnInterrupt: bit(IRQ.mti) | bit(IRQ.msi) | bit(IRQ.mei) | bit(IRQ.sti) | bit(IRQ.ssi) | bit(IRQ.sei),
    exitOnWfi: false,
  });
}

/** The guest's state onto the hart. */
export function loadVcpu(m: Machine, c: VsVcpu): void {
  for (let i = 1; i < 32; i++) m.setReg(i, c.regs[i]);
  for (const csr of VS_SAVED) m.writeCsr(csr, c.csrs.get(csr) ?? 0n);
  m.priv = c.priv;
  m.virt = true;
  m.pc = c.pc;
}
/** The guest's state off the hart. */
export function saveVcpu(m: Machine, c: VsVcpu): void {
  for (let i = 1; i < 32; i++) c.regs[i] = m.getReg(i);
  for (const csr of VS_SAVED) c.csrs.set(csr, m.readCsr(csr));
  c.priv = m.priv;
  c.pc = m.pc;
}

/** An SBI call (ECALL from VS); the guest's pending tick is hvip.VSTIP. */
export function handleSbi(m: Machine, vm: Vm, exit: ExitRecord): ExitAction {
  return serveSbi(m, vm, exit, () => m.writeCsr(CSR.hvip, m.readCsr(CSR.hvip) & ~bit(IRQ.vsti)));
}

/** The host timer fired at the guest's deadline: inject VSTIP. */
export function handleTimer(m: Machine, vm: Vm): ExitAction {
  expireTimer(m, vm);
  m.writeCsr(CSR.hvip, m.readCsr(CSR.hvip) | bit(IRQ.vsti));
  return RESUME;
}

/**
 * WFI in VS, when the host made it exit (`exitOnWfi`, to give the pCPU to another VM): the hart
 * has moved past it; the guest idles unless an enabled interrupt is pending (its VSTIP in hvip, or
 * the host timer at its deadline).
 */
export function handleWfi(m: Machine, vm: Vm): ExitAction {
  vm.stats.exit('wfi');
  return (m.readCsr(CSR.mip) & m.readCsr(CSR.mie)) !== 0n ? RESUME : IDLE;
}

/** Everything else a hardware-assisted guest can do to exit is fatal for the VM. */
export function unexpected(vm: Vm, exit: ExitRecord): ExitAction {
  vm.stats.exit('fatal');
  const what = exit.reason === 'trap' ? `exception ${exit.cause} (tval 0x${exit.tval?.toString(16)}, gpa 0x${exit.gpa?.toString(16)})` : exit.reason;
  return { kind: 'crash', why: `${what} at pc 0x${exit.pc.toString(16)}` };
}

export { CAUSE, GUEST_EXCEPTIONS };
