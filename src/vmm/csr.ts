/** CSR numbers the VMM uses. */
export const CSR = {
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a, sscratch: 0x140, sepc: 0x141, scause: 0x142,
  stval: 0x143, sip: 0x144, satp: 0x180,
  vsstatus: 0x200, vsie: 0x204, vstvec: 0x205, vsscratch: 0x240, vsepc: 0x241, vscause: 0x242, vstval: 0x243,
  vsip: 0x244, vsatp: 0x280,
  hstatus: 0x600, hedeleg: 0x602, hideleg: 0x603, hie: 0x604, htimedelta: 0x605, hcounteren: 0x606, henvcfg: 0x60a,
  htval: 0x643, hip: 0x644, hvip: 0x645, htinst: 0x64a, hgatp: 0x680,
  mstatus: 0x300, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305, mcounteren: 0x306, mip: 0x344,
  time: 0xc01,
} as const;

// Exception causes and interrupt numbers
export const CAUSE = {
  misalignedFetch: 0, fetchAccess: 1, illegal: 2, breakpoint: 3, misalignedLoad: 4, loadAccess: 5,
  misalignedStore: 6, storeAccess: 7, ecallU: 8, ecallS: 9, ecallVS: 10, ecallM: 11, fetchPage: 12,
  loadPage: 13, storePage: 15, fetchGuestPage: 20, loadGuestPage: 21, virtualInstruction: 22, storeGuestPage: 23,
} as const;
export const IRQ = { ssi: 1, vssi: 2, msi: 3, sti: 5, vsti: 6, mti: 7, sei: 9, vsei: 10, mei: 11 } as const;

export const bit = (n: number): bigint => 1n << BigInt(n);
/** sstatus (and vsstatus) fields. */
export const SSTATUS = { SIE: 1n << 1n, SPIE: 1n << 5n, SPP: 1n << 8n, SUM: 1n << 18n, MXR: 1n << 19n } as const;
/** The exceptions a guest kernel handles itself (when a strategy lets it see them directly). */
export const GUEST_EXCEPTIONS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((m, c) => m | bit(c), 0n);
/** All 64 cause bits. */
export const ALL_CAUSES = (1n << 64n) - 1n;
