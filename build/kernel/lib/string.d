build/kernel/lib/string.o: lib/string.c lib/string.h lib/compiler.h
lib/string.h:
lib/compiler.h:
