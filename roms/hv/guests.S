/* The guests built into the hypervisor image (roms/guests/): flat binaries, loaded by
 * vcpu_load at the guest's GPA 0x1000 and started there. This is the guest table that
 * `-append guest=NAME[,NAME...]` selects from (main.c): one `guest` line per entry,
 *     guest NAME, "DIR/FILE.bin"[, MODE]
 * with the file found under the build's roms/guests/ (meson.build: -Wa,-I) and MODE
 * handed to the guest in a1 (0 unless given). An entry is four words: the name, the image's
 * start and end, the mode (main.c: guest_entry_t). */
        .macro  guest name, file, mode=0
        .pushsection .rodata.guest_names, "a", @progbits
9:      .asciz  "\name"
        .popsection
        .pushsection .rodata.guest_images, "a", @progbits
        .balign 16
8:      .incbin "\file"
7:
        .popsection
        .word   9b, 8b, 7b, \mode
        .endm

        .section .rodata.guest_table, "a", @progbits
        .balign 4
        .globl  guest_table, guest_table_end
guest_table:
        guest   hello, "hello/hello.bin"        /* the trap-and-emulate check list */
        guest   bad, "bad/bad.bin", 0           /* garbage, then Status nonsense + spin */
        guest   badjump, "bad/bad.bin", 1       /* jumps to nowhere with no handler */
        guest   rtos, "rtos/rtos.bin"          /* the preemptive test kernel (PASS/FAIL) */
guest_table_end:
