/* The guests built into the hypervisor image (roms/guests/): flat binaries, loaded by
 * vcpu_load at the guest's GPA 0x1000 and started there. */
        .section .rodata.guests, "a", @progbits
        .balign 16
        .globl  guest_hello_image, guest_hello_end
guest_hello_image:                      /* roms/guests/hello */
        .incbin "hello.bin"
guest_hello_end:
