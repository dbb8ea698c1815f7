/**
 * A translation unit while it is built: the words of its translation, where each guest
 * instruction's translation starts (the map from translated to guest pcs), its callout sites, and
 * its exits to other guest pcs (chained once their target is translated).
 */
import type { GuestInsn } from './decode.js';
import type { VcpuField } from './layout.js';
import { ECALL, ld, sd, addi } from './encode.js';
import { FIELD } from './layout.js';

export type CalloutKind =
  | 'chain' | 'indirect' | 'sbi' | 'csr' | 'satp' | 'sstatus' | 'sret' | 'wfi' | 'sfence' | 'reflect' | 'pt-store' | 'x0-access';

/** What the VMM must do at a callout (an ECALL in the translation cache). */
export interface Site {
  kind: CalloutKind;
  /** The guest instruction the site stands for, and the guest pc after it. */
  guestPc: bigint;
  guestNext: bigint;
  insn?: GuestInsn;
  /** Scratch registers to restore from the vCPU page before the guest goes on. */
  restore: [number, VcpuField][];
  /** Words after the ECALL to skip when the VMM resumes the unit (0: the next one). */
  resumeSkip: number;
  /** chain: the guest pc the exit goes to. */
  target?: bigint;
  /** chain: the conditional branch 8 bytes before this exit that jumps to it (its encoding), for a taken-branch exit. */
  branch?: number;
  /** reflect: the exception the guest takes. */
  cause?: number;
}

export class UnitBuilder {
  readonly words: number[] = [];
  /** Where each guest instruction's translation begins, as (word index, guest pc, guest pc after it). */
  readonly marks: [number, bigint, bigint][] = [];
  readonly sites: [number, Site][] = [];
  /** Guest instructions translated. */
  instructions = 0;
  /** In-TC emulations emitted. */
  emulations = 0;
  ended = false;

  /** `counting`: every in-TC emulation increments FIELD.emulations (five instructions more each). */
  constructor(readonly guestPc: bigint, readonly counting = false) {}

  /** An in-TC emulation sequence begins here. */
  emulation(): void {
    this.emulations++;
    if (this.counting) this.emit(sd(31, FIELD.spillCount, 0), ld(31, FIELD.emulations, 0), addi(31, 31, 1), sd(31, FIELD.emulations, 0), ld(31, FIELD.spillCount, 0));
  }

  get offset(): number { return this.words.length; }
  begin(guestPc: bigint, length: number): void { this.marks.push([this.offset, guestPc, guestPc + BigInt(length)]); this.instructions++; }
  emit(...w: number[]): void { this.words.push(...w); }
  /** An ECALL the VMM handles as `site`. */
  callout(site: Site): void { this.sites.push([this.offset, site]); this.emit(ECALL); }
  /**
   * An exit to guest pc `target`: an ECALL until the target is translated, then a JAL to it (and,
   * for the taken exit of conditional branch `branch`, the branch itself straight to the target
   * when it is within reach).
   */
  exitTo(target: bigint, guestPc: bigint, branch?: number): void {
    this.callout({ kind: 'chain', guestPc, guestNext: target, target, restore: [], resumeSkip: 0, branch });
  }
}
