/**
 * The analyzer's laboratory: one small machine on which a single instruction is run, from a chosen
 * machine state, in a chosen mode, and what it did is observed. Machine states ("variants") differ
 * only in the supervisor's configuration — where memory really is (satp, and frames with the same
 * contents at different physical addresses), interrupt enables, status bits, trap vectors,
 * delegation, and the same for the VS level — so an innocuous instruction behaves identically in
 * all of them. The controls that decide *whether* an instruction traps (TVM, TW, TSR, VTVM, VTW,
 * VTSR, HU, the counter enables) and M-mode's own state are held at the values a VMM gives them.
 */
import { Machine, RAM_BASE, type HartProfile } from '../../bindings/machine.js';
import { STATE, type StateField } from '../../bindings/gen/layout.js';
import type { ExitRecord } from '../../bindings/exit.js';
import { RS1, RS2, type Form } from './forms.js';

export type Mode = 'U' | 'S' | 'VU' | 'VS';
export const MODES: readonly Mode[] = ['U', 'S', 'VU', 'VS'];
const MODE_BITS: Record<Mode, { priv: bigint; virt: bigint }> = {
  U: { priv: 0n, virt: 0n }, S: { priv: 1n, virt: 0n }, VU: { priv: 0n, virt: 1n }, VS: { priv: 1n, virt: 1n },
};

/** What one run of an instruction did. */
export interface Observation {
  /** The exception it raised (the exit controls catch every one before the hart takes it). */
  trap?: number;
  /** Configuration it changed: state field names, 'tlb' (a translation-cache flush), 'wfi' (the hart waits). */
  changed: string[];
  /** Everything else it produced, location-independent: registers, pc, the data it stored, the data CSRs it wrote. */
  outputs: string;
}

const RAM_BYTES = 64 << 10;
export const CODE_VA = 0x8000_0000n, DATA_VA = 0x8000_1000n;
const INSN_OFFSET = 0x100n, WINDOW_OFFSET = 0x100n, WINDOW_BYTES = 0x100;
/** Physical frames: code and data, and their copies elsewhere (the relocated variant), then page tables. */
const F1 = RAM_BASE, D1 = RAM_BASE + 0x1000n, F2 = RAM_BASE + 0x2000n, D2 = RAM_BASE + 0x3000n, TABLES = RAM_BASE + 0x4000n;
const SV39 = 8n << 60n;
const ALL = (1n << 64n) - 1n;

// sstatus/mstatus and hstatus fields
const SIE = 1n << 1n, MIE = 1n << 3n, SPIE = 1n << 5n, MPIE = 1n << 7n, SPP = 1n << 8n, SUM = 1n << 18n, MXR = 1n << 19n;
const H_GVA = 1n << 6n, H_SPV = 1n << 7n, H_SPVP = 1n << 8n;

/** The configuration a state is made of, written through the CSRs (so every value is legal). */
interface Variant { name: string; table?: 'A' | 'B'; csrs: [number, bigint][] }
const FIXED: [number, bigint][] = [
  [0x306, 0xffff_ffffn], [0x106, 0xffff_ffffn], [0x606, 0xffff_ffffn], // counters readable everywhere
  [0x303, 0x222n], [0x302, 0xb1ffn], // M delegates S interrupts and exceptions, as minios's firmware does
];
export const VARIANTS: readonly Variant[] = [
  { name: 'bare, everything off', csrs: [[0x105, 0x8000_0f00n], [0x205, 0x8000_0e00n]] },
  {
    name: 'Sv39 (identity), interrupts enabled', table: 'A', csrs: [
      [0x300, SIE | SPIE | SPP | SUM | MXR | MIE | MPIE], [0x105, 0x8000_2001n], [0x104, 0x222n], [0x10a, 1n],
      [0x200, SIE | SPP | MXR], [0x205, 0x8000_2101n], [0x600, H_GVA | H_SPV | H_SPVP], [0x602, 0x1ffn], [0x603, 0x444n],
      [0x60a, 1n],
    ],
  },
  {
    name: 'Sv39 (relocated frames), other status bits', table: 'B', csrs: [
      [0x300, SPIE | SUM], [0x105, 0x8000_2400n], [0x104, 0x20n], [0x200, SPIE | SUM], [0x205, 0x8000_2500n],
      [0x600, H_SPVP], [0x602, 0xb100n], [0x603, 0x40n],
    ],
  },
];

