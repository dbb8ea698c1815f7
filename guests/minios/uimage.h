/* The user image: every user program, linked together at USER_BASE (user/user.ld) and built into
   the kernel as one blob (userimg.S). Shared by the kernel and the user programs. The header
   comes first in the image; the kernel learns from it where the text, rodata, data and bss end
   (to map each with its permissions) and where the program table is. Addresses are user virtual
   addresses. */
#ifndef MINIOS_UIMAGE_H
#define MINIOS_UIMAGE_H

#define UIMAGE_MAGIC 0x31474d49534f494dUL /* "MIOSIMG1" */
#define UPROG_NAME_LEN 16

struct uprog {
  char name[UPROG_NAME_LEN]; /* NUL-terminated */
  unsigned long main;        /* int main(int argc, char **argv) */
};

struct uimage_header {
  unsigned long magic;
  unsigned long start;       /* _ustart(argc, argv, main): calls main, then exit */
  unsigned long text_end;    /* [USER_BASE, text_end): header and code, R-X */
  unsigned long rodata_end;  /* [text_end, rodata_end): R-- */
  unsigned long data_end;    /* [rodata_end, data_end): initialised data, RW- */
  unsigned long bss_end;     /* [data_end, bss_end): zeroed, RW- */
  unsigned long progs;       /* struct uprog[nprogs] */
  unsigned long nprogs;
};

#endif
