#!/bin/sh
# deps.sh: are the tools and files zdk's build and runs need all here?
#
#   sh scripts/deps.sh [--dry-run]
#
# Design: one table maps each needed thing (a program, or a file of a
# package) to the package that brings it, named as the host's package
# manager names it: apt (Debian, Ubuntu) or dnf (Fedora). The family comes
# from /etc/os-release (ID, then ID_LIKE), else from which of apt-get and
# dnf exists. The check only looks (command -v, test -e), so when
# everything is present it prints nothing and returns at once: `make run`
# and `make test` call it every time. When something is missing:
#   - as root with the family's package manager: install the missing
#     packages, then check again;
#   - otherwise (or with --dry-run): exit 1 with one line naming the
#     packages and the command that installs them.
# The firmware and gnu-efi files are where scripts/host-layout finds them
# (Debian/Ubuntu or Fedora places), unless the environment names them.
#
# Honoured from the environment (make passes what its user set):
#   QEMU (default qemu-system-x86_64), PYTHON (default python3),
#   CROSS_COMPILE (prefix of gcc/ld/objcopy/nm, for an arm64 host),
#   OVMF_CODE OVMF_VARS EFI_INC EFI_ARCH_INC EFI_LIB EFI_CRT0 EFI_LDS
#   (the files to check instead of scripts/host-layout's), ZDK_ROOT (check
#   the tree under this folder instead of /, programs included, and never
#   install: the tests point it at fake trees).

QEMU=${QEMU:-qemu-system-x86_64}
PYTHON=${PYTHON:-python3}
CROSS_COMPILE=${CROSS_COMPILE:-}
ROOT=${ZDK_ROOT:-}
ROOT=${ROOT%/}
HERE=$(dirname "$0")

DRY_RUN=0
for arg in "$@"; do
	case $arg in
	--dry-run) DRY_RUN=1 ;;
	*) echo "deps.sh: unknown argument '$arg' (expected --dry-run)" >&2; exit 2 ;;
	esac
done
# Another tree is only ever looked at: what it lacks is not this machine's
# to install.
[ -z "$ROOT" ] || DRY_RUN=1

# --- the host: family, package manager, package names ---------------------------

os_release=$ROOT/etc/os-release
[ -r "$os_release" ] || os_release=$ROOT/usr/lib/os-release
OS_ID='' OS_LIKE='' OS_VERSION='' OS_UBUNTU=''
if [ -r "$os_release" ]; then
	# os-release(5) is written to be sourced by a shell. UBUNTU_CODENAME is
	# set by Ubuntu and by its derivatives (Mint, Pop!_OS...), whose own ID
	# and VERSION_ID say nothing of the Ubuntu release underneath.
	# shellcheck disable=SC1090
	IFS='|' read -r OS_ID OS_VERSION OS_LIKE OS_UBUNTU <<EOF
$(. "$os_release" 2>/dev/null; echo "${ID:-}|${VERSION_ID:-}|${ID_LIKE:-}|${UBUNTU_CODENAME:-}")
EOF
fi

# has_tool NAME: NAME is a program of the tree being checked.
has_tool() {
	if [ -n "$ROOT" ]; then
		for dir in /usr/bin /bin /usr/sbin /sbin; do
			[ -x "$ROOT$dir/$1" ] && return 0
		done
		return 1
	fi
	command -v "$1" >/dev/null 2>&1
}

case " $OS_ID $OS_LIKE " in
*" debian "*|*" ubuntu "*) FAMILY=debian ;;
*" fedora "*) FAMILY=fedora ;;
*)
	if has_tool apt-get; then FAMILY=debian
	elif has_tool dnf; then FAMILY=fedora
	else FAMILY=unknown
	fi ;;
esac

# Package names. Debian's are the reference; Ubuntu uses the same names
# (its 22.04 predates libclang-rt-dev: llvm-defaults added it in 0.55.5,
# and clang 14's runtime there is in libclang-common-14-dev, which clang
# depends on). Fedora's: glibc-devel has the C headers, gnu-efi-devel the
# gnu-efi headers and gnu-efi its libraries, edk2-ovmf the firmware,
# compiler-rt clang's libFuzzer and sanitizer runtimes, and gcc's sanitizer
# runtimes are packages of their own (libasan, libubsan, libtsan).
P_LIBC=libc6-dev
P_EFI_HEADERS=gnu-efi
P_EFI_LIBS=gnu-efi
P_OVMF=ovmf
P_FUZZ_RT=libclang-rt-dev
P_SPIN=spin
P_GCC_CROSS=gcc-x86-64-linux-gnu
P_BINUTILS_CROSS=binutils-x86-64-linux-gnu
case $FAMILY in
debian)
	LABEL=Debian
	[ "$OS_ID" != debian ] && LABEL="Debian-family ($OS_ID)"
	[ "$OS_ID" = ubuntu ] && LABEL=Ubuntu
	[ "$OS_ID" != ubuntu ] && [ -n "$OS_UBUNTU" ] && LABEL="Ubuntu-based ($OS_ID, $OS_UBUNTU)"
	case $OS_ID:$OS_VERSION:$OS_UBUNTU in
	ubuntu:22.04:*|*:jammy) P_FUZZ_RT=libclang-common-14-dev ;;
	esac
	INSTALL="apt-get install" ;;
fedora)
	LABEL=Fedora
	P_LIBC=glibc-devel
	P_EFI_HEADERS=gnu-efi-devel
	P_OVMF=edk2-ovmf
	P_FUZZ_RT=compiler-rt
	P_GCC_CROSS=gcc-x86_64-linux-gnu
	P_BINUTILS_CROSS=binutils-x86_64-linux-gnu
	INSTALL="dnf install" ;;
*)
	LABEL=Debian
	INSTALL= ;;
esac

# The packages of the cross toolchain on an arm64 host.
if [ -n "$CROSS_COMPILE" ]; then
	GCC_PKG=$P_GCC_CROSS
	BINUTILS_PKG=$P_BINUTILS_CROSS
else
	GCC_PKG=gcc
	BINUTILS_PKG=binutils
fi

# --- the firmware and gnu-efi files --------------------------------------------------

# read_layout: L_* from scripts/host-layout when Python runs, else the
# family's usual places; then what the environment names wins. Called
# again after installing: a package may bring another of the pairs
# host-layout accepts than the one it expected.
read_layout() {
	if [ "$FAMILY" = fedora ]; then
		L_OVMF_CODE=/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2
		L_OVMF_VARS=/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2
		L_EFI_ARCH_INC=/usr/include/efi/x64
		L_EFI_LIB=/usr/lib/gnuefi/x64
		L_EFI_CRT0=/usr/lib/gnuefi/x64/crt0.o
		L_EFI_LDS=/usr/lib/gnuefi/x64/efi.lds
	else
		L_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
		L_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
		L_EFI_ARCH_INC=/usr/include/efi/x86_64
		L_EFI_LIB=/usr/lib
		L_EFI_CRT0=/usr/lib/crt0-efi-x86_64.o
		L_EFI_LDS=/usr/lib/elf_x86_64_efi.lds
	fi
	L_EFI_INC=/usr/include/efi
	layout=$("$PYTHON" "$HERE/host-layout" --root "${ROOT:-/}" 2>/dev/null)
	while IFS='=' read -r key value; do
		case $key in
		OVMF_CODE) L_OVMF_CODE=$value ;;
		OVMF_VARS) L_OVMF_VARS=$value ;;
		EFI_INC) L_EFI_INC=$value ;;
		EFI_ARCH_INC) L_EFI_ARCH_INC=$value ;;
		EFI_LIB) L_EFI_LIB=$value ;;
		EFI_CRT0) L_EFI_CRT0=$value ;;
		EFI_LDS) L_EFI_LDS=$value ;;
		esac
	done <<EOF
$layout
EOF
	# As in the Makefile: a folder given alone keeps the host's file names.
	L_OVMF_CODE=${OVMF_CODE:-$L_OVMF_CODE}
	L_OVMF_VARS=${OVMF_VARS:-$L_OVMF_VARS}
	L_EFI_INC=${EFI_INC:-$L_EFI_INC}
	L_EFI_ARCH_INC=${EFI_ARCH_INC:-$L_EFI_INC/${L_EFI_ARCH_INC##*/}}
	L_EFI_LIB=${EFI_LIB:-$L_EFI_LIB}
	L_EFI_CRT0=${EFI_CRT0:-$L_EFI_LIB/${L_EFI_CRT0##*/}}
	L_EFI_LDS=${EFI_LDS:-$L_EFI_LIB/${L_EFI_LDS##*/}}
}

# --- the check -------------------------------------------------------------------------

missing=
notes=

# want PACKAGE: add it to $missing once.
want() {
	case " $missing " in
	*" $1 "*) ;;
	*) missing="${missing:+$missing }$1" ;;
	esac
}

# need_program NAME PACKAGE: NAME on PATH (or in an sbin directory, where
# mkfs.fat lives, off a normal user's PATH), or a path to a program; with
# ZDK_ROOT, in that tree's bin and sbin directories.
need_program() {
	if [ -n "$ROOT" ]; then
		case $1 in
		/*) [ -x "$ROOT$1" ] && return ;;
		*) has_tool "$1" && return ;;
		esac
		want "$2"
		return
	fi
	command -v "$1" >/dev/null 2>&1 && return
	for dir in /usr/sbin /sbin; do
		[ -x "$dir/$1" ] && return
	done
	want "$2"
}

# need_file PATH PACKAGE
need_file() {
	[ -e "$ROOT$1" ] || want "$2"
}

# need_any PACKAGE PATTERN...: some file matches one of the patterns.
need_any() {
	pkg=$1
	shift
	for pattern in "$@"; do
		for f in $ROOT$pattern; do
			[ -e "$f" ] && return
		done
	done
	want "$pkg"
}

# need_fuzzer_runtime: clang's libFuzzer runtime for the fuzz targets.
# Debian ships it in libclang-rt-N-dev (clang 14 on Debian 12, 19 on
# Debian 13), which clang only recommends; libclang-rt-dev brings the one
# of the default clang. (scripts/fuzz-probe names it again if a link fails.)
# Where the runtime lives differs between clang versions (-print-runtime-dir
# of clang 19 names a folder it does not use), so a link decides. A tree
# under ZDK_ROOT cannot run its clang: there the runtime's file decides
# (Debian 12 and 13: /usr/lib/llvm-N/lib/clang/N*/lib/linux/; Fedora:
# /usr/lib/clang/N/lib/x86_64-redhat-linux-gnu/).
need_fuzzer_runtime() {
	cc=${FUZZ_CC:-clang}
	if [ -n "$ROOT" ]; then
		need_any "$P_FUZZ_RT" "/usr/lib/llvm-*/lib/clang/*/lib/*/libclang_rt.fuzzer*.a" \
			"/usr/lib/clang/*/lib/*/libclang_rt.fuzzer*.a" \
			"/usr/lib64/clang/*/lib/*/libclang_rt.fuzzer*.a"
		return
	fi
	if command -v "$cc" >/dev/null 2>&1; then
		probe=$(mktemp -d) || { want "$P_FUZZ_RT"; return; }
		printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
			'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
			> "$probe/p.c"
		if "$cc" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
			rm -rf "$probe"
			return
		fi
		rm -rf "$probe"
	fi
	want "$P_FUZZ_RT"
}

# need_spin: the protocol model's checker (make model, a step of make
# test). Fedora may not package it: there a missing spin is a note, not a
# failure, and it is installed apart so that its absence from the
# repositories cannot fail the rest.
need_spin() {
	if [ "$FAMILY" = fedora ]; then
		has_tool spin && return
		notes="spin not found: make model and the model step of make test need it (sudo dnf install spin where Fedora packages it, else build it from its source, github.com/nimble-code/Spin)"
		return
	fi
	need_program spin "$P_SPIN"
}

check() {
	missing=
	notes=
	read_layout
	need_program "${CROSS_COMPILE}gcc" "$GCC_PKG"
	need_program "${CROSS_COMPILE}ld" "$BINUTILS_PKG"
	need_program "${CROSS_COMPILE}objcopy" "$BINUTILS_PKG"
	need_program "${CROSS_COMPILE}nm" "$BINUTILS_PKG"
	need_program gcc gcc				# the host tests' compiler
	need_file /usr/include/stdint.h "$P_LIBC"	# ... and their C library headers
	if [ "$FAMILY" = fedora ]; then			# ... and sanitizer runtimes
		need_any libasan "/usr/lib64/libasan.so.*"
		need_any libubsan "/usr/lib64/libubsan.so.*"
		need_any libtsan "/usr/lib64/libtsan.so.*"
	fi
	need_program make make
	need_program nasm nasm
	need_file "$L_EFI_INC/efi.h" "$P_EFI_HEADERS"
	need_file "$L_EFI_ARCH_INC/efibind.h" "$P_EFI_HEADERS"
	need_file "$L_EFI_CRT0" "$P_EFI_LIBS"
	need_file "$L_EFI_LDS" "$P_EFI_LIBS"
	need_file "$L_EFI_LIB/libefi.a" "$P_EFI_LIBS"
	need_file "$L_EFI_LIB/libgnuefi.a" "$P_EFI_LIBS"
	need_file "$L_OVMF_CODE" "$P_OVMF"
	need_file "$L_OVMF_VARS" "$P_OVMF"
	need_program "$QEMU" qemu-system-x86
	need_program mcopy mtools
	need_program mmd mtools
	need_program mkfs.fat dosfstools
	need_program gdb gdb
	need_spin					# the protocol model (make model)
	need_program clang clang			# the fuzz targets (make fuzz, make test)
	need_fuzzer_runtime
	need_program "$PYTHON" python3
}

say_notes() {
	[ -z "$notes" ] || echo "zdk: note: $notes" >&2
}

check
if [ -z "$missing" ]; then
	say_notes
	exit 0
fi

if [ "$DRY_RUN" = 0 ] && [ -n "$INSTALL" ] && [ "$(id -u)" = 0 ]; then
	echo "zdk: installing missing $LABEL packages: $missing" >&2
	# $missing is a list of words on purpose.
	# shellcheck disable=SC2086
	if [ "$FAMILY" = debian ]; then
		apt-get update >&2 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
				--no-install-recommends $missing >&2
	else
		dnf install -y $missing >&2
		[ -z "$notes" ] || dnf install -y spin >/dev/null 2>&1 || true
	fi
	check
	if [ -z "$missing" ]; then
		say_notes
		exit 0
	fi
fi

say_notes
if [ -n "$INSTALL" ]; then
	echo "zdk: missing $LABEL packages: $missing (run: sudo $INSTALL $missing)" >&2
else
	echo "zdk: missing packages (Debian's names): $missing (this host has neither apt-get nor dnf: install what provides them)" >&2
fi
# The firmware and gnu-efi: say where they were looked for, or which
# variable named a file that is not there.
for var in OVMF_CODE OVMF_VARS EFI_INC EFI_ARCH_INC EFI_LIB EFI_CRT0 EFI_LDS; do
	eval "value=\${$var:-}"
	[ -z "$value" ] || [ -e "$ROOT$value" ] ||
		echo "zdk: $var=$value (from make's command line or the environment) does not exist" >&2
done
for f in "$L_OVMF_CODE" "$L_OVMF_VARS" "$L_EFI_INC/efi.h" "$L_EFI_ARCH_INC/efibind.h" "$L_EFI_CRT0"; do
	if [ ! -e "$ROOT$f" ]; then
		{ "$PYTHON" "$HERE/host-layout" --root "${ROOT:-/}" 2>&1 >/dev/null; } |
			sed 's/^host-layout:/zdk:/' >&2
		break
	fi
done
exit 1
