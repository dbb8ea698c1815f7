/**
 * Running small hand-assembled programs for the ISA tests.
 *
 * Memory map of a test machine (1 MiB of RAM by default):
 *   CODE      RAM_BASE             the program (up to 512 KiB)
 *   DATA      RAM_BASE + 0x80000   free for data (192 KiB)
 *   TABLES    RAM_BASE + 0xb0000   runOps's input and output tables
 *   M_HANDLER RAM_BASE + 0xf0000   mtvec (set unless mHandler is null)
 *   S_HANDLER RAM_BASE + 0xf1000   stvec
 *
 * Conventions:
 * - A program ends with `HALT` (a store of 0x5555 to the SiFive finisher): exit 'halt', code 0.
 *   HALT uses t5/t6 (x30/x31); tests keep their results elsewhere.
 * - The default trap handlers are a single WFI, and `exitOnWfi` is on: a trap taken in the guest
 *   ends the run with exit 'wfi' at handler + 4 without touching any register or CSR, so the test
 *   reads mcause/mepc/mtval/mstatus (or the S ones) exactly as trap entry left them.
 *   `RunResult.trapped` says which handler ran ('M', 'S' or null).
 * - `exitOn` lists exception causes that leave the core directly (exit 'trap' with cause, tval,
 *   pc and insn) instead of trapping in the guest.
 */
import { Machine, RAM_BASE, type MachineConfig } from '../../bindings/machine.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { Program, words, li, lui, sw, ld, sd, addiw, csrr, csrw, addi, andi, lhu, blt, bne, jal, mret, sret, wfi, t3, t4, t5, t6, t0, type Reg } from './asm.js';

export { RAM_BASE };
export const CODE = RAM_BASE;
export const DATA = RAM_BASE + 0x80000n;
export const M_HANDLER = RAM_BASE + 0xf0000n;
export const S_HANDLER = RAM_BASE + 0xf1000n;

/** Ends a program: finisher <- 0x5555 (exit 'halt', code 0). Uses t5, t6. */
export const HALT: number[] = [lui(t6, 0x100), lui(t5, 5), addiw(t5, t5, 0x555), sw(t5, 0, t6)];
/** Ends a program with a failure code: finisher <- (code << 16) | 0x3333. Uses t5, t6. */
export const haltWith = (code: number): number[] => [lui(t6, 0x100), ...li(t5, (BigInt(code) << 16n) | 0x3333n), sw(t5, 0, t6)];

/** A handler that stops the run (exit 'wfi' at handler + 4, with exitOnWfi). */
export const WFI_HANDLER: number[] = [wfi()];
/**
 * A handler that skips the trapping instruction and returns: xepc += 4 or 2 (from the low bits of
 * the instruction at xepc, which must be readable); interrupts return to xepc unchanged. For M
 * (mepc/mret) or S (sepc/sret). Only t0 is used, and it is restored (saved in xscratch).
 */
export function skipHandler(mode: 'M' | 'S'): number[] {
  const [EPC, CAUSE, SCRATCH] = mode === 'M' ? [0x341, 0x342, 0x340] : [0x141, 0x142, 0x140];
  const p = new Program(0n);
  p.i(csrw(SCRATCH, t0), csrr(t0, CAUSE));
  p.b((o) => blt(t0, 0, o), 'ret'); // interrupt
  p.i(csrr(t0, EPC), lhu(t0, 0, t0), andi(t0, t0, 3), addi(t0, t0, -3)); // t0 = 0: 32-bit instruction
  p.b((o) => bne(t0, 0, o), 'two');
  p.i(csrr(t0, EPC), addi(t0, t0, 4), csrw(EPC, t0));
  p.b((o) => jal(0, o), 'ret');
  p.label('two').i(csrr(t0, EPC), addi(t0, t0, 2), csrw(EPC, t0));
  p.label('ret').i(csrr(t0, SCRATCH), mode === 'M' ? mret() : sret());
  const b = p.bytes();
  return Array.from(new Uint32Array(b.buffer, b.byteOffset, b.length / 4));
}

export interface RunOptions {
  /** Bytes of RAM (default 1 MiB). */
  ramBytes?: number;
  /** Instruction budget of the run (default 100 000). */
  budget?: number;
  /** Exception causes that exit to the host (exit 'trap') instead of trapping in the guest. */
  exitOn?: number[] | bigint;
  /** Further configuration (exitOnWfi defaults to true while a WFI handler is installed). */
  config?: MachineConfig;
  /** Code at M_HANDLER (default WFI_HANDLER); mtvec = M_HANDLER | mtvecMode. null: leave mtvec 0. */
  mHandler?: number[] | Uint8Array | null;
  /** Code at S_HANDLER (default WFI_HANDLER); stvec = S_HANDLER. */
  sHandler?: number[] | Uint8Array | null;
  /** Low bits of mtvec (1 = vectored). */
  mtvecMode?: number;
  /** Initial registers. */
  regs?: Record<number, bigint>;
  /** CSRs written by the host before the run (in order). */
  csrs?: [number, bigint][];
  /** Privilege to start in (default M). */
  priv?: 0 | 1 | 3;
  /** Extra memory contents. */
  mem?: [bigint, Uint8Array][];
  /** Anything else before the run. */
  setup?: (m: Machine) => void;
  /** Reuse a machine (its RAM is kept; it is reset). */
  machine?: Machine;
}

export interface RunResult {
  m: Machine;
  exit: ExitRecord;
  /** Which default handler stopped the run: 'M' (at M_HANDLER), 'S' (at S_HANDLER) or null. */
  trapped: 'M' | 'S' | null;
  /** Exit 'halt' with code 0. */
  halted: boolean;
}

const toBytes = (c: number[] | Uint8Array) => (c instanceof Uint8Array ? c : words(c));

export async function newMachine(ramBytes = 1 << 20): Promise<Machine> {
  return Machine.create({ ramBytes });
}

/** Loads `code` at RAM_BASE with the handlers, resets to it and runs. */
export async function runProgram(code: number[] | Uint8Array | Program, opts: RunOptions = {}): Promise<RunResult> {
  const m = opts.machine ?? (await newMachine(opts.ramBytes));
  const bytes = code instanceof Program ? code.bytes() : toBytes(code);
  m.writePhys(CODE, bytes);
  m.reset(CODE);
  const mh = opts.mHandler === undefined ? WFI_HANDLER : opts.mHandler;
  const shh = opts.sHandler === undefined ? WFI_HANDLER : opts.sHandler;
  if (mh !== null) {
    m.writePhys(M_HANDLER, toBytes(mh));
    m.writeCsr(0x305, M_HANDLER | BigInt(opts.mtvecMode ?? 0));
  }
  if (shh !== null) {
    m.writePhys(S_HANDLER, toBytes(shh));
    m.writeCsr(0x105, S_HANDLER);
  }
  const usesWfiHandler = mh === WFI_HANDLER || shh === WFI_HANDLER;
  let mask = 0n;
  if (typeof opts.exitOn === 'bigint') mask = opts.exitOn;
  else for (const c of opts.exitOn ?? []) mask |= 1n << BigInt(c);
  m.configure({ exitOnException: mask, exitOnWfi: usesWfiHandler, exitOnMmio: false, ...opts.config });
  for (const [a, b] of opts.mem ?? []) m.writePhys(a, b);
  for (const [r, v] of Object.entries(opts.regs ?? {})) m.setReg(Number(r), v);
  for (const [c, v] of opts.csrs ?? []) m.writeCsr(c, v);
  if (opts.priv !== undefined) m.priv = opts.priv;
  opts.setup?.(m);
  const exit = m.run(opts.budget ?? 100_000);
  let trapped: 'M' | 'S' | null = null;
  if (exit.reason === 'wfi') {
    if (mh === WFI_HANDLER && exit.pc === M_HANDLER + 4n) trapped = 'M';
    else if (shh === WFI_HANDLER && exit.pc === S_HANDLER + 4n) trapped = 'S';
  }
  return { m, exit, trapped, halted: exit.reason === 'halt' && exit.code === 0 };
}

