/**
 * What the two hardware-assisted strategies share: the guest runs in VS/VU, its virtual CPU state
 * lives in the hart's registers and VS CSRs while it runs (saved by the world switch while it is
 * off the hart), SBI calls arrive as ECALLs from VS, and the guest's timer is the host's CLINT
 * compare register, its expiry an exit that injects VSTIP through hvip. Exceptions the VMM does not
 * handle itself reach the guest as they would on a hart without a hypervisor behind it.
 */
import type { Machine } from '../../../bindings/machine.js';
import type { ExitRecord } from '../../../bindings/exit.js';
import { CSR, CAUSE, IRQ, SSTATUS, bit, ALL_CAUSES, GUEST_EXCEPTIONS } from '../csr.js';
import { serveSbi, expireTimer } from '../sbi.js';
import { HartContext, VS_GUEST_CSRS, switchIn, switchOut } from '../world-switch.js';
import { RESUME, IDLE, type ExitAction } from '../strategy.js';
import type { Vm } from '../vm.js';

/** The modes a guest runs in under the hardware-assisted strategies: VU and VS. */
export const VS_MODES: readonly [number, boolean][] = [[0, true], [1, true]];

/** A guest in VS: its hart context, starting in VS at the kernel's entry with every owned CSR zero. */
export const vsContext = (entry: bigint): HartContext => new HartContext(VS_GUEST_CSRS, entry, 1, true);

export interface VsHartOptions {
  /** Exceptions delegated to the guest without an exit (the rest exit). */
  guestExceptions: bigint;
  /** hstatus.VTVM: satp accesses and SFENCE.VMA in VS exit as virtual instructions. */
  trapVm: boolean;
  /** hgatp (0: no G-stage). */
  hgatp: bigint;
}

/** The world switch in of a guest in VS: the host's controls for it, then its own state. */
export function enterVs(m: Machine, vm: Vm, ctx: HartContext, o: VsHartOptions): void {
  switchIn(m, vm, {
    medeleg: o.guestExceptions,
    hedeleg: o.guestExceptions,
    hideleg: bit(IRQ.vssi) | bit(IRQ.vsti) | bit(IRQ.vsei),
    mie: bit(IRQ.mti),
    hstatus: o.trapVm ? bit(20) : 0n,
    hgatp: o.hgatp,
    exits: {
      exitOnException: ALL_CAUSES & ~o.guestExceptions,
      exitOnInterrupt: bit(IRQ.mti) | bit(IRQ.msi) | bit(IRQ.mei) | bit(IRQ.sti) | bit(IRQ.ssi) | bit(IRQ.sei),
      // WFI exits: the machine's clock is every VM's, so no guest may make the core skip it forward.
      exitOnWfi: true,
    },
  }, ctx);
}
export { switchOut as leaveVs };

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

const { SIE, SPIE, SPP } = SSTATUS;

/** Delivers an exception to the guest kernel in VS as the hart would have (vscause, vsepc, vstval, vsstatus). */
export function injectIntoVs(m: Machine, cause: bigint, tval: bigint, pc: bigint): void {
  const vss = m.readCsr(CSR.vsstatus);
  m.writeCsr(CSR.vscause, cause);
  m.writeCsr(CSR.vsepc, pc);
  m.writeCsr(CSR.vstval, tval);
  m.writeCsr(CSR.vsstatus, (vss & ~(SPP | SPIE | SIE)) | (m.priv === 1 ? SPP : 0n) | ((vss & SIE) !== 0n ? SPIE : 0n));
  m.clearReservation();
  m.priv = 1;
  m.pc = m.readCsr(CSR.vstvec) & ~3n;
}

/**
 * What the guest sees of an exit the VMM does not emulate, as on a hart with no hypervisor: an
 * instruction the VMM does not offer (a virtual-instruction exit: HLV/HSV, HFENCE, the H CSRs)
 * is illegal; an access outside its RAM (a guest-page fault: no G-stage mapping, no device) is an
 * access fault, as the bus gives on bare hardware.
 */
export function reflectToVs(m: Machine, vm: Vm, exit: ExitRecord): ExitAction | undefined {
  const asFault = GUEST_PAGE_TO_ACCESS[exit.cause ?? -1];
  if (exit.cause === CAUSE.virtualInstruction) injectIntoVs(m, BigInt(CAUSE.illegal), BigInt(exit.insn), exit.pc);
  else if (asFault !== undefined) injectIntoVs(m, BigInt(asFault), exit.tval ?? 0n, exit.pc);
  else return undefined;
  vm.stats.exit('guest-fault');
  vm.stats.reflected++;
  return RESUME;
}
const GUEST_PAGE_TO_ACCESS: Record<number, number> = {
  [CAUSE.fetchGuestPage]: CAUSE.fetchAccess, [CAUSE.loadGuestPage]: CAUSE.loadAccess, [CAUSE.storeGuestPage]: CAUSE.storeAccess,
};

/** Everything else a hardware-assisted guest can do to exit is fatal for the VM. */
export function unexpected(vm: Vm, exit: ExitRecord): ExitAction {
  vm.stats.exit('fatal');
  const what = exit.reason === 'trap' ? `exception ${exit.cause} (tval 0x${exit.tval?.toString(16)}, gpa 0x${exit.gpa?.toString(16)})` : exit.reason;
  return { kind: 'crash', why: `${what} at pc 0x${exit.pc.toString(16)}` };
}

export { CAUSE, GUEST_EXCEPTIONS };
