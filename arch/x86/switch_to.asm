; Switching between kernel threads (see include/asm/switch_to.h).
;
; switch_to(prev, next): rdi = prev, rsi = next, interrupts masked.
; The callee-saved registers go on prev's stack, rsp into prev->thread.sp
; (offset 0 of struct task_struct, checked by a static assertion in
; kernel/sched_core.c); then next's rsp comes back and its registers are
; popped in the opposite order. rax = rdi: the task that ran here before,
; whichever stack we now return on.
;
; ret_from_kthread: where a new thread's first switch_to() returns to.
; arch_thread_setup() put the thread's C entry point in rbx and a zero
; frame record above; rax holds the previous task, which becomes entry's
; argument. rsp is 16-byte aligned here, so the call leaves it as the ABI
; wants at entry's first instruction. entry never returns; ud2 says so.

bits 64

section .text

global switch_to
switch_to:
	push	rbp
	push	rbx
	push	r12
	push	r13
	push	r14
	push	r15
	mov	[rdi], rsp			; prev->thread.sp
	mov	rsp, [rsi]			; next->thread.sp
	pop	r15
	pop	r14
	pop	r13
	pop	r12
	pop	rbx
	pop	rbp
	mov	rax, rdi
	ret

global ret_from_kthread
ret_from_kthread:
	mov	rdi, rax
	call	rbx
	ud2
