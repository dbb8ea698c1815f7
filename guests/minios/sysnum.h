/* System call numbers (a7), shared by the kernel and the user library. Arguments in a0-a2, the
   result in a0; -1 for an unknown number or bad arguments. */
#ifndef MINIOS_SYSNUM_H
#define MINIOS_SYSNUM_H

#define SYS_write 1   /* write(fd 1 or 2, buf, len) -> len */
#define SYS_getpid 2  /* getpid() -> pid */
#define SYS_getppid 3 /* getppid() -> the parent's pid (0 for init) */
#define SYS_fork 4    /* fork() -> child pid in the parent, 0 in the child */
#define SYS_exit 5    /* exit(status): does not return */
#define SYS_wait 6    /* wait(int *status or 0) -> pid of an exited child; blocks */
#define SYS_sbrk 7    /* sbrk(increment) -> the old end of the heap */
#define SYS_yield 8   /* yield() -> 0 */
#define SYS_exec 9    /* exec(name, argv) -> does not return on success */
#define SYS_blkread 10 /* blkread(sector, count 1..8, buf) -> 0; reads count 512-byte sectors */
#define SYS_sleep 11  /* sleep(duration in time units) -> 0; -1 if the wake-up time overflows */
#define SYS_netsend 12 /* netsend(frame, len) -> 0; one Ethernet frame (the source MAC is the NIC's) */
#define SYS_netrecv 13 /* netrecv(buf of 1514 bytes) -> the frame's length; waits for one */
#define SYS_blkwrite 14 /* blkwrite(sector, count 1..8, buf) -> 0; writes count 512-byte sectors */
#define NSYSCALLS 15

#endif
