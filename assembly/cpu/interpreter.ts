// The interpreter: one loop, one switch over pre-decoded slots. The slot pointer `sp` walks the
// decoded page; pc is derived from it only when needed (pc = pageVaddr + (sp - pageBase) / 8).
// Budget and timer are one countdown (`left`) checked per instruction; interrupts are evaluated
// when it runs out or an instruction asks for a resync. Loads and stores try the fast TLB inline:
// one compare and one add. Everything else is a call to a slow path that returns a status.
// A case that completes normally ends in `continue`; the code after the switch handles the rest.
import * as Op from '../gen/opcodes';
import {
  S_pc, S_priv, S_virt, S_cnt_instret, S_cnt_exits, S_exitReason, S_exitPc, S_exitInsn, S_mmioRd, S_mmioSigned,
  S_mmioLen, S_exitOnInterrupt,
} from '../gen/layout';
import {
  ST_OK, ST_TRAP, ST_EXIT, EXIT_BUDGET, EXIT_HALT, EXIT_WFI, EXIT_MMIO, EXIT_NONE, EXIT_INTERRUPT, PRV_M,
  PRV_S, CAUSE_MISALIGNED_FETCH, CAUSE_BREAKPOINT, CAUSE_USER_ECALL, CAUSE_MACHINE_ECALL,
  CAUSE_VIRTUAL_SUPERVISOR_ECALL,
} from './defs';
import { getReg, setReg, closeChunk, raise, syncOut, syncIn, unretire, beginChunk } from '../state';
import { mulh, mulhu, mulhsu, div, divu, rem, remu, divw, divuw, remw, remuw } from './muldiv';
import { csrInstruction, CSR_RW } from './csr';
import { deliverException, takeTrap, pendingInterrupt, mret, sret, wfi, targetMisalignBits } from './trap';
import { cyclesUntilTimer } from '../dev/clint';
import { readBlock, writeBlock, fetchBlock, currentVmid } from '../mmu/translate';
import { loadSlow, storeSlow, loadReserved, storeConditional, amo, fetchSlow, fetchPage, decodeSlot, fetchStraddling, accValue } from '../mmu/access';
import { sfenceVma, hfence } from '../mmu/fence';
import { foldFastHits } from '../mmu/tlb-counters';
import { recordTrapExit } from '../exit';
import { hlv, hsv, hlvValue } from '../mmu/hyp-access';
import { FETCH_SLOT, STRADDLE_SLOT } from './decoded-cache';
import { SCRATCH_PAGE_BASE, S_cnt_fenceI } from '../gen/layout';

// Slot fields
@inline function rs1v(sp: usize): u64 { return getReg(load<u8>(sp, 3)); }
@inline function rs2v(sp: usize): u64 { return getReg(load<u8>(sp, 4)); }
@inline function setRd(sp: usize, v: u64): void { setReg(load<u8>(sp, 2), v); }
@inline function imm(sp: usize): u64 { return <u64><i64>load<i32>(sp, 8); }
@inline function advance(sp: usize): usize { return <usize>load<u8>(sp, 5); }
@inline function raw(sp: usize): u32 { return load<u32>(sp, 12); }
@inline function sx32(v: u64): u64 { return <u64><i64><i32>v; }

/**
 * Fast-TLB probe: the host address for an access of 2^k bytes (lowMask = 2^k - 1), or 0 on a miss.
 * Hits are counted by the caller in a local (reads in the low half, writes in the high half of
 * `hits`), because a counter in memory on every access costs almost half the speed of a
 * load/store loop; `publish` moves them to the live blocks' counters before any slow path.
 */
@inline function probe(block: usize, a: u64, lowMask: u64): usize {
  const e = block + 16 + (<usize>((a >> 12) & 255) << 4);
  if (load<u64>(e) == (a & (0xffff_ffff_ffff_f000 | lowMask))) return <usize>(a + load<u64>(e, 8));
  return 0;
}
const WRITE_HIT: u64 = 1 << 32;

