/* System calls: the number in a7 selects a handler from the table, the handlers take their
   arguments from the saved a0-a2, and the result goes back in a0. */
#include "syscall.h"
#include "blk.h"
#include "console.h"
#include "exec.h"
#include "net.h"
#include "proc.h"
#include "sched.h"
#include "sysnum.h"
#include "timer.h"
#include "uaccess.h"

#define WRITE_CHUNK 128

static uint64 arg(struct trapframe *tf, int n) { return tf->regs[REG_A0 + n]; }

/* write(fd, buf, len): fd 1 (stdout) and 2 (stderr) are both the console. The whole buffer is
   checked before anything is printed, so a bad buffer prints nothing. */
static int64 sys_write(struct trapframe *tf) {
  uint64 fd = arg(tf, 0), buf = arg(tf, 1), len = arg(tf, 2);
  if ((fd != 1 && fd != 2) || !user_range_ok(buf, len, UACCESS_READ)) return -1;
  char chunk[WRITE_CHUNK];
  for (uint64 done = 0; done < len;) {
    uint64 n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
    if (copyin(chunk, buf + done, n) < 0) return -1;
    for (uint64 i = 0; i < n; i++) kputc(chunk[i]);
    done += n;
  }
  return (int64)len;
}

static int64 sys_getpid(struct trapframe *tf) {
  (void)tf;
  return myproc()->pid;
}

static int64 sys_getppid(struct trapframe *tf) {
  (void)tf;
  struct proc *parent = myproc()->parent;
  return parent ? parent->pid : 0;
}

static int64 sys_fork(struct trapframe *tf) {
  (void)tf;
  return proc_fork();
}

static int64 sys_exit(struct trapframe *tf) { proc_exit((int)arg(tf, 0)); }

static int64 sys_wait(struct trapframe *tf) { return proc_wait(arg(tf, 0)); }

static int64 sys_sbrk(struct trapframe *tf) { return proc_sbrk((int64)arg(tf, 0)); }

static int64 sys_yield(struct trapframe *tf) {
  (void)tf;
  yield();
  return 0;
}

static int64 sys_exec(struct trapframe *tf) { return exec_from_user(arg(tf, 0), arg(tf, 1)); }

/* blkread(sector, count, buf): reads through a kernel page, then copies out (the whole buffer is
   checked first). One request at a time: the kernel is never preempted. */
static int64 sys_blkread(struct trapframe *tf) {
  static uint8 bounce[BLK_MAX_SECTORS * BLK_SECTOR];
  uint64 sector = arg(tf, 0), count = arg(tf, 1), buf = arg(tf, 2);
  if (count < 1 || count > BLK_MAX_SECTORS || !user_range_ok(buf, count * BLK_SECTOR, UACCESS_WRITE)) return -1;
  if (blk_read(sector, (uint32)count, bounce) < 0) return -1;
  return copyout(buf, bounce, count * BLK_SECTOR);
}

/* blkwrite(sector, count, buf): copies in (the whole buffer checked first), then writes from the kernel page. */
static int64 sys_blkwrite(struct trapframe *tf) {
  static uint8 bounce[BLK_MAX_SECTORS * BLK_SECTOR];
  uint64 sector = arg(tf, 0), count = arg(tf, 1), buf = arg(tf, 2);
  if (count < 1 || count > BLK_MAX_SECTORS || copyin(bounce, buf, count * BLK_SECTOR) < 0) return -1;
  return blk_write(sector, (uint32)count, bounce);
}

/* netsend/netrecv: frames through a kernel buffer (the whole user buffer checked first). */
static uint8 frame_buf[NET_MAX_FRAME];
static int64 sys_netsend(struct trapframe *tf) {
  uint64 buf = arg(tf, 0), len = arg(tf, 1);
  if (len > NET_MAX_FRAME || copyin(frame_buf, buf, len) < 0) return -1;
  return net_send(frame_buf, len);
}
static int64 sys_netrecv(struct trapframe *tf) {
  uint64 buf = arg(tf, 0);
  if (!user_range_ok(buf, NET_MAX_FRAME, UACCESS_WRITE)) return -1;
  int64 n = net_recv(frame_buf);
  if (n < 0 || copyout(buf, frame_buf, (uint64)n) < 0) return -1;
  return n;
}
static int64 sys_sleep(struct trapframe *tf) { return timer_sleep(arg(tf, 0)); }

static int64 (*const syscalls[NSYSCALLS])(struct trapframe *) = {
    [SYS_write] = sys_write, [SYS_getpid] = sys_getpid, [SYS_getppid] = sys_getppid,
    [SYS_fork] = sys_fork,   [SYS_exit] = sys_exit,     [SYS_wait] = sys_wait,
    [SYS_sbrk] = sys_sbrk,   [SYS_yield] = sys_yield,   [SYS_exec] = sys_exec,   [SYS_sleep] = sys_sleep,
    [SYS_blkread] = sys_blkread, [SYS_netsend] = sys_netsend, [SYS_netrecv] = sys_netrecv, [SYS_blkwrite] = sys_blkwrite,
};

void syscall(struct trapframe *tf) {
  uint64 num = tf->regs[REG_A7];
  int64 result = -1;
  if (num < NSYSCALLS && syscalls[num]) result = syscalls[num](tf);
  tf->regs[REG_A0] = (uint64)result;
}
