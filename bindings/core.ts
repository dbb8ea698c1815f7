/**
 * Loading the Wasm core. The module is compiled once per process and instantiated once per
 * machine, so several machines (a migration's source and destination) live side by side, each
 * with its own linear memory. Works unchanged in Node and in a browser.
 */
import { WASM_BASE64 as RELEASE } from '../build/core.release.js';

/** The raw exports of the core (see assembly/index.ts). */
export interface CoreExports {
  memory: WebAssembly.Memory;
  init(ramBytes: bigint): number;
  reset(pc: bigint): void;
  flushCaches(): void;
  flushTlb(): void;
  flushTlbTag(virt: number, vmid: number, asid: number): void;
  timeNow(): bigint;
  setTimerCompare(v: bigint): void;
  setHtif(tohost: bigint, fromhost: bigint): void;
  run(budget: number): number;
  hostWrote(pa: bigint, len: bigint): void;
  mmioComplete(value: bigint): void;
  mmioFault(tval: bigint): void;
  csrRead(csr: number): bigint;
  csrExists(csr: number): number;
  csrWrite(csr: number, v: bigint): number;
  configureTlb(entries: number, ways: number): number;
  setHardwareAD(on: number): void;
  stateChanged(): void;
  translateDebug(vaddr: bigint, type: number, priv: number): number;
  debugResultPa(): bigint;
  debugResultRefs(): number;
  debugResultLevel(): number;
  debugResultPte(): bigint;
  translateNestedDebug(gva: bigint, type: number, priv: number, vsatp: bigint, hgatp: bigint, sideEffects: number): number;
  setWalkCaches(pwc: number, ntlb: number): void;
  debugResultRefsG(): number;
  debugFaultGpa(): bigint;
  debugFaultImplicit(): number;
  syncCounters(): void;
  stateBase(): number;
  ramBase(): number;
  uartTxBase(): number;
  uartRxBase(): number;
  heapEnd(): number;
  decodedFlushAll(): void;
  expandRvc(c: number): number;
  setDirtyLogging(on: number): void;
  readAndClearDirty(): number;
  setPagesAbsent(first: number, count: number, absent: number, flush: number): void;
  dropCachedRam(): void;
  pagesAbsent(): number;
  pageAbsent(pa: bigint): number;
  hostWrotePage(page: number): void;
  pageAbsentAt(page: number): number;
  setTimeNow(v: bigint): void;
}

/** Which build of the core: release (optimised, no assertions) or debug (assertions on). */
export type CoreFlavor = 'release' | 'debug';

const modules = new Map<CoreFlavor, Promise<WebAssembly.Module>>();

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled core module (cached per flavor). */
export function coreModule(flavor: CoreFlavor = 'release'): Promise<WebAssembly.Module> {
  let m = modules.get(flavor);
  if (!m) {
    // The debug build is loaded only when asked for: start-up and a page's download stay small.
    m = flavor === 'release' ? WebAssembly.compile(decodeBase64(RELEASE))
      : import('../build/core.debug.js').then((d) => WebAssembly.compile(decodeBase64(d.WASM_BASE64)));
    modules.set(flavor, m);
  }
  return m;
}

/** A fresh instance of the core with its own memory. */
export async function instantiateCore(flavor: CoreFlavor = 'release'): Promise<CoreExports> {
  const module = await coreModule(flavor);
  const imports = {
    env: {
      now: () => performance.now(),
      abort: (_msg: number, _file: number, line: number, col: number) => {
        throw new Error(`vmlab core assertion failed at ${line}:${col}`);
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  return instance.exports as unknown as CoreExports;
}
