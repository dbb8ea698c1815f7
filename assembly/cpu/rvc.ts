// RV64C: expansion of each 16-bit instruction to the 32-bit instruction it stands for, or 0 for
// reserved and illegal encodings (including the F/D loads and stores this hart does not have).

@inline function bits(x: u32, hi: u32, lo: u32): u32 { return (x >> lo) & ((1 << (hi - lo + 1)) - 1); }
@inline function bit(x: u32, b: u32): u32 { return (x >> b) & 1; }
/** The 3-bit register fields of C.* map to x8..x15. */
@inline function rp(x: u32, lo: u32): u32 { return bits(x, lo + 2, lo) + 8; }

// 32-bit encoders
@inline function encI(op: u32, f3: u32, rd: u32, rs1: u32, imm: i32): u32 {
  return (<u32>(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function encR(op: u32, f3: u32, f7: u32, rd: u32, rs1: u32, rs2: u32): u32 {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
@inline function encS(op: u32, f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (bits(u, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (bits(u, 4, 0) << 7) | op;
}
@inline function encB(f3: u32, rs1: u32, rs2: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (bit(u, 12) << 31) | (bits(u, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (bits(u, 4, 1) << 8) | (bit(u, 11) << 7) | 0x63;
}
@inline function encJ(rd: u32, imm: i32): u32 {
  const u = <u32>imm;
  return (bit(u, 20) << 31) | (bits(u, 10, 1) << 21) | (bit(u, 11) << 20) | (bits(u, 19, 12) << 12) | (rd << 7) | 0x6f;
}
@inline function sext(v: u32, width: u32): i32 { return <i32>(v << (32 - width)) >> (32 - width); }

const OP_LOAD: u32 = 0x03, OP_STORE: u32 = 0x23, OP_IMM: u32 = 0x13, OP_IMM32: u32 = 0x1b;
const OP_REG: u32 = 0x33, OP_REG32: u32 = 0x3b, OP_LUI: u32 = 0x37, OP_JALR: u32 = 0x67;

export function expandCompressed(c: u32): u32 {
  const f3 = bits(c, 15, 13);
  switch (c & 3) {
    case 0: return quadrant0(c, f3);
    case 1: return quadrant1(c, f3);
    case 2: return quadrant2(c, f3);
  }
  return 0;
}

function quadrant0(c: u32, f3: u32): u32 {
  switch (f3) {
    case 0: { // c.addi4spn
      const imm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
      if (imm == 0) return 0;
      return encI(OP_IMM, 0, rp(c, 2), 2, imm);
    }
    case 2: { // c.lw
      const imm = (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
      return encI(OP_LOAD, 2, rp(c, 2), rp(c, 7), imm);
    }
    case 3: { // c.ld
      const imm = (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);
      return encI(OP_LOAD, 3, rp(c, 2), rp(c, 7), imm);
    }
    case 6: { // c.sw
      const imm = (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
      return encS(OP_STORE, 2, rp(c, 7), rp(c, 2), imm);
    }
    case 7: { // c.sd
      const imm = (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);
      return encS(OP_STORE, 3, rp(c, 7), rp(c, 2), imm);
    }
  }
  return 0; // c.fld, c.fsd (no D extension), reserved
}

function quadrant1(c: u32, f3: u32): u32 {
  const rd = bits(c, 11, 7);
  const imm6 = sext((bit(c, 12) << 5) | bits(c, 6, 2), 6);
  switch (f3) {
    case 0: return encI(OP_IMM, 0, rd, rd, imm6); // c.addi, c.nop and hints
    case 1: return rd == 0 ? 0 : encI(OP_IMM32, 0, rd, rd, imm6); // c.addiw
    case 2: return encI(OP_IMM, 0, rd, 0, imm6); // c.li
    case 3: {
      if (rd == 2) { // c.addi16sp
        const imm = sext((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) | (bits(c, 4, 3) << 7) | (bit(c, 2) << 5), 10);
        if (imm == 0) return 0;
        return encI(OP_IMM, 0, 2, 2, imm);
      }
      if (imm6 == 0) return 0; // c.lui with nzimm = 0 is reserved
      return (<u32>(imm6 << 12) & 0xfffff000) | (rd << 7) | OP_LUI;
    }
    case 4: return miscAlu(c);
    case 5: { // c.j
      const imm = sext((bit(c, 12) << 11) | (bit(c, 11) << 4) | (bits(c, 10, 9) << 8) | (bit(c, 8) << 10) |
        (bit(c, 7) << 6) | (bit(c, 6) << 7) | (bits(c, 5, 3) << 1) | (bit(c, 2) << 5), 12);
      return encJ(0, imm);
    }
    case 6: case 7: { // c.beqz, c.bnez
      const imm = sext((bit(c, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6) | (bits(c, 4, 3) << 1) | (bit(c, 2) << 5), 9);
      return encB(f3 == 6 ? 0 : 1, rp(c, 7), 0, imm);
    }
  }
  return 0;
}

function miscAlu(c: u32): u32 {
  const rd = rp(c, 7);
  const shamt = (bit(c, 12) << 5) | bits(c, 6, 2);
  switch (bits(c, 11, 10)) {
    case 0: return encI(OP_IMM, 5, rd, rd, <i32>shamt); // c.srli
    case 1: return encI(OP_IMM, 5, rd, rd, <i32>(shamt | 0x400)); // c.srai
    case 2: return encI(OP_IMM, 7, rd, rd, sext(shamt, 6)); // c.andi
  }
  const rs2 = rp(c, 2);
  const f = bits(c, 6, 5);
  if (bit(c, 12) == 0) {
    switch (f) {
      case 0: return encR(OP_REG, 0, 0x20, rd, rd, rs2); // c.sub
      case 1: return encR(OP_REG, 4, 0, rd, rd, rs2); // c.xor
      case 2: return encR(OP_REG, 6, 0, rd, rd, rs2); // c.or
      case 3: return encR(OP_REG, 7, 0, rd, rd, rs2); // c.and
    }
  }
  if (f == 0) return encR(OP_REG32, 0, 0x20, rd, rd, rs2); // c.subw
  if (f == 1) return encR(OP_REG32, 0, 0, rd, rd, rs2); // c.addw
  return 0;
}

function quadrant2(c: u32, f3: u32): u32 {
  const rd = bits(c, 11, 7);
  const rs2 = bits(c, 6, 2);
  switch (f3) {
    case 0: return encI(OP_IMM, 1, rd, rd, <i32>((bit(c, 12) << 5) | rs2)); // c.slli
    case 2: { // c.lwsp
      if (rd == 0) return 0;
      return encI(OP_LOAD, 2, rd, 2, <i32>((bit(c, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6)));
    }
    case 3: { // c.ldsp
      if (rd == 0) return 0;
      return encI(OP_LOAD, 3, rd, 2, <i32>((bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6)));
    }
    case 4: {
      if (bit(c, 12) == 0) {
        if (rs2 == 0) return rd == 0 ? 0 : encI(OP_JALR, 0, 0, rd, 0); // c.jr
        return encR(OP_REG, 0, 0, rd, 0, rs2); // c.mv
      }
      if (rs2 == 0) {
        if (rd == 0) return 0x00100073; // c.ebreak
        return encI(OP_JALR, 0, 1, rd, 0); // c.jalr
      }
      return encR(OP_REG, 0, 0, rd, rd, rs2); // c.add
    }
    case 6: return encS(OP_STORE, 2, 2, rs2, <i32>((bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6))); // c.swsp
    case 7: return encS(OP_STORE, 3, 2, rs2, <i32>((bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6))); // c.sdsp
  }
  return 0; // c.fldsp, c.fsdsp
}
