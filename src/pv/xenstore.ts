/**
 * XenStore, the small part the split drivers need: a tree of string nodes with owners and
 * readers, and the per-domain ring a guest talks to it over (io/xs_wire.h: struct
 * xenstore_domain_interface, struct xsd_sockmsg). The toolstack (dom0, TypeScript) writes the
 * device nodes and watches the frontends' nodes; a guest reads and writes what its permissions
 * allow: its own /local/domain/<id>/ subtree and the nodes the toolstack made readable to it.
 * Guests get no watches here (XS_WATCH is ENOSYS); the toolstack's watches fire on every write.
 */
import type { RingPage } from './ring.js';

/** Message types (xs_wire.h enum xsd_sockmsg_type). */
export const XS = {
  DIRECTORY: 1, READ: 2, WATCH: 4, UNWATCH: 5, TRANSACTION_START: 6, TRANSACTION_END: 7,
  GET_DOMAIN_PATH: 10, WRITE: 11, MKDIR: 12, RM: 13, ERROR: 16,
} as const;

const REQ = 0, RSP = 1024, RING = 1024;
const REQ_CONS = 2048, REQ_PROD = 2052, RSP_CONS = 2056, RSP_PROD = 2060;
const HEADER = 16;
/** XENSTORE_PAYLOAD_MAX and XENSTORE_ABS_PATH_MAX. */
const PAYLOAD_MAX = 4096, PATH_MAX = 3072;
const PATH_CHARS = /^[A-Za-z0-9/_@.-]+$/;

interface Node { value: string; owner: number; readers: Set<number> }
export type Watch = (path: string, value: string, writer: number) => void;

export class XenStoreError extends Error {
  constructor(readonly errno: 'ENOENT' | 'EACCES' | 'EINVAL' | 'ENOSYS' | 'E2BIG') { super(errno); }
}

export class XenStore {
  private readonly nodes = new Map<string, Node>();
  private readonly watches: Array<{ prefix: string; fn: Watch }> = [];

  static domainPath(domid: number): string { return `/local/domain/${domid}`; }

  private check(path: string): void {
    if (!path.startsWith('/') || path.length > PATH_MAX || !PATH_CHARS.test(path) || path.includes('//') || (path.length > 1 && path.endsWith('/'))) {
      throw new XenStoreError('EINVAL');
    }
  }
  private mayRead(n: Node, caller: number): boolean { return caller === 0 || n.owner === caller || n.readers.has(caller); }
  private mayCreate(path: string, caller: number): boolean { return caller === 0 || path.startsWith(XenStore.domainPath(caller) + '/'); }

  /** Writes a node (creating it and its parents), as `caller`; the toolstack's watches see it. */
  write(path: string, value: string, caller = 0, owner = caller): void {
    this.check(path);
    const n = this.nodes.get(path);
    if (n) {
      if (caller !== 0 && n.owner !== caller) throw new XenStoreError('EACCES');
      n.value = value;
    } else {
      if (!this.mayCreate(path, caller)) throw new XenStoreError('EACCES');
      for (let p = path; p.lastIndexOf('/') > 0;) {
        p = p.slice(0, p.lastIndexOf('/'));
        if (!this.nodes.has(p)) this.nodes.set(p, { value: '', owner, readers: new Set() });
      }
      this.nodes.set(path, { value, owner, readers: new Set() });
    }
    for (const w of this.watches) if (path === w.prefix || path.startsWith(w.prefix + '/')) w.fn(path, value, caller);
  }

  read(path: string, caller = 0): string {
    this.check(path);
    const n = this.nodes.get(path);
    if (!n) throw new XenStoreError('ENOENT');
    if (!this.mayRead(n, caller)) throw new XenStoreError('EACCES');
    return n.value;
  }

  /** The node's value, or undefined when it does not exist. */
  get(path: string): string | undefined { return this.nodes.get(path)?.value; }

  directory(path: string, caller = 0): string[] {
    this.check(path);
    const n = this.nodes.get(path);
    if (!n) throw new XenStoreError('ENOENT');
    if (!this.mayRead(n, caller)) throw new XenStoreError('EACCES');
    const prefix = path === '/' ? '/' : path + '/';
    return [...this.nodes.keys()].filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length));
  }

  remove(path: string, caller = 0): void {
    this.check(path);
    const n = this.nodes.get(path);
    if (!n) throw new XenStoreError('ENOENT');
    if (caller !== 0 && n.owner !== caller) throw new XenStoreError('EACCES');
    for (const k of [...this.nodes.keys()]) if (k === path || k.startsWith(path + '/')) this.nodes.delete(k);
  }

  /** Lets `domid` read the node and everything under it (the toolstack's XS_SET_PERMS). */
  grantRead(path: string, domid: number): void {
    for (const [k, n] of this.nodes) if (k === path || k.startsWith(path + '/')) n.readers.add(domid);
  }

  /** A toolstack watch: `fn` runs after every write at or under `prefix`. */
  watch(prefix: string, fn: Watch): void { this.watches.push({ prefix, fn }); }

  /**
   * The nodes of one domain, for a migration: its own subtree and the toolstack's backend nodes
   * for it (/local/domain/0/backend/<kind>/<domid>/...), as [path, value, owner, readers].
   */
  exportDomain(domid: number): [string, string, number, number[]][] {
    const own = XenStore.domainPath(domid);
    const back = new RegExp(`^/local/domain/0/backend/[^/]+/${domid}(/|$)`);
    const out: [string, string, number, number[]][] = [];
    for (const [k, n] of this.nodes) if (k === own || k.startsWith(own + '/') || back.test(k)) out.push([k, n.value, n.owner, [...n.readers]]);
    return out;
  }

  /**
   * A migrated domain's nodes (exportDomain's), put in place without a watch firing: the guest's
   * frontends and the backends find the values they left. Every path must be one exportDomain
   * gives for `domid`, owners and readers only dom0 and `domid`; throws a XenStoreError (EINVAL,
   * E2BIG) at the first that is not, before anything is written.
   */
  importDomain(domid: number, nodes: readonly [string, string, number, number[]][]): void {
    const own = XenStore.domainPath(domid);
    const back = new RegExp(`^/local/domain/0/backend/[^/]+/${domid}(/|$)`);
    if (nodes.length > 4096) throw new XenStoreError('E2BIG');
    for (const [path, value, owner, readers] of nodes) {
      this.check(path);
      const ours = path === own || path.startsWith(own + '/') || back.test(path);
      const who = (d: number) => d === 0 || d === domid;
      if (!ours || value.length > PAYLOAD_MAX || !who(owner) || readers.length > 2 || !readers.every(who)) throw new XenStoreError('EINVAL');
    }
    for (const [path, value, owner, readers] of nodes) {
      for (let p = path; p.lastIndexOf('/') > 0;) {
        p = p.slice(0, p.lastIndexOf('/'));
        if (!this.nodes.has(p)) this.nodes.set(p, { value: '', owner: 0, readers: new Set() });
      }
      this.nodes.set(path, { value, owner, readers: new Set(readers) });
    }
  }

  /** Everything under a domain's own path goes (the domain is destroyed). */
  forgetDomain(domid: number): void {
    const p = XenStore.domainPath(domid);
    for (const k of [...this.nodes.keys()]) if (k === p || k.startsWith(p + '/')) this.nodes.delete(k);
  }
}

/**
 * xenstored's end of one domain's store ring: on each notification, every complete request in
 * `req` is copied out, carried out as that domain, and answered in `rsp`. A ring whose indices or
 * message lengths are impossible is closed: the domain loses its store, the host carries on.
 */
export class XenStoreConnection {
  broken: string | undefined;
  requests = 0;

  constructor(private readonly store: XenStore, private readonly page: RingPage, readonly domid: number) {}

  private get base(): string { return XenStore.domainPath(this.domid); }
  private abs(path: string): string { return path.startsWith('/') ? path : `${this.base}/${path}`; }