/** State fields that are configuration (a change is control-sensitive); the rest of the hart's words are data or counters. */
const CONFIG_FIELDS: StateField[] = [
  'priv', 'virt', 'mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mip', 'mtvec', 'mcounteren', 'mcountinhibit', 'menvcfg',
  'stvec', 'scounteren', 'senvcfg', 'satp', 'hstatus', 'hedeleg', 'hideleg', 'hvip', 'hcounteren', 'hgatp', 'henvcfg',
  'htimedelta', 'vsstatus', 'vstvec', 'vsatp', 'pmpcfg', 'pmpaddr', 'mtimecmp', 'msip',
];
const FLUSH_COUNTERS: StateField[] = ['cnt_tlbFlushAll', 'cnt_tlbFlushAsid', 'cnt_tlbFlushPage', 'cnt_tlbFlushVvma', 'cnt_tlbFlushGvma'];
const DATA_FIELDS: StateField[] = [
  'x', 'pc', 'mscratch', 'mepc', 'mcause', 'mtval', 'sscratch', 'sepc', 'scause', 'stval', 'htval', 'htinst', 'mtval2',
  'mtinst', 'vsscratch', 'vsepc', 'vscause', 'vstval', 'cycleOffset', 'instretOffset',
];
// (Not the LR reservation: it holds a physical address, but a program only ever sees whether an SC
// succeeds, and that does not depend on where memory is.)
const words = (f: StateField): number[] => Array.from({ length: STATE[f].count }, (_, i) => STATE[f].index + i);
const CONFIG_WORDS = CONFIG_FIELDS.flatMap((f) => words(f).map((i) => [f, i] as const));
const FLUSH_WORDS = FLUSH_COUNTERS.flatMap(words);
const DATA_WORDS = DATA_FIELDS.flatMap(words);

/** Initial registers: recognisable patterns, with rs1 set per form. */
const pattern = (i: number): bigint => (0x0101_0101_0101_0101n * BigInt(i)) ^ 0x8000_0000_0000_0000n;

export class Lab {
  /** Base state words per variant and mode class ('U' or 'S': the page tables differ in their U bits). */
  private readonly bases: BigUint64Array[][];
  private readonly window = new Uint8Array(WINDOW_BYTES).map((_, i) => (i * 37 + 11) & 0xff);
  /** Runs made so far. */
  runs = 0;

  private constructor(private readonly m: Machine, readonly profile: HartProfile) {
    this.buildTables();
    this.bases = VARIANTS.map((v) => [this.baseState(v, true), this.baseState(v, false)]);
  }

  static async create(profile: HartProfile): Promise<Lab> {
    return new Lab(await Machine.create({ ramBytes: RAM_BYTES }), profile);
  }

  /** Whether the hart has CSR `csr`. */
  hasCsr(csr: number): boolean { return this.m.csrExists(csr); }

  /** The value a CSR has in a variant's supervisor state (the experiment writes it as a source operand). */
  csrIn(variant: number, csr: number): bigint {
    this.m.loadHartState(this.bases[variant][1]);
    return this.m.csrExists(csr) ? this.m.readCsr(csr) : 0n;
  }

