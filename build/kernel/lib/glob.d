build/kernel/lib/glob.o: lib/glob.c lib/ktest.h lib/compiler.h \
 lib/string.h arch/x86/include/asm/setjmp.h
lib/ktest.h:
lib/compiler.h:
lib/string.h:
arch/x86/include/asm/setjmp.h:
