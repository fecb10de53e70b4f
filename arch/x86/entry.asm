; _start: the kernel's first instruction, jumped to by the UEFI loader.
;
; The loader leaves us in long mode with interrupts off, on its own page
; tables and the firmware's stack, with the physical address of the
; boot-info in rdi (boot/bootinfo.h). We make the .bss zero ourselves
; (rather than trust that the loader did), move to a stack of our own,
; build a terminating frame so that every backtrace ends cleanly, and call
; x86_start() in setup.c, which never returns.

bits 64

BOOT_STACK_SIZE	equ 64 * 1024

extern x86_start
extern __bss_start
extern __bss_end

section .text.entry

global _start
_start:
	cli
	cld

	; GS base 0 until percpu_init_boot_cpu(): a this_cpu read before it
	; (smp_processor_id() in spin_lock, which printk uses) then reads the
	; .percpu template, CPU 0's initial values, whatever the firmware left.
	xor	eax, eax
	xor	edx, edx
	mov	ecx, 0xc0000101			; IA32_GS_BASE
	wrmsr

	; 8 bytes a store, then the tail: under emulation each store of a
	; string instruction is a step, and the .bss is 2 MiB.
	mov	r12, rdi			; boot-info, kept across the fill
	lea	rdi, [rel __bss_start]
	lea	rdx, [rel __bss_end]
	sub	rdx, rdi
	xor	eax, eax
	mov	rcx, rdx
	shr	rcx, 3
	rep stosq
	mov	rcx, rdx
	and	rcx, 7
	rep stosb
	mov	rdi, r12

	lea	rsp, [rel boot_stack_top]
	; A last frame whose saved rbp and return address are both zero: the
	; backtrace walker stops on it.
	push	0
	push	0
	mov	rbp, rsp			; rsp is 16-byte aligned here
	call	x86_start

	; x86_start does not return; if it did, stop here. (No label: a
	; local label would become a symbol and split _start in backtraces.)
	cli
	hlt
	jmp	$ - 1				; back to the hlt

; The boot stack, page-aligned, with a guard page below it that
; paging_init() leaves unmapped (see stack_guard.h): an overflow faults
; instead of overwriting the .bss below.
section .bss.boot_stack nobits alloc noexec write align=4096

global boot_stack_guard
boot_stack_guard:
	resb	4096
global boot_stack_bottom
boot_stack_bottom:
	resb	BOOT_STACK_SIZE
global boot_stack_top
boot_stack_top:

section stack_guards progbits alloc noexec nowrite align=8
	dq	boot_stack_guard
