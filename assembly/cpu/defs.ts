// Architectural constants of the privileged specification: causes, mstatus fields, PTE bits.

// Privilege levels
export const PRV_U: i32 = 0;
export const PRV_S: i32 = 1;
export const PRV_M: i32 = 3;

// Exception causes
export const CAUSE_MISALIGNED_FETCH: i32 = 0;
export const CAUSE_FETCH_ACCESS: i32 = 1;
export const CAUSE_ILLEGAL_INSTRUCTION: i32 = 2;
export const CAUSE_BREAKPOINT: i32 = 3;
export const CAUSE_MISALIGNED_LOAD: i32 = 4;
export const CAUSE_LOAD_ACCESS: i32 = 5;
export const CAUSE_MISALIGNED_STORE: i32 = 6;
export const CAUSE_STORE_ACCESS: i32 = 7;
export const CAUSE_USER_ECALL: i32 = 8;
export const CAUSE_SUPERVISOR_ECALL: i32 = 9;
export const CAUSE_VIRTUAL_SUPERVISOR_ECALL: i32 = 10;
export const CAUSE_MACHINE_ECALL: i32 = 11;
export const CAUSE_FETCH_PAGE_FAULT: i32 = 12;
export const CAUSE_LOAD_PAGE_FAULT: i32 = 13;
export const CAUSE_STORE_PAGE_FAULT: i32 = 15;
export const CAUSE_FETCH_GUEST_PAGE_FAULT: i32 = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT: i32 = 21;
export const CAUSE_VIRTUAL_INSTRUCTION: i32 = 22;
export const CAUSE_STORE_GUEST_PAGE_FAULT: i32 = 23;

// Interrupt numbers (bit positions in mip/mie)
export const IRQ_S_SOFT: i32 = 1;
export const IRQ_M_SOFT: i32 = 3;
export const IRQ_S_TIMER: i32 = 5;
export const IRQ_M_TIMER: i32 = 7;
export const IRQ_S_EXT: i32 = 9;
export const IRQ_M_EXT: i32 = 11;
export const MIP_MSIP: u64 = 1 << 3;
export const MIP_MTIP: u64 = 1 << 7;
export const IRQ_VS_SOFT: i32 = 2;
export const IRQ_VS_TIMER: i32 = 6;
export const IRQ_VS_EXT: i32 = 10;
export const S_INTERRUPTS: u64 = (1 << 1) | (1 << 5) | (1 << 9);
/** VSSI, VSTI, VSEI: the interrupts a hypervisor injects through hvip. */
export const VS_INTERRUPTS: u64 = (1 << 2) | (1 << 6) | (1 << 10);
/** The VS interrupts and SGEI: always delegated past M (mideleg reads them as one). */
export const HS_FORCED_DELEG: u64 = VS_INTERRUPTS | (1 << 12);
export const M_INTERRUPTS: u64 = (1 << 3) | (1 << 7) | (1 << 11);

// mstatus fields
export const MSTATUS_SIE: u64 = 1 << 1;
export const MSTATUS_MIE: u64 = 1 << 3;
export const MSTATUS_SPIE: u64 = 1 << 5;
export const MSTATUS_MPIE: u64 = 1 << 7;
export const MSTATUS_SPP: u64 = 1 << 8;
export const MSTATUS_MPP_SHIFT: u64 = 11;
export const MSTATUS_MPP: u64 = 3 << 11;
export const MSTATUS_MPRV: u64 = 1 << 17;
export const MSTATUS_SUM: u64 = 1 << 18;
export const MSTATUS_MXR: u64 = 1 << 19;
export const MSTATUS_TVM: u64 = 1 << 20;
export const MSTATUS_TW: u64 = 1 << 21;
export const MSTATUS_TSR: u64 = 1 << 22;
export const MSTATUS_UXL: u64 = 3 << 32;
export const MSTATUS_SXL: u64 = 3 << 34;
export const MSTATUS_GVA: u64 = <u64>1 << 38;
export const MSTATUS_MPV: u64 = <u64>1 << 39;
/** Bits of mstatus that M-mode software can write. */
export const MSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
  MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR |
  MSTATUS_GVA | MSTATUS_MPV;
/** The view of mstatus that sstatus gives. */
export const SSTATUS_MASK: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL;
export const SSTATUS_WRITABLE: u64 = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;
/** UXL = SXL = 2 (64-bit), read-only. */
export const MSTATUS_RESET: u64 = (2 << 32) | (2 << 34);

// hstatus fields (VSXL = 2 is read-only; GEILEN = 0 makes VGEIN read-only zero)
export const HSTATUS_GVA: u64 = 1 << 6;
export const HSTATUS_SPV: u64 = 1 << 7;
export const HSTATUS_SPVP: u64 = 1 << 8;
export const HSTATUS_HU: u64 = 1 << 9;
export const HSTATUS_VTVM: u64 = 1 << 20;
export const HSTATUS_VTW: u64 = 1 << 21;
export const HSTATUS_VTSR: u64 = 1 << 22;
export const HSTATUS_WRITABLE: u64 = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
export const HSTATUS_VSXL: u64 = <u64>2 << 32;

// misa: RV64 with A, C, H, I, M, S, U
export const MISA_C: u64 = 1 << 2;
export const MISA_RESET: u64 = (2 << 62) | (1 << 0) | (1 << 2) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

// Delegable causes: everything the privileged spec allows except ecall from M (and, to VS, the
// causes only HS or M can handle: ecalls from HS/VS/M and the guest-page and virtual-instruction faults)
export const MEDELEG_WRITABLE: u64 = 0xB7FF | (0xF << 20);
export const HEDELEG_WRITABLE: u64 = 0xB1FF;
export const MIDELEG_WRITABLE: u64 = S_INTERRUPTS;
export const HIDELEG_WRITABLE: u64 = VS_INTERRUPTS;
export const MIE_WRITABLE: u64 = S_INTERRUPTS | M_INTERRUPTS | VS_INTERRUPTS;
export const MIP_WRITABLE: u64 = S_INTERRUPTS;
/** Causes whose trap value is an address: when the access was a guest's, the GVA bit says so. */
export const GVA_CAUSES: u64 = 0xB0FB | (0xB << 20);

// hgatp: VMIDLEN = 14, the maximum for RV64
export const HGATP_VMID_SHIFT: u64 = 44;
export const HGATP_VMID_MASK: u64 = 0x3fff;

// Page-table entry bits
export const PTE_V: u64 = 1 << 0;
export const PTE_R: u64 = 1 << 1;
export const PTE_W: u64 = 1 << 2;
export const PTE_X: u64 = 1 << 3;
export const PTE_U: u64 = 1 << 4;
export const PTE_G: u64 = 1 << 5;
export const PTE_A: u64 = 1 << 6;
export const PTE_D: u64 = 1 << 7;
/** Bits 63:54 (N, PBMT, reserved): none of Svnapot/Svpbmt is implemented, so all are reserved. */
export const PTE_RESERVED: u64 = 0xFFC0_0000_0000_0000;

// satp modes
export const SATP_BARE: i32 = 0;
export const SATP_SV39: i32 = 8;
export const SATP_SV48: i32 = 9;
export const SATP_SV57: i32 = 10;

// Access types: index into per-type counters and fast TLBs
export const ACCESS_READ: i32 = 0;
export const ACCESS_WRITE: i32 = 1;
export const ACCESS_FETCH: i32 = 2;

// Exit reasons of run()
export const EXIT_NONE: i32 = 0;
export const EXIT_BUDGET: i32 = 1;
export const EXIT_HALT: i32 = 2;
export const EXIT_TRAP: i32 = 3;
export const EXIT_MMIO: i32 = 4;
export const EXIT_WFI: i32 = 5;
export const EXIT_CONSOLE: i32 = 6;
export const EXIT_INTERRUPT: i32 = 7;
/** An access needed a RAM page that is not present (post-copy migration); the address is in exitAbsentPa. */
export const EXIT_NOT_PRESENT: i32 = 8;

// Status codes of slow-path helpers
export const ST_OK: i32 = 0;
/** A trap is pending in the trap record; deliver it. */
export const ST_TRAP: i32 = 1;
/** The run must return to the host; the exit record is filled. */
export const ST_EXIT: i32 = 2;
/** Done, but timers, interrupts or translation changed: recompute before the next instruction. */
export const ST_RESYNC: i32 = 3;