/**
 * One case of `runOps`: registers loaded from a table (`in`), then `code` (32-bit words, or a
 * function that emits into the program, e.g. compressed instructions), then the `out` registers
 * are stored to a result table. Cases must not write t3/t4 (the table pointers) or t5/t6.
 */
export interface OpCase {
  name?: string;
  in?: [Reg, bigint][];
  code: number[] | ((p: Program) => void);
  out: Reg[];
}

const IN_PTR = t3, OUT_PTR = t4;
const IN_TABLE = RAM_BASE + 0xb0000n, OUT_TABLE = RAM_BASE + 0xd0000n, TABLE_BYTES = 0x20000;

/**
 * Runs many cases as straight-line code (in as few runs as fit) and returns the `out` values of
 * each case. Throws, naming the case, if anything traps or the program does not reach HALT.
 */
export async function runOps(cases: OpCase[], opts: { machine?: Machine; config?: MachineConfig } = {}): Promise<bigint[][]> {
  const m = opts.machine ?? (await newMachine());
  const results: bigint[][] = [];
  let i = 0;
  while (i < cases.length) {
    const p = new Program(CODE);
    p.li(IN_PTR, IN_TABLE).li(OUT_PTR, OUT_TABLE);
    const inputs: bigint[] = [];
    const starts: number[] = [];
    const first = i;
    let outs = 0;
    while (i < cases.length && p.offset < 0x70000 && inputs.length * 8 < TABLE_BYTES - 2048 && outs * 8 < TABLE_BYTES - 2048) {
      const c = cases[i];
      starts.push(p.offset);
      const ins = c.in ?? [];
      if (ins.length > 200 || c.out.length > 200) throw new Error('too many inputs/outputs in one case');
      ins.forEach(([r, v], k) => { p.i(ld(r, k * 8, IN_PTR)); inputs.push(v); });
      if (ins.length) p.i(addi(IN_PTR, IN_PTR, 8 * ins.length));
      if (typeof c.code === 'function') c.code(p); else p.i(c.code);
      p.align(2);
      c.out.forEach((r, k) => p.i(sd(r, k * 8, OUT_PTR)));
      p.i(addi(OUT_PTR, OUT_PTR, 8 * c.out.length));
      outs += c.out.length;
      i++;
    }
    p.i(HALT);
    const { exit, halted } = await runProgram(p, {
      machine: m, budget: 50_000_000, config: opts.config,
      mem: inputs.length ? [[IN_TABLE, dwordsOf(inputs)]] : [],
    });
    if (!halted) {
      const mepc = m.readCsr(0x341) - CODE;
      let k = starts.length - 1;
      while (k > 0 && BigInt(starts[k]) > mepc) k--;
      const c = cases[first + k];
      throw new Error(`runOps: case #${first + k}${c.name ? ` (${c.name})` : ''} did not complete: exit ${exit.reason} at 0x${exit.pc.toString(16)}, ` +
        `mcause ${m.readCsr(0x342)}, mepc 0x${m.readCsr(0x341).toString(16)}, mtval 0x${m.readCsr(0x343).toString(16)}`);
    }
    const out = m.readPhys(OUT_TABLE, outs * 8);
    const v = new DataView(out.buffer, out.byteOffset, out.length);
    let o = 0;
    for (let k = first; k < i; k++) {
      results.push(cases[k].out.map(() => { const r = v.getBigUint64(o, true); o += 8; return r; }));
    }
  }
  return results;
}

function dwordsOf(vs: bigint[]): Uint8Array {
  const b = new Uint8Array(vs.length * 8);
  const v = new DataView(b.buffer);
  vs.forEach((x, k) => v.setBigUint64(k * 8, BigInt.asUintN(64, x), true));
  return b;
}

/** Bit mask of exception causes, for exitOnException. */
export const causes = (...cs: number[]) => cs.reduce((a, c) => a | (1n << BigInt(c)), 0n);

/** Sign-extends the low `bits` of v to a 64-bit pattern (as an unsigned bigint). */
export const sx = (v: bigint, bits = 32) => BigInt.asUintN(64, BigInt.asIntN(bits, v));
/** A bigint as its 64-bit unsigned pattern. */
export const u64 = (v: bigint) => BigInt.asUintN(64, v);

export { Rng } from './rng.js';
