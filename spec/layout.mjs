// The one layout table of vmlab's linear memory and hart state. scripts/gen.mjs turns it into
// assembly/gen/layout.ts (constants for the core) and bindings/gen/layout.ts (offsets and names
// for the typed views), so the two languages never keep offsets by hand.

/** Regions of the Wasm linear memory, in order. Sizes in bytes; the RAM region comes last. */
export const REGIONS = [
  ['STATE', 0x0010_0000, 0x1_0000, 'hart state, CSRs, exit record, configuration, counters'],
  ['UART_TX', 0x0011_0000, 0x1000, 'console output ring (UART THR and HTIF console)'],
  ['UART_RX', 0x0011_1000, 0x1000, 'console input ring fed by the host'],
  ['SCRATCH_PAGE', 0x0011_2000, 0x8040, 'a decoded page used for instructions that straddle two pages'],
  ['FAST_TLB', 0x0012_0000, 0x2_0000, 'fast TLB: per regime and access type, a 16-byte hit counter then 256 {tag, addend} entries'],
  ['TLB', 0x0014_0000, 0x2_0000, 'the modelled set-associative TLB, 32-byte entries'],
  ['DECODED_DIR', 0x0016_0000, 0x2000, 'decoded-page directory: physical page tag per decoded page'],
  ['DECODED', 0x0020_0000, 0x0120_0000, 'pre-decoded instruction pages (2048 16-byte slots + sentinel + header each)'],
  ['PAGE_FLAGS', 0x0140_0000, 0x0010_0000, 'one byte per RAM page: code, watched'],
  ['RAM', 0x0200_0000, 0, 'guest RAM (grown at init)'],
];

/** Geometry constants shared by both sides. */
export const CONSTANTS = {
  RAM_GUEST_BASE: 0x8000_0000,
  FAST_TLB_ENTRIES: 256,
  FAST_TLB_BLOCK: 16 + 256 * 16,
  REGIMES: 8,
  ACCESS_TYPES: 3,
  DECODED_PAGES: 512,
  DECODED_STRIDE: 2050 * 16,
  TLB_ENTRY_BYTES: 32,
  TLB_MAX_ENTRIES: 4096,
  RING_SIZE: 0x1000,
};

/**
 * Hart state, at the start of the STATE region: [name, count, doc]. Every field is a 64-bit word;
 * count > 1 makes an array. Groups keep related words contiguous so a view can map a whole group.
 */
export const STATE = [
  ['x', 33, 'integer registers x0..x31, then a sink that decoding redirects writes to x0 into'],
  ['pc', 1, 'program counter (valid between runs)'],
  ['priv', 1, 'current privilege: 0 U, 1 S, 3 M'],
  // CSRs
  ['mstatus', 1, ''], ['misa', 1, ''], ['medeleg', 1, ''], ['mideleg', 1, ''], ['mie', 1, ''],
  ['mip', 1, 'software-writable bits of mip; MTIP/MSIP are derived from the CLINT'],
  ['mtvec', 1, ''], ['mscratch', 1, ''], ['mepc', 1, ''], ['mcause', 1, ''], ['mtval', 1, ''],
  ['mcounteren', 1, ''], ['mcountinhibit', 1, ''], ['menvcfg', 1, ''],
  ['stvec', 1, ''], ['sscratch', 1, ''], ['sepc', 1, ''], ['scause', 1, ''], ['stval', 1, ''],
  ['scounteren', 1, ''], ['senvcfg', 1, ''], ['satp', 1, ''],
  ['pmpcfg', 2, 'pmpcfg0 and pmpcfg2 (RV64); not enforced'],
  ['pmpaddr', 16, 'pmpaddr0..15; not enforced'],
  ['tselect', 1, 'debug trigger select (no triggers implemented: tdata1 reads 0)'],
  ['cycleOffset', 1, 'mcycle = cycles + cycleOffset'],
  ['instretOffset', 1, 'minstret = instret + instretOffset'],
  ['inhibitedCycle', 1, 'mcycle frozen while mcountinhibit.CY'],
  ['inhibitedInstret', 1, 'minstret frozen while mcountinhibit.IR'],
  ['reservation', 1, 'LR/SC reservation: physical address, or -1'],
  // CLINT
  ['mtimecmp', 1, ''], ['mtimeOffset', 1, 'mtime = ticks + mtimeOffset'], ['msip', 1, ''],
  // NS16550A UART registers
  ['uart', 8, 'UART: IER, LCR, MCR, SCR, DLL, DLM, FCR, THR-empty interrupt pending'],
  // PLIC (SiFive-compatible): sources 1..95, contexts 0 (hart 0 M) and 1 (hart 0 S)
  ['plicPriority', 96, 'PLIC source priorities (source 0 does not exist)'],
  ['plicEnable', 4, 'PLIC enable bits: context 0 sources 0-63, 64-127, then context 1'],
  ['plicThreshold', 2, 'PLIC priority threshold per context'],
  ['plicClaimed', 2, 'PLIC sources claimed and not yet completed (bits)'],
  ['plicPending', 2, 'PLIC pending bits, latched by the gateways until claimed'],
  // Exit record
  ['exitReason', 1, 'why run() returned (ExitReason)'],
  ['exitPc', 1, 'pc of the instruction that exited'],
  ['exitCause', 1, 'trap cause for a trap exit'],
  ['exitTval', 1, 'trap value for a trap exit'],
  ['exitInsn', 1, 'instruction bits (16 or 32) of the exiting instruction, 0 when not known'],
  ['exitCode', 1, 'guest exit code for a halt'],
  ['mmioAddr', 1, 'physical address of an MMIO exit'],
  ['mmioSize', 1, 'access size in bytes'],
  ['mmioValue', 1, 'value stored (store), or to be supplied by the host (load)'],
  ['mmioIsStore', 1, '1 for a store'],
  ['mmioRd', 1, 'destination register of an MMIO load'],
  ['mmioSigned', 1, '1 when the MMIO load sign-extends'],
  ['mmioLen', 1, 'length of the exiting instruction (2 or 4)'],
  // Configuration (written by the host between runs)
  ['ramSize', 1, 'bytes of guest RAM'],
  ['exitOnException', 1, 'bit n set: exception cause n leaves the core instead of trapping'],
  ['exitOnMmio', 1, '1: loads/stores to unmapped addresses exit to the host instead of faulting'],
  ['exitOnWfi', 1, '1: WFI always exits to the host'],
  ['hardwareAD', 1, '1: the walker sets A/D bits; 0 (Svade): it raises a page fault'],
  ['cyclesPerTick', 1, 'instructions per mtime tick when the timebase is instructions'],
  ['wallClock', 1, '1: mtime follows the host clock at 10 MHz'],
  ['tohostAddr', 1, 'physical address of tohost, or -1'],
  ['fromhostAddr', 1, 'physical address of fromhost, or -1'],
  ['tlbSets', 1, 'modelled TLB sets'], ['tlbWays', 1, 'modelled TLB ways'],
  ['pwcEnabled', 1, '1: page-walk caches (upper-level PTEs, per stage) are used'],
  ['ntlbEnabled', 1, '1: the nested TLB (guest-physical to host-physical pages) is used'],
  // Counters (contiguous: bindings map them as one view)
  ['cnt_instret', 1, 'instructions retired'],
  ['cnt_cycles', 1, 'cycles: instructions plus idle cycles skipped by WFI'],
  ['cnt_instretByMode', 4, 'instructions retired in U, S, (reserved), M'],
  ['cnt_exceptions', 1, 'synchronous exceptions taken by the guest'],
  ['cnt_interrupts', 1, 'interrupts taken by the guest'],
  ['cnt_exits', 8, 'exits to the host by reason'],
  ['cnt_tlbHits', 3, 'modelled TLB hits by access type (fetch counts once per page entered)'],
  ['cnt_tlbMisses', 3, 'modelled TLB misses by access type'],
  ['cnt_tlbFlushAll', 1, 'SFENCE.VMA flushes of everything'],
  ['cnt_tlbFlushAsid', 1, 'SFENCE.VMA flushes of one address space'],
  ['cnt_tlbFlushPage', 1, 'SFENCE.VMA flushes of one page'],
  ['cnt_tlbEvictions', 1, 'modelled TLB entries replaced'],
  ['cnt_walks', 1, 'page-table walks'],
  ['cnt_walkRefs', 1, 'page-table memory references made by walks'],
  ['cnt_walkRefsG', 1, 'of walkRefs: references made by G-stage walks (two-stage translation)'],
  ['cnt_walkAdWrites', 1, 'A/D updates written back by the walker'],
  ['cnt_pwcHits', 1, 'page-walk cache hits (references skipped)'],
  ['cnt_pwcMisses', 1, 'page-walk cache misses'],
  ['cnt_ntlbHits', 1, 'nested TLB hits'],
  ['cnt_ntlbMisses', 1, 'nested TLB misses'],
  ['cnt_pageFaults', 1, 'page faults raised by translation'],
  ['cnt_fastFlushes', 1, 'flushes of the fast TLB (context switches, fences, code pages)'],
  ['cnt_decodes', 1, 'instructions decoded into the cache'],
  ['cnt_decodedPages', 1, 'decoded pages allocated'],
  ['cnt_decodedEvictions', 1, 'decoded pages evicted by a conflict'],
  ['cnt_codeWrites', 1, 'stores that hit decoded instructions'],
  ['cnt_fenceI', 1, 'FENCE.I executed'],
  ['cnt_mmio', 1, 'device register accesses'],
];
