; arch_setjmp / arch_longjmp: save and restore the callee-saved registers
; of the System V ABI (see arch/x86/include/asm/setjmp.h for the layout).

bits 64
section .text

global arch_setjmp
arch_setjmp:				; rdi = buf
	mov	[rdi + 0*8], rbx
	mov	[rdi + 1*8], rbp
	mov	[rdi + 2*8], r12
	mov	[rdi + 3*8], r13
	mov	[rdi + 4*8], r14
	mov	[rdi + 5*8], r15
	lea	rdx, [rsp + 8]		; rsp as it will be after our ret
	mov	[rdi + 6*8], rdx
	mov	rdx, [rsp]		; our return address
	mov	[rdi + 7*8], rdx
	xor	eax, eax
	ret

global arch_longjmp
arch_longjmp:				; rdi = buf, esi = value (0 -> 1)
	mov	eax, esi
	test	eax, eax
	jnz	.nonzero
	inc	eax
.nonzero:
	mov	rbx, [rdi + 0*8]
	mov	rbp, [rdi + 1*8]
	mov	r12, [rdi + 2*8]
	mov	r13, [rdi + 3*8]
	mov	r14, [rdi + 4*8]
	mov	r15, [rdi + 5*8]
	mov	rsp, [rdi + 6*8]
	jmp	[rdi + 7*8]
