/*
 * zone_device.pml: the ZONE_DEVICE lifetime protocol of
 * docs/zone-device.md, small enough for SPIN to check every interleaving
 * in seconds.
 *
 * One pgmap with NPAGES device pages, one DAX mapping of them, and five
 * processes:
 *   mapper   mmap (registration of the mapping with the device, creation
 *            of the region), then a fault on each page;
 *   pinner   (two of them, one per page) fast GUP of one page (leaf read,
 *            get_dev_pagemap, speculative get, leaf read again, undo) and
 *            later the unpin;
 *   looker   get_dev_pagemap() of a pfn by code that holds no mapping of
 *            it, then a use of the page (as Linux's memory-failure path
 *            does): only the kill and its grace period keep it away;
 *   unbind   the teardown: unmap the mappings, kill the ref (the switch
 *            after an RCU grace period), put every page, wait for zero,
 *            remove the memmap and the mapping.
 *
 * Variants (spin -DNAME), each a historical bug or a mechanism taken away;
 * every one must give a counterexample, the design (no macro) none:
 *   SEED          the seed regression: pgmap references taken and dropped
 *                 by get/put hooks, fast GUP's speculative get unhooked;
 *   V4_12         the wait for zero after the removal;
 *   WINDOW        the mapping registered after its region exists;
 *   LEAK_PIN      a pin never dropped (the unbind must be found stuck);
 *   NO_MMAP_LOCK  the zap without mmap_lock held for writing;
 *   NO_SHOOTDOWN  the zap without waiting for interrupts-off walks;
 *   NO_GRACE      the kill's switch without its grace period.
 *
 * Properties (asserts, and SPIN's invalid end states):
 *   - no use of a removed struct page, no leaf made for a removed mapping,
 *     no read of a freed page table;
 *   - no reference taken on a released pgmap; release runs exactly once;
 *     the count never goes below zero;
 *   - after the unbind no leaf maps the device;
 *   - every process ends: nothing waits for ever (the unbind's wait ends
 *     once the pins are dropped), nothing deadlocks.
 *
 * The printf lines are the trail's steps in words (tests/model-check
 * replays them with spin -t). Names follow Linux's functions where zdk
 * implements the same.
 */

#define NPAGES	2

/* --- the pgmap's percpu_ref, as one counter ---------------------------------- */

byte count = 1 + NPAGES;	/* the owner's + one per page (the design) */
bool dead;			/* percpu_ref_kill() marked it */
byte rcu_readers;		/* tryget_live()s inside their RCU section */
byte released;			/* times release ran */

/* --- pages, mapping, locks ----------------------------------------------------- */

byte page_ref[NPAGES];		/* _refcount; 1 = the device's hold */
bool leaf[NPAGES];		/* a devmap leaf maps page i */
bool table_unlinked;		/* the zap took the leaves' table out of the tree */
bool table_freed;		/* ... and freed it after the shootdown */
bool memmap_removed;
bool mapping_removed;
bool dax_gone;			/* under dax_lock: no new mapping, no fault */
bool registered;		/* the mapping is on the device's list */
bool vma;			/* the region exists */
byte mmap_readers;		/* faults holding mmap_lock for reading */
bool mmap_writer;		/* the zap holds it for writing */
byte walkers;			/* fast GUP walks with interrupts off */
bool unbind_done;

inline pgmap_put() {
	atomic {
		assert(count > 0);		/* never below zero */
		count--;
		if
		:: count == 0 ->
			assert(released == 0);	/* release exactly once */
			printf("MSC: pgmap count reached zero: release\n");
			released++
		:: else -> skip
		fi
	}
}

/* percpu_ref_tryget_live(): in an RCU read-side section, read DEAD, then
 * take a reference (two steps: a per-CPU increment is not atomic with the
 * read). The kill's grace period is what makes that safe. */
inline pgmap_tryget_live(ok) {
	rcu_readers++;
	ok = !dead;
	if
	:: ok ->
		atomic {
			assert(released == 0);	/* no reference on a released pgmap */
			count++
		}
	:: else -> skip
	fi;
	rcu_readers--
}

inline page_access(i) {
	assert(!memmap_removed)		/* no use of a removed struct page */
}

/* put_page(): the final put of a device page drops its pgmap reference
 * (in SEED, every put does: the old hook). `last` is the caller's. */
inline put_page(i, last) {
	atomic {
		page_access(i);
		page_ref[i]--;
#ifdef SEED
		last = true
#else
		last = page_ref[i] == 0
#endif
	};
	if
	:: last ->
		printf("MSC: page %d put: drop a pgmap reference\n", i);
		pgmap_put()
	:: else -> skip
	fi
}

/* get_page_unless_zero() and a use of the page; `got` is the caller's. */
inline get_page_unless_zero(i, got) {
	atomic {
		page_access(i);
		if
		:: page_ref[i] > 0 -> page_ref[i]++; got = true
		:: else -> got = false	/* being freed: fail */
		fi
	}
}

/* --- the mapper: pmem_dax_mmap() and the faults ------------------------------ */

inline register_mapping() {
	atomic {
		if
		:: !dax_gone -> registered = true; printf("MSC: mmap: mapping registered\n")
		:: else -> skip
		fi
	}
}

proctype mapper()
{
	byte i;
	bool gone;
#ifndef WINDOW
	register_mapping();
	atomic { if :: registered -> vma = true :: else fi };
#else
	/* the region exists before the teardown can know about it */
	atomic { if :: !dax_gone -> vma = true :: else fi };
#endif
	if
	:: !vma -> printf("MSC: mmap: refused, the device is gone\n"); goto done
	:: else -> skip
	fi;
	for (i : 0 .. NPAGES - 1) {
		/* handle_mm_fault(): mmap_lock for reading, dax_gone read under
		 * dax_lock, then the leaf installed */
		atomic { !mmap_writer -> mmap_readers++ };
		gone = dax_gone;
		if
		:: !gone ->
			assert(!mapping_removed);	/* no leaf for a removed mapping */
			leaf[i] = true;
			printf("MSC: fault: leaf for page %d\n", i)
		:: else -> printf("MSC: fault: device gone, -EFAULT\n")
		fi;
		mmap_readers--
	}
#ifdef WINDOW
	register_mapping();
#endif
done:
	skip
}

/* --- the pinners: get_user_pages_fast() of one page, then the unpin --------- */

proctype pinner(byte i)
{
	bool ok, pinned, last, table, present;

	walkers++;			/* local_irq_disable(): holds off the shootdown */
	table = !table_unlinked;	/* the upper entry: the table, or none */
	if
	:: table -> atomic { assert(!table_freed); present = leaf[i] }	/* in a live table */
	:: else -> present = false
	fi;
	if
	:: present ->
		pgmap_tryget_live(ok);	/* get_dev_pagemap() */
		if
		:: ok ->
			/* in SEED without the hook that would take a pgmap
			 * reference for the pin */
			get_page_unless_zero(i, pinned);
			atomic { assert(!table_freed); present = leaf[i] };	/* read again */
			if
			:: pinned && !present ->	/* the entry changed: undo */
				printf("MSC: gup_fast: leaf of page %d changed, undo\n", i);
				put_page(i, last);
				pinned = false
			:: else -> skip
			fi;
			pgmap_put()		/* put_dev_pagemap() at the walk's end */
		:: else -> skip
		fi
	:: else -> skip
	fi;
	walkers--;			/* local_irq_enable() */
	if
	:: pinned ->
		printf("MSC: page %d pinned\n", i);
		page_access(i);		/* the pin holder uses the page */
#ifdef LEAK_PIN
		if
		:: i == 0 -> printf("MSC: page %d never unpinned\n", i); goto leaked
		:: else -> skip
		fi;
#endif
		put_page(i, last);	/* unpin_user_page() */
		printf("MSC: page %d unpinned\n", i)
	:: else -> printf("MSC: pin of page %d failed cleanly\n", i)
	fi;
#ifdef LEAK_PIN
leaked:
#endif
	skip
}

/* --- the looker: a pfn looked up without a mapping ---------------------------- */

proctype looker()
{
	bool ok, got, last;

	pgmap_tryget_live(ok);		/* get_dev_pagemap(pfn of page 1) */
	if
	:: ok ->
		get_page_unless_zero(1, got);
		if
		:: got ->
			printf("MSC: looker: got page 1 through its pgmap\n");
			put_page(1, last)
		:: else -> skip
		fi;
		pgmap_put()
	:: else -> printf("MSC: looker: get_dev_pagemap failed: dying\n")
	fi
}

/* --- the unbind: memunmap_pages() with pmem_dax_kill() ------------------------ */

inline remove_range() {
	atomic {
		memmap_removed = true;
		mapping_removed = true;
		printf("MSC: unbind: memmap and mapping removed\n")
	}
}

proctype unbind()
{
	byte i;
	bool last;

	/* 0. pmem_dax_kill(): no new fault, then zap what the list knows */
	atomic { dax_gone = true; printf("MSC: unbind: DAX gone\n") };
	if
	:: registered ->
#ifndef NO_MMAP_LOCK
		atomic { mmap_readers == 0 && !mmap_writer -> mmap_writer = true };
#endif
		atomic {
			for (i : 0 .. NPAGES - 1) { leaf[i] = false };
			table_unlinked = true	/* the emptied table leaves the tree */
		};
#ifndef NO_SHOOTDOWN
		walkers == 0;		/* the TLB shootdown waits for irq-off walks */
#endif
		table_freed = true;	/* the emptied table goes back (mmu_gather) */
		mmap_writer = false;
		printf("MSC: unbind: mappings zapped\n")
	:: else -> printf("MSC: unbind: no mapping registered, nothing zapped\n")
	fi;
	/* 1. percpu_ref_kill(): DEAD now; the switch to one counter after a
	 *    grace period, then the confirmation and the initial put */
	dead = true;
#ifndef NO_GRACE
	rcu_readers == 0;		/* the grace period of the switch */
#endif
	printf("MSC: unbind: kill confirmed\n");
	pgmap_put();			/* the initial (owner's) reference */
#ifndef SEED
	/* 2. put_page() every device page: drop the device's holds */
	for (i : 0 .. NPAGES - 1) { put_page(i, last) };
#endif
#ifdef V4_12
	remove_range();			/* the v4.12 hole: removed before the wait */
#endif
	/* 3. wait for the last pin's final put */
	released > 0;
	printf("MSC: unbind: count is zero, wait over\n");
#ifndef V4_12
	remove_range();
#endif
	unbind_done = true
}

init {
	byte i;
	for (i : 0 .. NPAGES - 1) { page_ref[i] = 1 };
#ifdef SEED
	count = 1;			/* no per-page references */
#endif
	atomic {
		run mapper();
		run pinner(0);
		run pinner(1);
		run looker();
		run unbind()
	};
	/* every process has ended: the unbind left no leaf behind */
	_nr_pr == 1;
	assert(unbind_done);
	for (i : 0 .. NPAGES - 1) { assert(!leaf[i]) };
	assert(released == 1)
}
