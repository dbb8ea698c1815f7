// The H extension in the running hart: two-stage translation through the TLB (exact reference
// counts on a miss, hits after), the VMID/ASID/V tags and the untagged switch, HFENCE scopes,
// exits that carry the guest physical address and htinst, VS-mode CSR redirection, virtual-
// instruction exceptions, and interrupts injected through hvip.
import { describe, it, expect, beforeEach } from 'vitest';
import { Machine, RAM_BASE } from '../../bindings/machine.js';
import * as A from '../helpers/asm.js';
import { words } from '../helpers/encode.js';
import { GPA_TABLES, GPA_DATA, GVA, SV39, SV48, TwoStage, vsTables } from '../helpers/two-stage.js';

const { a0, a1, a2 } = A;
const HSTATUS = 0x600, HEDELEG = 0x602, HIDELEG = 0x603, HVIP = 0x645, HGATP = 0x680, HTVAL = 0x643, HTINST = 0x64a;
const VSSTATUS = 0x200, VSIE = 0x204, VSTVEC = 0x205, VSCAUSE = 0x242, VSATP = 0x280, VSSCRATCH = 0x240;
const SSCRATCH = 0x140, MSTATUS = 0x300, MEDELEG = 0x302, SCAUSE = 0x142, STVEC = 0x105;
const CODE = RAM_BASE, HALT_AT = RAM_BASE + 0x800n;
const WFI = A.wfi();

let m: Machine;
beforeEach(async () => { m = await Machine.create({ ramBytes: 8 << 20 }); });

/** Places code at RAM_BASE (ending in WFI, which exits) and runs it at `priv`/`virt`. */
function runCode(code: number[], opts: { priv?: number; virt?: boolean; budget?: number } = {}) {
  m.writePhys(CODE, words([...code, WFI]));
  m.configure({ exitOnWfi: true });
  m.pc = CODE;
  m.priv = opts.priv ?? 3;
  m.virt = opts.virt ?? false;
  return m.run(opts.budget ?? 1000);
}
const counter = (name: string) => m.counters()[name] as bigint;

/** An Sv39-over-Sv39x4 guest (or Sv48 over Sv48x4) whose GVA maps to GPA_DATA, holding `value`. */
function guest(levels = 3, vmid = 0n): TwoStage {
  const t = new TwoStage(m, levels, RAM_BASE + 0x100000n * (1n + vmid));
  const root = vsTables(t, levels);
  const data = t.guestPage(GPA_DATA);
  m.write64(data, 0x1234_5678_9abc_def0n);
  m.writeCsr(VSATP, ((levels === 3 ? SV39 : SV48) << 60n) | root);
  m.writeCsr(HGATP, t.hgatp(levels === 3 ? SV39 : SV48) | (vmid << 44n));
  m.writeCsr(HSTATUS, 1n << 8n); // SPVP: HLV/HSV access as VS (the guest's pages are not U pages)
  return t;
}

describe('two-stage translation in the hart', () => {
  it('an HLV.D through Sv39 over Sv39x4 misses once at 15 references (12 of them G-stage), then hits', () => {
    guest(3);
    m.setReg(a1, GVA);
    const exit = runCode([A.hlv_d(a0, a1), A.hlv_d(a2, a1)]);
    expect(exit.reason).toBe('wfi');
    expect([m.getReg(a0), m.getReg(a2)]).toEqual([0x1234_5678_9abc_def0n, 0x1234_5678_9abc_def0n]);
    expect([counter('walks'), counter('walkRefs'), counter('walkRefsG')]).toEqual([1n, 15n, 12n]);
    expect([counter('tlbMissesVirt'), counter('tlbHitsVirt')]).toEqual([1n, 1n]);
  });

  it('V=1 with hgatp Bare is one stage: 3 references per miss, and the next access hits', () => {
    const t = new TwoStage(m, 3);
    const root = vsTables(t, 3);
    m.write64(t.guestPage(GPA_DATA), 7n);
    // With no G-stage, the guest's tables hold host addresses: point the VS tables at the host frames.
    const host = (gpa: bigint) => t.gmap.get(gpa & ~0xfffn)! + (gpa & 0xfffn);
    for (let k = 0; k < 3; k++) {
      const table = host(GPA_TABLES + BigInt(k) * 0x1000n);
      for (let i = 0n; i < 512n; i++) {
        const pte = m.read64(table + i * 8n);
        if (pte & 1n) m.write64(table + i * 8n, ((host((pte >> 10n) << 12n) >> 12n) << 10n) | (pte & 0x3ffn));
      }
    }
    m.writeCsr(VSATP, (SV39 << 60n) | (host(root << 12n) >> 12n));
    m.writeCsr(HGATP, 0n);
    m.writeCsr(HSTATUS, 1n << 8n);
    m.setReg(a1, GVA);
    runCode([A.hlv_d(a0, a1), A.hlv_d(a2, a1)]);
    expect([m.getReg(a0), m.getReg(a2)]).toEqual([7n, 7n]);
    expect([counter('walkRefs'), counter('walkRefsG'), counter('tlbMissesVirt'), counter('tlbHitsVirt')]).toEqual([3n, 0n, 1n, 1n]);
  });

  it('Sv48 over Sv48x4: 24 references per miss', () => {
    guest(4);
    m.setReg(a1, GVA);
    runCode([A.hlv_d(a0, a1)]);
    expect([counter('walkRefs'), counter('walkRefsG')]).toEqual([24n, 20n]);
  });

  it('two VMs with the same guest addresses: tagged, switching hgatp keeps both in the TLB; untagged, every switch flushes', () => {
    const vm1 = guest(3, 1n);
    const hgatp1 = m.readCsr(HGATP);
    const vm2 = guest(3, 2n);
    const hgatp2 = m.readCsr(HGATP);
    m.write64(vm2.gmap.get(GPA_DATA)!, 2n);
    m.write64(vm1.gmap.get(GPA_DATA)!, 1n);
    const rounds = 4;
    const code: number[] = [];
    for (let i = 0; i < rounds; i++) code.push(A.csrw(HGATP, a2), A.hlv_d(a0, a1), A.csrw(HGATP, A.a3), A.hlv_d(A.a4, a1));
    m.setReg(a1, GVA);
    m.setReg(a2, hgatp1);
    m.setReg(A.a3, hgatp2);
    runCode(code);
    expect([m.getReg(a0), m.getReg(A.a4)]).toEqual([1n, 2n]);
    expect([counter('tlbMissesVirt'), counter('tlbHitsVirt'), counter('tlbFlushSwitch')]).toEqual([2n, 6n, 0n]);
    const perVmid = (name: string) => (m.counters()[name] as bigint[]).slice(0, 3);
    expect([perVmid('vmidTlbMisses'), perVmid('vmidTlbHits')]).toEqual([[0n, 1n, 1n], [0n, 3n, 3n]]);

    m.configure({ tlbTagged: false });
    const before = [counter('tlbMissesVirt'), counter('tlbHitsVirt')];
    runCode(code);
    expect([m.getReg(a0), m.getReg(A.a4)]).toEqual([1n, 2n]);
    expect([counter('tlbMissesVirt') - before[0], counter('tlbHitsVirt') - before[1]]).toEqual([8n, 0n]);
    expect(counter('tlbFlushSwitch')).toBeGreaterThanOrEqual(8n);
  });

  it('guest code in VS under a G-stage: its fast-TLB hits are credited to its VMID', () => {
    const t = new TwoStage(m, 3);
    t.gMap(CODE, CODE); // the code page at the same address in both
    const data = t.guestPage(GPA_DATA);
    m.write64(data, 9n);
    m.writeCsr(VSATP, 0n);
    m.writeCsr(HGATP, t.hgatp(SV39) | (3n << 44n));
    m.setReg(a1, GPA_DATA);
    const exit = runCode([A.ld(a0, 0, a1), A.ld(a2, 0, a1), A.ld(a2, 0, a1), A.ld(a2, 0, a1)], { priv: 1, virt: true });
    expect([exit.reason, m.getReg(a0)]).toEqual(['wfi', 9n]);
    const c = m.counters();
    const hits = (c.vmidTlbHits as bigint[])[3], misses = (c.vmidTlbMisses as bigint[])[3];
    expect([misses, hits]).toEqual([2n, 3n]); // the code page and the data page miss once; three loads hit
    expect([c.tlbHitsVirt, c.tlbMissesVirt]).toEqual([hits, misses]);
  });

  it('HFENCE.GVMA with a VMID drops only that VM; HFENCE.VVMA the current VM; SFENCE.VMA at V=0 no guest entry', () => {
    guest(3, 5n);
    m.setReg(a1, GVA);
    m.setReg(a2, 7n); // another VMID
    runCode([A.hlv_d(a0, a1), A.hfence_gvma(0, a2), A.sfence_vma(0, 0), A.hlv_d(a0, a1)]);
    expect([counter('tlbMissesVirt'), counter('tlbHitsVirt')]).toEqual([1n, 1n]);
    m.setReg(a2, 5n);
    runCode([A.hfence_gvma(0, a2), A.hlv_d(a0, a1), A.hfence_vvma(0, 0), A.hlv_d(a0, a1)]);
    expect([counter('tlbMissesVirt'), counter('tlbHitsVirt')]).toEqual([3n, 1n]);
    expect([counter('tlbFlushGvma'), counter('tlbFlushVvma')]).toEqual([2n, 1n]);
    expect((m.counters().vmidTlbFlushes as bigint[]).slice(4, 8)).toEqual([0n, 2n, 0n, 1n]); // VMID 5 twice, VMID 7 once
  });
});

describe('exits carry what a VMM needs', () => {
  it('a guest-page fault on the data: cause 21, the guest physical address, the transformed instruction', () => {
    const t = guest(3);
    t.gUnmap(GPA_DATA);
    m.configure({ exitOnException: 1n << 21n });
    m.setReg(a1, GVA + 0x18n);
    const exit = runCode([A.hlv_w(a0, a1)]);
    expect([exit.reason, exit.cause, exit.tval, exit.gpa, exit.pc]).toEqual(['trap', 21, GVA + 0x18n, GPA_DATA + 0x18n, CODE]);
    expect(exit.tinst).toBe(A.hlv_w(a0, 0)); // rs1 replaced by the offset 0
    expect(exit.insn).toBe(A.hlv_w(a0, a1));
  });

  it('a guest-page fault on a VS page-table page: the PTE\'s guest physical address and htinst 0x3000', () => {
    const t = guest(3);
    t.gUnmap(GPA_TABLES + 0x1000n); // the second-level table
    m.configure({ exitOnException: 1n << 23n });
    m.setReg(a1, GVA);
    const exit = runCode([A.hsv_d(a0, a1)]);
    const pteGpa = GPA_TABLES + 0x1000n + ((GVA >> 21n) & 0x1ffn) * 8n;
    expect([exit.cause, exit.gpa, exit.tinst]).toEqual([23, pteGpa, 0x3000]);
  });

  it('taken by HS instead: htval = GPA >> 2, htinst, hstatus.GVA; the guest data is untouched', () => {
    const t = guest(3);
    t.gUnmap(GPA_DATA);
    m.writeCsr(STVEC, HALT_AT);
    m.writeCsr(MEDELEG, 1n << 21n);
    m.writePhys(HALT_AT, words([WFI]));
    m.setReg(a1, GVA + 8n);
    const exit = runCode([A.hlv_d(a0, a1)], { priv: 1 });
    expect([exit.reason, exit.pc]).toEqual(['wfi', HALT_AT + 4n]);
    expect([m.readCsr(SCAUSE), m.readCsr(HTVAL), m.readCsr(HTINST)]).toEqual([21n, (GPA_DATA + 8n) >> 2n, BigInt(A.hlv_d(a0, 0))]);
    expect((m.readCsr(HSTATUS) >> 6n) & 1n).toBe(1n); // GVA: stval holds a guest virtual address
  });

  it('ECALL from VS exits as cause 10 with the mode; an interrupt chosen by exitOnInterrupt exits pending', () => {
    m.configure({ exitOnException: 1n << 10n });
    const e = runCode([A.ecall()], { priv: 1, virt: true });
    expect([e.reason, e.cause, e.virt, e.priv]).toEqual(['trap', 10, true, 1]);
    m.writeCsr(HIDELEG, 1n << 2n);
    m.writeCsr(HVIP, 1n << 2n);
    m.writeCsr(VSIE, 1n << 1n);
    m.writeCsr(VSSTATUS, 1n << 1n);
    m.configure({ exitOnInterrupt: 1n << 2n });
    const i = runCode([A.addi(a0, 0, 1)], { priv: 1, virt: true });
    expect([i.reason, i.cause, i.virt, i.pc]).toEqual(['interrupt', 2, true, CODE]);
    expect(m.readCsr(HVIP)).toBe(4n); // still pending
  });
});

