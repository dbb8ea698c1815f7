/** Why `run` returned. The numbers are the core's (assembly/cpu/defs.ts). */
export const EXIT_REASONS = ['none', 'budget', 'halt', 'trap', 'mmio', 'wfi', 'console', 'interrupt', 'not-present'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** The exit record of one `run`: what a VMM needs to handle the exit without re-fetching. */
export interface ExitRecord {
  reason: ExitReason;
  /** pc of the instruction that exited (for halt and wfi: of the next one). */
  pc: bigint;
  /** Instruction bits of the exiting instruction (16 or 32 bits), 0 when none. */
  insn: number;
  /** trap: the exception cause and trap value; interrupt: the interrupt number (it stays pending). */
  cause?: number;
  tval?: bigint;
  /**
   * trap: for a guest-page fault the guest physical address (htval << 2 plus the low bits), else 0;
   * `tinst` is what htinst would hold (a transformed load/store, or 0x3000/0x3020 for the implicit
   * PTE read/write of a VS-stage walk, else 0).
   */
  gpa?: bigint;
  tinst?: number;
  /** trap and interrupt: the mode the hart was in (V and privilege). */
  virt?: boolean;
  priv?: number;
  /** halt: the guest's exit code (0 = success). */
  code?: number;
  /**
   * not-present: the physical address of the RAM page (page-aligned) an access needed that is
   * marked not present (`Machine.setAbsent`, post-copy migration). The instruction did not retire:
   * make the page present and run again.
   */
  pa?: bigint;
  /** mmio: the access the host must perform, then complete with `Machine.completeMmio`. */
  mmio?: { addr: bigint; size: number; isStore: boolean; value: bigint };
}
