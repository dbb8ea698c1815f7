# Every process starts here (exec): a0 = argc, a1 = argv, a2 = the program's main, sp set up by
# the kernel. Returning from main is exit(main's result).
  .section .text.ustart, "ax", @progbits
  .globl _ustart
_ustart:
  jalr a2
  call exit
