/* The PV console: output through the hypervisor's console (console_io), a line at a time. */
#include "platform.h"
#include "pv/hypercall.h"
#include "pv/pv.h"

static char line[128];
static uint64 used;

void pv_console_init(void) {}

void pv_console_flush(void) {
  if (used) HYPERVISOR_console_io(CONSOLEIO_write, used, line);
  used = 0;
}

void platform_putc(char c) {
  line[used++] = c;
  if (c == '\n' || used == sizeof(line)) pv_console_flush();
}
