// Multiplication high halves and division with RISC-V semantics. Wasm has no 64x64->128 multiply
// and its signed division traps on /0 and INT_MIN/-1, where RISC-V defines results instead.

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu(a: u64, b: u64): u64 {
  const aLo = a & 0xffff_ffff, aHi = a >> 32;
  const bLo = b & 0xffff_ffff, bHi = b >> 32;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >> 32) + (lh & 0xffff_ffff) + (hl & 0xffff_ffff);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/** High 64 bits of the signed 128-bit product. */
export function mulh(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  if (<i64>b < 0) hi -= a;
  return hi;
}

/** High 64 bits of signed a times unsigned b. */
export function mulhsu(a: u64, b: u64): u64 {
  let hi = mulhu(a, b);
  if (<i64>a < 0) hi -= b;
  return hi;
}

export function div(a: u64, b: u64): u64 {
  if (b == 0) return u64.MAX_VALUE;
  if (a == 0x8000_0000_0000_0000 && b == u64.MAX_VALUE) return a;
  return <u64>(<i64>a / <i64>b);
}
export function divu(a: u64, b: u64): u64 { return b == 0 ? u64.MAX_VALUE : a / b; }
export function rem(a: u64, b: u64): u64 {
  if (b == 0) return a;
  if (a == 0x8000_0000_0000_0000 && b == u64.MAX_VALUE) return 0;
  return <u64>(<i64>a % <i64>b);
}
export function remu(a: u64, b: u64): u64 { return b == 0 ? a : a % b; }

@inline function sext32(v: u32): u64 { return <u64><i64><i32>v; }
export function divw(a: u64, b: u64): u64 {
  const x = <i32>a, y = <i32>b;
  if (y == 0) return u64.MAX_VALUE;
  if (x == i32.MIN_VALUE && y == -1) return sext32(<u32>x);
  return sext32(<u32>(x / y));
}
export function divuw(a: u64, b: u64): u64 {
  const x = <u32>a, y = <u32>b;
  return y == 0 ? u64.MAX_VALUE : sext32(x / y);
}
export function remw(a: u64, b: u64): u64 {
  const x = <i32>a, y = <i32>b;
  if (y == 0) return sext32(<u32>x);
  if (x == i32.MIN_VALUE && y == -1) return 0;
  return sext32(<u32>(x % y));
}
export function remuw(a: u64, b: u64): u64 {
  const x = <u32>a, y = <u32>b;
  return y == 0 ? sext32(x) : sext32(x % y);
}
