/**
 * Binary translation's callouts: what the VMM does at each ECALL of the translation cache (a site,
 * unit.ts). Chained and indirect exits find or make the target's translation; CSR, SRET, WFI and
 * SFENCE.VMA callouts emulate the instruction against the virtual CPU; adaptive store sites
 * perform their store through the shadows; the guest's own ECALL is its SBI call.
 */
import type { ExitRecord } from '../../bindings/exit.js';
import { CSR, CAUSE } from '../vmm/csr.js';
import { decodePrivileged, csrNewValue } from '../vmm/decode.js';
import { serveSbi } from '../vmm/sbi.js';
import { READ, walkGuest, type GuestContext } from '../vmm/guest-walk.js';
import { RESUME, IDLE, type ExitAction } from '../vmm/strategy.js';
import type { Vm } from '../vmm/vm.js';
import { VISIBLE_VA } from './layout.js';
import { performAccess } from './guest-access.js';
import type { Site } from './unit.js';
import type { BtCore, Guest } from './guest.js';

const STIP = 1n << 5n;
const T6 = 31;

export class Callouts {
  constructor(private readonly core: BtCore) {}


  /** Carries out the callout at `site` (the ECALL the hart exited on). */
  handle(vm: Vm, g: Guest, exit: ExitRecord, site: Site): ExitAction {
    const m = this.core.machine, v = g.vcpu;
    if (site.kind === 'sbi') return serveSbi(m, vm, exit, () => { v.sip &= ~STIP; });
    vm.stats.exit(`callout:${site.kind}`);
    g.stats.callouts.set(site.kind, (g.stats.callouts.get(site.kind) ?? 0) + 1);
    const target = site.kind === 'indirect' ? m.getReg(T6) : undefined;
    for (const [r, f] of site.restore) m.setReg(r, g.page.read(f));
    const resume = () => { m.pc = exit.pc + 4n + BigInt(site.resumeSkip) * 4n; };
    switch (site.kind) {
      case 'chain': return this.chain(vm, g, exit.pc, site.target!);
      case 'indirect': return this.indirect(vm, g, target!);
      case 'csr': case 'satp': return this.csr(vm, g, site, resume);
      case 'sstatus': resume(); return this.core.deliver(vm, g);
      case 'sret': {
        vm.stats.emulated++;
        const pc = v.sret();
        if (v.mode === 'U') { this.core.applyRing(g); m.pc = pc; return this.core.deliver(vm, g); }
        const entered = this.core.enterKernel(vm, g, pc);
        return entered.kind === 'resume' ? this.core.deliver(vm, g) : entered;
      }
      case 'wfi': vm.stats.emulated++; resume(); return (v.sip & v.sie) !== 0n ? RESUME : IDLE; // wakes on a pending, enabled interrupt even with SIE clear
      case 'sfence': return this.sfence(vm, g, site, resume);
      case 'reflect': return this.core.reflect(vm, g, 'guest-fault', site.cause!, BigInt(site.insn!.raw), site.guestPc);
      case 'x0-access': {
        const done = this.core.access(vm, g, site.insn!, BigInt.asUintN(64, site.insn!.imm), site.guestPc);
        if (done) return done;
        resume();
        return RESUME;
      }
      case 'pt-store': return this.ptStore(vm, g, exit, site, resume);
    }
  }

  /** An exit to another unit: translate it if need be, and chain the exit to it. */
  private chain(vm: Vm, g: Guest, slot: bigint, target: bigint): ExitAction {
    const u = g.cache.lookup(target) ?? this.core.translateAt(vm, g, target);
    if (!u || 'cause' in u) return this.core.enterKernel(vm, g, target);
    g.cache.chain(slot, u);
    this.core.machine.pc = u.body;
    return RESUME;
  }

  /** An indirect jump the in-cache lookup missed: the VMM finds (or makes) the translation and caches it. */
  private indirect(vm: Vm, g: Guest, target: bigint): ExitAction {
    g.stats.indirectMisses++;
    const action = this.core.enterKernel(vm, g, target);
    const u = g.cache.lookup(target);
    if (u) g.cache.ijc.insert(target, u.entry);
    return action;
  }

