/**
 * The receiving side of a live migration (the sequence is in source.ts and docs/MIGRATION.md).
 * Everything that arrives is checked before it is used: the framing (stream/decoder.ts), the VM
 * INIT announces against what this host takes (its strategies, its RAM), every page number
 * against the VM's RAM, every state record field by field. The first defect is answered with a
 * REFUSE naming it, and the VM being received is dropped: the source goes on running it. The
 * guest resumes here only on the source's GO, after everything has loaded.
 *
 * After a post-copy switch-over the guest runs with the pages it lacks not present: an access to
 * one exits, the page is asked for (PAGE_REQUEST) and the guest waits for it, while the pages the
 * source pushes are written as they come, between slices.
 */
import type { Channel } from './transport/channel.js';
import { yieldToIo } from './event-loop.js';
import { RecordLink, type Record } from './transport/link.js';
import { ConnectionLost } from './transport/channel.js';
import { REC, PART_RECORDS, OPTIONAL, PAGE_BYTES, recordName, StreamError } from './stream/format.js';
import {
  decodeInit, decodePages, decodePageList, decodeHart, decodeClock, decodeBitmap, decodeStateRecord, decodeText,
  encodeText, encodeResumed, encodePageList, expectEmpty, checkEnd, type Init,
} from './stream/records.js';
import { CLOCK_FIELDS } from '../../bindings/machine.js';
import { STRATEGIES, type StrategyName } from '../vmm/strategy.js';
import { countBits } from '../vmm/dirty-log.js';
import { BareVm } from './vm/bare-vm.js';
import { VmmVm } from './vm/vmm-vm.js';
import { epochMs, type HostedVm, type MigratedState, type SliceResult } from './vm/hosted.js';

/** What this host takes. */
export interface AcceptPolicy {
  /** Strategies it runs VMs under (default: all of this host's, `native` for bare machines). */
  strategies?: readonly string[];
  /** Exactly this much guest RAM, if set. */
  ramBytes?: number;
  /** At most this much guest RAM (default 1 GiB). */
  maxRamBytes?: number;
}

export type DestinationEvent =
  | { type: 'init'; init: Init }
  | { type: 'resumed'; atEpochMs: number }
  | { type: 'fault'; gfn: number; waitMs: number }
  | { type: 'complete'; atEpochMs: number };

export interface DestinationOptions {
  accept?: AcceptPolicy;
  onEvent?: (e: DestinationEvent) => void;
  onOutput?: (text: string) => void;
  /** After the VM has loaded, before it resumes (e.g. to check its memory). */
  beforeResume?: (vm: HostedVm) => void;
  /** Called between slices once the guest runs here (e.g. to move network frames). */
  onSlice?: (vm: HostedVm) => void;
  /** Guest instructions to run here before giving up (default: until it halts). */
  maxInstructions?: number;
  /** Asked between slices: true stops running the guest here (an operator's stop, a benchmark's end); the outcome is then `budget`. */
  until?: () => boolean;
  /** Instructions per slice (default 200,000). */
  slice?: number;
  /**
   * Where the incoming VM goes (default: a new machine of its own, a VMM host for a strategy). A
   * host that keeps machines ready may hand one out here; it must fit `init`.
   */
  createVm?: (init: Init) => Promise<HostedVm>;
  /** A wait for the source's next record fails when nothing arrives for this long (default 10 s). */
  stallTimeoutMs?: number;
}

export interface Received {
  vm: HostedVm;
  /** How the guest ended here: halted, stopped by the VMM, or still running at maxInstructions. */
  outcome: SliceResult | { kind: 'budget' };
  /** Console output produced here. */
  output: string;
  resumedAtEpochMs: number;
  /** Post-copy: pages the guest waited for, and the time it waited. */
  faults: number;
  faultWaitMs: number;
}

/** The source's stream was refused (the message names the defect), or ended before GO: the source keeps the VM. */
export class MigrationRefused extends Error {}
/** Post-copy broke after the guest resumed here: the VM is paused here, some pages missing (see `vm`). */
export class PostcopyFailed extends Error {
  constructor(message: string, readonly vm: HostedVm) { super(message); }
}

const ZERO = new Uint8Array(PAGE_BYTES);
const STATE_TYPES = [REC.HART, REC.VMM, REC.DEVICES, REC.CLOCK, ...Object.values(PART_RECORDS)] as const;

/** Receives one VM over `channel`, resumes it, and runs it; see the module comment. */
export async function receive(channel: Channel, options: DestinationOptions = {}): Promise<Received> {
  const link = new RecordLink(channel, 'source', options.stallTimeoutMs);
  let vm: HostedVm | undefined;
  let absent: Uint32Array | undefined;
  let clock: MigratedState['clock'] | undefined;
  try {
    const init = checkInit(decodeInit((await first(link)).body), options.accept);
    options.onEvent?.({ type: 'init', init });
    vm = await (options.createVm ?? createVm)(init);
    await link.send(REC.READY);
    const loaded = await receiveUntilSwitchover(link, vm);
    absent = loaded.absent;
    vm.restoreState(loaded.state);
    clock = loaded.state.clock;
    if (absent) vm.setAbsent(absent);
    options.beforeResume?.(vm);
    await link.send(REC.LOADED);
    const go = await link.receive();
    if (go.type === REC.ABORT) throw new MigrationRefused(`the source aborted: ${decodeText(go.body, 'ABORT')}`);
    if (go.type !== REC.GO) throw new StreamError(`expected GO, got ${recordName(go.type)} (record ${go.index})`);
    expectEmpty(go.body, 'GO');
  } catch (e) {
    vm?.destroy();
    throw await refuse(link, e as Error);
  }
  return runHere(link, vm, clock!, absent, options);
}

async function first(link: RecordLink): Promise<Record> {
  const r = await link.receive();
  if (r.type !== REC.INIT) throw new StreamError(`the stream starts with ${recordName(r.type)}, not INIT`);
  return r;
}

function checkInit(init: Init, accept: AcceptPolicy = {}): Init {
  const known = accept.strategies ?? STRATEGIES;
  if (!known.includes(init.strategy)) throw new StreamError(`INIT: the VM runs under ${init.strategy}, which this host does not run (it runs ${known.join(', ')})`);
  if (accept.ramBytes !== undefined && init.ramBytes !== accept.ramBytes) {
    throw new StreamError(`INIT: the VM has ${init.ramBytes} bytes of RAM, this host takes VMs of ${accept.ramBytes}`);
  }
  const max = accept.maxRamBytes ?? 1 << 30;
  if (init.ramBytes > max) throw new StreamError(`INIT: the VM has ${init.ramBytes} bytes of RAM, more than the ${max} this host takes`);
  return init;
}

export async function createVm(init: Init): Promise<HostedVm> {
  try {
    if (init.strategy === 'native') return await BareVm.create(init.ramBytes);
    return await VmmVm.create(init.strategy as Exclude<StrategyName, 'native'>, init.ramBytes, true);
  } catch (e) {
    throw new StreamError(`INIT: this host cannot take a VM of ${init.ramBytes} bytes under ${init.strategy}: ${(e as Error).message}`);
  }
}

/** Pages and state until END (pre-copy, stop-and-copy) or POSTCOPY. */
async function receiveUntilSwitchover(link: RecordLink, vm: HostedVm): Promise<{ state: MigratedState; absent?: Uint32Array }> {
  const state = new Map<number, Uint8Array>();
  for (;;) {
    const r = await link.receive();
    if (writePages(r, vm) !== undefined) continue;
    if ((STATE_TYPES as readonly number[]).includes(r.type)) {
      if (state.has(r.type)) throw new StreamError(`a second ${recordName(r.type)} record (record ${r.index})`);
      state.set(r.type, r.body);
      continue;
    }
    switch (r.type) {
      case REC.ROUND: continue;
      case REC.END: checkEnd(r.body, r.index, r.chain); return { state: decodeState(state, vm) };
      case REC.POSTCOPY: return { state: decodeState(state, vm), absent: decodeBitmap(r.body, vm.pages, 'POSTCOPY') };
      case REC.ABORT: throw new MigrationRefused(`the source aborted: ${decodeText(r.body, 'ABORT')}`);
      default: skipOrRefuse(r);
    }
  }
}

/**
 * PAGES and ZERO_PAGES: written into the VM (present from then on); with `onlyAbsent` (post-copy)
 * only pages still missing are written, since the guest's own copy of any other is newer. The
 * number of pages written, or undefined for another record.
 */
function writePages(r: Record, vm: HostedVm, onlyAbsent = false): number | undefined {
  let gfns: number[], data: Uint8Array | undefined;
  if (r.type === REC.PAGES) ({ gfns, data } = decodePages(r.body, vm.pages));
  else if (r.type === REC.ZERO_PAGES) gfns = decodePageList(r.body, vm.pages, 'ZERO_PAGES');
  else return undefined;
  let written = 0;
  gfns.forEach((g, i) => {
    if (onlyAbsent && !vm.isAbsent(g)) return;
    vm.writePage(g, data ? data.subarray(i * PAGE_BYTES, (i + 1) * PAGE_BYTES) : ZERO);
    written++;
  });
  return written;
}

function skipOrRefuse(r: Record): void {
  if ((r.type & OPTIONAL) !== 0) return;
  throw new StreamError(`unknown mandatory record type ${recordName(r.type)} (record ${r.index})`);
}

function decodeState(records: Map<number, Uint8Array>, vm: HostedVm): MigratedState {
  const clock = records.get(REC.CLOCK);
  if (!clock) throw new StreamError('the stream reached the switch-over without a CLOCK record');
  const s: MigratedState = { clock: decodeClock(clock) };
  if (s.clock.words.length !== CLOCK_FIELDS.length) throw new StreamError(`CLOCK: ${s.clock.words.length} clock words, this host has ${CLOCK_FIELDS.length}`);
  const need: number[] = vm.strategy === 'native' ? [REC.HART] : [REC.VMM, REC.DEVICES];
  for (const t of [REC.HART, REC.VMM, REC.DEVICES]) {
    if (need.includes(t) !== records.has(t)) {
      throw new StreamError(`${recordName(t)}: ${records.has(t) ? 'present in' : 'missing from'} the stream of a VM under ${vm.strategy}`);
    }
  }
  const hart = records.get(REC.HART), vmm = records.get(REC.VMM), devices = records.get(REC.DEVICES);
  if (hart) s.hart = decodeHart(hart);
  if (vmm) s.vmm = decodeStateRecord(vmm, 'VMM');
  if (devices) s.devices = decodeStateRecord(devices, 'DEVICES');
  for (const [part, type] of Object.entries(PART_RECORDS) as [keyof typeof PART_RECORDS, number][]) {
    const body = records.get(type);
    if ((body !== undefined) !== vm.stateParts.includes(part)) {
      throw new StreamError(`${recordName(type)}: ${body ? 'present in' : 'missing from'} the stream of a VM under ${vm.strategy}`);
    }
    if (body) (s.parts ??= {})[part] = decodeStateRecord(body, recordName(type));
  }
  return s;
}

/** Tells the source what was wrong (if it can still hear), and gives the error to throw. */
async function refuse(link: RecordLink, e: Error): Promise<Error> {
  if (e instanceof MigrationRefused || e instanceof ConnectionLost) {
    link.close();
    return e instanceof MigrationRefused ? e : new MigrationRefused(`the migration did not complete: ${e.message}`);
  }
  await link.send(REC.REFUSE, encodeText(e.message)).catch(() => {});
  link.close();
  return new MigrationRefused(`refused the migration: ${e.message}`);
}

/** The guest runs here from now on; in post-copy, the missing pages come in meanwhile. */
async function runHere(link: RecordLink, vm: HostedVm, clock: MigratedState['clock'], absent: Uint32Array | undefined, o: DestinationOptions): Promise<Received> {
  const slice = o.slice ?? 200_000;
  const limit = o.maxInstructions ?? Number.MAX_SAFE_INTEGER;
  const got: Received = { vm, outcome: { kind: 'budget' }, output: '', resumedAtEpochMs: 0, faults: 0, faultWaitMs: 0 };
  const post = absent ? new PostcopyPages(link, vm, countBits(absent)) : undefined;
  const t = epochMs();
  // The clock as the guest sees it goes on from the source's stop (the state has the stop time).
  vm.resumeClock(clock, t);
  vm.resumed();
  got.resumedAtEpochMs = t;
  await link.send(REC.RESUMED, encodeResumed({ epochMs: t, mtime: vm.time }));
  o.onEvent?.({ type: 'resumed', atEpochMs: t });
  if (!post) link.close();
  try {
    for (let done = 0; done < limit;) {
      post?.take();
      const r = vm.run(Math.min(slice, limit - done));
      const out = vm.takeOutput();
      if (out) { got.output += out; o.onOutput?.(out); }
      if (r.kind === 'not-present') {
        const waited = await post!.fetch(r.gfn);
        got.faults++;
        got.faultWaitMs += waited;
        o.onEvent?.({ type: 'fault', gfn: r.gfn, waitMs: waited });
        continue;
      }
      done += slice;
      o.onSlice?.(vm);
      if (r.kind !== 'running') { got.outcome = r; break; }
      if (o.until?.()) break;
      await yieldToIo();
    }
    if (post) await post.finish();
  } catch (e) {
    link.close();
    if (e instanceof PostcopyFailed) throw e;
    throw new PostcopyFailed(`post-copy failed: ${(e as Error).message}; ${post?.missing ?? 0} pages never arrived, so the VM is paused here`, vm);
  }
  o.onEvent?.({ type: 'complete', atEpochMs: epochMs() });
  return got;
}

/** Post-copy on the destination: pages as they are pushed, and those the guest is waiting for. */
class PostcopyPages {
  private ended = false;
  constructor(private readonly link: RecordLink, private readonly vm: HostedVm, public missing: number) {}

  /** Writes whatever has arrived, without waiting. */
  take(): void {
    // After END every page is here and the source may have gone: nothing more to read.
    while (!this.ended) {
      const r = this.link.poll();
      if (!r) return;
      this.handle(r);
    }
  }

  /** Asks for a page and waits until it is here; the milliseconds waited. */
  async fetch(gfn: number): Promise<number> {
    const t = performance.now();
    await this.link.send(REC.PAGE_REQUEST, encodePageList([gfn]));
    while (this.vm.isAbsent(gfn)) this.handle(await this.link.receive());
    return performance.now() - t;
  }

  private done?: Promise<void>;

  /** After the guest is done here: the rest of the pages and END (answered by DONE as soon as it comes). */
  async finish(): Promise<void> {
    while (!this.ended) this.handle(await this.link.receive());
    await this.done;
  }

  private handle(r: Record): void {
    if (r.type === REC.END) {
      checkEnd(r.body, r.index, r.chain);
      if (this.missing !== 0) throw new StreamError(`END with ${this.missing} pages still missing`);
      this.ended = true;
      this.done = this.link.send(REC.DONE).then(() => this.link.close());
      return;
    }
    const written = writePages(r, this.vm, true);
    if (written !== undefined) { this.missing -= written; return; }
    if ((r.type & OPTIONAL) !== 0) return;
    throw new StreamError(`${recordName(r.type)} (record ${r.index}) during post-copy`);
  }
}
