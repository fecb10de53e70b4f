; Interrupt and exception entry: one small stub per vector, two common
; paths that save the interrupted state as a struct pt_regs (see
; include/asm/ptrace.h) and call C.
;
; Every stub makes the stack look the same: for the vectors where the CPU
; pushes no error code it pushes a zero, then it pushes its vector number.
; Vectors 0-31 (CPU exceptions) go to x86_exception() in traps.c, the rest
; to x86_interrupt() in idt.c. idt.c fills the IDT from isr_stub_table.
;
; Stack alignment: in long mode the CPU aligns rsp to 16 bytes before it
; pushes its 5-qword frame; error code, vector and 15 registers bring the
; total to 22 qwords, so rsp is 16-byte aligned again at the call into C.
;
; rbp is left as the interrupted code had it: the fault report walks the
; interrupted stack from pt_regs.rbp and pt_regs.rip.

bits 64

extern x86_exception
extern x86_interrupt

section .text

; Save every general-purpose register (rax first: r15 ends lowest, at the
; start of struct pt_regs), call %1(regs), restore, drop vector and error
; code, return from the interrupt.
%macro COMMON_ENTRY 2
%1:
	cld
	push	rax
	push	rbx
	push	rcx
	push	rdx
	push	rsi
	push	rdi
	push	rbp
	push	r8
	push	r9
	push	r10
	push	r11
	push	r12
	push	r13
	push	r14
	push	r15

	mov	rdi, rsp
	call	%2

	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	r11
	pop	r10
	pop	r9
	pop	r8
	pop	rbp
	pop	rdi
	pop	rsi
	pop	rdx
	pop	rcx
	pop	rbx
	pop	rax
	add	rsp, 16				; vector, error code
	iretq
%endmacro

COMMON_ENTRY exception_entry, x86_exception
COMMON_ENTRY interrupt_entry, x86_interrupt

; The exceptions for which the CPU pushes an error code: #DF, #TS, #NP,
; #SS, #GP, #PF, #AC, #CP, #VC, #SX.
%macro ISR_STUB 1
isr_stub_%1:
%if !(%1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30)
	push	qword 0
%endif
	push	qword %1
%if %1 < 32
	jmp	exception_entry
%else
	jmp	interrupt_entry
%endif
%endmacro

%assign vec 0
%rep 256
ISR_STUB vec
%assign vec vec + 1
%endrep

section .rodata

align 8
global isr_stub_table
isr_stub_table:
%assign vec 0
%rep 256
	dq	isr_stub_ %+ vec
%assign vec vec + 1
%endrep
