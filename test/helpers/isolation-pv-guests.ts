/**
 * The interleaved isolation fuzz's guests for the pv strategy, as tiny PV kernels (the layout of
 * tiny-pv-kernel.ts, in the fuzz's RAM):
 * - a victim that registers its handler, writes and reads back a pattern in 16 data pages round
 *   after round, checks the S CSRs it set are still its own and that it never traps, and prints
 *   "pv victim ok" (or what failed) through console_io: any frame, translation or register another
 *   domain reached shows as a failed check;
 * - a seeded hostile kernel that, forever, makes random hypercalls: mmu_update on its own tables and
 *   on any machine address with any value (foreign frames, MMIO, its tables writable), mmuext_op
 *   with any command and frame, multicalls, event-channel and grant operations with random ports,
 *   references and domains, set_timer_op, sched_op yield and block; and random stores (its read-only
 *   tables included), satp writes, SFENCE.VMA, WFI and S CSR writes. Its handler skips whatever
 *   faulted and goes on.
 */
import * as A from './asm.js';
import { buildElf } from './elf-writer.js';
import { Rng } from './rng.js';
import { parseImage, type LoadedImage } from '../../src/loader/index.js';
import { GUEST_RAM_BASE } from '../../src/vmm/vm.js';
import { FUZZ_RAM } from './isolation-guests.js';

const ENTRY = 0x8020_0000n;
const DATA = 0x8022_0000n, DATA_PAGES = 16, WORDS = 8, ROUNDS = 120;
const GOLDEN = 0x9e37_79b9_7f4a_7c15n, MAGIC = 0x5ca1_ab1e_0dd_ba11n;
const HC = { set_trap_table: 0, mmu_update: 1, multicall: 13, set_timer_op: 15, console_io: 18, grant_table_op: 20, mmuext_op: 26, sched_op: 29, event_channel_op: 32 };
const { t0, t1, t2, t3, t4, a0, a1, a2, a7, s0, s1, s2 } = A;

/** Text, then a page of rodata (the trap table, messages), then a data page. */
function image(p: A.Program): LoadedImage {
  const text = Math.ceil(p.offset / 4096) * 4096;
  p.org(text).label('traps').d64(0n).at((_pc, L) => [Number(L('handler') & 0xffff_ffffn), Number(L('handler') >> 32n)], 8).d64(0n, 0n);
  p.label('msgs').data(new Uint8Array(0x100));
  p.org(text + 0x1000).label('data').data(new Uint8Array(0x800)).label('poweroff').d64(0n).label('crashed').d64(3n);
  p.org(text + 0x2000);
  const end = BigInt(text);
  const { bytes } = buildElf({
    entry: ENTRY, segments: [{ paddr: ENTRY, data: p.bytes() }],
    symbols: { kernel_entry: ENTRY, __text_end: ENTRY + end, __rodata_end: ENTRY + end + 0x1000n, __kernel_end: ENTRY + end + 0x2000n },
  });
  return parseImage(bytes, { base: GUEST_RAM_BASE, size: BigInt(FUZZ_RAM) });
}

const hypercall = (p: A.Program, nr: number, args: bigint[]) => {
  args.forEach((v, i) => p.li(a0 + i, v));
  return p.li(a7, nr).i(A.ecall());
};
const registerTraps = (p: A.Program) => p.la(a0, 'traps').li(a7, HC.set_trap_table).i(A.ecall());
const shutdown = (p: A.Program, label: string) => p.li(a7, HC.sched_op).li(a0, 2).la(a1, label).i(A.ecall());
/** console_io(write) of a message placed at `msgs` + off. */
const say = (p: A.Program, off: number, len: number) => p.li(a7, HC.console_io).li(a0, 0).li(a1, len).la(a2, 'msgs').i(A.addi(a2, a2, off), A.ecall());

/** The pattern word of (round, page, word), and what the victim's sum of them comes to. */
const patternSum = (): bigint => {
  let sum = 0n;
  for (let r = 0; r < ROUNDS; r++) for (let pg = 0; pg < DATA_PAGES; pg++) for (let k = 0; k < WORDS; k++) sum = BigInt.asUintN(64, sum + BigInt.asUintN(64, GOLDEN * BigInt(r * 4096 + pg * 64 + k + 1)));
  return sum;
};

export function pvVictimKernel(): LoadedImage {
  const p = new A.Program(ENTRY);
  registerTraps(p);
  p.li(t0, MAGIC).i(A.csrw(0x140, t0)); // sscratch
  p.li(s0, 0).li(s1, 0); // s0: counter (r*4096 + pg*64 + k), s1: sum
  p.li(s2, ROUNDS);
  p.label('round').li(t3, DATA).li(t4, DATA_PAGES);
  p.label('page').li(t2, WORDS);
  p.label('word').i(A.addi(s0, s0, 1)).li(t0, GOLDEN).i(A.mul(t0, t0, s0), A.sd(t0, 0, t3), A.ld(t1, 0, t3), A.add(s1, s1, t1))
    .b((o) => A.bne(t0, t1, o), 'bad').i(A.addi(t3, t3, 8), A.addi(t2, t2, -1)).b((o) => A.bne(t2, 0, o), 'word');
  p.i(A.addi(s0, s0, 64 - WORDS)).li(t1, 4096 - 8 * WORDS).i(A.add(t3, t3, t1), A.addi(t4, t4, -1)).b((o) => A.bne(t4, 0, o), 'page');
  p.li(t1, 4096 - 64 * DATA_PAGES).i(A.add(s0, s0, t1));
  p.i(A.csrr(t0, 0x140)).li(t1, MAGIC).b((o) => A.bne(t0, t1, o), 'bad');
  p.i(A.addi(s2, s2, -1)).b((o) => A.bne(s2, 0, o), 'round');
  p.li(t1, patternSum()).b((o) => A.bne(s1, t1, o), 'bad');
  say(p, 0, 13);
  shutdown(p, 'poweroff');
  p.label('bad');
  say(p, 16, 14);
  shutdown(p, 'crashed');
  p.align(4).label('handler');
  say(p, 32, 18);
  shutdown(p, 'crashed');
  const img = image(p);
  const msgs = Number(p.addr('msgs') - ENTRY);
  const seg = img.segments[0].data;
  seg.set(new TextEncoder().encode('pv victim ok\n'), msgs);
  seg.set(new TextEncoder().encode('pv victim bad\n'), msgs + 16);
  seg.set(new TextEncoder().encode('pv victim trapped\n'), msgs + 32);
  return img;
}

/** Machine frame numbers a fuzz host can have (the harness's machine is a few MiB). */
const anyMfn = (r: Rng): bigint => 0x80000n + BigInt(r.int(0x800));
const anyPte = (r: Rng): bigint => (anyMfn(r) << 10n) | BigInt(r.pick([0xc7, 0xc3, 0xcf, 0x01, 0xc5, r.int(0x400)]));

export function pvHostileKernel(seed: number, actions = 120): LoadedImage {
  const r = new Rng(seed);
  const p = new A.Program(ENTRY);
  // Its own tables' machine frames, from start_info (a1): pt_base's pfn in the P2M (mfn_list),
  // root, L2 and L1 in consecutive pfns (the builder's layout), kept at `data`.
  p.i(A.ld(t0, 88, a1)).li(t1, 0x8000_0000n).i(A.sub(t0, t0, t1), A.srli(t0, t0, 12), A.ld(t2, 104, a1), A.slli(t0, t0, 3), A.add(t3, t2, t0));
  p.la(t1, 'data');
  for (let k = 0; k < 3; k++) p.i(A.ld(t4, 8 * k, t3), A.sd(t4, 8 * k, t1));
  registerTraps(p);
  p.label('loop');
  const scratch = DATA + 0x1000n; // the builder maps it writable: argument arrays live here
  for (let i = 0; i < actions; i++) {
    switch (r.int(12)) {
      case 0: case 1: { // mmu_update: an entry of its own tables it does not need, or any machine address; any value
        const table = r.int(4), index = r.range([3, 2, 64][table] ?? 0, 511);
        if (table < 3) { // root: past the kernel's gigabyte; L2: past its 2 MiB; L1: past its RAM
          p.la(t1, 'data').i(A.ld(t1, 8 * table, t1), A.slli(t1, t1, 12)).li(t2, 8 * index + r.pick([0, 0, 0, 4])).i(A.add(t1, t1, t2));
        } else p.li(t1, BigInt.asUintN(64, (anyMfn(r) << 12n) + BigInt(8 * r.int(512)) + BigInt(r.pick([0, 0, 0, 1, 2, 4]))));
        p.li(t0, scratch).i(A.sd(t1, 0, t0));
        p.li(t1, r.int(3) ? anyPte(r) : r.value()).i(A.sd(t1, 8, t0));
        hypercall(p, HC.mmu_update, [scratch, BigInt(r.pick([1, 1, 1, 2, 0x10000])), 0n, BigInt(r.pick([0x7ff0, 0x7ff0, 0x7ff0, 2, 0]))]);
        if (table === 2) { // then use what it asked for: a store through the page it (tried to) map
          if (r.int(2)) { p.li(t0, scratch).li(t1, 10).i(A.sw(t1, 0, t0)); hypercall(p, HC.mmuext_op, [scratch, 1n, 0n, 0x7ff0n]); }
          p.li(t0, ENTRY + BigInt(index * 4096 + 8 * r.int(512))).li(t1, r.value()).i(A.sd(t1, 0, t0));
        }
        break;
      }
      case 2: { // mmuext_op: any command on any frame
        p.li(t0, scratch).li(t1, r.int(14)).i(A.sw(t1, 0, t0)).li(t1, anyMfn(r)).i(A.sd(t1, 8, t0)).li(t1, r.value()).i(A.sd(t1, 16, t0));
        hypercall(p, HC.mmuext_op, [scratch, 1n, 0n, 0x7ff0n]);
        break;
      }
      case 3: { // a multicall of random entries (ops, argument pointers)
        for (let e = 0; e < 3; e++) {
          p.li(t0, scratch + BigInt(64 * e)).li(t1, r.pick([1, 13, 26, 32, 20, 29, 99])).i(A.sd(t1, 0, t0));
          for (let k = 0; k < 4; k++) p.li(t1, r.int(2) ? scratch + BigInt(0x400 + 8 * r.int(64)) : r.value()).i(A.sd(t1, 16 + 8 * k, t0));
        }
        hypercall(p, HC.multicall, [scratch, BigInt(r.pick([3, 3, 1000]))]);
        break;
      }
      case 4: // event channels: any command on any port, domain or virq
        p.li(t0, scratch).li(t1, r.value()).i(A.sd(t1, 0, t0)).li(t1, r.value()).i(A.sd(t1, 8, t0));
        hypercall(p, HC.event_channel_op, [BigInt(r.pick([0, 1, 3, 4, 6, 7, 9, 5])), scratch]);
        break;
      case 5: // grants: copy/map/unmap/setup with random references, frames and domains
        for (let k = 0; k < 5; k++) p.li(t0, scratch + BigInt(8 * k)).li(t1, r.value()).i(A.sd(t1, 0, t0));
        hypercall(p, HC.grant_table_op, [BigInt(r.pick([0, 1, 2, 5, 6])), scratch, BigInt(r.pick([1, 2]))]);
        break;
      case 6: // timers and scheduling (never shutdown)
        if (r.int(2)) hypercall(p, HC.set_timer_op, [r.value()]);
        else hypercall(p, HC.sched_op, [BigInt(r.pick([0, 0, 0, 1])), 0n]); // yield, now and then block
        break;
      case 7: // a random hypercall number and arguments
        hypercall(p, r.int(48), [r.value(), r.value(), r.value()]);
        break;
      case 8: // stores anywhere: its own pages, its read-only tables, unmapped addresses
        p.li(t0, r.pick([DATA + BigInt(8 * r.int(4096)), 0x8020_6000n + BigInt(8 * r.int(4096)), r.value() & ~7n])).li(t1, r.value()).i(A.sd(t1, 0, t0));
        break;
      case 9: // satp: a random root, any mode
        p.li(t0, r.value()).i(A.csrw(0x180, t0));
        break;
      case 10: // SFENCE.VMA, WFI
        p.i(r.int(2) ? 0x12000073 : 0x10500073);
        break;
      default: // the S CSRs it owns (not stvec: its handler)
        p.li(t0, r.value()).i(A.csrw(r.pick([0x100, 0x104, 0x140, 0x141, 0x142, 0x143, 0x144]), t0));
    }
  }
  p.b((o) => A.jal(0, o), 'loop');
  // The handler: an interrupt (an upcall) is cleared; an exception skips the 4-byte instruction.
  p.align(4).label('handler').i(A.csrr(t0, 0x142)).b((o) => A.blt(t0, 0, o), 'irq');
  p.i(A.csrr(t0, 0x141), A.addi(t0, t0, 4), A.csrw(0x141, t0));
  p.label('back').li(t0, 1n << 8n).i(A.csrs(0x100, t0), 0x10200073); // SPP = S, sret
  p.label('irq').li(t0, 2).i(A.csrc(0x144, t0)).b((o) => A.jal(0, o), 'back');
  return image(p);
}
