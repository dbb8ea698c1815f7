/* The PV kernel's page-table writes, batched (pt-pv.h).
 *
 * A batch is a list of multicall entries, each a run of consecutive requests of one kind: an
 * mmu_update over a slice of `updates`, or an mmuext_op over a slice of `exts`, in program order
 * (a table's read-only remapping precedes its linking, a pin precedes the root's entries). At most
 * `limit` requests (the command line's batch=N, default MAX_BATCH) go in one hypercall.
 *
 * Page-table pages are read-only in the kernel's own mapping while they are tables: pt_alloc_table
 * queues the remapping of a fresh zeroed page before it is linked, pt_free_table queues making it
 * writable again, and the page goes back to the allocator only after that is issued (with a TLB
 * flush, so no stale read-only entry faults the allocator's write).
 */
#include "pt.h"
#include "console.h"
#include "kalloc.h"
#include "memlayout.h"
#include "pv/hypercall.h"
#include "pv/pv.h"
#include "vm.h"

#define MAX_BATCH 4096
#define MAX_CALLS 64
#define MAX_EXTS 64
#define MAX_DEFERRED 64
#define LOOKASIDE_BITS 13
#define LOOKASIDE (1 << LOOKASIDE_BITS) /* twice MAX_BATCH */

static struct mmu_update updates[MAX_BATCH];
static pte_t *update_va[MAX_BATCH];          /* where each update's entry is, for pt_read */
static uint16 lookaside[LOOKASIDE];          /* open addressing: index + 1 of the newest update */
static struct mmuext_op exts[MAX_EXTS];
static struct multicall_entry calls[MAX_CALLS];
static void *deferred[MAX_DEFERRED];         /* table pages to free once the batch is issued */
/* Which entries the batch writes, per page (pt-pv.h): pt_read probes the lookaside only for
   those. */
uint64 pt_slot_page[PT_PAGE_SLOTS];
uint64 pt_slot_bits[PT_PAGE_SLOTS][8];
uint8 pt_slot_shared[PT_PAGE_SLOTS];
static uint64 nupdates, nexts, ncalls, ndeferred, limit = MAX_BATCH;
uint64 pt_queued; /* nupdates, for pt_read's fast path */
static int relaxed; /* the batch makes a kernel page writable again: flush the TLB with it */

void pt_pv_init(void) {
  limit = pv_cmdline_number("batch", MAX_BATCH);
  if (limit < 1) limit = 1;
  if (limit > MAX_BATCH) limit = MAX_BATCH;
}

/* Fibonacci hashing: entries of one table are adjacent words, which must not form one long probe run. */
static uint64 hash(const pte_t *p) { return ((uint64)p >> 3) * 0x9e3779b97f4a7c15UL >> (64 - LOOKASIDE_BITS); }

static uint64 machine_addr(const void *p) { return pv_mfn((uint64)p) << PAGE_SHIFT | ((uint64)p & (PAGE_SIZE - 1)); }

static void issue(void) {
  if (!ncalls) return;
  int64 rc = ncalls == 1 ? hypercall(calls[0].op, calls[0].args[0], calls[0].args[1], calls[0].args[2], calls[0].args[3])
                         : HYPERVISOR_multicall(calls, ncalls);
  if (rc < 0) panic("pv: multicall of %lu entries refused (%ld)", ncalls, rc);
  for (uint64 i = 0; ncalls > 1 && i < ncalls; i++)
    if ((int64)calls[i].result < 0) panic("pv: batched hypercall %lu (op %lu) failed (%ld)", i, calls[i].op, (int64)calls[i].result);
  for (uint64 i = 0; i < nupdates; i++)
    for (uint64 h = hash(update_va[i]); lookaside[h]; h = (h + 1) & (LOOKASIDE - 1)) lookaside[h] = 0;
  for (uint64 i = 0; i < PT_PAGE_SLOTS; i++)
    if (pt_slot_page[i]) {
      pt_slot_page[i] = 0;
      pt_slot_shared[i] = 0;
      for (int w = 0; w < 8; w++) pt_slot_bits[i][w] = 0;
    }
  nupdates = nexts = ncalls = pt_queued = 0;
  uint64 n = ndeferred;
  ndeferred = 0;
  for (uint64 i = 0; i < n; i++) kfree(deferred[i]);
}

/* Room for one more request of `op` (issuing the batch first if it is full). */
static struct multicall_entry *entry_for(uint64 op) {
  if (nupdates + nexts >= limit || nupdates == MAX_BATCH || nexts == MAX_EXTS) issue();
  struct multicall_entry *last = ncalls ? &calls[ncalls - 1] : 0;
  if (last && last->op == op) return last;
  if (ncalls == MAX_CALLS) {
    issue();
  }
  struct multicall_entry *e = &calls[ncalls++];
  e->op = op;
  e->args[0] = op == __HYPERVISOR_mmu_update ? (uint64)&updates[nupdates] : (uint64)&exts[nexts];
  e->args[1] = 0;
  e->args[2] = 0;
  e->args[3] = DOMID_SELF;
  return e;
}

static void queue_ext(uint32 cmd, uint64 arg1, uint64 arg2) {
  struct multicall_entry *e = entry_for(__HYPERVISOR_mmuext_op);
  exts[nexts++] = (struct mmuext_op){.cmd = cmd, .arg1 = arg1, .arg2 = arg2};
  e->args[1]++;
}

void pt_write(pte_t *p, pte_t v) {
  struct multicall_entry *e = entry_for(__HYPERVISOR_mmu_update);
  uint64 i = nupdates++;
  updates[i] = (struct mmu_update){.ptr = machine_addr(p) | MMU_NORMAL_PT_UPDATE, .val = v};
  update_va[i] = p;
  pt_queued = nupdates;
  e->args[1]++;
  uint64 h = hash(p);
  while (lookaside[h] && update_va[lookaside[h] - 1] != p) h = (h + 1) & (LOOKASIDE - 1);
  lookaside[h] = (uint16)(i + 1);
  uint64 page = (uint64)p >> PAGE_SHIFT, s = page % PT_PAGE_SLOTS, n = ((uint64)p >> 3) & 511;
  if (!pt_slot_page[s]) pt_slot_page[s] = page;
  if (pt_slot_page[s] == page) pt_slot_bits[s][n / 64] |= 1UL << (n % 64);
  else pt_slot_shared[s] = 1;
}

pte_t pt_read_queued(const pte_t *p) {
  for (uint64 h = hash(p); lookaside[h]; h = (h + 1) & (LOOKASIDE - 1))
    if (update_va[lookaside[h] - 1] == p) return updates[lookaside[h] - 1].val;
  return *p;
}

/* The kernel mapping's entry for kernel address va (the builder's tables, 4 KiB pages). */
static pte_t *kernel_pte(void *va) {
  pte_t *pte = vm_walk(vm_kernel_root(), (uint64)va, 0, 0);
  if (!pte || !(pt_read(pte) & PTE_V)) panic("pv: kernel address %p is not mapped", va);
  return pte;
}

pagetable_t pt_alloc_table(void) {
  pagetable_t t = kzalloc();
  if (!t) return 0;
  pte_t *k = kernel_pte(t);
  pt_write(k, pt_read(k) & ~PTE_W);
  return t;
}

void pt_free_table(pagetable_t t) {
  pte_t *k = kernel_pte(t);
  pt_write(k, pt_read(k) | PTE_W);
  relaxed = 1;
  if (ndeferred == MAX_DEFERRED) pt_commit();
  deferred[ndeferred++] = t;
}

pagetable_t pt_alloc_root(void) {
  pagetable_t t = pt_alloc_table();
  if (t) queue_ext(MMUEXT_PIN_L3_TABLE, pv_mfn((uint64)t), 0);
  return t;
}

void pt_free_root(pagetable_t t) {
  queue_ext(MMUEXT_UNPIN_TABLE, pv_mfn((uint64)t), 0);
  pt_free_table(t);
}

void pt_set_root(pagetable_t root, uint64 asid) {
  queue_ext(MMUEXT_NEW_BASEPTR, pv_mfn((uint64)root), asid);
  pt_commit();
}

/* TLB_FLUSH_LOCAL with arg2 = ASID + 1 flushes that ASID only (an RV64 adaptation of the ABI). */
void pt_flush_tlb_asid(uint64 asid) {
  queue_ext(MMUEXT_TLB_FLUSH_LOCAL, 0, asid + 1);
  pt_commit();
}

void pt_flush_tlb_all(void) {
  relaxed = 0;
  queue_ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
  pt_commit();
}

void pt_commit(void) {
  if (relaxed) {
    relaxed = 0;
    queue_ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
  }
  issue();
}

int pt_reclaim(void) {
  if (!ncalls && !ndeferred) return 0;
  pt_commit();
  return 1;
}
