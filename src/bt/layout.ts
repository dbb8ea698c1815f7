/**
 * Where binary translation lives in the guest kernel's address space: the top 2 MiB of every
 * kernel shadow (one level-0 page table, shared by all of a VM's kernel roots) are the VMM's, as
 * Xen and VMware reserve the top of every address space. The translation cache takes the upper
 * 1 MiB of it (so any two of its instructions are within a JAL's reach) and the last page is the
 * virtual-CPU page, whose top 2 KiB a load or store can reach from x0 with a negative offset —
 * no register needed. The lower half of that page is the indirect-jump cache.
 */
export const RESERVED_BASE = 0xffff_ffff_ffe0_0000n;
/** Level-0 slots of the reserved table: the translation cache, the indirect-jump cache, the virtual-CPU page. */
export const TC_FIRST_SLOT = 256, IJC_FIRST_SLOT = 507, VCPU_SLOT = 511;
export const TC_BASE = RESERVED_BASE + BigInt(TC_FIRST_SLOT) * 4096n;
export const TC_PAGES = IJC_FIRST_SLOT - TC_FIRST_SLOT;
export const TC_BYTES = TC_PAGES * 4096;
export const VCPU_VA = RESERVED_BASE + BigInt(VCPU_SLOT) * 4096n;

/**
 * The indirect-jump cache: 512 sets of two ways {guest pc, translation's entry}, 16 KiB in the
 * four pages below the vCPU page, readable (not writable) by translated code. A guest pc's set is
 * its bits 9..1.
 */
export const IJC_VA = RESERVED_BASE + BigInt(IJC_FIRST_SLOT) * 4096n;
export const IJC_PAGES = VCPU_SLOT - IJC_FIRST_SLOT, IJC_SETS = 512, IJC_SET_BYTES = 32;
/** The pages the guest kernel can read at the top of its address space (the indirect-jump cache and the vCPU page). */
export const VISIBLE_VA = IJC_VA;
/** A guest pc no entry can match (jump targets are even). */
export const IJC_EMPTY = 1n;

/**
 * The virtual CPU's fields, as x0-relative offsets (address = 2^64 + offset). Translated code
 * reads all of them and writes the ones the guest may set (sstatus, stvec, sscratch, sepc, scause,
 * stval); the VMM keeps sie, sip and satp current; the spill slots hold the guest's registers
 * while an emulation sequence uses them.
 */
export const FIELD = {
  sstatus: -2048, sie: -2040, sip: -2032, stvec: -2024, sscratch: -2016, sepc: -2008, scause: -2000, stval: -1992,
  satp: -1984,
  /** t6's value at the target of an indirect jump (restored by the target's entry). */
  spillJump: -1976,
  spillB: -1968, spillC: -1960, spillD: -1952,
  /** In-TC emulations executed, when translation counts them (BtOptions.countEmulations), and t6 while it does. */
  emulations: -1944, spillCount: -1936,
} as const;
export type VcpuField = keyof typeof FIELD;

/** The in-page byte offset of a field. */
export const fieldOffset = (f: VcpuField): number => 4096 + FIELD[f];
