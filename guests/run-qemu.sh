#!/bin/sh
# Runs one guest on QEMU's virt machine the way vmlab runs it and exits with the guest's status
# (0 pass, n = the failing check), or 124 when the timeout expires.
#   guests/run-qemu.sh NAME|PATH.elf [TIMEOUT_SECONDS]    (default timeout 60 s)
# Extra QEMU options may be given in QEMU_OPTS, e.g. QEMU_OPTS='-icount shift=0', and the CPU model
# in QEMU_CPU, e.g. QEMU_CPU=rv64,h=true for the hypervisor guests (hyp-*; QEMU 7.2's default rv64
# already has H, so this only makes the requirement explicit).
set -u
if [ $# -lt 1 ]; then echo "usage: $0 NAME|PATH.elf [timeout-seconds]" >&2; exit 2; fi
case "$1" in
  */*|*.elf) elf=$1 ;;
  *) elf=$(dirname "$0")/build/$1.elf ;;
esac
[ -f "$elf" ] || { echo "$0: no such guest image: $elf" >&2; exit 2; }
# shellcheck disable=SC2086
exec timeout "${2:-60}" qemu-system-riscv64 -machine virt -bios none -nographic -m 128M \
  -monitor none -serial stdio ${QEMU_CPU:+-cpu "$QEMU_CPU"} ${QEMU_OPTS:-} -kernel "$elf"
