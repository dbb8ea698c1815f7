// Byte rings shared with the host: a 4-byte head (next write), a 4-byte tail (next read), then
// data. Head and tail run freely; the ring is full when head - tail == capacity.
import { RING_SIZE } from '../gen/layout';

const CAPACITY: u32 = <u32>RING_SIZE - 8;

@inline export function ringCount(ring: usize): u32 { return load<u32>(ring) - load<u32>(ring, 4); }
@inline export function ringFull(ring: usize): bool { return ringCount(ring) >= CAPACITY; }
@inline export function ringFree(ring: usize): u32 { return CAPACITY - ringCount(ring); }

export function ringPush(ring: usize, b: u8): void {
  const head = load<u32>(ring);
  store<u8>(ring + 8 + <usize>(head % CAPACITY), b);
  store<u32>(ring, head + 1);
}

/** Next byte, or -1 when empty. */
export function ringPop(ring: usize): i32 {
  const tail = load<u32>(ring, 4);
  if (tail == load<u32>(ring)) return -1;
  const b = load<u8>(ring + 8 + <usize>(tail % CAPACITY));
  store<u32>(ring, tail + 1, 4);
  return b;
}

export function ringPeek(ring: usize): i32 {
  const tail = load<u32>(ring, 4);
  if (tail == load<u32>(ring)) return -1;
  return load<u8>(ring + 8 + <usize>(tail % CAPACITY));
}

export function ringClear(ring: usize): void { store<u32>(ring, load<u32>(ring), 4); }
