build/kernel/lib/errno.o: lib/errno.c lib/errno.h lib/compiler.h
lib/errno.h:
lib/compiler.h:
