/* SBI calls: a7 = extension id, a6 = function id, a0.. arguments; a0 = error, a1 = value. */
#include "sbi.h"
#include "riscv.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_SRST 0x53525354
#define SRST_TYPE_SHUTDOWN 0
#define SRST_REASON_NONE 0
#define SRST_REASON_FAILURE 1

struct sbiret {
  int64 error;
  int64 value;
};

static struct sbiret sbi_call(uint64 eid, uint64 fid, uint64 arg0, uint64 arg1) {
  register uint64 a0 asm("a0") = arg0;
  register uint64 a1 asm("a1") = arg1;
  register uint64 a6 asm("a6") = fid;
  register uint64 a7 asm("a7") = eid;
  asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){(int64)a0, (int64)a1};
}

void sbi_console_putchar(int c) { sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8)c, 0); }

void sbi_set_timer(uint64 stime) { sbi_call(SBI_EXT_TIME, 0, stime, 0); }

/* Powers the machine off; the exit status is 0, or 1 when `failure`. The legacy shutdown is a
   fallback for an SBI without SRST, but it can only report success: on failure without SRST the
   hart sleeps forever rather than pretend everything went well. */
void sbi_shutdown(int failure) {
  sbi_call(SBI_EXT_SRST, 0, SRST_TYPE_SHUTDOWN, failure ? SRST_REASON_FAILURE : SRST_REASON_NONE);
  if (!failure) sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
  for (;;) wfi();
}
