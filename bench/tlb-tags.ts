/**
 * `npm run bench:tlb-tags`: what a TLB tagged with the VMID (and ASID and V) saves when a
 * hypervisor switches between VMs. K VMs (each its own VMID, Sv39x4 G-stage and Sv39 guest tables,
 * 4 KiB pages in both stages, every VM using the same guest-virtual addresses) each touch P guest
 * pages per time slice; the hypervisor switches between them round-robin. The modelled TLB is 64
 * entries, 4 ways, without walk caches, so a miss is a full 2D walk (15 references on Sv39 over
 * Sv39x4). Each case runs twice on fresh machines, tagged (the default) and untagged
 * (`configure({ tlbTagged: false })`: every context switch flushes the whole TLB, as on hardware
 * without VMIDs/VPIDs). Two ways of switching:
 *
 * - hlv: M-mode code writes hgatp and vsatp, then reads the P pages with HLV.D (the accesses of
 *   the guest, made by the hypervisor; no guest code runs and V stays 0);
 * - vs:  a real world switch. An M-mode hypervisor writes hgatp and vsatp and MRETs into VS-mode
 *   (mstatus.MPV); the guest loads its P pages with LD and ECALLs back (cause 10, taken by M).
 *   The guest's code page is one more translation per VM (an instruction fetch through both stages).
 *
 * One warm-up round fills the TLB; then ROUNDS rounds are measured, and every figure is a counter
 * delta over them divided by the number of switches (ROUNDS × K). Cycles are modelled: walk
 * references × MEM_REF_CYCLES (as in bench/walk.ts), nothing for a hit or for the switch itself.
 * Every loaded value is summed and checked, so a TLB hit on another VM's entry would fail the run.
 */
import Table from 'cli-table3';
import { Machine, RAM_BASE } from '../bindings/machine.js';

const MEM_REF_CYCLES = 100; // a page-table reference that misses the data caches: ~100 cycles of DRAM
const TLB = { entries: 64, ways: 4 };
const ROUNDS = 200;
const KS = [2, 4];
const PS = [4, 8, 16, 32]; // 32: K × P exceeds (K = 4) or fills (K = 2) the 64 entries
const SV39 = 8n;

