# The user image blob (built from user/ by the Makefile), in the kernel's rodata.
  .section .rodata.userimg, "a", @progbits
  .balign 4096
  .globl user_image
user_image:
  .incbin "obj/user.bin"
  .globl user_image_end
user_image_end:
