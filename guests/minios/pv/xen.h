/* The hypervisor's interface: Xen's public headers (xen.h, event_channel.h, grant_table.h,
   sched.h), 64-bit layouts, adapted to RV64 as docs/PV.md states. */
#ifndef MINIOS_PV_XEN_H
#define MINIOS_PV_XEN_H

#include "types.h"

#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32

#define DOMID_SELF 0x7ff0U

struct mmu_update {
  uint64 ptr; /* machine address of the PTE; bits 2:0 the command */
  uint64 val;
};
#define MMU_NORMAL_PT_UPDATE 0

struct mmuext_op {
  uint32 cmd;
  uint32 pad;
  uint64 arg1; /* mfn or linear address */
  uint64 arg2; /* NEW_BASEPTR: the ASID */
};
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7

struct multicall_entry {
  uint64 op;
  uint64 result;
  uint64 args[6];
};

struct trap_info {
  uint8 vector; /* 0: RV64 has one vector, stvec */
  uint8 flags;  /* stvec MODE */
  uint16 cs;
  uint32 pad;
  uint64 address;
};

#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
struct sched_shutdown {
  uint32 reason;
};
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_crash 3

#define CONSOLEIO_write 0

/* Event channels. */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_unmask 9
struct evtchn_alloc_unbound {
  uint16 dom, remote_dom;
  uint32 port;
};
struct evtchn_bind_virq {
  uint32 virq, vcpu, port;
};
struct evtchn_send {
  uint32 port;
};
struct evtchn_unmask {
  uint32 port;
};
#define VIRQ_TIMER 0

/* The shared-info page (x86_64 layout: 32 vcpu_info of 64 bytes). */
struct vcpu_info {
  uint8 evtchn_upcall_pending;
  uint8 evtchn_upcall_mask;
  uint8 pad[6];
  uint64 evtchn_pending_sel;
  uint64 arch[2];
  uint64 time[4];
};
struct shared_info {
  struct vcpu_info vcpu_info[32];
  uint64 evtchn_pending[64];
  uint64 evtchn_mask[64];
};

struct start_info {
  char magic[32];
  uint64 nr_pages;
  uint64 shared_info; /* machine address */
  uint32 flags;
  uint64 store_mfn;
  uint32 store_evtchn;
  uint64 console_mfn;
  uint32 console_evtchn;
  uint64 pt_base;     /* virtual address of the root table */
  uint64 nr_pt_frames;
  uint64 mfn_list;    /* virtual address of the P2M */
  uint64 mod_start, mod_len;
  char cmd_line[1024];
  uint64 first_p2m_pfn, nr_p2m_frames;
};
_Static_assert(__builtin_offsetof(struct start_info, pt_base) == 88, "start_info layout");
_Static_assert(__builtin_offsetof(struct start_info, cmd_line) == 128, "start_info layout");

/* Grant tables, v1. */
#define GNTTABOP_setup_table 2
#define GNTTABOP_query_size 6
struct grant_entry_v1 {
  uint16 flags;
  uint16 domid;
  uint32 frame;
};
#define GTF_permit_access 1
#define GTF_readonly (1 << 2)
#define GTF_reading (1 << 3)
#define GTF_writing (1 << 4)
struct gnttab_setup_table {
  uint16 dom;
  uint32 nr_frames;
  int16 status;
  uint64 frame_list;
};

#endif
