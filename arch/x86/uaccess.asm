; The user-access routines of <asm/uaccess.h>. Each instruction that
; touches a user address has a label and an entry { insn, fixup } in the
; ex_table section (linker.ld gathers it); when that instruction faults
; and the fault cannot be handled, arch/x86/mm_fault.c moves RIP to the
; fixup, which returns the error as the C function's result.
;
; The string copy is exact about what it did: REP MOVSB that faults stops
; with RCX = bytes not yet copied (the instruction is restartable, its
; registers reflect the progress), which the fixup returns.

bits 64
section .text

%define EFAULT 14

; unsigned long __copy_user(void *to, const void *from, unsigned long n)
; rdi = to, rsi = from, rdx = n; returns the bytes not copied (0: all)
global __copy_user
__copy_user:
	mov	rcx, rdx
.copy:	rep movsb
	xor	eax, eax
	ret
.fault:	mov	rax, rcx
	ret

; long __get_user_8(const void *uaddr, uint64_t *val): 0 or -EFAULT
global __get_user_8
__get_user_8:
.load:	mov	rax, [rdi]
	mov	[rsi], rax
	xor	eax, eax
	ret
.fault:	mov	rax, -EFAULT
	ret

; long __put_user_8(void *uaddr, uint64_t val): 0 or -EFAULT
global __put_user_8
__put_user_8:
.store:	mov	[rdi], rsi
	xor	eax, eax
	ret
.fault:	mov	rax, -EFAULT
	ret

section ex_table progbits alloc noexec nowrite align=8
	dq	__copy_user.copy, __copy_user.fault
	dq	__get_user_8.load, __get_user_8.fault
	dq	__put_user_8.store, __put_user_8.fault
