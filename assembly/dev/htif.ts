// HTIF through the `tohost`/`fromhost` words of the guest image (the riscv-tests convention).
// A store that touches tohost is seen at its physical address, however the guest addressed it.
//   device 0, command 0: payload odd -> exit with code payload >> 1; even -> a syscall block
//                        (magic_mem: [n, a0, a1, a2]) where write(1|2, buf, len) and exit are served
//   device 1, command 1: console putchar; command 0: getchar (answer in fromhost)
// After serving a request the host clears tohost and answers in fromhost, as the frontend does.
// Its writes to RAM are a device's: they mark pages for dirty logging. A request whose words or
// buffer lie in a page not yet present (post-copy) exits before anything is served; the store to
// tohost is executed again once the page is there, which makes the same request.
import { S_tohostAddr, S_fromhostAddr, S_ramSize, UART_TX_BASE, UART_RX_BASE, RAM_BASE, RAM_GUEST_BASE } from '../gen/layout';
import { ringPush, ringPop, ringFree } from './ring';
import { requestExit, requestHalt } from '../exit';
import { EXIT_CONSOLE, ST_OK } from '../cpu/defs';
import { markWritten } from '../mem/dirty-log';
import { absentPages, isAbsent, notPresent } from '../mem/absent';

const SYS_WRITE: u64 = 64;
const SYS_EXIT: u64 = 93;
const ENOSYS: u64 = 38;

/** [pa, pa + size) lies in RAM, computed without wrapping: a guest's length can be anything. */
@inline function inRam(pa: u64, size: u64): bool {
  const ram = load<u64>(S_ramSize);
  return pa >= RAM_GUEST_BASE && size <= ram && pa - RAM_GUEST_BASE <= ram - size;
}
@inline function host(pa: u64): usize { return RAM_BASE + <usize>(pa - RAM_GUEST_BASE); }
/** A 64-bit store of the device. */
function put(pa: u64, v: u64): void {
  store<u64>(host(pa), v);
  markWritten(pa, 8);
}

/** The first page of [pa, pa + len) (in RAM) that is not present, or u64.MAX_VALUE. */
function firstAbsent(pa: u64, len: u64): u64 {
  if (absentPages == 0 || len == 0) return u64.MAX_VALUE;
  for (let a = pa & ~0xfff; a < pa + len; a += 4096) if (isAbsent(a)) return a;
  return u64.MAX_VALUE;
}

/** True when a store to [pa, pa+size) touches tohost. */
export function touchesTohost(pa: u64, size: u64): bool {
  const t = load<u64>(S_tohostAddr);
  return t != u64.MAX_VALUE && pa < t + 8 && t < pa + size;
}

function answer(v: u64): void {
  const f = load<u64>(S_fromhostAddr);
  if (f != u64.MAX_VALUE && inRam(f, 8)) put(f, v);
}

/** Serves the request now in tohost. */
export function htifService(): i32 {
  const t = load<u64>(S_tohostAddr);
  if (!inRam(t, 8)) return ST_OK;
  const req = load<u64>(host(t));
  if (req == 0) return ST_OK;
  const f = load<u64>(S_fromhostAddr);
  if (f != u64.MAX_VALUE && inRam(f, 8) && firstAbsent(f, 8) != u64.MAX_VALUE) return notPresent(f);
  const device = req >> 56;
  const cmd = (req >> 48) & 0xff;
  const payload = req & 0xffff_ffff_ffff;
  if (device == 0 && cmd == 0) {
    if ((payload & 1) != 0) return requestHalt(payload >> 1);
    return syscall(t, payload);
  }
  if (device == 1 && cmd == 1) {
    if (ringFree(UART_TX_BASE) == 0) return requestExit(EXIT_CONSOLE);
    ringPush(UART_TX_BASE, <u8>payload);
    put(t, 0);
    answer((1 << 56) | (1 << 48));
    return ST_OK;
  }
  if (device == 1 && cmd == 0) {
    const b = ringPop(UART_RX_BASE);
    put(t, 0);
    answer((1 << 56) | (b < 0 ? 0xffff_ffff_ffff : <u64>b));
    return ST_OK;
  }
  put(t, 0); // unknown device: drop the request
  return ST_OK;
}

function syscall(t: u64, block: u64): i32 {
  if (!inRam(block, 32)) { put(t, 0); return ST_OK; }
  const missing = firstAbsent(block, 32);
  if (missing != u64.MAX_VALUE) return notPresent(missing);
  const b = host(block);
  const n = load<u64>(b);
  const a0 = load<u64>(b, 8), a1 = load<u64>(b, 16), a2 = load<u64>(b, 24);
  let ret: u64 = -ENOSYS;
  if (n == SYS_EXIT) return requestHalt(a0);
  if (n == SYS_WRITE && (a0 == 1 || a0 == 2)) {
    if (!inRam(a1, a2)) ret = -14; // EFAULT
    else {
      const gone = firstAbsent(a1, a2);
      if (gone != u64.MAX_VALUE) return notPresent(gone);
      // A write that fits the ring goes out whole (a full ring hands control to the host first);
      // a longer one is a short write of what fits, as write(2) may be.
      if (<u64>ringFree(UART_TX_BASE) < a2 && a2 <= 4000) return requestExit(EXIT_CONSOLE);
      const src = host(a1);
      let i: u64 = 0;
      for (; i < a2; i++) {
        if (ringFree(UART_TX_BASE) == 0) break;
        ringPush(UART_TX_BASE, load<u8>(src + <usize>i));
      }
      ret = i;
    }
  }
  put(block, ret);
  put(t, 0);
  answer(1);
  return ST_OK;
}