  /** Runs `insn` once in `mode` from `variant`'s state with rs1 = `source` (for a form whose rs1 is a value). */
  observe(form: Form, insn: number, mode: Mode, variant: number, source: bigint): Observation {
    const m = this.m, user = mode === 'U' || mode === 'VU';
    const [code, data] = VARIANTS[variant].table === 'B' ? [F2, D2] : [F1, D1];
    const bits = new Uint8Array(4);
    new DataView(bits.buffer).setUint32(0, insn, true);
    m.writePhys(code + INSN_OFFSET, bits);
    m.writePhys(data + WINDOW_OFFSET, this.window);
    const before = this.bases[variant][user ? 0 : 1].slice();
    const { priv, virt } = MODE_BITS[mode];
    before[STATE.priv.index] = priv;
    before[STATE.virt.index] = virt;
    before[STATE.pc.index] = CODE_VA + INSN_OFFSET;
    for (let r = 1; r < 32; r++) before[STATE.x.index + r] = pattern(r);
    before[STATE.x.index + RS1] = form.rs1 === 'data' ? DATA_VA + WINDOW_OFFSET : form.rs1 === 'code' ? CODE_VA + 0x200n : source;
    before[STATE.x.index + RS2] = form.rs1 === 'data' ? 0n : pattern(RS2); // (rs2 of sfence.vma / hfence: all address spaces)
    m.loadHartState(before);
    const exit = m.run(1);
    this.runs++;
    return this.observation(exit, before, m.hartState(), m.readPhys(data + WINDOW_OFFSET, WINDOW_BYTES));
  }

  private observation(exit: ExitRecord, before: BigUint64Array, after: BigUint64Array, window: Uint8Array): Observation {
    const changed: string[] = [];
    for (const [name, i] of CONFIG_WORDS) if (before[i] !== after[i] && !changed.includes(name)) changed.push(name);
    if (FLUSH_WORDS.some((i) => before[i] !== after[i])) changed.push('tlb');
    if (exit.reason === 'wfi') changed.push('wfi');
    const trap = exit.reason === 'trap' ? exit.cause : undefined;
    const outputs = [trap ?? '-', ...DATA_WORDS.map((i) => after[i].toString(16)), Array.from(window, (b) => b.toString(16).padStart(2, '0')).join('')].join(' ');
    return { trap, changed, outputs };
  }

  /** The state of a variant, for the U-mode (user: leaves with U) or the supervisor's page tables. */
  private baseState(v: Variant, user: boolean): BigUint64Array {
    const m = this.m;
    m.reset(CODE_VA);
    m.configure({ exitOnException: ALL, exitOnInterrupt: ALL, exitOnWfi: true, exitOnMmio: false, profile: this.profile });
    m.timerCompare = ALL;
    for (const [csr, value] of [...FIXED, ...v.csrs]) m.writeCsr(csr, value);
    const atp = v.table ? SV39 | (BigInt(v.table === 'A' ? 1 : 2) << 44n) | (this.tableRoot(v.table, user) >> 12n) : 0n;
    m.writeCsr(0x180, atp);
    m.writeCsr(0x280, atp);
    return m.hartState();
  }

  private tableRoot(t: 'A' | 'B', user: boolean): bigint { return TABLES + BigInt(((t === 'A' ? 0 : 2) + (user ? 1 : 0)) * 3) * 0x1000n; }

  /** Four Sv39 tables (A, B; supervisor and user leaves) mapping CODE_VA and DATA_VA to F1/D1 (A) or F2/D2 (B). */
  private buildTables(): void {
    const m = this.m;
    const ptr = (pa: bigint) => ((pa >> 12n) << 10n) | 1n;
    const leaf = (pa: bigint, rwx: bigint, user: boolean) => ((pa >> 12n) << 10n) | rwx | (user ? 0x10n : 0n) | 0xc1n; // V A D
    for (const t of ['A', 'B'] as const) {
      for (const user of [false, true]) {
        const root = this.tableRoot(t, user), l1 = root + 0x1000n, l0 = root + 0x2000n;
        m.write64(root + 2n * 8n, ptr(l1)); // VPN[2] = 2: 0x8000_0000
        m.write64(l1, ptr(l0));
        m.write64(l0, leaf(t === 'A' ? F1 : F2, 0xen, user));
        m.write64(l0 + 8n, leaf(t === 'A' ? D1 : D2, 0x6n, user));
      }
    }
  }
}