  /** Serves what the guest queued; true when a response was written (the guest is to be notified). */
  serve(): boolean {
    if (this.broken) return false;
    let answered = false;
    for (;;) {
      const cons = this.page.read32(REQ_CONS), prod = this.page.read32(REQ_PROD);
      const avail = (prod - cons) >>> 0;
      if (avail > RING) return this.close(`request ring indices ${cons}..${prod} exceed the ring`);
      if (avail < HEADER) return answered;
      const header = this.readReq(cons, HEADER);
      const v = new DataView(header.buffer);
      const type = v.getUint32(0, true), reqId = v.getUint32(4, true), txId = v.getUint32(8, true), len = v.getUint32(12, true);
      if (len > PAYLOAD_MAX) return this.close(`a request of ${len} bytes`);
      if (avail < HEADER + len) return answered; // the rest is still coming
      const body = this.readReq(cons + HEADER, len);
      this.page.write32(REQ_CONS, (cons + HEADER + len) >>> 0);
      this.requests++;
      const [rtype, payload] = this.carryOut(type, body);
      if (!this.reply(rtype, reqId, txId, payload)) return answered;
      answered = true;
    }
  }

  private close(why: string): boolean { this.broken = why; return false; }

  private readReq(at: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len;) {
      const off = (at + i) % RING, n = Math.min(len - i, RING - off);
      out.set(this.page.read(REQ + off, n), i);
      i += n;
    }
    return out;
  }

  private carryOut(type: number, body: Uint8Array): [number, Uint8Array] {
    const text = new TextDecoder('latin1').decode(body);
    const args = text.split('\0');
    const enc = (s: string) => new TextEncoder().encode(s);
    try {
      switch (type) {
        case XS.READ: return [type, enc(this.store.read(this.abs(args[0]), this.domid))];
        case XS.WRITE: {
          const nul = text.indexOf('\0');
          if (nul < 0) throw new XenStoreError('EINVAL');
          this.store.write(this.abs(text.slice(0, nul)), text.slice(nul + 1), this.domid);
          return [type, enc('OK\0')];
        }
        case XS.MKDIR: this.store.write(this.abs(args[0]), '', this.domid); return [type, enc('OK\0')];
        case XS.RM: this.store.remove(this.abs(args[0]), this.domid); return [type, enc('OK\0')];
        case XS.DIRECTORY: return [type, enc(this.store.directory(this.abs(args[0]), this.domid).map((n) => n + '\0').join(''))];
        case XS.GET_DOMAIN_PATH: return [type, enc(this.base + '\0')];
        case XS.TRANSACTION_START: return [type, enc('1\0')]; // every request is atomic here: one host thread
        case XS.TRANSACTION_END: return [type, enc('OK\0')];
        default: throw new XenStoreError('ENOSYS');
      }
    } catch (e) {
      if (e instanceof XenStoreError) return [XS.ERROR, enc(e.errno + '\0')];
      throw e;
    }
  }

  private reply(type: number, reqId: number, txId: number, payload: Uint8Array): boolean {
    const cons = this.page.read32(RSP_CONS), prod = this.page.read32(RSP_PROD);
    const used = (prod - cons) >>> 0;
    if (used > RING) return this.close(`response ring indices ${cons}..${prod} exceed the ring`);
    if (RING - used < HEADER + payload.length) return this.close('the guest does not drain its responses');
    const msg = new Uint8Array(HEADER + payload.length);
    const v = new DataView(msg.buffer);
    v.setUint32(0, type, true); v.setUint32(4, reqId, true); v.setUint32(8, txId, true); v.setUint32(12, payload.length, true);
    msg.set(payload, HEADER);
    for (let i = 0; i < msg.length;) {
      const off = (prod + i) % RING, n = Math.min(msg.length - i, RING - off);
      this.page.write(RSP + off, msg.subarray(i, i + n));
      i += n;
    }
    this.page.write32(RSP_PROD, (prod + msg.length) >>> 0);
    return true;
  }
}
