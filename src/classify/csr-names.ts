/** The names of the CSRs the hart has (for reports), from the privileged spec's CSR table. */
const NAMES: Record<number, string> = {
  0x100: 'sstatus', 0x104: 'sie', 0x105: 'stvec', 0x106: 'scounteren', 0x10a: 'senvcfg', 0x140: 'sscratch',
  0x141: 'sepc', 0x142: 'scause', 0x143: 'stval', 0x144: 'sip', 0x180: 'satp',
  0x200: 'vsstatus', 0x204: 'vsie', 0x205: 'vstvec', 0x240: 'vsscratch', 0x241: 'vsepc', 0x242: 'vscause',
  0x243: 'vstval', 0x244: 'vsip', 0x280: 'vsatp',
  0x300: 'mstatus', 0x301: 'misa', 0x302: 'medeleg', 0x303: 'mideleg', 0x304: 'mie', 0x305: 'mtvec',
  0x306: 'mcounteren', 0x30a: 'menvcfg', 0x320: 'mcountinhibit', 0x340: 'mscratch', 0x341: 'mepc',
  0x342: 'mcause', 0x343: 'mtval', 0x344: 'mip', 0x34a: 'mtinst', 0x34b: 'mtval2',
  0x600: 'hstatus', 0x602: 'hedeleg', 0x603: 'hideleg', 0x604: 'hie', 0x605: 'htimedelta', 0x606: 'hcounteren',
  0x607: 'hgeie', 0x60a: 'henvcfg', 0x643: 'htval', 0x644: 'hip', 0x645: 'hvip', 0x64a: 'htinst', 0x680: 'hgatp',
  0x7a0: 'tselect', 0x7a1: 'tdata1', 0x7a2: 'tdata2', 0x7a3: 'tdata3',
  0xb00: 'mcycle', 0xb02: 'minstret', 0xc00: 'cycle', 0xc01: 'time', 0xc02: 'instret', 0xe12: 'hgeip',
  0xf11: 'mvendorid', 0xf12: 'marchid', 0xf13: 'mimpid', 0xf14: 'mhartid', 0xf15: 'mconfigptr',
};

/** A CSR's name: its own, one of the numbered families, or its number. */
export function csrName(csr: number): string {
  const n = NAMES[csr];
  if (n) return n;
  if (csr >= 0xc03 && csr <= 0xc1f) return `hpmcounter${csr - 0xc00}`;
  if (csr >= 0xb03 && csr <= 0xb1f) return `mhpmcounter${csr - 0xb00}`;
  if (csr >= 0x323 && csr <= 0x33f) return `mhpmevent${csr - 0x320}`;
  if (csr >= 0x3a0 && csr <= 0x3af) return `pmpcfg${csr - 0x3a0}`;
  if (csr >= 0x3b0 && csr <= 0x3ef) return `pmpaddr${csr - 0x3b0}`;
  return `0x${csr.toString(16)}`;
}
