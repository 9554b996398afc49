#ifndef VIGIL_SIGNAL_H
#define VIGIL_SIGNAL_H

/*
 * Signal hooks for Vigil's terminal thread. Every handler is async-signal-safe: it only stores
 * into a sig_atomic_t and write(2)s one byte to the self-pipe, so the thread blocked in poll()
 * wakes up.
 *
 * Bytes written: 'W' for SIGWINCH, 'H' for SIGHUP, 'T' for SIGTERM, 'I' for SIGINT.
 */

/* Installs the handlers (once; later calls only change the fd). SIGWINCH is chained after the
 * handler installed before (ncurses' own, so KEY_RESIZE still arrives). `write_fd` is the
 * non-blocking write end of the self-pipe, or -1 to only record signals. Returns 0, or -1 when
 * sigaction failed. Call it after newterm(), which installs ncurses' handlers. */
int vigil_signal_install(int write_fd);

/* Changes the fd the handlers write to (-1: none). */
void vigil_signal_set_fd(int write_fd);

/* Restores the handlers that were installed before vigil_signal_install. Idempotent. */
void vigil_signal_uninstall(void);

/* The last terminating signal received (SIGHUP, SIGTERM or SIGINT), cleared; 0 if none. */
int vigil_signal_take(void);

/* 1 when a terminating signal or a SIGWINCH is waiting to be taken, else 0 (clears nothing). */
int vigil_signal_pending(void);

/* Whether a SIGWINCH arrived since the last call (1) or not (0); clears it. */
int vigil_signal_take_winch(void);

/* Bytes malloc has handed out and not had back (glibc mallinfo2: in-use chunks plus mmapped
 * blocks); 0 where unknown. What a leak grows, whatever the allocator keeps cached. Used by
 * `vigil soak`; it lives here as the package's only C file. */
unsigned long long vigil_heap_in_use(void);

/* Gives memory malloc holds free back to the system (glibc malloc_trim); a no-op elsewhere.
 * A process that runs for weeks calls it now and then, so freed memory does not stay
 * resident in fragments. */
void vigil_trim_heap(void);

/* Tunes glibc malloc for a process that polls large answers for weeks (a no-op elsewhere):
 * one arena for all threads (each thread that allocates otherwise gets its own, and keeps what
 * it freed; a second one kept 0.3 MB more with 10,000 alerts, and the threads seldom allocate at
 * the same moment), blocks over 128 KiB mapped and unmapped on their own, and free memory above 128 KiB
 * at the top of the heap given back at once. glibc's default raises the last two thresholds
 * after the first large block is freed, so a 13 MB answer decoded every 5 s stayed resident in
 * fragments: with 10,000 alerts, anonymous memory 78 MB before, 47 MB after. Call it first
 * thing, before other threads start; the MALLOC_* environment variables still override it. */
void vigil_tune_heap(void);

/* Hands back the pages of files (its own code and read-only data, the libraries') that this
 * process has resident and no other process maps: madvise(MADV_PAGEOUT) on each run of them,
 * found through /proc/self/pagemap (Linux 5.4 and later; 0 elsewhere). Pages written to
 * (relocated data) are left alone, so nothing goes to swap. Code still in use comes back on its
 * next run, from the page cache or the disk; what only start-up ran (argument parsing, the
 * dynamic linker's relocations, the config and theme parsers, the database's migrations) stays
 * out. Returns the bytes advised. Call it once, when start-up is over. */
unsigned long long vigil_release_file_pages(void);

#endif