describe('VS mode', () => {
  it('S CSRs are the VS CSRs; H CSRs are virtual instructions (22), M CSRs illegal (2)', () => {
    m.writeCsr(VSSCRATCH, 0x55n);
    m.writeCsr(SSCRATCH, 0x66n);
    m.configure({ exitOnException: (1n << 22n) | (1n << 2n) });
    const r = runCode([A.csrr(a0, SSCRATCH)], { priv: 1, virt: true });
    expect([r.reason, m.getReg(a0)]).toEqual(['wfi', 0x55n]);
    const v = runCode([A.csrr(a0, HSTATUS)], { priv: 1, virt: true });
    expect([v.cause, v.tval, v.insn]).toEqual([22, BigInt(A.csrr(a0, HSTATUS)), A.csrr(a0, HSTATUS)]);
    const i = runCode([A.csrr(a0, MSTATUS)], { priv: 1, virt: true });
    expect(i.cause).toBe(2);
    const u = runCode([A.csrr(a0, SSCRATCH)], { priv: 0, virt: true });
    expect(u.cause).toBe(22); // VU touching an S CSR
  });

  it('a VS software interrupt injected through hvip: taken at vstvec with vscause 1 when hideleg delegates it, else by HS as cause 2', () => {
    const VS_HANDLER = RAM_BASE + 0x400n, HS_HANDLER = RAM_BASE + 0x600n;
    m.writePhys(VS_HANDLER, words([WFI]));
    m.writePhys(HS_HANDLER, words([WFI]));
    m.writeCsr(VSTVEC, VS_HANDLER);
    m.writeCsr(STVEC, HS_HANDLER);
    m.writeCsr(VSIE, 2n);
    m.writeCsr(VSSTATUS, 2n);
    m.writeCsr(0x303, 1n << 2n); // mideleg (VSSI is delegated anyway)
    m.writeCsr(0x304, 1n << 2n); // mie.VSSIE
    m.writeCsr(HIDELEG, 1n << 2n);
    m.writeCsr(HVIP, 1n << 2n);
    const nop = A.addi(0, 0, 0);
    const e = runCode([nop, nop], { priv: 1, virt: true });
    expect([e.pc, m.virt, m.readCsr(VSCAUSE)]).toEqual([VS_HANDLER + 4n, true, (1n << 63n) | 1n]);
    m.writeCsr(HIDELEG, 0n);
    const h = runCode([nop, nop], { priv: 1, virt: true });
    expect([h.pc, m.virt, m.readCsr(SCAUSE)]).toEqual([HS_HANDLER + 4n, false, (1n << 63n) | 2n]);
    expect((m.readCsr(HSTATUS) >> 7n) & 3n).toBe(3n); // SPV = 1, SPVP = 1 (the guest was in VS)
  });

  it('SRET from HS enters VS with hstatus.SPV and clears it; an exception delegated by hedeleg stays in the guest', () => {
    const GUEST = RAM_BASE + 0x200n, VS_HANDLER = RAM_BASE + 0x400n;
    m.writePhys(GUEST, words([A.ecall()]));
    m.writePhys(VS_HANDLER, words([WFI]));
    m.writeCsr(0x141, GUEST); // sepc
    m.writeCsr(0x100, 1n << 8n); // sstatus.SPP = S
    m.writeCsr(HSTATUS, 1n << 7n); // SPV
    m.writeCsr(MEDELEG, 1n << 8n);
    m.writeCsr(HEDELEG, 1n << 8n);
    m.writeCsr(VSTVEC, VS_HANDLER);
    // the guest's ecall from VS is cause 10, not delegable to VS: goes to HS unless medeleg lacks it
    m.writeCsr(MEDELEG, (1n << 8n) | (1n << 10n));
    m.writeCsr(STVEC, RAM_BASE + 0x600n);
    m.writePhys(RAM_BASE + 0x600n, words([WFI]));
    const e = runCode([A.sret()], { priv: 1 });
    expect([e.pc, m.virt, m.readCsr(SCAUSE)]).toEqual([RAM_BASE + 0x604n, false, 10n]);
    expect((m.readCsr(HSTATUS) >> 7n) & 1n).toBe(1n); // set again by the trap from V=1
    // VU's ecall (cause 8) is delegated to VS by hedeleg
    m.writeCsr(VSSTATUS, 0n);
    const u = runCode([A.ecall()], { priv: 0, virt: true });
    expect([u.pc, m.virt, m.priv, m.readCsr(VSCAUSE)]).toEqual([VS_HANDLER + 4n, true, 1, 8n]);
  });
});
