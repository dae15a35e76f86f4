/* The guests built into the hypervisor image (roms/guests/): flat binaries, loaded by
 * vcpu_load at the guest's GPA 0x1000 and started there. This is the guest table that
 * `-append guest=NAME[,NAME...]` selects from (main.c): one `guest` line per entry,
 *     guest NAME, "DIR/FILE.bin"[, MODE[, "DIR/FILE.elf"]]
 * with the file found under the build's roms/guests/ (meson.build: -Wa,-I) and MODE
 * handed to the guest in a1 (0 unless given). An entry is six words: the name, the image's
 * start and end, the mode, and the start and end of the same kernel as an ELF file (0, 0
 * when there is none) (main.c: guest_entry_t).
 *
 * `guest=boot:NAME` starts NAME through the guest boot stage (roms/guests/boot): the
 * boot stage's flat image becomes the guest's ROM at GPA 0x1FC00000 and NAME's ELF file its
 * flash at GPA 0x1E000000, both mapped read-only straight from here (vcpu_load_boot), so
 * both start on a 4 KiB page boundary. */
        .macro  guest name, file, mode=0, elf
        .pushsection .rodata.guest_names, "a", @progbits
9:      .asciz  "\name"
        .popsection
        .pushsection .rodata.guest_images, "a", @progbits
        .balign 16
8:      .incbin "\file"
7:
        .popsection
        .ifb    \elf
        .word   9b, 8b, 7b, \mode, 0, 0
        .else
        .pushsection .rodata.guest_roms, "a", @progbits
        .balign 4096
6:      .incbin "\elf"
5:
        .popsection
        .word   9b, 8b, 7b, \mode, 6b, 5b
        .endif
        .endm

        .section .rodata.guest_table, "a", @progbits
        .balign 4
        .globl  guest_table, guest_table_end
guest_table:
        guest   hello, "hello/hello.bin"        /* the trap-and-emulate check list */
        guest   bad, "bad/bad.bin", 0           /* garbage, then Status nonsense + spin */
        guest   badjump, "bad/bad.bin", 1       /* jumps to nowhere with no handler */
        guest   rtos, "rtos/rtos.bin", 0, "boot/rtos.elf" /* the preemptive test kernel */
        guest   echo, "echo/echo.bin"          /* echoes the lines typed to it */
        guest   flash, "flash/flash.bin"       /* keeps a boot count in its flash */
        guest   kbench, "kbench/kbench.bin"    /* bench/kbench.c (bench/hv-bench.sh) */
        guest   exitbench, "exitbench/exitbench.bin" /* syscall/TLB/MFC0 exits */
        guest   net, "net/net.bin"              /* the network test kernel (issue 9) */
        guest   netfuzz, "net/net.bin", 1       /* the same, its card fuzzed first */
guest_table_end:

/* The guest boot stage: its ROM image, page-aligned (it is mapped, not copied). */
        .section .rodata.guest_roms, "a", @progbits
        .balign 4096
        .globl  guest_boot_stage, guest_boot_stage_end
guest_boot_stage:
        .incbin "boot/boot.bin"
guest_boot_stage_end:

/* The guests' device configuration (guests.dts; vdev.c parses it at start). */
        .section .rodata.guests_dts, "a", @progbits
        .globl  guests_dts, guests_dts_end
guests_dts:
        .incbin "guests.dts"
guests_dts_end:
