/* The program table and the image header (uimage.h) the kernel reads. Add a program here, and in
   the Makefile's USER_PROGS. */
#include "uimage.h"
#include "user/ulib.h"

int init_main(int argc, char **argv);
int compute_main(int argc, char **argv);
int getppid_main(int argc, char **argv);
int fork_main(int argc, char **argv);
int tlb_main(int argc, char **argv);
int selftest_main(int argc, char **argv);
int map4m_main(int argc, char **argv);
int io_main(int argc, char **argv);
int iowrite_main(int argc, char **argv);
int netecho_main(int argc, char **argv);
int dirty_main(int argc, char **argv);
int sleep_main(int argc, char **argv);
int echo_main(int argc, char **argv);
void _ustart(void);
extern char __utext_end[], __urodata_end[], __udata_end[], __ubss_end[];

static const struct uprog uprogs[] = {
    {"init", (unsigned long)init_main},
    {"compute", (unsigned long)compute_main},
    {"getppid", (unsigned long)getppid_main},
    {"fork", (unsigned long)fork_main},
    {"tlb", (unsigned long)tlb_main},
    {"selftest", (unsigned long)selftest_main},
    {"map4m", (unsigned long)map4m_main},
    {"io", (unsigned long)io_main},
    {"iowrite", (unsigned long)iowrite_main},
    {"netecho", (unsigned long)netecho_main},
    {"dirty", (unsigned long)dirty_main},
    {"sleep", (unsigned long)sleep_main},
    {"echo", (unsigned long)echo_main},
};

__attribute__((section(".uheader"), used)) const struct uimage_header uimage_header = {
    .magic = UIMAGE_MAGIC,
    .start = (unsigned long)_ustart,
    .text_end = (unsigned long)__utext_end,
    .rodata_end = (unsigned long)__urodata_end,
    .data_end = (unsigned long)__udata_end,
    .bss_end = (unsigned long)__ubss_end,
    .progs = (unsigned long)uprogs,
    .nprogs = sizeof(uprogs) / sizeof(uprogs[0]),
};
