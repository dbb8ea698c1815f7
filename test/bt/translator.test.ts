// The translator on hand-built blocks: what it emits (golden words), and the guest's view when the
// blocks run under bt — pc-relative results and link registers are guest addresses, a branch ends
// a block with two chained exits, compressed instructions keep guest lengths, a block may cross a
// page (its translation depends on both pages).
import { describe, it, expect, beforeAll } from 'vitest';
import * as A from '../helpers/asm.js';
import { btKernel, runBt } from '../helpers/bt-guest.js';
import { Machine } from '../../bindings/machine.js';
import { translate, type FetchHalf } from '../../src/bt/translator.js';
import * as E from '../../src/bt/encode.js';
import { FIELD } from '../../src/bt/layout.js';

let expand: (c: number) => number;
beforeAll(async () => { const m = await Machine.create({ ramBytes: 1 << 16 }); expand = (c) => m.expandCompressed(c); });

const PC = 0x8020_1000n;
/** A fetch over guest code at PC (16 bits at a time), faulting past its end. */
function code(words: number[] | Uint8Array): FetchHalf {
  const bytes = words instanceof Uint8Array ? words : new Uint8Array(new Uint32Array(words).buffer);
  return (va) => {
    const off = Number(va - PC);
    return off >= 0 && off + 2 <= bytes.length ? bytes[off] | (bytes[off + 1] << 8) : { cause: 12, tval: va };
  };
}
const ident = () => 'ident' as const;
const unit = (words: number[] | Uint8Array) => {
  const t = translate(PC, code(words), expand, ident);
  if (!t.ok) throw new Error('fault');
  return t.unit;
};
const PROLOGUE = E.ld(31, FIELD.spillJump, 0);

describe('what the translator emits', () => {
  it('IDENT for innocuous instructions; auipc becomes the guest address it computes', () => {
    const u = unit([A.addi(A.a0, A.a1, 5), A.auipc(A.a2, 0x12), A.jal(0, 8)]);
    expect(u.words).toEqual([PROLOGUE, A.addi(A.a0, A.a1, 5), ...E.li(A.a2, PC + 4n + 0x12000n), E.ECALL]);
    expect(u.marks.map(([i, pc]) => [i, pc])).toEqual([[1, PC], [2, PC + 4n], [2 + E.li(A.a2, PC + 4n + 0x12000n).length, PC + 8n]]);
    expect(u.sites.map(([, s]) => [s.kind, s.target])).toEqual([['chain', PC + 16n]]);
  });

  it('jal puts the guest return address in rd, then exits to the guest target', () => {
    const u = unit([A.jal(A.ra, -0x100)]);
    expect(u.words).toEqual([PROLOGUE, ...E.li(A.ra, PC + 4n), E.ECALL]);
    expect(u.sites[0][1]).toMatchObject({ kind: 'chain', target: PC - 0x100n });
  });

  it('a branch ends the unit: the branch to the taken exit, the fall-through exit, the taken exit', () => {
    const u = unit([A.addi(A.a0, A.a0, 1), A.bne(A.a0, A.a1, -4), A.addi(A.a0, A.a0, 1)]);
    expect(u.words).toEqual([PROLOGUE, A.addi(A.a0, A.a0, 1), E.branch(1, A.a0, A.a1, 8), E.ECALL, E.ECALL]);
    expect(u.sites.map(([i, s]) => [i, s.target, s.branch])).toEqual([[3, PC + 8n, undefined], [4, PC, E.branch(1, A.a0, A.a1, 8)]]);
    expect(u.instructions).toBe(2);
  });

  it('compressed instructions are expanded, and keep their guest length', () => {
    const p = new A.Program(PC);
    p.c(A.c_li(A.a0, 5), A.c_addi(A.a0, 3)).c(A.c_j(-4));
    const u = unit(p.bytes());
    expect(u.words).toEqual([PROLOGUE, A.addi(A.a0, 0, 5), A.addi(A.a0, A.a0, 3), E.ECALL]);
    expect(u.marks.map(([, pc, next]) => [pc, next])).toEqual([[PC, PC + 2n], [PC + 2n, PC + 4n], [PC + 4n, PC + 6n]]);
    expect(u.sites[0][1].target).toBe(PC); // c.j -4 at PC + 4
  });

  it('sensitive instructions: in-TC loads and stores on the vCPU page, callouts for the rest', () => {
    const u = unit([A.csrr(A.a0, 0x141), A.csrw(0x140, A.a1), A.csrw(0x180, A.a1), A.sret()]);
    expect(u.words.slice(0, 3)).toEqual([PROLOGUE, E.ld(A.a0, FIELD.sepc, 0), E.sd(A.a1, FIELD.sscratch, 0)]);
    expect(u.sites.map(([, s]) => s.kind)).toEqual(['satp', 'sret']);
    expect(u.emulations).toBe(2);
  });

  it('an illegal instruction, and one virtual S does not have, are reflected; loads at x0-2048..x0-1 are the VMM\'s', () => {
    expect(unit([0]).sites.map(([, s]) => [s.kind, s.cause])).toEqual([['reflect', 2]]);
    expect(unit([A.mret()]).sites.map(([, s]) => s.kind)).toEqual(['reflect']);
    expect(unit([A.ld(A.a0, -8, 0), A.ld(A.a0, 8, 0), 0]).sites.map(([, s]) => s.kind)).toEqual(['x0-access', 'reflect']);
  });

  it('the first instruction unfetchable: the guest\'s fault; later: the unit ends before it', () => {
    expect(translate(PC, code([]), expand, ident)).toEqual({ ok: false, cause: 12, tval: PC });
    const u = unit([A.addi(A.a0, A.a0, 1)]);
    expect(u.sites.map(([, s]) => [s.kind, s.target])).toEqual([['chain', PC + 4n]]);
    // a 32-bit instruction whose second half cannot be fetched: the fault names the second half
    const half = new Uint8Array(2); half[0] = 0x13;
    expect(translate(PC, code(half), expand, ident)).toEqual({ ok: false, cause: 12, tval: PC + 2n });
  });

  it('li builds every constant exactly', () => {
    const run = (ws: number[]): bigint => {
      let r = 0n;
      for (const w of ws) {
        const op = w & 0x7f, imm = BigInt.asIntN(12, BigInt(w >>> 20));
        if (op === 0x37) r = BigInt.asIntN(64, BigInt.asIntN(32, BigInt((w & 0xfffff000) >>> 0)));
        else if (op === 0x1b) r = BigInt.asIntN(32, r + imm);
        else if (op === 0x13 && ((w >>> 12) & 7) === 1) r = BigInt.asIntN(64, r << BigInt((w >>> 20) & 63));
        else if (op === 0x13) r = BigInt.asIntN(64, (((w >>> 15) & 31) === 0 ? 0n : r) + imm);
        else throw new Error(`unexpected 0x${w.toString(16)}`);
      }
      return BigInt.asUintN(64, r);
    };
    for (const v of [0n, 1n, -1n, 2047n, -2048n, 0x7fff_ffffn, 0x8000_0000n, 0x8020_1234n, 0xffff_ffff_ffff_f000n, 0xffff_ffff_ffe0_0000n, 0x1234_5678_9abc_def0n, 1n << 63n, 0x8000_0000_0000_0801n]) {
      expect(run(E.li(A.t0, v)), v.toString(16)).toBe(BigInt.asUintN(64, v));
    }
    expect(E.li(A.ra, 0x8020_1234n)).toHaveLength(4);
  });
});

describe('translated blocks as the guest sees them', () => {
  it('auipc results and every link register are guest addresses (jal, jalr, rd = rs1, rd = t6)', async () => {
    const k = btKernel((p) => {
      p.label('auipc').i(A.auipc(A.s2, 1));
      p.b((o) => A.jal(A.ra, o), 'f').label('ret1');
      p.la(A.t1, 'g').label('jalr').i(A.jalr(A.s5, A.t1, 0)).label('ret2');
      p.la(A.ra, 'h').i(A.jalr(A.ra, A.ra, 0)).label('ret3');
      p.la(A.t6, 'k').i(A.jalr(A.t6, A.t6, 0)).label('ret4');
      p.la(A.t0, 'data').i(A.sd(A.s2, 0, A.t0), A.sd(A.s3, 8, A.t0), A.sd(A.s4, 16, A.t0), A.sd(A.s6, 24, A.t0), A.sd(A.s7, 32, A.t0), A.sd(A.t6, 40, A.t0));
    }, {
      tail: (p) => {
        p.label('f').i(A.addi(A.s3, A.ra, 0), A.jalr(0, A.ra, 0));
        p.label('g').i(A.addi(A.s4, A.s5, 0), A.jalr(0, A.s5, 0));
        p.label('h').i(A.addi(A.s6, A.ra, 0), A.jalr(0, A.ra, 0));
        p.label('k').i(A.addi(A.s7, A.t6, 0), A.jalr(0, A.t6, 0));
      },
    });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    const data = k.addr('data');
    expect([0, 8, 16, 24, 32, 40].map((o) => r.read64(data + BigInt(o)))).toEqual(
      [k.addr('auipc') + 0x1000n, k.addr('ret1'), k.addr('ret2'), k.addr('ret3'), k.addr('ret4'), k.addr('ret4')]);
    const st = r.bt.statsOf(r.vm);
    expect(st.indirectMisses).toBe(7); // three indirect calls and four returns, each target once
  });

  it('a loop: the branch at the end of its block is chained to the block itself', async () => {
    const k = btKernel((p) => {
      p.li(A.a0, 0).li(A.a1, 1000).label('loop').i(A.addi(A.a0, A.a0, 1)).b((o) => A.bne(A.a0, A.a1, o), 'loop');
      p.b((o) => A.blt(A.a1, A.a0, o), 'never'); // not taken: falls through
      p.la(A.t0, 'data').i(A.sd(A.a0, 0, A.t0));
    }, { tail: (p) => { p.label('never'); p.i(0); } });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    expect(r.read64(k.addr('data'))).toBe(1000n);
    const st = r.bt.statsOf(r.vm);
    expect(st.callouts.get('chain')).toBeLessThan(20); // the loop's 999 back edges run chained
    expect(r.bt.translationOf(r.vm, k.addr('loop'))!.guestPcs).toEqual([k.addr('loop'), k.addr('loop') + 4n]);
  });

  it('compressed code: guest lengths for links and pcs (c.jalr links pc + 2)', async () => {
    const k = btKernel((p) => {
      p.la(A.t1, 'f').c(A.c_li(A.a0, 5), A.c_addi(A.a0, 3)).label('cj').c(A.c_jalr(A.t1)).label('after').c(A.c_nop(), A.c_nop());
      p.la(A.t0, 'data').i(A.sd(A.a0, 0, A.t0), A.sd(A.s3, 8, A.t0));
    }, { tail: (p) => { p.label('f').i(A.addi(A.s3, A.ra, 0)).c(A.c_jr(A.ra)); } });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    expect([r.read64(k.addr('data')), r.read64(k.addr('data') + 8n)]).toEqual([8n, k.addr('cj') + 2n]);
  });

  it('a block that crosses a page, with an instruction straddling it, depends on both pages', async () => {
    const k = btKernel((p) => {
      p.b((o) => A.jal(0, o), 'cross');
      p.org(0x1ffa).label('cross').i(A.addi(A.a0, 0, 7)).c(A.c_addi(A.a0, 1)).i(A.addi(A.a0, A.a0, 100)); // the last one at 0x1ffe..0x2001
      p.i(A.addi(A.a0, A.a0, 1000));
      p.la(A.t0, 'data').i(A.sd(A.a0, 0, A.t0));
    });
    const r = await runBt(k);
    expect(r.out).toEqual({ kind: 'halt', code: 0 });
    expect(r.read64(k.addr('data'))).toBe(1108n);
    const t = r.bt.translationOf(r.vm, k.addr('cross'))!;
    expect(t.guestPcs.slice(0, 4)).toEqual([k.addr('cross'), k.addr('cross') + 4n, k.addr('cross') + 6n, k.addr('cross') + 10n]);
    expect(t.pages).toEqual([k.addr('cross') & ~0xfffn, (k.addr('cross') & ~0xfffn) + 0x1000n]);
  });
});
