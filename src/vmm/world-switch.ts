/**
 * The world switch: what puts a VM on the hart and takes it off again, so that nothing one VM
 * leaves in the hart can be observed by the next one.
 *
 * Hart state falls into two kinds:
 * - what the guest owns, because it can write it while it runs: x1..x31, pc, its privilege and V,
 *   and (in VS/VU) the VS CSRs that stand in for the S CSRs at V=1, hvip's VS bits (the guest's
 *   sip.SSIP, the VMM's injected VSTIP), and scounteren and senvcfg, which have no VS copy, so the
 *   guest writes the hart's own. These are saved at the switch out and restored at the switch in.
 * - what the host owns: delegation, interrupt enables and pending bits, hstatus, hgatp, counters
 *   enables, exit controls, the timer compare register. These are written from scratch at every
 *   switch in, never inherited; mip's S-level software bits are cleared (no VM uses HS interrupts).
 * And the LR/SC reservation is dropped at every switch (an SC after it fails, which the spec allows).
 *
 * Translations need no flush at a switch: every VM's address spaces carry tags (shadow ASIDs, VMIDs)
 * from the host's allocators, which no other VM holds (tags.ts). The decoded-instruction cache is
 * indexed by host-physical page and kept coherent on every write, and a VM can only reach its own
 * frames, so its decoded pages are its own; frames handed to another VM are zeroed, which drops them.
 */
import type { Machine, MachineConfig } from '../../bindings/machine.js';
import { CSR, IRQ, bit, ALL_CAUSES } from './csr.js';
import type { Vm } from './vm.js';

/** The CSRs a guest running in VS/VU writes, directly or through the S CSRs at V=1. */
export const VS_GUEST_CSRS: readonly number[] = [
  CSR.vsstatus, CSR.vsie, CSR.vstvec, CSR.vsscratch, CSR.vsepc, CSR.vscause, CSR.vstval, CSR.vsatp,
  CSR.hvip, CSR.scounteren, CSR.senvcfg,
];

const ALL_COUNTERS = 0xffff_ffffn;
/** mip bits software may write at S level (SSIP, STIP, SEIP): the host uses none of them. */
const S_PENDING = bit(IRQ.ssi) | bit(IRQ.sti) | bit(IRQ.sei);

/** A VM's hart context while it is off the hart. */
export class HartContext {
  regs: bigint[] = new Array(32).fill(0n);
  /** Values of the CSRs the guest owns (absent: 0, their value at the VM's boot). */
  readonly csrs = new Map<number, bigint>();
  constructor(readonly owned: readonly number[], public pc: bigint, public priv: number, public virt: boolean) {}
}

/** The host's side of a switch in: everything a strategy decides about how its VM runs. */
export interface HostControls {
  medeleg: bigint;
  /** mie's host bits (the VS bits are the guest's: its vsie). */
  mie: bigint;
  /** Interrupts delegated to S (a paravirtual kernel takes its event upcall, SSI, itself). */
  mideleg?: bigint;
  hedeleg?: bigint;
  hideleg?: bigint;
  hstatus?: bigint;
  hgatp?: bigint;
  /** satp at V=0 (a shadow root for a guest in U, else 0). */
  satp?: bigint;
  /** mstatus bits the strategy wants set (TVM for a paravirtual kernel); MPRV, TVM, TW, TSR, SUM, MXR are cleared otherwise. */
  mstatus?: bigint;
  exits: Required<Pick<MachineConfig, 'exitOnException' | 'exitOnInterrupt' | 'exitOnWfi'>> & Pick<MachineConfig, 'exitOnMmio'>;
}

/**
 * The host's controls for a deprivileged guest (trap-and-emulate, binary translation): it runs in
 * U on the shadow root `satp`, every exception and the machine's interrupts exit to the VMM.
 */
export function deprivilegedControls(satp: bigint): HostControls {
  return {
    medeleg: 0n,
    mie: bit(IRQ.mti),
    satp,
    exits: { exitOnException: ALL_CAUSES, exitOnInterrupt: bit(IRQ.mti) | bit(IRQ.msi) | bit(IRQ.mei), exitOnWfi: false },
  };
}

const MSTATUS_HOST = (1n << 17n) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 18n) | (1n << 19n); // MPRV TVM TW TSR SUM MXR
const VS_INTERRUPTS = bit(IRQ.vssi) | bit(IRQ.vsti) | bit(IRQ.vsei);

/** Puts `vm` on the hart: the host's controls from scratch, then the guest's own state. */
export function switchIn(m: Machine, vm: Vm, host: HostControls, ctx: HartContext): void {
  m.virt = false;
  m.priv = 3;
  const ms = m.readCsr(CSR.mstatus);
  m.writeCsr(CSR.mstatus, (ms & ~MSTATUS_HOST) | (host.mstatus ?? 0n));
  m.writeCsr(CSR.medeleg, host.medeleg);
  m.writeCsr(CSR.mideleg, host.mideleg ?? 0n);
  m.writeCsr(CSR.hedeleg, host.hedeleg ?? 0n);
  m.writeCsr(CSR.hideleg, host.hideleg ?? 0n);
  m.writeCsr(CSR.mie, host.mie & ~VS_INTERRUPTS);
  m.writeCsr(CSR.mip, m.readCsr(CSR.mip) & ~S_PENDING);
  m.writeCsr(CSR.hvip, 0n);
  m.writeCsr(CSR.mcounteren, ALL_COUNTERS);
  m.writeCsr(CSR.hcounteren, ALL_COUNTERS);
  m.writeCsr(CSR.scounteren, ALL_COUNTERS);
  m.writeCsr(CSR.senvcfg, 0n);
  m.writeCsr(CSR.henvcfg, 0n);
  m.writeCsr(CSR.htimedelta, 0n);
  m.writeCsr(CSR.hstatus, host.hstatus ?? 0n);
  m.writeCsr(CSR.hgatp, host.hgatp ?? 0n);
  m.writeCsr(CSR.satp, host.satp ?? 0n);
  for (const csr of ctx.owned) m.writeCsr(csr, ctx.csrs.get(csr) ?? 0n); // vsie lands in mie through hideleg
  m.configure({ exitOnMmio: false, ...host.exits });
  for (let i = 1; i < 32; i++) m.setReg(i, ctx.regs[i]);
  m.pc = ctx.pc;
  m.timerCompare = vm.timerDeadline;
  m.clearReservation();
  m.priv = ctx.priv;
  m.virt = ctx.virt;
}

/** Takes the VM off the hart: its registers, pc, mode and owned CSRs into its context. */
export function switchOut(m: Machine, ctx: HartContext): void {
  for (let i = 1; i < 32; i++) ctx.regs[i] = m.getReg(i);
  ctx.pc = m.pc;
  ctx.priv = m.priv;
  ctx.virt = m.virt;
  for (const csr of ctx.owned) ctx.csrs.set(csr, m.readCsr(csr));
  m.clearReservation();
}