// --- encoders (the few instructions used here; test/helpers/asm.ts has them all) ---
const x0 = 0, t0 = 5, t1 = 6, t2 = 7, s1 = 9, a0 = 10, a1 = 11, s2 = 18, s3 = 19, s4 = 20, s5 = 21, s6 = 22, t3 = 28;
const rType = (f7: number, f3: number, op: number, rd: number, rs1: number, rs2: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const iType = (f3: number, op: number, rd: number, rs1: number, imm: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const bType = (f3: number, rs1: number, rs2: number, off: number) =>
  ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
const addi = (rd: number, rs1: number, imm: number) => iType(0, 0x13, rd, rs1, imm);
const add = (rd: number, rs1: number, rs2: number) => rType(0, 0, 0x33, rd, rs1, rs2);
const ld = (rd: number, rs1: number, imm: number) => iType(3, 0x03, rd, rs1, imm);
const bne = (rs1: number, rs2: number, off: number) => bType(1, rs1, rs2, off);
const beq = (rs1: number, rs2: number, off: number) => bType(0, rs1, rs2, off);
const jal = (rd: number, off: number) =>
  ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const csrw = (csr: number, rs: number) => iType(1, 0x73, 0, rs, csr);
const csrs = (csr: number, rs: number) => iType(2, 0x73, 0, rs, csr);
const hlv_d = (rd: number, rs1: number) => rType(0x36, 4, 0x73, rd, rs1, 0);
const ECALL = 0x00000073, MRET = 0x30200073, WFI = 0x10500073;
const MSTATUS = 0x300, MTVEC = 0x305, MEPC = 0x341, MCAUSE = 0x342, HSTATUS = 0x600, HGATP = 0x680, VSATP = 0x280;
const MPP_S = 1n << 11n, MPV = 1n << 39n, SPVP = 1n << 8n;

// --- memory layout ---
const PAGE = 0x1000n;
const CODE = RAM_BASE; // the hypervisor's code (M-mode, physical)
const RECORDS = RAM_BASE + 0x1000n; // vs: per VM {hgatp, vsatp}
const GUEST_CODE_HOST = RAM_BASE + 0x2000n; // vs: the guest's code, one host frame shared by every VM
const VM_HOST = (k: number) => RAM_BASE + 0x20_0000n * BigInt(k + 1); // 2 MiB of host frames per VM
const GPA_TABLES = 0x8000_0000n, GPA_CODE = 0x8000_f000n, GPA_DATA = 0x8010_0000n;
// The same in every VM. The TLB has 16 sets indexed by the page number's low bits: data page i is in
// set i % 16, the guest's code page in set 15, so it shares a set with data only when P >= 16.
const GVA_DATA = 0x4000_0000n, GVA_CODE = 0x4010_f000n;
const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const LEAF = V | R | W | X | A | D, GLEAF = LEAF | U; // G-stage leaves are checked as user accesses

/** One VM: a G-stage (Sv39x4, 16 KiB root) in host frames and Sv39 guest tables in its guest-physical memory. */
class Vm {
  private next: bigint;
  private nextTable = GPA_TABLES;
  private readonly gmap = new Map<bigint, bigint>(); // guest page -> host frame
  readonly groot: bigint;
  readonly vsroot: bigint;
  constructor(private m: Machine, readonly vmid: number, hostBase: bigint) {
    this.next = hostBase;
    this.groot = this.frame(0x4000n);
    this.vsroot = this.guestTable();
  }
  private frame(bytes = PAGE): bigint {
    const a = this.next;
    this.next += bytes;
    this.m.zeroPhys(a, Number(bytes));
    return a;
  }
  gMap(gpa: bigint, hpa: bigint): void {
    let table = this.groot;
    for (let level = 2; level > 0; level--) {
      const slot = table + ((gpa >> BigInt(12 + 9 * level)) & (level === 2 ? 0x7ffn : 0x1ffn)) * 8n;
      const pte = this.m.read64(slot);
      if (pte & V) { table = (pte >> 10n) << 12n; continue; }
      const t = this.frame();
      this.m.write64(slot, ((t >> 12n) << 10n) | V);
      table = t;
    }
    this.m.write64(table + ((gpa >> 12n) & 0x1ffn) * 8n, ((hpa >> 12n) << 10n) | GLEAF);
    this.gmap.set(gpa, hpa);
  }
  /** A guest page backed by a fresh host frame; returns the frame. */
  guestPage(gpa: bigint): bigint {
    const h = this.frame();
    this.gMap(gpa, h);
    return h;
  }
  private guestTable(): bigint {
    const gpa = this.nextTable;
    this.nextTable += PAGE;
    this.guestPage(gpa);
    return gpa;
  }
  private host(gpa: bigint): bigint { return this.gmap.get(gpa & ~(PAGE - 1n))! + (gpa & (PAGE - 1n)); }
  /** VS stage: a 4 KiB leaf gva -> gpa, tables allocated in guest-physical memory. */
  vsMap(gva: bigint, gpa: bigint, flags: bigint): void {
    let table = this.vsroot;
    for (let level = 2; level > 0; level--) {
      const slot = table + ((gva >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
      const pte = this.m.read64(this.host(slot));
      if (pte & V) { table = (pte >> 10n) << 12n; continue; }
      const t = this.guestTable();
      this.m.write64(this.host(slot), ((t >> 12n) << 10n) | V);
      table = t;
    }
    this.m.write64(this.host(table + ((gva >> 12n) & 0x1ffn) * 8n), ((gpa >> 12n) << 10n) | flags);
  }
  hgatp(): bigint { return (SV39 << 60n) | (BigInt(this.vmid) << 44n) | (this.groot >> 12n); }
  vsatp(): bigint { return (SV39 << 60n) | (this.vsroot >> 12n); } // ASID 0 in every VM: the VMID tells them apart
}

/** The value at word 0 of page i of VM k. */
const datum = (k: number, i: number) => BigInt((k + 1) * 1_000_000 + i);

/** Guest code or hypervisor code touching P pages at t1, t1 + t2, ...: LD (VS) or HLV.D (M); sums into a1. */
function touchPages(p: number, hlv: boolean): number[] {
  const code = [addi(t0, t1, 0)];
  for (let i = 0; i < p; i++) code.push(hlv ? hlv_d(a0, t0) : ld(a0, t0, 0), add(a1, a1, a0), add(t0, t0, t2));
  return code;
}

type Scenario = 'hlv' | 'vs';
interface Result { switches: number; hits: bigint; misses: bigint; walks: bigint; refs: bigint; refsG: bigint; flushes: bigint; otherMisses: bigint }

async function measure(scenario: Scenario, k: number, p: number, tagged: boolean): Promise<Result> {
  const m = await Machine.create({ ramBytes: 16 << 20 });
  m.configure({ tlb: TLB, walkCaches: { pwc: false, ntlb: false }, exitOnWfi: true, tlbTagged: tagged });
  const vms: Vm[] = [];
  for (let j = 0; j < k; j++) {
    const vm = new Vm(m, j + 1, VM_HOST(j));
    for (let i = 0; i < p; i++) {
      const gpa = GPA_DATA + BigInt(i) * PAGE;
      m.write64(vm.guestPage(gpa), datum(j, i));
      vm.vsMap(GVA_DATA + BigInt(i) * PAGE, gpa, LEAF);
    }
    if (scenario === 'vs') {
      vm.gMap(GPA_CODE, GUEST_CODE_HOST);
      vm.vsMap(GVA_CODE, GPA_CODE, V | R | X | A);
    }
    vms.push(vm);
  }

  let code: number[];
  let setRounds: (rounds: number) => void;
  if (scenario === 'hlv') {
    // s2.. = hgatp of each VM, s2+k.. = vsatp: one unrolled round, looped s1 times.
    if (2 * k > 8) throw new Error('hlv: at most 4 VMs (registers s2..s9)');
    code = [];
    vms.forEach((vm, j) => {
      m.setReg(s2 + j, vm.hgatp());
      m.setReg(s2 + k + j, vm.vsatp());
      code.push(csrw(HGATP, s2 + j), csrw(VSATP, s2 + k + j), ...touchPages(p, true));
    });
    code.push(addi(s1, s1, -1));
    code.push(bne(s1, x0, -4 * code.length), WFI);
    m.writeCsr(HSTATUS, SPVP); // HLV accesses as VS (the guest's pages are not U pages)
    setRounds = (rounds) => { m.setReg(s1, BigInt(rounds)); };
  } else {
    // START: j SWITCH | TRAP (mtvec): next VM record, next round, or done | SWITCH: hgatp, vsatp, mepc, MPP=S MPV=1, mret
    const SWITCH = 6 * 4;
    code = [
      jal(x0, SWITCH),
      addi(s1, s1, 16), bne(s1, s2, SWITCH - 8), addi(s1, s4, 0), addi(s3, s3, -1), beq(s3, x0, 7 * 4 + 4),
      ld(t3, s1, 0), csrw(HGATP, t3), ld(t3, s1, 8), csrw(VSATP, t3), csrw(MEPC, s5), csrs(MSTATUS, s6), MRET,
      WFI,
    ];
    vms.forEach((vm, j) => {
      m.write64(RECORDS + BigInt(16 * j), vm.hgatp());
      m.write64(RECORDS + BigInt(16 * j) + 8n, vm.vsatp());
    });
    m.writePhys(GUEST_CODE_HOST, new Uint8Array(new Uint32Array([...touchPages(p, false), ECALL]).buffer));
    m.writeCsr(MTVEC, CODE + 4n);
    m.setReg(s2, RECORDS + BigInt(16 * k));
    m.setReg(s4, RECORDS);
    m.setReg(s5, GVA_CODE);
    m.setReg(s6, MPP_S | MPV);
    setRounds = (rounds) => { m.setReg(s1, RECORDS); m.setReg(s3, BigInt(rounds)); };
  }
  m.writePhys(CODE, new Uint8Array(new Uint32Array(code).buffer));
  m.setReg(t1, GVA_DATA);
  m.setReg(t2, PAGE);

  const perRound = vms.reduce((s, _, j) => s + Array.from({ length: p }, (_, i) => datum(j, i)).reduce((a, b) => a + b, 0n), 0n);
  const run = (rounds: number) => {
    setRounds(rounds);
    m.setReg(a1, 0n);
    m.pc = CODE;
    const exit = m.run(rounds * k * (3 * p + 20) + 100);
    if (exit.reason !== 'wfi') throw new Error(`${scenario} K=${k} P=${p}: exit ${exit.reason} at pc 0x${exit.pc.toString(16)} cause ${exit.cause}`);
    if (m.getReg(a1) !== perRound * BigInt(rounds)) throw new Error(`${scenario} K=${k} P=${p}: sum ${m.getReg(a1)}, expected ${perRound * BigInt(rounds)}`);
    if (scenario === 'vs' && m.readCsr(MCAUSE) !== 10n) throw new Error(`vs: last trap cause ${m.readCsr(MCAUSE)}, expected 10 (ECALL from VS)`);
  };
  const snap = () => {
    const c = m.counters();
    const sum = (x: bigint | bigint[]) => (x as bigint[]).reduce((a, b) => a + b, 0n);
    return {
      hits: c.tlbHitsVirt as bigint, misses: c.tlbMissesVirt as bigint, allMisses: sum(c.tlbMisses), walks: c.walks as bigint,
      refs: c.walkRefs as bigint, refsG: c.walkRefsG as bigint, flushes: c.tlbFlushSwitch as bigint,
    };
  };
  run(1); // warm-up: the first round's misses are compulsory in both modes
  const b = snap();
  run(ROUNDS);
  const e = snap();
  return {
    switches: ROUNDS * k, hits: e.hits - b.hits, misses: e.misses - b.misses, walks: e.walks - b.walks,
    refs: e.refs - b.refs, refsG: e.refsG - b.refsG, flushes: e.flushes - b.flushes,
    otherMisses: (e.allMisses - b.allMisses) - (e.misses - b.misses),
  };
}

const per = (x: bigint, n: number) => Number(x) / n;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

for (const scenario of ['hlv', 'vs'] as Scenario[]) {
  const t = new Table({
    head: ['K VMs', 'P pages', 'lookups/switch', 'misses/switch: tagged', 'untagged', 'walk refs/switch: tagged', 'untagged',
      `cycles/switch @${MEM_REF_CYCLES}: tagged`, 'untagged', 'saved by tags', 'flushes/switch: untagged'],
    style: { head: [], border: [] },
  });
  for (const k of KS) {
    for (const p of PS) {
      const [tg, un] = [await measure(scenario, k, p, true), await measure(scenario, k, p, false)];
      for (const r of [tg, un]) {
        if (r.otherMisses !== 0n) throw new Error(`${scenario} K=${k} P=${p}: ${r.otherMisses} TLB misses outside the guests`);
        if (r.walks !== r.misses) throw new Error(`${scenario} K=${k} P=${p}: ${r.walks} walks for ${r.misses} misses`);
      }
      if (tg.flushes !== 0n) throw new Error(`${scenario} K=${k} P=${p}: a tagged TLB flushed ${tg.flushes} times`);
      const n = tg.switches;
      t.push([k, p, fmt(per(tg.hits + tg.misses, n)), fmt(per(tg.misses, n)), fmt(per(un.misses, n)),
        fmt(per(tg.refs, n)), fmt(per(un.refs, n)),
        fmt(per(tg.refs, n) * MEM_REF_CYCLES), fmt(per(un.refs, n) * MEM_REF_CYCLES),
        fmt(per(un.refs - tg.refs, n) * MEM_REF_CYCLES), fmt(per(un.flushes, n))]);
    }
  }
  const how = scenario === 'hlv'
    ? 'hlv: M-mode writes hgatp + vsatp, then P × HLV.D'
    : 'vs: M-mode writes hgatp + vsatp, MRET into VS; the guest does P × LD and ECALLs back';
  console.log(`${how} — ${TLB.entries}-entry ${TLB.ways}-way TLB, no walk caches, ${ROUNDS} rounds after a warm-up round`);
  console.log(t.toString());
}
