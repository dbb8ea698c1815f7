/**
 * The virtual CPU of trap-and-emulate: the guest kernel's supervisor state, which the real hart
 * (running the kernel deprivileged in U) does not hold. The virtual mode and the S CSRs live here;
 * the VMM emulates every access to them and every trap the guest would take in S.
 */
import { SSTATUS } from './csr.js';
import type { StateRecord, StateReader } from './state-reader.js';

const { SIE, SPIE, SPP, SUM, MXR } = SSTATUS;
const SSTATUS_WRITABLE = SIE | SPIE | SPP | SUM | MXR;
const UXL64 = 2n << 32n;
const S_INTERRUPTS = (1n << 1n) | (1n << 5n) | (1n << 9n);
/** The order the spec takes S-level interrupts in: SEI, SSI, STI. */
const PRIORITY = [9, 1, 5];

export const CSR_NUM = {
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a, sscratch: 0x140, sepc: 0x141,
  scause: 0x142, stval: 0x143, sip: 0x144, satp: 0x180,
} as const;

export class VirtualCpu {
  mode: 'S' | 'U' = 'S';
  sstatus = UXL64;
  sie = 0n;
  sip = 0n;
  stvec = 0n;
  sscratch = 0n;
  sepc = 0n;
  scause = 0n;
  stval = 0n;
  satp = 0n;
  scounteren = 0n;
  senvcfg = 0n;

  /** The virtual mode and every virtual CSR, for migration. */
  save(): StateRecord {
    return {
      mode: this.mode, sstatus: this.sstatus, sie: this.sie, sip: this.sip, stvec: this.stvec, sscratch: this.sscratch,
      sepc: this.sepc, scause: this.scause, stval: this.stval, satp: this.satp, scounteren: this.scounteren, senvcfg: this.senvcfg,
    };
  }
  /**
   * A virtual CPU from `save`'s record. Each CSR goes through the WARL rules of writeCsr (a record
   * cannot set bits the guest could not), except the read-only parts kept by construction.
   */
  static from(r: StateReader): VirtualCpu {
    const c = new VirtualCpu();
    c.mode = r.oneOf('mode', ['S', 'U'] as const);
    for (const name of ['sstatus', 'sie', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'satp', 'scounteren', 'senvcfg'] as const) {
      c.writeCsr(CSR_NUM[name], r.u64(name));
    }
    c.sip = r.u64('sip') & S_INTERRUPTS; // STIP is the VMM's, so it is taken whole
    return c;
  }

  get sum(): boolean { return (this.sstatus & SUM) !== 0n; }
  get mxr(): boolean { return (this.sstatus & MXR) !== 0n; }

  /** A virtual CSR's value, or undefined when the guest kernel may not access it (an illegal instruction for it). */
  readCsr(csr: number): bigint | undefined {
    switch (csr) {
      case CSR_NUM.sstatus: return this.sstatus;
      case CSR_NUM.sie: return this.sie;
      case CSR_NUM.stvec: return this.stvec;
      case CSR_NUM.scounteren: return this.scounteren;
      case CSR_NUM.senvcfg: return this.senvcfg;
      case CSR_NUM.sscratch: return this.sscratch;
      case CSR_NUM.sepc: return this.sepc;
      case CSR_NUM.scause: return this.scause;
      case CSR_NUM.stval: return this.stval;
      case CSR_NUM.sip: return this.sip;
      case CSR_NUM.satp: return this.satp;
    }
    return undefined;
  }

  /** Writes a virtual CSR with the hart's WARL rules. */
  writeCsr(csr: number, v: bigint): void {
    switch (csr) {
      case CSR_NUM.sstatus: this.sstatus = (this.sstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE); break;
      case CSR_NUM.sie: this.sie = v & S_INTERRUPTS; break;
      case CSR_NUM.stvec: if ((v & 3n) < 2n) this.stvec = v; break;
      case CSR_NUM.scounteren: this.scounteren = v & 0xffff_ffffn; break;
      case CSR_NUM.senvcfg: this.senvcfg = v & 1n; break;
      case CSR_NUM.sscratch: this.sscratch = v; break;
      case CSR_NUM.sepc: this.sepc = v & ~1n; break;
      case CSR_NUM.scause: this.scause = v; break;
      case CSR_NUM.stval: this.stval = v; break;
      case CSR_NUM.sip: this.sip = (this.sip & ~2n) | (v & 2n); break; // only SSIP is software-writable
      case CSR_NUM.satp: { const mode = v >> 60n; if (mode === 0n || mode === 8n) this.satp = v; break; }
    }
  }

  /** The interrupt the guest would take now, if any. */
  pendingInterrupt(): number | undefined {
    const pending = this.sip & this.sie;
    if (pending === 0n || (this.mode === 'S' && (this.sstatus & SIE) === 0n)) return undefined;
    return PRIORITY.find((i) => (pending >> BigInt(i)) & 1n);
  }

  /** Enters the guest kernel's trap handler as the hart would; returns the handler's pc. */
  trap(cause: bigint, tval: bigint, pc: bigint, interrupt: boolean): bigint {
    this.scause = interrupt ? cause | (1n << 63n) : cause;
    this.sepc = pc;
    this.stval = tval;
    this.sstatus = (this.sstatus & ~(SPP | SPIE | SIE)) | (this.mode === 'S' ? SPP : 0n) | ((this.sstatus & SIE) !== 0n ? SPIE : 0n);
    this.mode = 'S';
    return (this.stvec & ~3n) + ((this.stvec & 1n) !== 0n && interrupt ? 4n * cause : 0n);
  }

  /** SRET: back to SPP; returns the new pc. */
  sret(): bigint {
    this.mode = (this.sstatus & SPP) !== 0n ? 'S' : 'U';
    this.sstatus = (this.sstatus & ~(SPP | SIE)) | ((this.sstatus & SPIE) !== 0n ? SIE : 0n) | SPIE;
    return this.sepc;
  }
}