  /** A CSR access translated as a callout: emulated against the virtual CPU (an illegal one is the guest's exception). */
  private csr(vm: Vm, g: Guest, site: Site, resume: () => void): ExitAction {
    const m = this.core.machine, v = g.vcpu;
    const insn = decodePrivileged(site.insn!.bits);
    if (insn.kind !== 'csr') throw new Error('a CSR callout without a CSR instruction');
    const old = v.readCsr(insn.csr);
    if (old === undefined) return this.core.reflect(vm, g, 'guest-fault', CAUSE.illegal, BigInt(site.insn!.raw), site.guestPc);
    vm.stats.emulated++;
    const value = csrNewValue(insn, old, (i) => m.getReg(i));
    if (value !== undefined) v.writeCsr(insn.csr, value);
    if (insn.rd !== 0) m.setReg(insn.rd, old);
    resume();
    if (insn.csr === CSR.satp && value !== undefined) {
      this.core.applyRing(g);
      const crash = this.addressSpaceChanged(vm, g, false);
      if (crash) return crash;
    }
    return this.core.deliver(vm, g);
  }

  /** SFENCE.VMA: translations read through mappings it makes visible again are checked (the shadows are kept coherent by write protection). */
  private sfence(vm: Vm, g: Guest, site: Site, resume: () => void): ExitAction {
    const m = this.core.machine, insn = site.insn!;
    vm.stats.emulated++;
    resume();
    return this.addressSpaceChanged(vm, g, insn.rs2 === 0, insn.rs1 === 0 ? undefined : m.getReg(insn.rs1)) ?? RESUME;
  }

  /**
   * The guest's address space changed (a satp write) or a fence made changed mappings visible:
   * translations read through mappings that are no longer the same are dropped, and a guest that
   * now maps the virtual-CPU page's address is stopped (docs/BT.md).
   */
  private addressSpaceChanged(vm: Vm, g: Guest, all: boolean, va?: bigint): ExitAction | undefined {
    const ctx = this.core.guestCtx(g);
    for (const vpage of g.code.stale(ctx, all, va)) g.cache.invalidateVaPage(vpage);
    const mapped = this.mappedVisiblePage(vm, ctx);
    if (mapped === undefined) return undefined;
    return { kind: 'crash', why: `the guest kernel maps 0x${mapped.toString(16)}, a page binary translation reserves for its virtual CPU (address-space compression, docs/BT.md)` };
  }

  /**
   * The first page of the VMM's that translated code reads (the indirect-jump cache, the vCPU
   * page) that the guest's own table maps to its memory, if any: such a guest would read the VMM's
   * data where it expects its own. Nearly always one reference: the guest's top root entry is empty.
   */
  private mappedVisiblePage(vm: Vm, ctx: GuestContext): bigint | undefined {
    if (ctx.satp >> 60n === 0n) return undefined; // Bare: those addresses are no RAM of the guest
    const top = ((ctx.satp & ((1n << 44n) - 1n)) << 12n) + 511n * 8n;
    if (vm.p2m.hpa(top) === undefined) return undefined;
    vm.stats.guestWalkRefs++;
    if ((vm.p2m.read64(top) & 1n) === 0n) return undefined;
    for (let page = VISIBLE_VA; page !== 0n; page = BigInt.asUintN(64, page + 4096n)) {
      const refs = { n: 0 };
      const w = walkGuest(vm.p2m, ctx, page, READ, refs);
      vm.stats.guestWalkRefs += refs.n;
      if (w.ok && vm.p2m.hpa(w.gpa) !== undefined) return page;
    }
    return undefined;
  }

  /** A store site turned into a callout: the store is performed by the VMM, through the shadows when it hits a page table. */
  private ptStore(vm: Vm, g: Guest, exit: ExitRecord, site: Site, resume: () => void): ExitAction {
    const m = this.core.machine, insn = site.insn!;
    const va = BigInt.asUintN(64, m.getReg(insn.rs1) + insn.imm);
    let pageTable = false;
    const refs = { n: 0 };
    vm.stats.emulated++;
    const r = performAccess(m, vm.p2m, this.core.guestCtx(g), insn, va, (gpa, size, value) => { pageTable = this.core.store(vm, g, gpa, size, value) || pageTable; }, refs);
    vm.stats.guestWalkRefs += refs.n;
    if (!r.ok) return this.core.reflect(vm, g, 'guest-fault', r.cause, r.tval, site.guestPc);
    if (g.sites.stored(site.guestPc, pageTable)) {
      g.stats.revertedSites++;
      const at = g.cache.guestPcAt(exit.pc);
      if (at) return this.core.retranslate(vm, g, at.unit, site.guestNext);
    }
    const here = g.cache.unitAt(exit.pc);
    if (!here) return this.core.enterKernel(vm, g, site.guestNext); // the store rewrote this very unit
    resume();
    return RESUME;
  }
}
