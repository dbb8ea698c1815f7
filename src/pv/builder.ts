/**
 * The domain builder (libxc's xc_dom_* for a PV guest): loads the kernel into the domain's
 * pseudo-physical memory, sets out the bootstrap area after it, and lays out the initial page
 * tables through the batching API, so they are validated and pinned like any the guest makes:
 *
 *   kernel image | start_info | mfn_list (the P2M) | shared_info | console ring | xenstore ring |
 *   grant table | root (L3), L2, L1 tables | free memory ...
 *
 * The kernel runs at virtual = pseudo-physical addresses from its first byte to `mapEnd`, with
 * 4 KiB pages: text R-X, rodata R--, the tables R--, everything else RW-, all global. The vCPU
 * starts at the image's entry in S-mode with a0 = 0 (hart id) and a1 = start_info's address.
 */
import type { LoadedImage } from '../loader/index.js';
import type { Vm } from '../vmm/vm.js';
import { GUEST_RAM_BASE } from '../vmm/vm.js';
import type { Hypervisor } from './hypervisor.js';
import { PvDomain, type DomainLayout } from './domain.js';
import { EventChannels } from './event-channels.js';
import { SharedInfoPage } from './shared-info.js';
import { MmuBatch } from './xc.js';
import { Fields } from './guest-access.js';
import { MMUEXT, PTE, START_INFO, START_INFO_MAGIC, SHARED_INFO } from './abi.js';

const PAGE = 4096;
const MEGA = 2 << 20;
const GRANT_FRAMES = 1;

export class BuildError extends Error {}

export interface BuildOptions {
  /** The kernel command line (start_info.cmd_line). */
  cmdline?: string;
  /** End of the kernel's initial mapping (default: the guest's RAM, at most 32 MiB after RAM's start: minios's memory). */
  mapEnd?: bigint;
}

const symbol = (image: LoadedImage, name: string): bigint => {
  const v = image.symbols.get(name);
  if (v === undefined) throw new BuildError(`the PV kernel image has no ${name} symbol`);
  return v;
};

/** Builds domain `vm.id` from `image` and registers it with the hypervisor. */
export function buildDomain(hv: Hypervisor, vm: Vm, image: LoadedImage, options: BuildOptions = {}): PvDomain {
  const ram = BigInt(vm.p2m.frames.length * PAGE);
  const mapEnd = options.mapEnd ?? GUEST_RAM_BASE + (ram < 32n << 20n ? ram : 32n << 20n);
  const start = image.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), 1n << 64n);
  const textEnd = symbol(image, '__text_end'), rodataEnd = symbol(image, '__rodata_end'), kernelEnd = symbol(image, '__kernel_end');
  if (start % BigInt(MEGA) !== 0n) throw new BuildError(`the PV kernel must start on a 2 MiB boundary, not 0x${start.toString(16)}`);
  vm.load(image);

  const pfn = (va: bigint) => Number((va - GUEST_RAM_BASE) / BigInt(PAGE));
  const va = (p: number) => GUEST_RAM_BASE + BigInt(p * PAGE);
  const mfn = (p: number) => vm.p2m.frames[p] >> 12n;
  const nrPages = vm.p2m.frames.length;
  let next = pfn(kernelEnd + BigInt(PAGE - 1));
  const take = (n: number) => { const p = next; next += n; return p; };
  const startInfoPfn = take(1);
  const mfnListPfn = take(Math.ceil((nrPages * 8) / PAGE));
  const sharedInfoPfn = take(1), consolePfn = take(1), storePfn = take(1);
  const grantPfns = Array.from({ length: GRANT_FRAMES }, () => take(1));
  const l1Count = Number((mapEnd - start + BigInt(MEGA - 1)) / BigInt(MEGA));
  const tablePfns = Array.from({ length: 2 + l1Count }, () => take(1));
  if (va(next) > mapEnd) throw new BuildError(`the PV kernel and its bootstrap area (to 0x${va(next).toString(16)}) do not fit below 0x${mapEnd.toString(16)}`);
  for (let p = startInfoPfn; p < next; p++) vm.p2m.write(va(p), new Uint8Array(PAGE));

  const layout: DomainLayout = { startInfoPfn, sharedInfoPfn, consolePfn, storePfn, grantPfns, tablePfns, firstFreePfn: next, startInfoVa: va(startInfoPfn) };
  const domain = registerDomain(hv, vm, layout);

  const list = new Fields(new Uint8Array(nrPages * 8));
  for (let p = 0; p < nrPages; p++) list.setU64(p * 8, mfn(p));
  vm.p2m.write(va(mfnListPfn), list.bytes);

  const [root, l2, ...l1s] = tablePfns;
  const tables = new Set(tablePfns);
  const perm = (a: bigint): bigint => {
    if (a < textEnd) return PTE.R | PTE.X;
    if (a < rodataEnd || tables.has(pfn(a))) return PTE.R;
    return PTE.R | PTE.W;
  };
  const batch = new MmuBatch(hv, vm.id);
  const entry = (table: number, index: number) => (mfn(table) << 12n) + BigInt(index * 8);
  const leaf = (p: number, bits: bigint) => (mfn(p) << 10n) | bits | PTE.G | PTE.A | PTE.D | PTE.V;
  l1s.forEach((l1, j) => {
    const chunk = start + BigInt(j * MEGA);
    for (let k = 0; k < 512; k++) {
      const a = chunk + BigInt(k * PAGE);
      if (a < mapEnd) batch.update(entry(l1, k), leaf(pfn(a), perm(a)));
    }
    batch.update(entry(l2, Number((chunk >> 21n) & 511n)), (mfn(l1) << 10n) | PTE.V);
  });
  batch.update(entry(root, Number((start >> 30n) & 511n)), (mfn(l2) << 10n) | PTE.V);
  batch.extended(MMUEXT.PIN_L3_TABLE, mfn(root)).extended(MMUEXT.NEW_BASEPTR, mfn(root), 0n);
  batch.flushOrThrow();

  writeStartInfo(vm, va(startInfoPfn), {
    nrPages, sharedInfo: mfn(sharedInfoPfn) << 12n, consoleMfn: mfn(consolePfn), storeMfn: mfn(storePfn),
    ptBase: va(root), nrPtFrames: tablePfns.length, mfnList: va(mfnListPfn), cmdline: options.cmdline ?? '',
  });
  domain.hart.pc = image.entry;
  domain.hart.regs[11] = va(startInfoPfn);
  return domain;
}

/**
 * Makes `vm` a PV domain of the hypervisor with the special pages of `layout` (zeroed by the
 * caller): its shared-info page and event channels, its grant table. Upcalls start masked, as Xen
 * creates a vCPU; the guest unmasks them when it is ready.
 */
export function registerDomain(hv: Hypervisor, vm: Vm, layout: DomainLayout): PvDomain {
  const domain = adoptDomain(hv, vm, layout);
  hv.machine.writePhys((domain.sharedInfo.mfn << 12n) + BigInt(SHARED_INFO.vcpu0 + SHARED_INFO.upcallMask), Uint8Array.of(1));
  return domain;
}

/**
 * Makes `vm` a PV domain with the special pages of `layout` as they are (a domain migrated in:
 * its shared-info page and grant table hold what the guest left there), no port bound yet.
 */
export function adoptDomain(hv: Hypervisor, vm: Vm, layout: DomainLayout): PvDomain {
  const mfn = (p: number) => vm.p2m.frames[p] >> 12n;
  const sharedInfo = new SharedInfoPage(hv.machine, mfn(layout.sharedInfoPfn));
  const domain = new PvDomain(vm, hv.machine, new EventChannels(vm.id, sharedInfo, hv), sharedInfo, layout);
  hv.domains.set(vm.id, domain);
  hv.grants.setFrames(vm.id, layout.grantPfns.map(mfn));
  return domain;
}

export interface StartInfo {
  nrPages: number; sharedInfo: bigint; consoleMfn: bigint; storeMfn: bigint; ptBase: bigint; nrPtFrames: number;
  mfnList: bigint; cmdline: string; consoleEvtchn?: number; storeEvtchn?: number;
}

/** Fills the start_info page at `at` (pseudo-physical). */
export function writeStartInfo(vm: Vm, at: bigint, s: StartInfo): void {
  const f = new Fields(new Uint8Array(START_INFO.size));
  f.bytes.set(new TextEncoder().encode(START_INFO_MAGIC), START_INFO.magic);
  f.setU64(START_INFO.nrPages, BigInt(s.nrPages)).setU64(START_INFO.sharedInfo, s.sharedInfo)
    .setU64(START_INFO.storeMfn, s.storeMfn).setU32(START_INFO.storeEvtchn, s.storeEvtchn ?? 0)
    .setU64(START_INFO.consoleMfn, s.consoleMfn).setU32(START_INFO.consoleEvtchn, s.consoleEvtchn ?? 0)
    .setU64(START_INFO.ptBase, s.ptBase).setU64(START_INFO.nrPtFrames, BigInt(s.nrPtFrames)).setU64(START_INFO.mfnList, s.mfnList);
  const cmd = new TextEncoder().encode(s.cmdline);
  if (cmd.length >= START_INFO.cmdLineSize) throw new BuildError(`the command line is longer than ${START_INFO.cmdLineSize - 1} bytes`);
  f.bytes.set(cmd, START_INFO.cmdLine);
  vm.p2m.write(at, f.bytes);
}

/** Updates the event-channel fields of start_info once the builder's backends have their ports. */
export function setStartInfoPorts(vm: Vm, at: bigint, consoleEvtchn: number, storeEvtchn: number): void {
  const f = new Fields(new Uint8Array(4));
  vm.p2m.write(at + BigInt(START_INFO.consoleEvtchn), f.setU32(0, consoleEvtchn).bytes.slice());
  vm.p2m.write(at + BigInt(START_INFO.storeEvtchn), f.setU32(0, storeEvtchn).bytes.slice());
}
