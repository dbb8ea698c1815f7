/**
 * Emulated device registers: a guest load or store that reached a device's guest-physical address
 * (a shadow or G-stage fault on an address outside the VM's RAM) is carried out on the VM's
 * device bus and the instruction retired, as a trap-and-emulate VMM does for every I/O access.
 */
import type { ExitRecord } from '../../bindings/exit.js';
import type { Machine } from '../../bindings/machine.js';
import { decodeLoad, decodeStore } from './decode.js';
import { RESUME, insnLength, type ExitAction } from './strategy.js';
import type { Vm } from './vm.js';

/** Whether the VM has a device at guest-physical `gpa`. */
export const isDevice = (vm: Vm, gpa: bigint): boolean => vm.mmio.claims(gpa);

/** Carries out the access of the instruction at exit.pc to the device register at `gpa`. */
export function emulateMmio(m: Machine, vm: Vm, exit: ExitRecord, gpa: bigint): ExitAction {
  const bits = (exit.insn & 3) === 3 ? exit.insn : m.expandCompressed(exit.insn);
  const load = decodeLoad(bits), store = decodeStore(bits);
  if (!load && !store) {
    return { kind: 'crash', why: `a device access the VMM cannot emulate at pc 0x${exit.pc.toString(16)} (0x${exit.insn.toString(16)}) to 0x${gpa.toString(16)}` };
  }
  vm.stats.exit('mmio');
  vm.stats.emulated++;
  if (load) {
    const v = vm.mmio.load(gpa, load.size) ?? 0n;
    const bitsOf = BigInt(load.size * 8);
    if (load.rd !== 0) m.setReg(load.rd, load.signed ? BigInt.asUintN(64, BigInt.asIntN(Number(bitsOf), v)) : BigInt.asUintN(Number(bitsOf), v));
  } else {
    vm.mmio.store(gpa, store!.size, BigInt.asUintN(store!.size * 8, m.getReg(store!.rs2)));
  }
  m.pc = exit.pc + insnLength(exit.insn);
  return RESUME;
}
