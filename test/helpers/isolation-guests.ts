/**
 * The two guests of the interleaved isolation fuzz, as tiny S-mode kernels that a VMM boots at
 * minios's kernel_entry and that talk to it through SBI:
 * - a victim that turns on Sv39 paging with its data at the low virtual pages, stores and reloads a
 *   pattern there round after round, checks the S CSRs it set are still its own and that no trap or
 *   interrupt ever reaches it, and prints a checksum: any translation, register, pending bit or
 *   reservation another VM leaks into it shows as a failed check or a different checksum;
 * - a seeded hostile kernel that maps the same low virtual pages to its own frames (so stale TLB
 *   entries of either would land in the other's memory) and then, forever, does random damage:
 *   stores and loads, PTE writes (its page-table pages are mapped writable at low addresses too),
 *   satp values (new roots, ASID churn, garbage), CSR writes, random instruction words, SBI calls,
 *   LR/SC pairs spanning slice boundaries, AMOs, timer interrupts, privileged instructions. Its trap
 *   handler puts back its own table and resumes at the next action.
 */
import * as A from './asm.js';
import { buildElf } from './elf-writer.js';
import { Rng } from './rng.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';

export const ENTRY = 0x8020_0000n;
/** Guest RAM of each fuzz VM: the kernels sit at 2 MiB and need under 128 KiB past it. */
export const FUZZ_RAM = 0x24_0000;
const SV39 = 8n << 60n;
const GOLDEN = 0x9e37_79b9_7f4a_7c15n;
const MAGIC = 0x5ca1_ab1e_0dd_ba11n;
const DATA_PAGES = 16;
const SIE_BITS = 0x222;
/** Leaf PTE flags: V R W A D (data), V R W X A D (the kernel's gigapage). */
const DATA_LEAF = 0xc7n, KERNEL_LEAF = 0xcfn;
const SBI_PUTCHAR = 1, SBI_SET_TIMER = 0, SRST = 0x5352_5354;

const { t0, t1, t2, t3, t4, t5, t6, a0, a1, a2, a6, a7, s0, s1, s2, s3, s4, s9, s10, sp, ra } = A;

function image(p: A.Program): LoadedImage {
  const { bytes } = buildElf({ entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }], symbols: { kernel_entry: ENTRY } });
  return parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(FUZZ_RAM) });
}

/** rd = the PTE pointing at label's page (a non-leaf with flags 1, or a leaf with `flags`). */
const pteOf = (p: A.Program, rd: number, label: string, flags: bigint) =>
  p.la(rd, label).i(A.srli(rd, rd, 12), A.slli(rd, rd, 10)).li(t6, flags).i(A.or(rd, rd, t6));

/**
 * Builds the tables both kernels use: root `table` (entry 2: the kernel's gigapage; entry 0: `l1`),
 * `l1` (entry 0: `l0`), `l0` mapping virtual pages 0..15 to `data`, and, when `exposeTables`, pages
 * 16..18 to the three tables themselves (so plain stores there are page-table writes).
 */
function buildTables(p: A.Program, exposeTables: boolean): void {
  p.la(t0, 'table').li(t1, ((0x8000_0000n >> 12n) << 10n) | KERNEL_LEAF).i(A.sd(t1, 16, t0));
  pteOf(p, t1, 'l1', 1n).i(A.sd(t1, 0, t0));
  p.la(t0, 'l1');
  pteOf(p, t1, 'l0', 1n).i(A.sd(t1, 0, t0));
  p.la(t0, 'l0');
  pteOf(p, t1, 'data', DATA_LEAF).li(t2, DATA_PAGES);
  p.label('ptes').i(A.sd(t1, 0, t0), A.addi(t0, t0, 8), A.addi(t1, t1, 0x400), A.addi(t2, t2, -1)).b((o) => A.bne(t2, 0, o), 'ptes');
  if (exposeTables) for (const [i, l] of ['table', 'l1', 'l0'].entries()) pteOf(p, t1, l, DATA_LEAF).i(A.sd(t1, (DATA_PAGES + i) * 8, t0));
}

/** rd = Sv39 | ASID | PPN(table). */
const satpOf = (p: A.Program, rd: number, table: string, asid: bigint) =>
  p.la(rd, table).i(A.srli(rd, rd, 12)).li(t6, SV39 | (asid << 44n)).i(A.or(rd, rd, t6));

function tablePages(p: A.Program, extra: number): void {
  p.align(4096);
  for (const l of ['table', 'l1', 'l0']) p.label(l).data(new Uint8Array(4096));
  p.label('data').data(new Uint8Array(DATA_PAGES * 4096));
  if (extra) p.label('extra').data(new Uint8Array(extra * 4096));
}

/** putc (a0), puthex (a1: 16 digits), shutdown (a1: reason) as subroutines. */
function sbiRoutines(p: A.Program): void {
  p.label('putc').li(a7, SBI_PUTCHAR).i(A.ecall(), A.jalr(0, ra, 0));
  p.label('puthex').i(A.addi(sp, sp, -16), A.sd(ra, 0, sp), A.addi(t5, a1, 0)).li(t3, 60); // an SBI call returns in a0/a1
  p.label('hexd').i(A.srl(a0, t5, t3), A.andi(a0, a0, 15), A.addi(a0, a0, 48)).li(t4, 58)
    .b((o) => A.blt(a0, t4, o), 'hexp').i(A.addi(a0, a0, 39));
  p.label('hexp').at((pc, L) => A.jal(ra, Number(L('putc') - pc))).i(A.addi(t3, t3, -4)).b((o) => A.bge(t3, 0, o), 'hexd');
  p.i(A.ld(ra, 0, sp), A.addi(sp, sp, 16), A.jalr(0, ra, 0));
  p.label('shutdown').li(a7, SRST).li(a6, 0).li(a0, 0).i(A.ecall());
  p.label('hang').b((o) => A.jal(0, o), 'hang');
}
const call = (p: A.Program, f: string) => p.at((pc, L) => A.jal(ra, Number(L(f) - pc)));
const puts = (p: A.Program, s: string) => { for (const ch of s) { p.li(a0, ch.charCodeAt(0)); call(p, 'putc'); } };

/** The victim: `rounds` rounds over 16 pages; prints "victim ok <checksum>" and halts 0, or why it failed and halts 1. */
export function victimKernel(rounds = 30): LoadedImage {
  const p = new A.Program(ENTRY);
  p.la(sp, 'stack_top').la(t0, 'trap').i(A.csrw(0x105, t0));
  p.li(t0, MAGIC).i(A.csrw(0x140, t0)).li(t0, 5).i(A.csrw(0x106, t0)).li(t0, 1).i(A.csrw(0x10a, t0));
  p.li(t0, SIE_BITS).i(A.csrw(0x104, t0), A.csrsi(0x100, 2));
  buildTables(p, false);
  satpOf(p, t0, 'table', 7n).i(A.csrw(0x180, t0), A.sfence_vma());
  p.li(s4, GOLDEN).li(s0, 0).li(s1, 0);
  const valueAndVa = () => p.i(A.mul(t0, s0, s4), A.slli(t1, s2, 32), A.xor(t0, t0, t1), A.slli(t1, s3, 8), A.xor(t0, t0, t1),
    A.slli(t2, s2, 12), A.slli(t3, s3, 9), A.add(t2, t2, t3));
  const nested = (name: string, body: () => void) => {
    p.li(s2, 0).label(`${name}-page`).li(s3, 0).label(`${name}-word`);
    body();
    p.i(A.addi(s3, s3, 1)).li(t4, 8).b((o) => A.blt(s3, t4, o), `${name}-word`);
    p.i(A.addi(s2, s2, 1)).li(t4, DATA_PAGES).b((o) => A.blt(s2, t4, o), `${name}-page`);
  };
  p.label('round');
  nested('store', () => { valueAndVa(); p.i(A.sd(t0, 0, t2)); });
  nested('check', () => { valueAndVa(); p.i(A.ld(t5, 0, t2)).b((o) => A.bne(t5, t0, o), 'bad-data').i(A.add(s1, s1, t5), A.slli(t6, s1, 7), A.xor(s1, s1, t6)); });
  for (const [csr, want, why] of [[0x140, MAGIC, 'bad-csr'], [0x106, 5n, 'bad-csr'], [0x10a, 1n, 'bad-csr'], [0x104, BigInt(SIE_BITS), 'bad-csr']] as const) {
    p.i(A.csrr(t0, csr)).li(t1, want).b((o) => A.bne(t0, t1, o), why);
  }
  p.i(A.addi(s0, s0, 1)).li(t4, rounds).b((o) => A.blt(s0, t4, o), 'round');
  puts(p, 'victim ok ');
  p.i(A.addi(a1, s1, 0));
  call(p, 'puthex');
  puts(p, '\n');
  p.li(a1, 0).b((o) => A.jal(0, o), 'shutdown');
  for (const [label, what] of [['bad-data', 'data'], ['bad-csr', 'csr']]) {
    p.label(label).i(A.addi(s3, t0, 0));
    puts(p, `victim FAIL ${what} `);
    p.i(A.addi(a1, s3, 0));
    call(p, 'puthex');
    puts(p, '\n');
    p.li(a1, 1).b((o) => A.jal(0, o), 'shutdown');
  }
  p.align(4).label('trap').i(A.csrr(s3, 0x142));
  puts(p, 'victim FAIL trap ');
  p.i(A.addi(a1, s3, 0));
  call(p, 'puthex');
  puts(p, '\n');
  p.li(a1, 1).b((o) => A.jal(0, o), 'shutdown');
  sbiRoutines(p);
  p.align(16).data(new Uint8Array(512)).label('stack_top');
  tablePages(p, 0);
  return image(p);
}

// --- the attacker ---------------------------------------------------------------------------

const CLONES = 6;
const CSRS = [
  0x100, 0x104, 0x106, 0x10a, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180, // S
  0x200, 0x204, 0x205, 0x240, 0x241, 0x242, 0x243, 0x244, 0x280, // VS
  0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x60a, 0x643, 0x644, 0x645, 0x64a, 0x680, // H
  0x300, 0x302, 0x303, 0x304, 0x305, 0x306, 0x30a, 0x340, 0x341, 0x344, 0x3a0, 0x3b0, 0x7a0, 0xb00, // M
  0xc00, 0xc01, 0xc02, 0xc03, 0xda0, 0x015, // counters, a few that do not exist
];
const PROTECTED_REGS = new Set([sp, s9, s10]);

type Action = (p: A.Program, r: Rng, k: number) => void;

/** An address in the attacker's low virtual pages (its data and, at pages 16..18, its tables), any alignment. */
const lowVa = (r: Rng) => BigInt(r.int((DATA_PAGES + 3) * 4096));
const interesting = (r: Rng): bigint => r.pick([
  () => lowVa(r), () => 0x8000_0000n + BigInt(r.int(FUZZ_RAM + 0x20000)), () => 0x1000_0000n, () => 0x0200_4000n,
  () => 0xffff_ffff_ffff_f800n + BigInt(r.int(0x800)), () => r.value(), () => BigInt(r.int(64)),
])();

const ACTIONS: [number, Action][] = [
  [30, (p, r) => { // a store or a load at the shared low virtual pages
    p.li(t0, lowVa(r)).li(t1, r.value());
    const ops = [A.sb, A.sh, A.sw, A.sd, A.lb, A.lh, A.lw, A.ld];
    const op = r.pick(ops);
    p.i(op === A.sb || op === A.sh || op === A.sw || op === A.sd ? (op as typeof A.sd)(t1, 0, t0) : (op as typeof A.ld)(t1, 0, t0));
  }],
  [10, (p, r) => { // a PTE: own frames, own tables, past its RAM, or anything
    const ppn = r.pick([() => 0x80000n + BigInt(r.int(FUZZ_RAM >> 12)), () => 0x80000n + BigInt(r.int(0x400)), () => r.next64() & ((1n << 44n) - 1n), () => 0n])();
    const flags = r.int(4) === 0 ? BigInt(r.int(256)) : 0xc1n | BigInt(r.int(64)) << 1n;
    p.la(t0, r.pick(['table', 'l1', 'l0'])).li(t2, 8 * r.int(512)).li(t1, (ppn << 10n) | flags).i(A.add(t0, t0, t2), A.sd(t1, 0, t0));
    if (r.int(2) === 0) p.i(A.sfence_vma());
  }],
  [8, (p, r) => { // satp: its table or a clone with a random ASID, or garbage
    const asid = BigInt(r.int(0x10000));
    const pick = r.int(5);
    if (pick < 2) satpOf(p, t0, 'table', asid);
    else if (pick < 4) p.la(t0, 'extra').li(t1, 4096 * r.int(CLONES)).i(A.add(t0, t0, t1), A.srli(t0, t0, 12)).li(t6, SV39 | (asid << 44n)).i(A.or(t0, t0, t6));
    else p.li(t0, r.value());
    p.i(A.csrw(0x180, t0));
    if (r.int(2) === 0) p.i(A.sfence_vma());
  }],
  [12, (p, r) => { // a CSR access
    const csr = r.int(8) === 0 ? r.int(4096) : r.pick(CSRS);
    p.li(t1, r.value());
    p.i(r.pick([A.csrrw, A.csrrs, A.csrrc])(t2, csr, t1));
  }],
  [15, (p, r) => { // a random instruction word, with interesting operands
    for (const reg of [t0, t1, t2, a0, a1, a2]) p.li(reg, interesting(r));
    let w: number;
    do w = Number(r.next64() & 0xffff_ffffn) | 3; while (PROTECTED_REGS.has((w >>> 7) & 31));
    if (r.int(4) === 0) { const h = r.int(0x10000); if ((h & 3) !== 3) p.c(h, 0x0001); else p.i(w); } else p.i(w);
  }],
  [5, (p, r) => { // an SBI call (not a shutdown)
    p.li(a7, r.pick([SBI_PUTCHAR, SBI_SET_TIMER, 0x10, 0x5449_4d45, r.int(0x100), Number(r.next64() & 0xffff_ffffn)]));
    p.li(a6, r.int(8)).li(a0, interesting(r)).li(a1, interesting(r)).li(a2, interesting(r)).i(A.ecall());
  }],
  [5, (p, r, k) => { // LR, a busy loop a slice boundary may fall into, SC
    p.li(t0, BigInt(r.int(DATA_PAGES + 3) * 4096 + 8 * r.int(512))).i(A.lr_d(t1, t0)).li(t3, r.int(4000));
    p.label(`spin${k}`).i(A.addi(t3, t3, -1)).b((o) => A.bge(t3, 0, o), `spin${k}`);
    p.li(t2, r.value()).i(A.sc_d(t4, t2, t0));
  }],
  [5, (p, r) => { // an AMO on its data or its tables
    const op = r.pick([A.amoswap_d, A.amoadd_d, A.amoor_d, A.amoand_d, A.amoxor_d, A.amomax_d, A.amominu_w, A.amoswap_w]);
    p.li(t0, BigInt(r.int(DATA_PAGES + 3) * 4096 + 8 * r.int(512))).li(t1, r.value()).i(op(t2, t1, t0));
  }],
  [5, (p, r) => { // a timer interrupt soon, enabled
    p.i(A.csrr(a0, 0xc01), A.addi(a0, a0, r.int(2000))).li(a7, SBI_SET_TIMER).i(A.ecall());
    p.li(t0, SIE_BITS).i(A.csrs(0x104, t0), A.csrsi(0x100, 2));
  }],
  [5, (p, r) => { // a privileged instruction
    p.li(t0, interesting(r)).li(t1, interesting(r));
    p.i(r.pick([A.sret(), A.wfi(), A.sfence_vma(t0, t1), A.sfence_vma(), A.hfence_vvma(), A.hfence_gvma(t0, t1), A.hlv_d(t2, t0), A.hsv_d(t0, t1), A.mret(), A.ebreak(), A.fence_i()]));
  }],
];
const WEIGHT = ACTIONS.reduce((n, [w]) => n + w, 0);

/** A hostile kernel of `actions` random actions, repeated until it is stopped. */
export function hostileKernel(seed: number, actions = 120): LoadedImage {
  const r = new Rng(seed);
  const p = new A.Program(ENTRY);
  p.la(sp, 'stack_top').la(t0, 'handler').i(A.csrw(0x105, t0));
  buildTables(p, true);
  // Clones of its root table (same mappings, other page numbers): new roots for the VMM to shadow.
  p.la(t0, 'table').la(t1, 'extra').li(t2, CLONES * 512);
  p.label('clone').i(A.ld(t3, 0, t0), A.sd(t3, 0, t1), A.addi(t0, t0, 8), A.addi(t1, t1, 8), A.addi(t2, t2, -1))
    .la(t4, 'l1').b((o) => A.bne(t0, t4, o), 'clone-next').la(t0, 'table');
  p.label('clone-next').b((o) => A.bne(t2, 0, o), 'clone');
  satpOf(p, s9, 'table', 7n).i(A.csrw(0x180, s9), A.sfence_vma());
  p.label('top');
  for (let k = 0; k < actions; k++) {
    p.la(s10, `next${k}`);
    let x = r.int(WEIGHT);
    const [, act] = ACTIONS.find(([w]) => (x -= w) < 0)!;
    act(p, r, k);
    p.align(4).label(`next${k}`).la(t0, 'handler').i(A.csrw(0x105, t0));
  }
  p.b((o) => A.jal(0, o), 'top');
  p.align(4).label('handler').i(A.csrw(0x180, s9), A.sfence_vma()).la(t0, 'handler').i(A.csrw(0x105, t0), A.csrw(0x141, s10)).li(t0, 0x100).i(A.csrs(0x100, t0), A.sret());
  sbiRoutines(p);
  p.align(16).data(new Uint8Array(512)).label('stack_top');
  tablePages(p, CLONES);
  return image(p);
}
