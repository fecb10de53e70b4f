; ap_start64: an application processor's first instructions in the
; kernel image, jumped to from the copied trampoline (trampoline.asm) in
; long mode, on the temporary page table that also maps the trampoline's
; page at its own address.
;
; rdi = CPU number, rsi = the kernel's CR3, rsp = the AP's stack.

bits 64

extern ap_start_kernel

section .text

global ap_start64
ap_start64:
	mov	cr3, rsi			; the identity page is gone from here on
	; A last frame whose saved rbp and return address are both zero: the
	; backtrace walker stops on it (as under x86_start, entry.asm).
	push	0
	push	0
	mov	rbp, rsp
	call	ap_start_kernel
	ud2