/** Mirrors the countdown for a slow path and credits the locally counted fast-TLB hits; returns 0. */
@inline function publish(left: i32, hits: u64): u64 {
  syncOut(left);
  if (hits != 0) {
    store<u64>(readBlock, load<u64>(readBlock) + (hits & 0xffff_ffff));
    store<u64>(writeBlock, load<u64>(writeBlock) + (hits >> 32));
  }
  return 0;
}

/** Slot of a taken branch's target when it lies in the same page and is aligned, else 0. */
@inline function takenWithinPage(sp: usize, pageBase: usize): usize {
  const off = imm(sp);
  const nsp = sp + (<usize>off << 3);
  return nsp - pageBase < 0x8000 && (off & targetMisalignBits) == 0 ? nsp : 0;
}

/**
 * Runs at most `budget` instructions (each trap taken counts as one) and returns the exit reason;
 * details are in the exit record.
 */
export function run(budget: i32): i32 {
  store<u64>(S_exitReason, EXIT_NONE);
  const startInstret = load<u64>(S_cnt_instret);
  beginChunk(0);
  let pc = load<u64>(S_pc);
  let sp: usize = FETCH_SLOT;
  let pageBase: usize = 0;
  let pageVaddr: u64 = 0;
  let left: i32 = 0;
  let st: i32 = ST_OK;
  let traps: u64 = 0;
  let hits: u64 = 0;
  while (true) {
    if (--left < 0) {
      left = 0; // the countdown ran out before this dispatch; nothing executed yet
      // Event point: account, stop at the budget, take interrupts, schedule the next timer check.
      if (sp != FETCH_SLOT) { pc = pageVaddr + <u64>((sp - pageBase) >> 3); sp = FETCH_SLOT; }
      hits = publish(left, hits);
      closeChunk();
      // Traps count against the budget too, so a hart caught in a loop of faults still returns.
      const done = load<u64>(S_cnt_instret) - startInstret + traps;
      if (budget <= 0 || done >= <u64>budget) return finish(pc, EXIT_BUDGET);
      const irq = pendingInterrupt();
      let n = <u64>budget - done;
      if (irq >= 0) {
        if (((load<u64>(S_exitOnInterrupt) >> <u64>irq) & 1) != 0) return interruptExit(pc, irq);
        takeTrap(<u64>irq, 0, pc, true);
        pc = load<u64>(S_pc);
        traps++;
        if (--n == 0) return finish(pc, EXIT_BUDGET);
      }
      const t = cyclesUntilTimer();
      if (t < n) n = t == 0 ? 1 : t;
      left = <i32>n;
      beginChunk(left);
      left--;
    }
    switch (<i32>load<u16>(sp)) {
      // --- pseudo-operations (do not count as instructions) ---
      case Op.OP_FETCH: {
        left++;
        const e = fetchBlock + 16 + (<usize>((pc >> 12) & 255) << 4);
        if (load<u64>(e) == (pc & ~0xfff)) {
          store<u64>(fetchBlock, load<u64>(fetchBlock) + 1);
          pageBase = <usize>load<u64>(e, 8);
        } else {
          hits = publish(left, hits);
          st = fetchSlow(pc);
          left = syncIn();
          if (st != ST_OK) break;
          pageBase = fetchPage;
        }
        pageVaddr = pc & ~0xfff;
        sp = pageBase + (<usize>(pc & 0xfff) << 3);
        continue;
      }
      case Op.OP_DECODE: {
        left++;
        decodeSlot(sp, pageBase);
        continue;
      }
      case Op.OP_REFETCH: {
        left++;
        pc = pageVaddr + <u64>((sp - pageBase) >> 3);
        sp = FETCH_SLOT;
        continue;
      }
      case Op.OP_STRADDLE: {
        left++;
        pc = pageVaddr + <u64>((sp - pageBase) >> 3);
        hits = publish(left, hits);
        st = fetchStraddling(pc, pageBase);
        left = syncIn();
        if (st != ST_OK) break;
        pageBase = SCRATCH_PAGE_BASE;
        sp = STRADDLE_SLOT;
        continue;
      }
      case Op.OP_ILLEGAL: { st = raise(2, raw(sp)); break; }

      // --- RV64I ---
      case Op.OP_LUI: { setRd(sp, imm(sp)); sp += advance(sp); continue; }
      case Op.OP_AUIPC: { setRd(sp, pageVaddr + <u64>((sp - pageBase) >> 3) + imm(sp)); sp += advance(sp); continue; }
      case Op.OP_JAL: {
        const here = pageVaddr + <u64>((sp - pageBase) >> 3);
        const off = imm(sp);
        if ((off & targetMisalignBits) != 0) { st = raise(CAUSE_MISALIGNED_FETCH, here + off); break; }
        setRd(sp, here + (advance(sp) >> 3));
        const nsp = sp + (<usize>off << 3);
        if (nsp - pageBase < 0x8000) sp = nsp;
        else { pc = here + off; sp = FETCH_SLOT; }
        continue;
      }
      case Op.OP_JALR: {
        const target = (rs1v(sp) + imm(sp)) & ~1;
        if ((target & targetMisalignBits) != 0) { st = raise(CAUSE_MISALIGNED_FETCH, target); break; }
        setRd(sp, pageVaddr + <u64>((sp - pageBase) >> 3) + (advance(sp) >> 3));
        if ((target ^ pageVaddr) < 4096) sp = pageBase + (<usize>(target & 0xfff) << 3);
        else { pc = target; sp = FETCH_SLOT; }
        continue;
      }
      case Op.OP_BEQ: { if (rs1v(sp) == rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }
      case Op.OP_BNE: { if (rs1v(sp) != rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }
      case Op.OP_BLT: { if (<i64>rs1v(sp) < <i64>rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }
      case Op.OP_BGE: { if (<i64>rs1v(sp) >= <i64>rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }
      case Op.OP_BLTU: { if (rs1v(sp) < rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }
      case Op.OP_BGEU: { if (rs1v(sp) >= rs2v(sp)) { const nsp = takenWithinPage(sp, pageBase); if (nsp != 0) { sp = nsp; continue; } break; } sp += advance(sp); continue; }

      case Op.OP_LB: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 0);
        if (h != 0) { hits++; setRd(sp, <u64><i64>load<i8>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 1); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, <u64><i64><i8>accValue); sp += advance(sp); continue;
      }
      case Op.OP_LH: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 1);
        if (h != 0) { hits++; setRd(sp, <u64><i64>load<i16>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 2); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, <u64><i64><i16>accValue); sp += advance(sp); continue;
      }
      case Op.OP_LW: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 3);
        if (h != 0) { hits++; setRd(sp, <u64><i64>load<i32>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 4); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, sx32(accValue)); sp += advance(sp); continue;
      }
      case Op.OP_LD: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 7);
        if (h != 0) { hits++; setRd(sp, load<u64>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 8); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, accValue); sp += advance(sp); continue;
      }
      case Op.OP_LBU: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 0);
        if (h != 0) { hits++; setRd(sp, <u64>load<u8>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 1); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, accValue & 0xff); sp += advance(sp); continue;
      }
      case Op.OP_LHU: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 1);
        if (h != 0) { hits++; setRd(sp, <u64>load<u16>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 2); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, accValue & 0xffff); sp += advance(sp); continue;
      }
      case Op.OP_LWU: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(readBlock, a, 3);
        if (h != 0) { hits++; setRd(sp, <u64>load<u32>(h)); sp += advance(sp); continue; }
        hits = publish(left, hits); st = loadSlow(a, 4); left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, accValue & 0xffff_ffff); sp += advance(sp); continue;
      }
      case Op.OP_SB: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(writeBlock, a, 0);
        if (h != 0) { hits += WRITE_HIT; store<u8>(h, <u8>rs2v(sp)); sp += advance(sp); continue; }
        const next = sp + advance(sp); // the store may overwrite (and clear) its own slot
        hits = publish(left, hits); st = storeSlow(a, 1, rs2v(sp)); left = syncIn();
        if (st != ST_OK) break;
        sp = next; continue;
      }
      case Op.OP_SH: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(writeBlock, a, 1);
        if (h != 0) { hits += WRITE_HIT; store<u16>(h, <u16>rs2v(sp)); sp += advance(sp); continue; }
        const next = sp + advance(sp); // the store may overwrite (and clear) its own slot
        hits = publish(left, hits); st = storeSlow(a, 2, rs2v(sp)); left = syncIn();
        if (st != ST_OK) break;
        sp = next; continue;
      }
      case Op.OP_SW: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(writeBlock, a, 3);
        if (h != 0) { hits += WRITE_HIT; store<u32>(h, <u32>rs2v(sp)); sp += advance(sp); continue; }
        const next = sp + advance(sp); // the store may overwrite (and clear) its own slot
        hits = publish(left, hits); st = storeSlow(a, 4, rs2v(sp)); left = syncIn();
        if (st != ST_OK) break;
        sp = next; continue;
      }
      case Op.OP_SD: {
        const a = rs1v(sp) + imm(sp);
        const h = probe(writeBlock, a, 7);
        if (h != 0) { hits += WRITE_HIT; store<u64>(h, rs2v(sp)); sp += advance(sp); continue; }
        const next = sp + advance(sp); // the store may overwrite (and clear) its own slot
        hits = publish(left, hits); st = storeSlow(a, 8, rs2v(sp)); left = syncIn();
        if (st != ST_OK) break;
        sp = next; continue;
      }

      case Op.OP_ADDI: { setRd(sp, rs1v(sp) + imm(sp)); sp += advance(sp); continue; }
      case Op.OP_SLTI: { setRd(sp, <i64>rs1v(sp) < <i64>imm(sp) ? 1 : 0); sp += advance(sp); continue; }
      case Op.OP_SLTIU: { setRd(sp, rs1v(sp) < imm(sp) ? 1 : 0); sp += advance(sp); continue; }
      case Op.OP_XORI: { setRd(sp, rs1v(sp) ^ imm(sp)); sp += advance(sp); continue; }
      case Op.OP_ORI: { setRd(sp, rs1v(sp) | imm(sp)); sp += advance(sp); continue; }
      case Op.OP_ANDI: { setRd(sp, rs1v(sp) & imm(sp)); sp += advance(sp); continue; }
      case Op.OP_SLLI: { setRd(sp, rs1v(sp) << imm(sp)); sp += advance(sp); continue; }
      case Op.OP_SRLI: { setRd(sp, rs1v(sp) >> imm(sp)); sp += advance(sp); continue; }
      case Op.OP_SRAI: { setRd(sp, <u64>(<i64>rs1v(sp) >> <i64>imm(sp))); sp += advance(sp); continue; }
      case Op.OP_ADD: { setRd(sp, rs1v(sp) + rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_SUB: { setRd(sp, rs1v(sp) - rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_SLL: { setRd(sp, rs1v(sp) << (rs2v(sp) & 63)); sp += advance(sp); continue; }
      case Op.OP_SLT: { setRd(sp, <i64>rs1v(sp) < <i64>rs2v(sp) ? 1 : 0); sp += advance(sp); continue; }
      case Op.OP_SLTU: { setRd(sp, rs1v(sp) < rs2v(sp) ? 1 : 0); sp += advance(sp); continue; }
      case Op.OP_XOR: { setRd(sp, rs1v(sp) ^ rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_SRL: { setRd(sp, rs1v(sp) >> (rs2v(sp) & 63)); sp += advance(sp); continue; }
      case Op.OP_SRA: { setRd(sp, <u64>(<i64>rs1v(sp) >> <i64>(rs2v(sp) & 63))); sp += advance(sp); continue; }
      case Op.OP_OR: { setRd(sp, rs1v(sp) | rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_AND: { setRd(sp, rs1v(sp) & rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_ADDIW: { setRd(sp, sx32(rs1v(sp) + imm(sp))); sp += advance(sp); continue; }
      case Op.OP_SLLIW: { setRd(sp, sx32(<u64>(<u32>rs1v(sp) << <u32>imm(sp)))); sp += advance(sp); continue; }
      case Op.OP_SRLIW: { setRd(sp, sx32(<u64>(<u32>rs1v(sp) >> <u32>imm(sp)))); sp += advance(sp); continue; }
      case Op.OP_SRAIW: { setRd(sp, <u64><i64>(<i32>rs1v(sp) >> <i32>imm(sp))); sp += advance(sp); continue; }
      case Op.OP_ADDW: { setRd(sp, sx32(rs1v(sp) + rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_SUBW: { setRd(sp, sx32(rs1v(sp) - rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_SLLW: { setRd(sp, sx32(<u64>(<u32>rs1v(sp) << (<u32>rs2v(sp) & 31)))); sp += advance(sp); continue; }
      case Op.OP_SRLW: { setRd(sp, sx32(<u64>(<u32>rs1v(sp) >> (<u32>rs2v(sp) & 31)))); sp += advance(sp); continue; }
      case Op.OP_SRAW: { setRd(sp, <u64><i64>(<i32>rs1v(sp) >> (<i32>rs2v(sp) & 31))); sp += advance(sp); continue; }
      case Op.OP_FENCE: { sp += advance(sp); continue; }
      case Op.OP_FENCE_I: {
        // Stores keep the decoded cache coherent already; FENCE.I only has to be counted.
        store<u64>(S_cnt_fenceI, load<u64>(S_cnt_fenceI) + 1);
        sp += advance(sp); continue;
      }
      case Op.OP_ECALL: {
        const p = <i32>load<u64>(S_priv);
        const vs = p == PRV_S && load<u64>(S_virt) != 0;
        st = raise(p == PRV_M ? CAUSE_MACHINE_ECALL : vs ? CAUSE_VIRTUAL_SUPERVISOR_ECALL : CAUSE_USER_ECALL + p, 0);
        break;
      }
      case Op.OP_EBREAK: { st = raise(CAUSE_BREAKPOINT, pageVaddr + <u64>((sp - pageBase) >> 3)); break; }

      // --- Zicsr ---
      case Op.OP_CSRRW: case Op.OP_CSRRS: case Op.OP_CSRRC:
      case Op.OP_CSRRWI: case Op.OP_CSRRSI: case Op.OP_CSRRCI: {
        const op = <i32>load<u16>(sp);
        const isImm = op >= Op.OP_CSRRWI;
        const kind = op - (isImm ? Op.OP_CSRRWI : Op.OP_CSRRW);
        const aux = load<u16>(sp, 6);
        const src = isImm ? <u64>load<u8>(sp, 3) : rs1v(sp);
        const reads = kind != CSR_RW || (aux & 1) == 0;
        const writes = kind == CSR_RW || (aux & 2) == 0;
        const nextPc = pageVaddr + <u64>((sp - pageBase) >> 3) + (advance(sp) >> 3);
        hits = publish(left, hits);
        st = csrInstruction(load<i32>(sp, 8) & 0xfff, kind, src, load<u8>(sp, 2), reads, writes, raw(sp), nextPc);
        left = syncIn();
        if (st == ST_OK) { sp += advance(sp); continue; }
        break;
      }

      // --- M ---
      case Op.OP_MUL: { setRd(sp, rs1v(sp) * rs2v(sp)); sp += advance(sp); continue; }
      case Op.OP_MULH: { setRd(sp, mulh(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_MULHSU: { setRd(sp, mulhsu(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_MULHU: { setRd(sp, mulhu(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_DIV: { setRd(sp, div(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_DIVU: { setRd(sp, divu(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_REM: { setRd(sp, rem(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_REMU: { setRd(sp, remu(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_MULW: { setRd(sp, sx32(rs1v(sp) * rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_DIVW: { setRd(sp, divw(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_DIVUW: { setRd(sp, divuw(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_REMW: { setRd(sp, remw(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }
      case Op.OP_REMUW: { setRd(sp, remuw(rs1v(sp), rs2v(sp))); sp += advance(sp); continue; }

      // --- A ---
      case Op.OP_LR_W: case Op.OP_LR_D: {
        hits = publish(left, hits);
        st = loadReserved(rs1v(sp), (raw(sp) & 0x1000) != 0 ? 8 : 4);
        left = syncIn();
        if (st != ST_OK) break;
        setRd(sp, accValue); sp += advance(sp); continue;
      }
      case Op.OP_SC_W: case Op.OP_SC_D: {
        hits = publish(left, hits);
        const rd = load<u8>(sp, 2), next = sp + advance(sp); // the store may clear this slot
        st = storeConditional(rs1v(sp), (raw(sp) & 0x1000) != 0 ? 8 : 4, rs2v(sp));
        left = syncIn();
        if (st == ST_TRAP) break;
        setReg(rd, accValue);
        if (st != ST_OK) break;
        sp = next; continue;
      }
      case Op.OP_AMOSWAP_W: case Op.OP_AMOADD_W: case Op.OP_AMOXOR_W: case Op.OP_AMOAND_W: case Op.OP_AMOOR_W:
      case Op.OP_AMOMIN_W: case Op.OP_AMOMAX_W: case Op.OP_AMOMINU_W: case Op.OP_AMOMAXU_W:
      case Op.OP_AMOSWAP_D: case Op.OP_AMOADD_D: case Op.OP_AMOXOR_D: case Op.OP_AMOAND_D: case Op.OP_AMOOR_D:
      case Op.OP_AMOMIN_D: case Op.OP_AMOMAX_D: case Op.OP_AMOMINU_D: case Op.OP_AMOMAXU_D: {
        const insn = raw(sp);
        hits = publish(left, hits);
        const rd = load<u8>(sp, 2), next = sp + advance(sp); // the store may clear this slot
        st = amo(rs1v(sp), (insn & 0x1000) != 0 ? 8 : 4, <i32>(insn >> 27), rs2v(sp));
        left = syncIn();
        if (st == ST_TRAP) break;
        setReg(rd, accValue);
        if (st != ST_OK) break;
        sp = next; continue;
      }

      // --- privileged ---
      case Op.OP_MRET: case Op.OP_SRET: {
        hits = publish(left, hits);
        st = <i32>load<u16>(sp) == Op.OP_MRET ? mret(raw(sp)) : sret(raw(sp));
        left = syncIn();
        if (st != ST_OK) break;
        pc = load<u64>(S_pc);
        sp = FETCH_SLOT;
        continue;
      }
      case Op.OP_WFI: {
        hits = publish(left, hits);
        st = wfi(raw(sp));
        left = syncIn();
        if (st == ST_OK) { sp += advance(sp); continue; }
        break;
      }
      case Op.OP_SFENCE_VMA: {
        st = sfenceVma(load<u8>(sp, 3), load<u8>(sp, 4), rs1v(sp), rs2v(sp), raw(sp));
        break;
      }

      // --- H ---
      case Op.OP_HFENCE_VVMA: case Op.OP_HFENCE_GVMA: {
        st = hfence(<i32>load<u16>(sp) == Op.OP_HFENCE_GVMA, load<u8>(sp, 3), load<u8>(sp, 4), rs1v(sp), rs2v(sp), raw(sp));
        break;
      }
      case Op.OP_HLV_B: case Op.OP_HLV_BU: case Op.OP_HLV_H: case Op.OP_HLV_HU: case Op.OP_HLVX_HU:
      case Op.OP_HLV_W: case Op.OP_HLV_WU: case Op.OP_HLVX_WU: case Op.OP_HLV_D:
      case Op.OP_HSV_B: case Op.OP_HSV_H: case Op.OP_HSV_W: case Op.OP_HSV_D: {
        hits = publish(left, hits);
        const next = sp + advance(sp); // an HSV may overwrite (and clear) its own slot
        st = hypervisorAccess(sp);
        left = syncIn();
        if (st != ST_OK) break;
        sp = next; continue;
      }
      default: { st = raise(2, raw(sp)); break; }
    }

    // --- Not the normal path: a taken branch, a trap, an exit, or a resync. (Reloading the
    // operation here is cheaper than keeping it in a local through the switch: 4% on load/store
    // code.) An operation 0 here is an instruction that overwrote, and so cleared, its own slot. ---
    const op = <i32>load<u16>(sp);
    if (op >= Op.OP_BEQ && op <= Op.OP_BGEU && st == ST_OK) {
      // A taken conditional branch that leaves the page or is misaligned.
      const off = imm(sp);
      const here = pageVaddr + <u64>((sp - pageBase) >> 3);
      if ((off & targetMisalignBits) == 0) { pc = here + off; sp = FETCH_SLOT; continue; }
      st = raise(CAUSE_MISALIGNED_FETCH, here + off);
    }
    if (sp != FETCH_SLOT) pc = pageVaddr + <u64>((sp - pageBase) >> 3);
    // A real instruction (not a pseudo-operation of the cache) was counted when it was dispatched.
    const real = sp != FETCH_SLOT && (op == Op.OP_DECODE || op == Op.OP_ILLEGAL || op > Op.OP_STRADDLE);
    hits = publish(left, hits);
    if (st == ST_TRAP) {
      if (real) unretire(); // the instruction did not retire
      store<u64>(S_exitInsn, real ? <u64>raw(sp) : 0);
      traps++;
      st = deliverException(pc, real ? raw(sp) : 0);
      left = syncIn();
      if (st == ST_EXIT) return finish(pc, <i32>load<u64>(S_exitReason));
      pc = load<u64>(S_pc);
      sp = FETCH_SLOT;
      left = syncIn();
      st = ST_OK;
      continue;
    }
    // From the instruction bits, which survive when the instruction overwrote its own slot.
    const len: u64 = (raw(sp) & 3) == 3 ? 4 : 2;
    if (st == ST_EXIT) {
      const reason = <i32>load<u64>(S_exitReason);
      if (reason == EXIT_HALT || reason == EXIT_WFI) pc += len; // completed
      else if (real) unretire(); // to be completed by the host or re-executed
      if (reason == EXIT_MMIO) recordMmio(sp, op, len);
      store<u64>(S_exitInsn, real ? <u64>raw(sp) : 0);
      left = syncIn();
      return finish(pc, reason);
    }
    // ST_RESYNC: the instruction completed; re-evaluate events before the next one.
    pc += len;
    closeChunk();
    left = 0;
    sp = FETCH_SLOT;
    st = ST_OK;
  }
  return EXIT_NONE;
}

/**
 * HLV/HLVX (the value, extended, to rd) and HSV, out of line: they are rare, and their locals in
 * run() would cost the hot cases registers.
 */
@inline function hlvWidth(insn: u32): u64 { return <u64>1 << ((insn >> 26) & 3); } // funct7[2:1]: byte, half, word, double
function hypervisorAccess(sp: usize): i32 {
  const insn = raw(sp);
  const size = hlvWidth(insn);
  if ((insn & (1 << 25)) != 0) return hsv(rs1v(sp), size, rs2v(sp), insn); // funct7 bit 0: a store
  const st = hlv(rs1v(sp), size, ((insn >> 21) & 1) != 0, insn);
  if (st != ST_OK) return st;
  const shift = 64 - (size << 3);
  setRd(sp, ((insn >> 20) & 1) != 0 ? hlvValue : <u64>((<i64>(hlvValue << shift)) >> shift));
  return ST_OK;
}

/** What the host needs to complete an MMIO load: destination, signedness, length. */
function recordMmio(sp: usize, op: i32, len: u64): void {
  store<u64>(S_mmioRd, load<u8>(sp, 2));
  store<u64>(S_mmioSigned, op == Op.OP_LB || op == Op.OP_LH || op == Op.OP_LW || op == Op.OP_LD ? 1 : 0);
  store<u64>(S_mmioLen, len);
}

/** An interrupt the exit controls send to the host: it stays pending, and the pc is where it would be taken. */
function interruptExit(pc: u64, irq: i32): i32 {
  recordTrapExit(<u64>irq, 0, 0, 0);
  store<u64>(S_exitInsn, 0);
  return finish(pc, EXIT_INTERRUPT);
}

/** Ends a run: saves pc, folds counters, fills and counts the exit. */
function finish(pc: u64, reason: i32): i32 {
  store<u64>(S_pc, pc);
  closeChunk();
  store<u64>(S_exitReason, reason);
  store<u64>(S_exitPc, pc);
  const c = S_cnt_exits + (<usize>reason << 3);
  store<u64>(c, load<u64>(c) + 1);
  foldFastHits(currentVmid());
  return reason;
}
