/**
 * Shared set-up for the MMU tests: fresh small machines, hand-built page tables (Sv39/48/57) in
 * guest RAM, and entering S- or U-mode through a real M-mode stub that writes satp and mstatus and
 * executes MRET. All architectural constants come from the RISC-V privileged specification.
 */
import { expect } from 'vitest';
import { Machine, RAM_BASE, type MachineOptions } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { Asm, CSR, t0 } from './rv.js';

export { Machine, RAM_BASE };

// PTE bits (privileged spec, "Sv32/Sv39 page table entry")
export const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, G = 32n, A = 64n, D = 128n;
export const RWX = R | W | X;
export const SATP_MODE = { sv39: 8n, sv48: 9n, sv57: 10n } as const;
export type Mode = keyof typeof SATP_MODE;
export const LEVELS: Record<Mode, number> = { sv39: 3, sv48: 4, sv57: 5 };

// mstatus fields
export const MPP_SHIFT = 11n;
export const MPRV = 1n << 17n, SUM = 1n << 18n, MXR = 1n << 19n;

// Exception causes
export const CAUSE = {
  fetchAccess: 1, illegal: 2, breakpoint: 3, loadAccess: 5, storeAccess: 7, ecallU: 8, ecallS: 9,
  fetchPage: 12, loadPage: 13, storePage: 15,
} as const;
/** Every synchronous cause 0..15 leaves the core: tests see each trap in the exit record. */
export const EXIT_ON_ALL = 0xffffn;

export const PAGE = 4096n;
export const MB = 1n << 20n;
/** Physical layout used by the tests (RAM is 8 MiB at 0x8000_0000). */
export const RAM_BYTES = 8 * 1024 * 1024;
export const STUB = RAM_BASE; // M-mode entry stub
export const CODE = RAM_BASE + 0x1_0000n; // S/U code (identity-mapped unless a test says otherwise)
export const PT_POOL = RAM_BASE + 0x10_0000n; // page tables: 1 MiB of 4 KiB tables
export const DATA = RAM_BASE + 0x20_0000n; // data pages
export const RAM_END = RAM_BASE + BigInt(RAM_BYTES);

export async function newMachine(opts: MachineOptions = {}): Promise<Machine> {
  return Machine.create({ ramBytes: RAM_BYTES, ...opts });
}

export const pte = (pa: bigint, flags: bigint) => ((pa >> 12n) << 10n) | flags;
export const ppnOf = (p: bigint) => (p >> 10n) & ((1n << 44n) - 1n);

/** Hand-built page tables in guest RAM, written through the host (machine.write64). */
export class PageTable {
  readonly levels: number;
  readonly root: bigint;
  private next: bigint;
  constructor(readonly m: Machine, readonly mode: Mode, pool = PT_POOL, private readonly poolEnd = pool + MB) {
    this.levels = LEVELS[mode];
    this.next = pool;
    this.root = this.alloc();
  }
  /** A zeroed 4 KiB table from the pool. */
  alloc(): bigint {
    const a = this.next;
    if (a + PAGE > this.poolEnd) throw new Error('page-table pool exhausted');
    this.next += PAGE;
    this.m.zeroPhys(a, 4096);
    return a;
  }
  /** VPN[i] of a virtual address. */
  static vpn(va: bigint, i: number): bigint { return (va >> (12n + 9n * BigInt(i))) & 0x1ffn; }
  /** Physical address of the level-`level` PTE of va, allocating the tables above it (non-leaf PTE = V). */
  pteAddr(va: bigint, level: number, nonLeafFlags = V): bigint {
    let table = this.root;
    for (let i = this.levels - 1; i > level; i--) {
      const at = table + PageTable.vpn(va, i) * 8n;
      let e = this.m.read64(at);
      if ((e & V) === 0n || (e & (R | X)) !== 0n) {
        const t = this.alloc();
        e = pte(t, nonLeafFlags);
        this.m.write64(at, e);
      }
      table = ppnOf(e) << 12n;
    }
    return table + PageTable.vpn(va, level) * 8n;
  }
  /** Maps the (super)page of `va` at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ...) to `pa`. */
  map(va: bigint, pa: bigint, flags: bigint, level = 0): bigint {
    const at = this.pteAddr(va, level);
    this.m.write64(at, pte(pa, flags));
    return at;
  }
  /** Maps `count` consecutive 4 KiB pages. */
  mapRange(va: bigint, pa: bigint, count: number, flags: bigint): void {
    for (let i = 0n; i < BigInt(count); i++) this.map(va + i * PAGE, pa + i * PAGE, flags);
  }
  /** Writes a raw PTE value at a level of va's walk. */
  setRaw(va: bigint, level: number, value: bigint): bigint {
    const at = this.pteAddr(va, level);
    this.m.write64(at, value);
    return at;
  }
  satp(asid = 0n): bigint { return (SATP_MODE[this.mode] << 60n) | (asid << 44n) | (this.root >> 12n); }
  /** Installs this table in satp (host write, as a debugger would). */
  install(asid = 0n): void { this.m.writeCsr(CSR.satp, this.satp(asid)); }
}

/** Loads assembled code at its base (a physical address unless `pa` is given). */
export function load(m: Machine, a: Asm, pa = a.base): void { m.writePhys(pa, a.bytes()); }

/**
 * Writes an M-mode stub at STUB that sets satp and mstatus (MPP = `priv`, plus `mstatusBits`),
 * sets mepc = entry and executes MRET, then points the hart at it. Every exception exits to the
 * host (the test inspects the exit record).
 */
export function bootInto(m: Machine, opts: { satp: bigint; entry: bigint; priv?: 0 | 1; mstatusBits?: bigint; sfence?: boolean }): void {
  const s = new Asm(STUB);
  s.li(t0, opts.satp).csrw(CSR.satp, t0);
  if (opts.sfence) s.sfenceVma();
  s.li(t0, (BigInt(opts.priv ?? 1) << MPP_SHIFT) | (opts.mstatusBits ?? 0n)).csrw(CSR.mstatus, t0);
  s.li(t0, opts.entry).csrw(CSR.mepc, t0);
  s.mret();
  load(m, s);
  m.configure({ exitOnException: EXIT_ON_ALL });
  m.reset(STUB);
}

/** Runs until the guest's EBREAK (an exit with cause 3); fails the test on anything else. */
export function runToBreak(m: Machine, budget = 1_000_000): ExitRecord {
  const e = m.run(budget);
  expect({ reason: e.reason, cause: e.cause, pc: e.pc.toString(16) }).toEqual({ reason: 'trap', cause: CAUSE.breakpoint, pc: e.pc.toString(16) });
  return e;
}
/** Resumes after an EBREAK exit (the 4-byte EBREAK did not retire). */
export function resume(m: Machine, e: ExitRecord): void { m.pc = e.pc + 4n; }

export type Counters = Record<string, bigint | bigint[]>;
/** counters(after) - counters(before), field by field. */
export function delta(before: Counters, after: Counters): Counters {
  const out: Counters = {};
  for (const k of Object.keys(after)) {
    const a = after[k], b = before[k];
    out[k] = Array.isArray(a) ? a.map((x, i) => x - (b as bigint[])[i]) : (a as bigint) - (b as bigint);
  }
  return out;
}
/** Access-type indices of the per-type TLB counters. */
export const READ = 0, WRITE = 1, FETCH = 2;
export const arr = (c: Counters, k: string) => c[k] as bigint[];
export const num = (c: Counters, k: string) => c[k] as bigint;
