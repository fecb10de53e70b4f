#!/bin/sh
# deps.sh: are the tools and files zdk's build and runs need all here?
#
# Design: one table maps each needed thing (a program, or a file of a
# package) to the Debian package that brings it. The check only looks
# (command -v, test -e), so when everything is present it prints nothing
# and returns at once: `make run` and `make test` call it every time.
# When something is missing:
#   - as root with apt-get: install the missing packages, then check again;
#   - otherwise: exit 1 with one line naming the packages to install.
#
# Honoured from the environment (the Makefile passes them):
#   QEMU (default qemu-system-x86_64), OVMF_CODE (default
#   /usr/share/OVMF/OVMF_CODE_4M.fd), PYTHON (default python3),
#   CROSS_COMPILE (prefix of gcc/ld/objcopy/nm, for an arm64 host).

QEMU=${QEMU:-qemu-system-x86_64}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
PYTHON=${PYTHON:-python3}
CROSS_COMPILE=${CROSS_COMPILE:-}

# The packages of the cross toolchain (Debian's names on an arm64 host).
if [ -n "$CROSS_COMPILE" ]; then
	GCC_PKG=gcc-x86-64-linux-gnu
	BINUTILS_PKG=binutils-x86-64-linux-gnu
else
	GCC_PKG=gcc
	BINUTILS_PKG=binutils
fi

missing=

# want PACKAGE: add it to $missing once.
want() {
	case " $missing " in
	*" $1 "*) ;;
	*) missing="${missing:+$missing }$1" ;;
	esac
}

# need_program NAME PACKAGE: NAME on PATH (or in an sbin directory, where
# mkfs.fat lives, off a normal user's PATH), or a path to a program.
need_program() {
	command -v "$1" >/dev/null 2>&1 && return
	for dir in /usr/sbin /sbin; do
		[ -x "$dir/$1" ] && return
	done
	want "$2"
}

# need_file PATH PACKAGE
need_file() {
	[ -e "$1" ] || want "$2"
}

# need_fuzzer_runtime: clang's libFuzzer runtime for the fuzz targets.
# Debian ships it in libclang-rt-N-dev (clang 14 on Debian 12, 19 on
# Debian 13), which clang only recommends; libclang-rt-dev brings the one
# of the default clang. (scripts/fuzz-probe names it again if a link fails.)
# libFuzzer's runtime: can clang link a fuzz target? (Where the runtime
# lives differs between clang versions: -print-runtime-dir of clang 19
# names a folder it does not use, so a link decides.)
need_fuzzer_runtime() {
	cc=${FUZZ_CC:-clang}
	if command -v "$cc" >/dev/null 2>&1; then
		probe=$(mktemp -d) || { want libclang-rt-dev; return; }
		printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
			'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' \
			> "$probe/p.c"
		if "$cc" -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
			rm -rf "$probe"
			return
		fi
		rm -rf "$probe"
	fi
	want libclang-rt-dev
}

check() {
	missing=
	need_program "${CROSS_COMPILE}gcc" "$GCC_PKG"
	need_program "${CROSS_COMPILE}ld" "$BINUTILS_PKG"
	need_program "${CROSS_COMPILE}objcopy" "$BINUTILS_PKG"
	need_program "${CROSS_COMPILE}nm" "$BINUTILS_PKG"
	need_program gcc gcc				# the host tests' compiler
	need_file /usr/include/stdint.h libc6-dev	# ... and their C library headers
	need_program make make
	need_program nasm nasm
	need_file /usr/include/efi/efi.h gnu-efi
	need_file /usr/lib/crt0-efi-x86_64.o gnu-efi
	need_file "$OVMF_CODE" ovmf
	need_program "$QEMU" qemu-system-x86
	need_program mcopy mtools
	need_program mmd mtools
	need_program mkfs.fat dosfstools
	need_program gdb gdb
	need_program spin spin				# the protocol model (make model)
	need_program clang clang			# the fuzz targets (make fuzz, make test)
	need_fuzzer_runtime
	need_program "$PYTHON" python3
}

check
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "zdk: installing missing Debian packages: $missing" >&2
	# $missing is a list of words on purpose.
	# shellcheck disable=SC2086
	apt-get update >&2 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends $missing >&2
	check
	[ -z "$missing" ] && exit 0
fi

echo "zdk: missing Debian packages: $missing (run: sudo apt-get install $missing)" >&2
exit 1
