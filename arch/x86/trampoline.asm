; The application processors' way from the start-up IPI to the kernel.
;
; A CPU that receives INIT waits for a start-up IPI (SIPI); the SIPI's
; vector v starts it in 16-bit real mode at CS:IP = (v << 8):0, that is
; at physical address v * 4096. So this code must run from a page below
; 1 MiB at any page address: smpboot.c copies the blob
; [smp_trampoline_start, smp_trampoline_end) to such a page (the first
; MiB is kept out of memblock for it) and fills its parameter block,
; which ends the blob, before each start-up.
;
; Position independence: in real mode the CPU tells us where we are
; (CS * 16); that base is kept in ebx/rbx and every absolute address (the
; GDT's, the far jumps' targets) is computed from it at run time, in the
; page itself. The parameter block is read through the same base.
;
; The steps, each reported in the block's `step` so that the boot CPU can
; name the one an AP did not get past:
;   1  real mode: load a small GDT (32-bit code/data, 64-bit code), set
;      CR0.PE, far jump to 32-bit code;
;   2  protected mode: CR4.PAE, CR3 = the temporary top-level table
;      (below 4 GiB: only 32 bits can be loaded here), EFER = the boot
;      CPU's (LME, NXE: the kernel's tables use NX), CR0 = the boot CPU's
;      (PG and PE on, caches on: INIT left CD/NW set), far jump to 64-bit
;      code: long mode;
;   3  long mode, still at the low address: the temporary table maps this
;      page at its own address (2 MiB identity page) and the kernel half
;      like the kernel's table; load the AP's own GDT and the kernel's IDT
;      (from here a fault is reported, not a triple fault), its stack, and
;      jump to ap_start64 in the kernel image (ap_entry.asm), which
;      switches to the kernel's CR3 (dropping the identity page) and
;      calls C.
;
; Nothing here may refer to a symbol RIP-relatively: the code runs from a
; copy, so such a reference would land 2 GiB off. The Makefile keeps
; NASM's reloc-rel-dword warning an error for this file alone, which is
; why ap_start64, run in place, lives in a file of its own.
;
; Interrupts stay off from the SIPI until cpu_startup_entry().

TP_STEP		equ 0x00	; u32, written by the AP: how far it got
TP_CPU		equ 0x04	; u32, its CPU number
TP_CR3		equ 0x08	; u32, temporary top-level table (physical)
TP_CR0		equ 0x0c	; u32, CR0 to load (PG, PE, WP, NE...)
TP_CR4		equ 0x10	; u32, CR4 for the switch (PAE)
TP_EFER_LO	equ 0x14	; u32 x 2, EFER
TP_EFER_HI	equ 0x18
TP_STACK	equ 0x20	; u64, initial rsp (kernel virtual)
TP_ENTRY	equ 0x28	; u64, ap_start64
TP_KERNEL_CR3	equ 0x30	; u64, the kernel's top-level table
TP_GDTR		equ 0x38	; 10 bytes: limit, base of the AP's GDT
TP_IDTR		equ 0x48	; 10 bytes: limit, base of the IDT
TP_SIZE		equ 0x58	; struct trampoline_params in smpboot.c

SEL_CODE32	equ 0x08
SEL_DATA	equ 0x10
SEL_CODE64	equ 0x18

%define OFF(label)	((label) - smp_trampoline_start)
%define PARAM(field)	(OFF(smp_trampoline_params) + (field))


; Only ever copied, never run in place.
section .rodata.smp_trampoline progbits alloc noexec nowrite align=16

global smp_trampoline_start
global smp_trampoline_end
global smp_trampoline_params

bits 16
smp_trampoline_start:
	cli
	cld
	mov	ax, cs
	mov	ds, ax
	movzx	ebx, ax
	shl	ebx, 4				; ebx = physical base of this page
	mov	dword [PARAM(TP_STEP)], 1

	lea	eax, [ebx + OFF(gdt32)]
	mov	[OFF(gdt32_ptr) + 2], eax
	lea	eax, [ebx + OFF(protected_entry)]
	mov	[OFF(protected_jump)], eax
	lea	eax, [ebx + OFF(long_entry)]
	mov	[OFF(long_jump)], eax

	o32 lgdt [OFF(gdt32_ptr)]
	mov	eax, cr0
	or	eax, 1				; PE
	mov	cr0, eax
	jmp	dword far [OFF(protected_jump)]

bits 32
protected_entry:
	mov	ax, SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	fs, ax
	mov	gs, ax
	mov	dword [ebx + PARAM(TP_STEP)], 2

	mov	eax, [ebx + PARAM(TP_CR4)]
	mov	cr4, eax
	mov	eax, [ebx + PARAM(TP_CR3)]
	mov	cr3, eax
	mov	ecx, 0xc0000080			; IA32_EFER
	mov	eax, [ebx + PARAM(TP_EFER_LO)]
	mov	edx, [ebx + PARAM(TP_EFER_HI)]
	wrmsr
	mov	eax, [ebx + PARAM(TP_CR0)]
	mov	cr0, eax			; paging on: long mode is active
	jmp	far [ebx + OFF(long_jump)]

bits 64
long_entry:
	mov	ebx, ebx			; the upper half is undefined here
	mov	dword [rbx + PARAM(TP_STEP)], 3
	lgdt	[rbx + PARAM(TP_GDTR)]
	lidt	[rbx + PARAM(TP_IDTR)]
	mov	rsp, [rbx + PARAM(TP_STACK)]
	mov	edi, [rbx + PARAM(TP_CPU)]
	mov	rsi, [rbx + PARAM(TP_KERNEL_CR3)]
	mov	rax, [rbx + PARAM(TP_ENTRY)]
	jmp	rax

align 16
gdt32:
	dq	0
	dq	0x00cf9a000000ffff		; SEL_CODE32: 4 GiB, 32-bit code
	dq	0x00cf92000000ffff		; SEL_DATA: 4 GiB, data
	dq	0x00af9a000000ffff		; SEL_CODE64: 64-bit code
gdt32_end:

gdt32_ptr:
	dw	gdt32_end - gdt32 - 1
	dd	0				; base, filled at run time
protected_jump:
	dd	0				; offset, filled at run time
	dw	SEL_CODE32
long_jump:
	dd	0				; offset, filled at run time
	dw	SEL_CODE64

align 16
smp_trampoline_params:
	times	TP_SIZE db 0
smp_trampoline_end:
