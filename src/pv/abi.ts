/**
 * The paravirtual ABI: Xen's public interface (xen/include/public: xen.h, event_channel.h,
 * grant_table.h, sched.h, vcpu.h, callback.h, io/ring.h) with its numbers and struct layouts as on
 * a 64-bit Xen guest (LP64, natural alignment), adapted to RV64 where x86 has no counterpart.
 * docs/PV.md states it as this project's ABI; every adaptation is named there.
 */

/** Hypercall numbers (xen.h `__HYPERVISOR_*`), passed in a7 of an ECALL from S. */
export const HYPERCALL = {
  set_trap_table: 0, mmu_update: 1, set_callbacks: 4, multicall: 13, update_va_mapping: 14,
  set_timer_op: 15, xen_version: 17, console_io: 18, grant_table_op: 20, vcpu_op: 24,
  mmuext_op: 26, sched_op: 29, callback_op: 30, event_channel_op: 32,
} as const;
export type HypercallName = keyof typeof HYPERCALL;
export const HYPERCALL_NAMES: Record<number, HypercallName> = Object.fromEntries(
  Object.entries(HYPERCALL).map(([k, v]) => [v, k as HypercallName]));

/** Xen's errno values (xen/include/public/errno.h), returned negated. */
export const ERRNO = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12,
  EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ENOSYS: 38,
} as const;
export type Errno = keyof typeof ERRNO;
/** A hypercall's result: 0 or a positive value on success, a negated errno on failure. */
export const err = (e: Errno): number => -ERRNO[e];
export const errnoName = (rc: number): string =>
  (Object.entries(ERRNO).find(([, v]) => v === -rc)?.[0]) ?? String(rc);

/** `DOMID_SELF` and the domain ids of this host: dom0 is the TypeScript host itself. */
export const DOMID_SELF = 0x7ff0;
export const DOMID_0 = 0;

/** mmu_update: struct mmu_update { uint64_t ptr, val; }; ptr[2:0] is the command. */
export const MMU = { NORMAL_PT_UPDATE: 0, MACHPHYS_UPDATE: 1, PT_UPDATE_PRESERVE_AD: 2 } as const;
export const MMU_UPDATE_SIZE = 16;

/**
 * mmuext_op: struct mmuext_op { unsigned int cmd; union { xen_pfn_t mfn; unsigned long
 * linear_addr; } arg1; union { unsigned int nr_ents; ... } arg2; } = 24 bytes (cmd at 0, arg1 at
 * 8, arg2 at 16). RV64 Sv39 has three levels: L1 is the leaf level, L3 the root; PIN_L4 is refused.
 * NEW_BASEPTR's arg2 carries the ASID, and TLB_FLUSH_*'s arg2, when not 0, ASID + 1 to flush that
 * ASID only (x86 has no ASIDs; adaptations).
 */
export const MMUEXT = {
  PIN_L1_TABLE: 0, PIN_L2_TABLE: 1, PIN_L3_TABLE: 2, PIN_L4_TABLE: 3, UNPIN_TABLE: 4,
  NEW_BASEPTR: 5, TLB_FLUSH_LOCAL: 6, INVLPG_LOCAL: 7, TLB_FLUSH_MULTI: 8, INVLPG_MULTI: 9,
  TLB_FLUSH_ALL: 10, INVLPG_ALL: 11,
} as const;
export const MMUEXT_OP_SIZE = 24;

/** multicall: struct multicall_entry { xen_ulong_t op, result; xen_ulong_t args[6]; } = 64 bytes. */
export const MULTICALL_ENTRY_SIZE = 64;

/** sched_op commands (sched.h) and shutdown reasons. */
export const SCHEDOP = { yield: 0, block: 1, shutdown: 2, poll: 3 } as const;
export const SHUTDOWN = { poweroff: 0, reboot: 1, suspend: 2, crash: 3, watchdog: 4 } as const;

/** console_io commands. */
export const CONSOLEIO = { write: 0, read: 1 } as const;

/** xen_version commands. */
export const XENVER = { version: 0, extraversion: 1 } as const;
/** The version this hypervisor reports: the interface of Xen 4.17 it follows. */
export const XEN_VERSION = (4 << 16) | 17;

/** vcpu_op commands (vcpu.h) this hypervisor implements. */
export const VCPUOP = { is_up: 3, set_singleshot_timer: 10, stop_singleshot_timer: 11 } as const;

/** callback_op (callback.h): CALLBACKOP_register with struct callback_register { uint16 type, flags; uint64 address; }. */
export const CALLBACKOP = { register: 0, unregister: 1 } as const;
export const CALLBACKTYPE = { event: 0, failsafe: 1, syscall: 2 } as const;

/**
 * set_trap_table: struct trap_info { uint8_t vector, flags; uint16_t cs; unsigned long address; }
 * = 16 bytes, a list ended by address 0. RV64 has one trap vector (stvec) for every exception and
 * interrupt, so the only vector is 0 (adaptation); address is the handler, as in stvec.
 */
export const TRAP_INFO_SIZE = 16;

/** event_channel_op commands (event_channel.h) and the ports' structs. */
export const EVTCHNOP = {
  bind_interdomain: 0, bind_virq: 1, close: 3, send: 4, status: 5, alloc_unbound: 6, bind_ipi: 7, unmask: 9,
} as const;
/** Virtual IRQs (xen.h VIRQ_*). */
export const VIRQ = { timer: 0, debug: 1, console: 2 } as const;
export const NR_VIRQS = 24;
/** Ports of the 2-level ABI on a 64-bit guest: 64 words of 64 bits. */
export const NR_EVTCHN_PORTS = 4096;

/** grant_table_op commands (grant_table.h). */
export const GNTTABOP = { map_grant_ref: 0, unmap_grant_ref: 1, setup_table: 2, copy: 5, query_size: 6 } as const;
/** Grant entry v1: struct grant_entry_v1 { uint16_t flags; domid_t domid; uint32_t frame; } = 8 bytes. */
export const GRANT_ENTRY_SIZE = 8;
export const GTF = {
  invalid: 0, permit_access: 1, accept_transfer: 2, type_mask: 3, readonly: 1 << 2, reading: 1 << 3, writing: 1 << 4,
} as const;
export const GNTMAP = { device_map: 1, host_map: 2, readonly: 4 } as const;
export const GNTCOPY = { source_gref: 1, dest_gref: 2 } as const;
/** Grant status codes (GNTST_*). */
export const GNTST = {
  okay: 0, general_error: -1, bad_domain: -2, bad_gntref: -3, bad_handle: -4, bad_virt_addr: -5,
  bad_dev_addr: -6, no_device_space: -7, permission_denied: -8, bad_page: -9, bad_copy_arg: -10,
  address_too_big: -11, eagain: -12,
} as const;

/**
 * The shared-info page (xen.h struct shared_info, x86_64 layout): 32 vcpu_info of 64 bytes, then
 * evtchn_pending[64] and evtchn_mask[64] (xen_ulong_t), then the wallclock. Only vCPU 0 exists.
 * vcpu_info: evtchn_upcall_pending (u8) at 0, evtchn_upcall_mask (u8) at 1, evtchn_pending_sel at 8.
 */
export const SHARED_INFO = {
  vcpu0: 0, upcallPending: 0, upcallMask: 1, pendingSel: 8, vcpuInfoSize: 64,
  evtchnPending: 32 * 64, evtchnMask: 32 * 64 + 64 * 8, wcVersion: 32 * 64 + 128 * 8,
} as const;

/**
 * start_info (xen.h struct start_info, 64-bit layout): magic[32], nr_pages 32, shared_info 40
 * (machine address), flags 48, store_mfn 56, store_evtchn 64, console.domU.mfn 72,
 * console.domU.evtchn 80, pt_base 88 (virtual), nr_pt_frames 96, mfn_list 104 (virtual),
 * mod_start 112, mod_len 120, cmd_line[1024] 128, first_p2m_pfn 1152, nr_p2m_frames 1160.
 */
export const START_INFO = {
  magic: 0, nrPages: 32, sharedInfo: 40, flags: 48, storeMfn: 56, storeEvtchn: 64, consoleMfn: 72,
  consoleEvtchn: 80, ptBase: 88, nrPtFrames: 96, mfnList: 104, modStart: 112, modLen: 120,
  cmdLine: 128, cmdLineSize: 1024, firstP2mPfn: 1152, nrP2mFrames: 1160, size: 1168,
} as const;
export const START_INFO_MAGIC = 'xen-3.0-riscv64';

/** Sv39 PTE bits. */
export const PTE = { V: 1n, R: 2n, W: 4n, X: 8n, U: 16n, G: 32n, A: 64n, D: 128n } as const;
/** Bits 54..63 (Svpbmt, Svnapot and reserved): must be zero here. */
export const PTE_RESERVED = 0xffc0_0000_0000_0000n;
export const PTE_PPN_SHIFT = 10n;
export const PTE_LEVELS = 3;
