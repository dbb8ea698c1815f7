/** Instruction encoders for tests: R/I/S/B/U/J formats and the common instructions built from them. */

export const R = (f7: number, f3: number, op: number) => (rd: number, rs1: number, rs2: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
export const I = (f3: number, op: number) => (rd: number, rs1: number, imm: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
export const S = (f3: number) => (rs2: number, rs1: number, imm: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
export const B = (f3: number) => (rs1: number, rs2: number, off: number) =>
  ((((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((off >> 1) & 15) << 8) | (((off >> 11) & 1) << 7) | 0x63) >>> 0;
export const U = (op: number) => (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | op) >>> 0;
export const jal = (rd: number, off: number) =>
  ((((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;


export const addi = I(0, 0x13);
export const lui = U(0x37);
export const ld = I(3, 0x03);
export const sd = S(3);
export const sw = S(2);
export const csrrw = (rd: number, csr: number, rs1: number) => ((csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73) >>> 0;
export const csrrs = (rd: number, csr: number, rs1: number) => ((csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73) >>> 0;
export const amo = (funct5: number, size: 2 | 3, rd: number, rs1: number, rs2: number) =>
  ((funct5 << 27) | (rs2 << 20) | (rs1 << 15) | (size << 12) | (rd << 7) | 0x2f) >>> 0;
export const ECALL = 0x00000073;
export const EBREAK = 0x00100073;
export const MRET = 0x30200073;
export const WFI = 0x10500073;
/** Little-endian bytes of 32-bit instruction words. */
export const words = (w: number[]) => new Uint8Array(new Uint32Array(w).buffer);
