# zdk: one Makefile for the kernel, the UEFI loader, the host tests and the
# QEMU runs. `make help` lists the targets; README.md explains them.
#
# Variables you may set (on the command line or in the environment):
#   CROSS_COMPILE  prefix of the x86-64 toolchain (empty on an x86-64 host,
#                  x86_64-linux-gnu- on an arm64 Debian host)
#   CC LD OBJCOPY NM NASM HOSTCC PYTHON   the tools themselves
#   CFLAGS         extra flags for the kernel and loader C files
#   QEMU OVMF_CODE OVMF_VARS              the emulator and firmware
#   SMP MEM NVDIMMS CMDLINE TIMEOUT       the machine `make run` boots
#   GDB GDBPORT    make gdb's debugger (default gdb) and stub port on
#                  127.0.0.1 (default 20000 + uid % 10000)
#   V=1            show every command
#   KTEST=n        build the kernel without its self-tests and benchmarks,
#                  in build/ktest-n/ (make KTEST=n run boots it)
#   KTEST=none     make run: the test kernel, booted without its self-tests
#   CONSOLE=full   make run's terminal shows every line (default summary: one
#                  per self-test suite; build/run.log has them all)
#   TRACE=n        build the kernel with every trace point compiled away, in
#                  build/trace-n/ (to measure what tracing costs when off)
#   T=GLOBS        make test: only these ktest suites or cases (docs/testing.md)
#   BOOTS=GLOB     make test: only the QEMU boots whose name matches
#   JOBS=N         compile jobs of the builds that run, test, bench... start
#                  (default: the CPUs online; `make -jN` of its own wins)
#
# The flags the build needs are kept apart (KERNEL_CFLAGS, ...) and always
# added, so a user's CFLAGS can tune but not break the build.

.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

CROSS_COMPILE ?=
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM      := $(CROSS_COMPILE)nm
NASM    ?= nasm
HOSTCC  ?= gcc
PYTHON  ?= python3
CFLAGS  ?= -O2 -g

# The firmware and gnu-efi are where scripts/host-layout finds them on this
# host (Debian/Ubuntu or Fedora places, OVMF raw or qcow2); a value given
# to make wins, and a folder given alone (EFI_LIB=, EFI_INC=) keeps this
# host's file names. Without Python (a minimal system before `make deps`
# has run) the defaults are Debian's.
HOST_LAYOUT := $(shell $(PYTHON) scripts/host-layout --root / 2>/dev/null)
host_layout = $(or $(patsubst $(1)=%,%,$(filter $(1)=%,$(HOST_LAYOUT))),$(2))
QEMU      ?= qemu-system-x86_64
OVMF_CODE ?= $(call host_layout,OVMF_CODE,/usr/share/OVMF/OVMF_CODE_4M.fd)
OVMF_VARS ?= $(call host_layout,OVMF_VARS,/usr/share/OVMF/OVMF_VARS_4M.fd)
EFI_INC   ?= $(call host_layout,EFI_INC,/usr/include/efi)
EFI_ARCH_INC ?= $(EFI_INC)/$(notdir $(call host_layout,EFI_ARCH_INC,x86_64))
EFI_LIB   ?= $(call host_layout,EFI_LIB,/usr/lib)
EFI_CRT0  ?= $(EFI_LIB)/$(notdir $(call host_layout,EFI_CRT0,crt0-efi-x86_64.o))
EFI_LDS   ?= $(EFI_LIB)/$(notdir $(call host_layout,EFI_LDS,elf_x86_64_efi.lds))

SMP     ?= 2
MEM     ?= 512M
NVDIMMS ?= 256M
CMDLINE ?=
TIMEOUT ?=

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2);
endif

# KTEST=n builds into its own folder unless told otherwise, so that a
# build with tests and one without never share objects (the kernel's link
# also depends on $(B)/ktest.config, which records KTEST and TRACE).
# TRACE=n likewise (build/trace-n; with KTEST=n: build/ktest-n-trace-n).
KTEST ?= y
# make run KTEST=none: the kernel with its self-tests, booted with ktest=none
# (a shell in seconds, no boot self-tests run)
ifeq ($(KTEST),none)
override KTEST := y
RUN_KTEST := ktest=none
endif
# make run's terminal: one line per self-test suite (summary; the full log is
# COM2, build/run.log) or everything (CONSOLE=full)
CONSOLE ?= summary
TRACE ?= y
ifeq ($(KTEST)$(TRACE),ny)
B := build/ktest-n
else ifeq ($(KTEST)$(TRACE),yn)
B := build/trace-n
else ifeq ($(KTEST)$(TRACE),nn)
B := build/ktest-n-trace-n
else
B := build
endif
ifeq ($(filter y n,$(TRACE)),)
$(error TRACE=$(TRACE): expected y or n)
endif

# The targets that build before they boot (run, test, bench, ...) build in
# parallel by default, unless make was given its own -j (then the
# sub-make shares its job server).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# tests/qemu-run strips the kernel it puts on the ESP with this objcopy
export OBJCOPY
# (=, not :=: make 4.3 puts -jN in MAKEFLAGS only once recipes run)
PARALLEL = $(if $(filter -j%,$(MAKEFLAGS))$(findstring j,$(firstword $(MAKEFLAGS))),,-j$(JOBS))

# --- the kernel --------------------------------------------------------------

KERNEL_DIRS := arch/x86 kernel lib mm drivers
KERNEL_C    := $(sort $(shell find $(KERNEL_DIRS) -name '*.c' 2>/dev/null))
KERNEL_ASM  := $(sort $(shell find $(KERNEL_DIRS) -name '*.asm' 2>/dev/null))
# KTEST=n: the product alone, without the self-test harness (lib/ktest.c,
# lib/bench.c), the tests (every tests/ folder, *_test.c) and the
# benchmarks (*_bench.c); scripts/check-product checks that no other file
# includes them.
ifeq ($(KTEST),n)
KERNEL_C    := $(filter-out lib/ktest.c lib/bench.c,$(sort $(shell find $(KERNEL_DIRS) \
	-name '*.c' -not -path '*/tests/*' -not -name '*_bench.c' -not -name '*_test.c' \
	2>/dev/null)))
KERNEL_ASM  := $(sort $(shell find $(KERNEL_DIRS) -name '*.asm' -not -path '*/tests/*' 2>/dev/null))
else ifneq ($(KTEST),y)
$(error KTEST=$(KTEST): expected y or n)
endif
ifneq ($(and $(filter n,$(KTEST)),$(filter test bench,$(MAKECMDGOALS))),)
$(error make $(filter test bench,$(MAKECMDGOALS)) needs the self-tests: drop KTEST=n (make test builds and boots the kernel without them too))
endif
# These build and judge build/ itself, with its trace points.
TRACED_GOALS := test bench timeline soak powercut trace-cost
ifneq ($(and $(filter n,$(TRACE)),$(filter $(TRACED_GOALS),$(MAKECMDGOALS))),)
$(error make $(filter $(TRACED_GOALS),$(MAKECMDGOALS)) judges build/, with its trace points: drop TRACE=n (make trace-cost builds the kernel without them too))
endif
KERNEL_OBJS := $(KERNEL_C:%.c=$(B)/kernel/%.o) $(KERNEL_ASM:%.asm=$(B)/kernel/%.asm.o)

GCC_INCLUDE := $(shell $(CC) -print-file-name=include 2>/dev/null)

override KERNEL_CFLAGS := -std=gnu11 -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) \
	-I. -Iarch/x86/include \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-strict-aliasing -fno-common -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wvla \
	-MMD -MP $(if $(filter n,$(TRACE)),-DZDK_NO_TRACE)
# NASM: every warning, as an error, less two that are a false alarm here.
# NASM 2.16.02 added the reloc-* classes (off by default, on with -w+all):
# each reports a reference that NASM cannot resolve itself and leaves to
# the linker as an ELF relocation, which is every use of a symbol from
# another section or file. Two of them cannot be wrong for code that runs
# where it was linked:
#   reloc-rel-dword  R_X86_64_PC32 (`lea rdi, [rel __bss_start]`): the
#                    image lies within the top 2 GiB (-mcmodel=kernel),
#                    so every target is within +-2 GiB of every use, and
#                    ld fails the link ("relocation truncated") if not;
#   reloc-abs-qword  R_X86_64_64 (`dq isr_stub_0`): holds any address.
# The rest stay errors: a 32-bit absolute reference (`dd sym`,
# `mov eax, sym`) is R_X86_64_32, zero-extended, which cannot reach a
# symbol at -2 GiB (that needs the sign-extended R_X86_64_32S), and the
# 8- and 16-bit ones cannot hold a kernel address at all. The SMP
# trampoline runs from a copy below 1 MiB, where a RIP-relative reference
# to another section would be wrong by the distance of the copy: it keeps
# reloc-rel-dword an error. NASM before 2.16.02 has no such class and
# would call its name an unknown warning, so they are named only if this
# NASM accepts them.
NASM_RELOC_OK := $(shell $(NASM) -E -w+all -w+error -w-reloc-rel-dword -w-reloc-abs-qword \
	/dev/null >/dev/null 2>&1 && echo -w-reloc-rel-dword -w-reloc-abs-qword)
override NASM_FLAGS = -f elf64 -g -F dwarf -w+all -w+error $(NASM_RELOC_OK) -Iarch/x86/
$(B)/kernel/arch/x86/trampoline.asm.o: NASM_RELOC_OK := $(filter-out -w-reloc-rel-dword,$(NASM_RELOC_OK))
# ld_option OPTION: OPTION if this ld accepts it, else nothing. binutils
# 2.39 added --no-warn-rwx-segments (and warns of RWX segments from then
# on); 2.38 (Ubuntu 22.04) refuses the option, and has no warning to
# silence. The option comes first, so that an ld that does not know it
# fails before --version could succeed.
ld_option = $(shell $(LD) $(1) --version >/dev/null 2>&1 && echo $(1))
LD_NO_WARN_RWX := $(call ld_option,--no-warn-rwx-segments)
override KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack $(LD_NO_WARN_RWX) -T linker.ld

# The version string names the commit the kernel was built from.
ZDK_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(B)/kernel/kernel/version.o: override CFLAGS += -DZDK_VERSION='"$(ZDK_VERSION)"'
$(B)/kernel/kernel/version.o: $(wildcard .git/HEAD .git/index)

$(B)/kernel/%.o: %.c
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(CFLAGS) -c $< -o $@

$(B)/kernel/%.asm.o: %.asm
	$(call say,NASM,$@)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASM_FLAGS) -MD $(@:.o=.d) -MP $< -o $@

# Two links: the first finds every symbol's address; the second appends
# the symbol table (kallsyms) in the last section, where it moves nothing.
# scripts/kallsyms.py checks that both links agree.
$(B)/kallsyms0.c:
	@mkdir -p $(B)
	$(Q)$(PYTHON) scripts/kallsyms.py --empty > $@

$(B)/kallsyms%.o: $(B)/kallsyms%.c
	$(call say,CC,$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) $(CFLAGS) -c $< -o $@

# Rewritten only when KTEST changes: a relink then drops or adds the tests.
$(B)/ktest.config: FORCE
	@mkdir -p $(B)
	@echo 'KTEST=$(KTEST) TRACE=$(TRACE)' | cmp -s - $@ || echo 'KTEST=$(KTEST) TRACE=$(TRACE)' > $@

.PHONY: FORCE
FORCE:

$(B)/kernel.pass1.elf: $(KERNEL_OBJS) $(B)/kallsyms0.o linker.ld $(B)/ktest.config
	$(call say,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/kallsyms0.o

$(B)/kallsyms1.c: $(B)/kernel.pass1.elf scripts/kallsyms.py
	$(call say,KSYMS,$@)
	$(Q)$(NM) -n --defined-only $< | $(PYTHON) scripts/kallsyms.py > $@

$(B)/kernel.elf: $(KERNEL_OBJS) $(B)/kallsyms1.o linker.ld $(B)/ktest.config
	$(call say,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(B)/kallsyms1.o
	$(Q)$(PYTHON) scripts/kallsyms.py --check $(B)/kernel.pass1.elf $@ --nm $(NM)

# --- the UEFI loader ------------------------------------------------------------

LOADER_C    := $(sort $(wildcard boot/*.c))
LOADER_OBJS := $(LOADER_C:%.c=$(B)/%.o)

override LOADER_CFLAGS := -std=gnu11 -ffreestanding -fpic -fshort-wchar -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -DGNU_EFI_USE_MS_ABI \
	-maccumulate-outgoing-args -mgeneral-regs-only \
	-I. -I$(EFI_INC) -I$(EFI_ARCH_INC) -I$(EFI_INC)/protocol \
	-Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
override LOADER_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic \
	-T $(EFI_LDS)

$(B)/boot/%.o: boot/%.c
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LOADER_CFLAGS) $(CFLAGS) -c $< -o $@

$(B)/boot/loader.so: $(LOADER_OBJS)
	$(call say,LD,$@)
	$(Q)$(LD) $(LOADER_LDFLAGS) $(EFI_CRT0) $^ -o $@ \
		-L$(EFI_LIB) -lefi -lgnuefi

$(B)/BOOTX64.EFI: $(B)/boot/loader.so
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# --- host tests of the generic code -------------------------------------------
#
# The same ktest suites (lib/, mm/, drivers/ tests) run on the host under
# AddressSanitizer and UndefinedBehaviorSanitizer, with arch/host as the
# architecture: its <asm/...> headers, and a scheduler for threads, time,
# console, panic and RCU standing in for the kernel's (arch/host/tests:
# the runner and the host's own tests).

# lib/string.c is tested apart (its names would replace the C library's);
# shell commands (*_cmd.c) are kernel glue around host-tested code; the
# pmem benchmarks need an NVDIMM, which the host has not; a tests/kernel/
# folder holds the cases that need the real kernel (kernel threads on
# other CPUs, interrupts, TLB shootdowns by IPI).
HOST_EXCLUDE := lib/string.c drivers/pmem/tests/pmem_bench.c \
	$(shell find lib mm drivers -name '*_cmd.c' -o -path '*/tests/kernel/*.c' 2>/dev/null)
# Of kernel/, the host compiles what runs on any scheduler: wait queues,
# completions, rw-semaphores, kernel threads and the task's mm, over its
# own scheduler (arch/host/sched.c); the shell's line editor; and the
# RCU interface's cases (kernel/tests/rcu_test.c) run against both RCUs.
HOST_KERNEL  := kernel/wait.c kernel/completion.c kernel/rwsem.c kernel/kthread.c kernel/padata.c \
	kernel/task_mm.c kernel/shell_line.c kernel/fault_inject.c kernel/tests/rcu_test.c \
	kernel/tests/shell_line_test.c kernel/tests/padata_test.c
HOST_GENERIC := $(filter-out $(HOST_EXCLUDE),$(sort $(shell find lib mm drivers -name '*.c' 2>/dev/null))) \
	$(HOST_KERNEL)
HOST_C       := $(HOST_GENERIC) $(sort $(wildcard arch/host/*.c arch/host/tests/*.c))
HOST_OBJS    := $(HOST_C:%.c=$(B)/host/%.o)

# zdk's munmap(mm, addr, len) and mprotect(mm, ...) would otherwise stand
# in for the C library's munmap(addr, len) and mprotect(addr, len, prot)
# in the host programs, where glibc and the sanitizer runtimes call them
# (thread stacks, guard pages): the host builds give zdk's another name.
HOST_RENAMES := -Dmunmap=zdk_munmap -Dmprotect=zdk_mprotect

override HOST_CFLAGS := -std=gnu11 -I. -Iarch/host/include -g -O1 $(HOST_RENAMES) \
	-fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -Wall -Wextra -Werror -Wno-unused-parameter \
	-MMD -MP
override HOST_LDFLAGS := -fsanitize=address,undefined -pthread

$(B)/host/%.o: %.c
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(B)/host/zdk-host-tests: $(HOST_OBJS) $(B)/host/string_under_test.o
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(HOST_LDFLAGS) $^ -o $@

# lib/string.c built with every name prefixed zdk_, so the host tests can
# compare it with the C library's functions.
$(B)/host/string_under_test.o: lib/string.c arch/host/tests/string_prefix.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -fno-builtin -include arch/host/tests/string_prefix.h -c $< -o $@

# --- the same host tests under ThreadSanitizer ---------------------------------
#
# ASan and TSan cannot share a binary, so the sources of zdk-host-tests are
# built a second time with -fsanitize=thread: the threaded code (the RCU
# shim, the percpu_ref stress) must be race-free, and a report ends the
# run with status 2 like any other sanitizer report (arch/host/tests/main.c).

TSAN_OBJS := $(HOST_C:%.c=$(B)/tsan/%.o)

override TSAN_CFLAGS := -std=gnu11 -I. -Iarch/host/include -g -O1 $(HOST_RENAMES) \
	-fno-omit-frame-pointer -fsanitize=thread -Wall -Wextra -Werror \
	-Wno-unused-parameter -MMD -MP
override TSAN_LDFLAGS := -fsanitize=thread -pthread

$(B)/tsan/%.o: %.c
	$(call say,TSANCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TSAN_CFLAGS) -c $< -o $@

$(B)/tsan/zdk-tsan-tests: $(TSAN_OBJS) $(B)/tsan/string_under_test.o
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) $(TSAN_LDFLAGS) $^ -o $@

$(B)/tsan/string_under_test.o: lib/string.c arch/host/tests/string_prefix.h
	$(call say,TSANCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TSAN_CFLAGS) -fno-builtin -include arch/host/tests/string_prefix.h -c $< -o $@

# --- host benchmarks -------------------------------------------------------------
#
# zdk-host-bench runs the benchmarks of arch/host/tests/bench (threads on host
# CPU slots) through lib/bench.c: the generic code and the host platform
# without the test programs, -O2 and no sanitizer, so the figures measure
# the code and not the instrumentation.

BENCH_C    := $(HOST_GENERIC) \
	$(filter-out arch/host/tests/main.c %_test.c,$(sort $(wildcard arch/host/*.c arch/host/tests/*.c))) \
	$(sort $(wildcard arch/host/tests/bench/*.c))
BENCH_OBJS := $(BENCH_C:%.c=$(B)/bench/%.o)

override BENCH_CFLAGS := -std=gnu11 -I. -Iarch/host/include -g -O2 $(HOST_RENAMES) \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP \
	$(if $(filter n,$(TRACE)),-DZDK_NO_TRACE)

$(B)/bench/%.o: %.c
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -c $< -o $@

$(B)/bench/zdk-host-bench: $(BENCH_OBJS) $(B)/bench/string_under_test.o
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) -pthread $^ -o $@

$(B)/bench/string_under_test.o: lib/string.c arch/host/tests/string_prefix.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -fno-builtin -include arch/host/tests/string_prefix.h -c $< -o $@

# --- fuzzing (libFuzzer) ---------------------------------------------------------
#
# arch/host/fuzz/NAME_fuzz.c is one libFuzzer target (docs/testing.md,
# "Fuzzing"), linked into $(B)/fuzz/NAME by clang with -fsanitize=fuzzer,
# address,undefined. The generic product code (the host tests' sources less
# every test) and the arch/host stand-ins, not the ktest runner, are built
# once, with the host tests' include paths and renames, into an archive:
# each target takes from it only the objects it needs. The tree's seeds
# are arch/host/fuzz/corpus/NAME/ (arch/host/fuzz/seeds.py writes them).
# `make fuzz` runs each target FUZZ_SECONDS on $(B)/fuzz/corpus/NAME, or
# FUZZ_RUNS inputs when that is given;
# `make test` runs each for a fixed number of inputs (tests/test-all,
# step fuzz). scripts/fuzz-probe first checks that FUZZ_CC links
# -fsanitize=fuzzer, else names the Debian package that is missing.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst arch/host/fuzz/%_fuzz.c,%,$(sort $(wildcard arch/host/fuzz/*_fuzz.c)))
FUZZ_SUPPORT := $(filter-out %_fuzz.c,$(sort $(wildcard arch/host/fuzz/*.c)))
FUZZ_LIB_C   := $(filter-out %/tests/% %_test.c %_bench.c,$(HOST_GENERIC)) \
	$(sort $(wildcard arch/host/*.c))
FUZZ_LIB     := $(B)/fuzz/libzdk-fuzz.a

override FUZZ_CFLAGS := -std=gnu11 -I. -Iarch/host/include -g -O1 $(HOST_RENAMES) \
	-fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP
override FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined -pthread

$(B)/fuzz/obj/%.o: %.c | fuzz-probe
	$(call say,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# lib/string.c as zdk_* (arch/host/strlcpy.c calls zdk_strlcpy), as for the host tests.
$(B)/fuzz/obj/string_under_test.o: lib/string.c arch/host/tests/string_prefix.h | fuzz-probe
	$(call say,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-builtin -include arch/host/tests/string_prefix.h -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_C:%.c=$(B)/fuzz/obj/%.o) $(B)/fuzz/obj/string_under_test.o
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_TARGETS:%=$(B)/fuzz/%): $(B)/fuzz/%: $(B)/fuzz/obj/arch/host/fuzz/%_fuzz.o $(FUZZ_SUPPORT:%.c=$(B)/fuzz/obj/%.o) $(FUZZ_LIB)
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) $^ -o $@

# --- targets -------------------------------------------------------------------

.PHONY: all kernel loader host-tests tsan-tests host-bench fuzz-probe fuzz-build fuzz deps run \
	test bench soak powercut gdb model timeline trace-cost clean help

all: $(B)/kernel.elf $(B)/BOOTX64.EFI
kernel: $(B)/kernel.elf
loader: $(B)/BOOTX64.EFI
host-tests: $(B)/host/zdk-host-tests
tsan-tests: $(B)/tsan/zdk-tsan-tests
host-bench: $(B)/bench/zdk-host-bench
fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz/%)

# Can FUZZ_CC link a libFuzzer target? If not, which package is missing.
fuzz-probe:
	$(Q)FUZZ_CC=$(FUZZ_CC) sh scripts/fuzz-probe $(B)/fuzz/probe

# Each target FUZZ_SECONDS (or FUZZ_RUNS inputs) on its corpus; exit 1 if one crashed.
fuzz: fuzz-build
	$(Q)$(PYTHON) tests/fuzz-run --build $(B)/fuzz \
		$(if $(FUZZ_RUNS),--executions $(FUZZ_RUNS),--seconds $(FUZZ_SECONDS)) $(FUZZ_TARGETS)

# Installs missing packages (apt on Debian/Ubuntu, dnf on Fedora) when run
# as root; otherwise names them. The firmware and gnu-efi files it checks
# are scripts/host-layout's, or those make's user named (make exports
# command-line and environment variables to the script).
deps:
	$(Q)PYTHON=$(PYTHON) QEMU=$(QEMU) sh scripts/deps.sh

RUN_ARGS := --smp $(SMP) --mem $(MEM) --nvdimms "$(NVDIMMS)" \
	$(if $(TIMEOUT),--timeout $(TIMEOUT)) --qemu $(QEMU) --ovmf-code $(OVMF_CODE) \
	--ovmf-vars $(OVMF_VARS) --kernel $(B)/kernel.elf --loader $(B)/BOOTX64.EFI

run: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) all
	$(Q)$(PYTHON) tests/qemu-run $(RUN_ARGS) --log $(B)/run.log \
		--cmdline "$(strip console=$(CONSOLE) $(RUN_KTEST) $(CMDLINE))"

# test and bench judge build/ (tests/test-all, the benchmark boot) and
# refuse KTEST=n (above); test also builds the kernel without its tests
# into build/ktest-n, which tests/test-all boots once. Its fuzz step builds the
# fuzz targets itself (make fuzz-build); `make deps` installs clang with
# the rest, and where it cannot (not root), scripts/fuzz-probe names the
# package missing. It prints each step's progress and writes
# build/test-results.json and build/test-results.xml (JUnit).
# A part of it (docs/testing.md, "Running a part"): T=GLOBS runs only these
# ktest suites or cases (comma-separated globs, as ktest=) in the host
# programs and in the boots that run every suite; BOOTS=GLOB only the QEMU
# boots whose name matches (with T, among those boots).
TEST_SELECT := $(if $(T),--tests "$(T)") $(if $(BOOTS),--boots "$(BOOTS)" $(if $(T),,--only qemu))
test: deps
	$(Q)rm -f build/test-results.json build/test-results.xml  # a failed build leaves none
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all host-tests tsan-tests
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=n TRACE=y B=build/ktest-n kernel
	$(Q)OBJCOPY=$(OBJCOPY) NM=$(NM) HOSTCC=$(HOSTCC) FUZZ_CC=$(FUZZ_CC) $(PYTHON) tests/test-all --qemu $(QEMU) --ovmf-code $(OVMF_CODE) \
		--ovmf-vars $(OVMF_VARS) $(TEST_SELECT)

# Every benchmark in one boot (so ratios compare figures of the same boot),
# a second boot with a 64 GiB NVDIMM (its memmap on the device; the file is
# sparse and removed after) for the boot and bind figures of a big device,
# the host's benchmarks, then the report: build/bench.json and
# build/bench.md, each figure against its goal. Fails only if a benchmark
# cannot run, never because a figure is slow.
bench: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all
	$(Q)$(PYTHON) tests/qemu-run --quiet --smp $(SMP) --mem $(MEM) --nvdimms "$(NVDIMMS)" \
		--qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) \
		--timeout $(or $(TIMEOUT),600) --cmdline "ktest=none bench=* shell=off $(CMDLINE)" \
		--log $(B)/bench.log
	$(Q)rm -f $(B)/bench-pmem-64g.img; \
	$(PYTHON) tests/qemu-run --quiet --smp $(SMP) --mem 2G \
		--nvdimm "64G,file=$(B)/bench-pmem-64g.img" \
		--qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) \
		--timeout $(or $(TIMEOUT),600) --log $(B)/bench-64g.log \
		--cmdline "pmem.memmap=dev ktest=none bench=boot.kernel_ms,memremap.bind_per_gib.* shell=off"; \
	status=$$?; rm -f $(B)/bench-pmem-64g.img; exit $$status
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) host-bench
	$(Q)$(B)/bench/zdk-host-bench > $(B)/host-bench.log
	$(Q)$(PYTHON) tests/bench-report --json $(B)/bench.json --markdown $(B)/bench.md \
		$(B)/bench.log $(B)/host-bench.log $(B)/bench-64g.log:_64g

# The soak (docs/testing.md, "Soak"): random GUP, DAX, I/O, unbinds and
# freezes on pmem0 from SOAK_SMP CPUs for SOAK_SECONDS, the invariants checked
# after every round; SOAK_SEED, SOAK_FROM and SOAK_ROUNDS replay what a VIOLATION line names. It
# runs on an NVDIMM file of its own, not the one make run keeps.
SOAK_SECONDS ?= 60
SOAK_SMP     ?= 4
SOAK_REPLAY  := $(if $(SOAK_SEED),soak.seed=$(SOAK_SEED)) $(if $(SOAK_FROM),soak.from=$(SOAK_FROM)) \
	$(if $(SOAK_ROUNDS),soak.rounds=$(SOAK_ROUNDS))
soak: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all
	$(Q)$(PYTHON) tests/qemu-run --smp $(SOAK_SMP) --mem $(MEM) \
		--nvdimms "256M,file=$(B)/soak-pmem0.img" \
		--qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) \
		--kernel $(B)/kernel.elf --loader $(B)/BOOTX64.EFI \
		--timeout $$(( $(SOAK_SECONDS) + 900 )) --log $(B)/soak.log \
		--cmdline "$(strip ktest=none soak=$(SOAK_SECONDS) $(SOAK_REPLAY) shell=off $(CMDLINE))"

# Power cuts (docs/testing.md, "Power cuts"): RUNS boots killed with SIGKILL
# while they write numbered records to pmem0, each checked by the next boot;
# no acknowledged write may be lost. POWERCUT_SEED picks the same moments again.
# The records go to an NVDIMM file of their own, not the one make run keeps.
RUNS ?= 50
powercut: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all
	$(Q)$(PYTHON) tests/powercut --runs $(RUNS) $(if $(POWERCUT_SEED),--seed $(POWERCUT_SEED)) \
		--build $(B) --smp $(SMP) --mem $(MEM) --nvdimms "256M,file=$(B)/powercut-pmem0.img" --qemu $(QEMU) \
		--ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) --kernel $(B)/kernel.elf \
		--loader $(B)/BOOTX64.EFI

# Timelines (docs/tracing.md, "Timelines"): the pinned-unbind scenario
# traced in the default mode and each teaching mode, one boot each; writes
# build/timeline/MODE.{log,json,svg}, checks each, and copies the SVGs
# into docs/timeline/ (the pictures the docs show).
timeline: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all
	$(Q)$(PYTHON) tests/timeline --out build/timeline --docs docs/timeline --smp $(SMP) \
		--qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) \
		--kernel build/kernel.elf --loader build/BOOTX64.EFI

# What tracing costs while off: the benchmarks of page refs and fast GUP
# with and without trace points (TRACE=n), ROUNDS runs each, alternately:
# on the host's CPU (zdk-host-bench), then in QEMU boots.
ROUNDS ?= 3
trace-cost: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=y B=build all host-bench
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) KTEST=y TRACE=n B=build/trace-n all host-bench
	$(Q)$(PYTHON) tests/trace-cost --rounds $(ROUNDS) --traced build --untraced build/trace-n \
		--smp $(SMP) --qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS)

# The ZONE_DEVICE protocol model (tests/model/zone_device.pml) checked by
# SPIN: the fixed design must verify, each historical bug must give a
# counterexample, printed step by step. make test runs it too.
model: deps
	$(Q)HOSTCC=$(HOSTCC) $(PYTHON) tests/model-check

# QEMU starts halted in the background (serial in build/gdb.log), its gdb
# stub on 127.0.0.1 only, at the user's port (GDBPORT=N, else 20000 + uid %
# 10000; tests/qemu-run prints it); gdb (GDB=, default gdb) runs in the foreground
# with the generated build/gdbinit: the symbols, target remote, and
# scripts/gdb/zdk.py, the zdk-* commands (docs/debugging.md). Leaving gdb
# stops QEMU.
gdb: deps
	$(Q)$(MAKE) --no-print-directory $(PARALLEL) all
	$(Q)rm -f $(B)/gdbinit; \
	$(if $(GDBPORT),GDBPORT=$(GDBPORT)) $(PYTHON) tests/qemu-run $(RUN_ARGS) --cmdline "$(CMDLINE)" \
		--log $(B)/gdb.log --gdb --quiet --timeout 0 </dev/null & qemu=$$!; \
	while [ ! -f $(B)/gdbinit ] && kill -0 $$qemu 2>/dev/null; do sleep 0.2; done; \
	if [ ! -f $(B)/gdbinit ]; then \
		wait $$qemu; status=$$?; \
		echo "make gdb: tests/qemu-run stopped before QEMU started (exit $$status)" >&2; \
		exit $$status; \
	fi; \
	echo "serial output: tail -f $(B)/gdb.log"; \
	$(or $(GDB),gdb) -q -x $(B)/gdbinit -ex 'hbreak start_kernel'; \
	kill $$qemu 2>/dev/null; wait $$qemu 2>/dev/null; true

clean:
	rm -rf $(B)

help:
	@echo 'make run     build, boot zdk in QEMU (OVMF + NVDIMM), run the boot self-tests, open the shell'
	@echo 'make test    host tests (ASan/UBSan, TSan), loader image, runner, model, fuzz targets, QEMU boots; ends with "N passed, N failed"'
	@echo '             and writes build/test-results.json and build/test-results.xml (JUnit);'
	@echo '             T=GLOBS only these ktest suites/cases (host programs, ktest=* boots), BOOTS=GLOB only these boots'
	@echo '             (it also builds and boots the kernel without its tests: build/ktest-n/kernel.elf)'
	@echo 'make bench   run every benchmark in one boot; writes build/bench.json and build/bench.md'
	@echo 'make tsan-tests   build/tsan/zdk-tsan-tests: the host tests under ThreadSanitizer'
	@echo 'make fuzz    fuzz each parser FUZZ_SECONDS=60, or FUZZ_RUNS=N inputs (libFuzzer, ASan/UBSan; make fuzz-build: build/fuzz/NAME)'
	@echo 'make host-bench   build/bench/zdk-host-bench: host benchmarks (percpu_ref vs atomic)'
	@echo 'make soak    random GUP, DAX, I/O, unbinds and freezes on 4 CPUs for SOAK_SECONDS=60, invariants after every round'
	@echo 'make powercut  RUNS=50 boots killed (SIGKILL) while writing to pmem0, each checked by the next: lost must be 0'
	@echo 'make timeline  trace the pinned unbind in every mode: build/timeline/MODE.{json,svg}, docs/timeline/*.svg'
	@echo 'make trace-cost  benchmarks with trace points off vs compiled out (TRACE=n), ROUNDS=3 boots each'
	@echo 'make model   check the ZONE_DEVICE protocol model with SPIN (every variant)'
	@echo 'make gdb     boot QEMU waiting for gdb and attach gdb with symbols'
	@echo 'make all     build build/kernel.elf and build/BOOTX64.EFI'
	@echo 'make KTEST=n all   the same without the self-tests, benchmarks and harness, in build/ktest-n'
	@echo 'make clean   remove build/'

-include $(shell find $(B) -name '*.d' 2>/dev/null)
