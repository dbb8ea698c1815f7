// SiFive test finisher at 0x0010_0000: 0x5555 = pass, (code << 16) | 0x3333 = fail, 0x7777 = reset.
import { requestHalt } from '../exit';
import { ST_OK } from '../cpu/defs';

export const FINISHER_BASE: u64 = 0x0010_0000;
export const FINISHER_SIZE: u64 = 0x1000;

export function finisherStore(off: u32, v: u64): i32 {
  if (off != 0) return ST_OK;
  const kind = <u32>v & 0xffff;
  if (kind == 0x5555) return requestHalt(0);
  if (kind == 0x3333) return requestHalt((v >> 16) & 0xffff);
  if (kind == 0x7777) return requestHalt(0);
  return ST_OK;
}
