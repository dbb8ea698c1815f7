/**
 * The physical-to-machine map of one VM: guest frame number -> host frame. Guest-physical RAM is
 * [base, base + size); every access the VMM makes on a guest's behalf goes through here and is
 * checked, so a guest can never name a frame it does not own.
 */
import type { Machine } from '../../bindings/machine.js';
import { PAGE } from './frames.js';

export class GuestMemoryError extends Error {}

/**
 * The VMM needed a guest page that has not arrived yet (post-copy migration). Thrown before
 * anything is read or written; the runner returns it as a not-present outcome, and the exit is
 * taken again, from the same guest instruction, once the page is there.
 */
export class GuestPageAbsent extends Error {
  constructor(readonly gpa: bigint, readonly hpa: bigint) { super(`guest page 0x${gpa.toString(16)} has not arrived`); }
}

export class P2m {
  /** Host frame of each guest frame, index = (gpa - base) / 4096. */
  readonly frames: bigint[];
  constructor(private readonly machine: Machine, readonly base: bigint, frames: bigint[]) {
    this.frames = frames;
  }
  get size(): bigint { return BigInt(this.frames.length) * PAGE; }

  /** Host address of a guest-physical address, or undefined outside the VM's RAM. */
  hpa(gpa: bigint): bigint | undefined {
    if (gpa < this.base || gpa >= this.base + this.size) return undefined;
    const off = gpa - this.base;
    return this.frames[Number(off / PAGE)] + (off % PAGE);
  }
  private must(gpa: bigint, len: number): bigint {
    const h = this.hpa(gpa);
    if (h === undefined || ((gpa + BigInt(len) - 1n) / PAGE) !== gpa / PAGE) {
      throw new GuestMemoryError(`guest-physical 0x${gpa.toString(16)} (+${len}) is not in one page of this VM's RAM`);
    }
    if (this.machine.absentPages !== 0 && this.machine.isAbsent(h)) throw new GuestPageAbsent(gpa & ~(PAGE - 1n), h & ~(PAGE - 1n));
    return h;
  }
  read64(gpa: bigint): bigint { return this.machine.read64(this.must(gpa, 8)); }
  write64(gpa: bigint, v: bigint): void { this.machine.write64(this.must(gpa, 8), v); }
  /** Reads `len` bytes (any alignment, across pages). */
  read(gpa: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let done = 0; done < len;) {
      const a = gpa + BigInt(done);
      const n = Math.min(len - done, Number(PAGE - (a % PAGE)));
      out.set(this.machine.readPhys(this.must(a, n), n), done);
      done += n;
    }
    return out;
  }
  /** Writes bytes (any alignment, across pages). */
  write(gpa: bigint, data: Uint8Array): void {
    for (let done = 0; done < data.length;) {
      const a = gpa + BigInt(done);
      const n = Math.min(data.length - done, Number(PAGE - (a % PAGE)));
      this.machine.writePhys(this.must(a, n), data.subarray(done, done + n));
      done += n;
    }
  }
  /** Stores `size` bytes of v at gpa (for emulated guest stores). */
  store(gpa: bigint, size: number, v: bigint): void {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    this.write(gpa, b);
  }
}
