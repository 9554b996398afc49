#define _GNU_SOURCE
#include "vigil_signal.h"

#if defined(__linux__)
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* /proc/self/pagemap, one 64-bit word per page: bit 63 present, bit 61 a page of a file (or
 * shared anonymous memory). A page of a private mapping that was written to (relocated data) is
 * anonymous: bit 61 clear. Only present file pages are handed back, so nothing is ever pushed
 * to swap and nothing written is lost. */
#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)

static unsigned long long release_range(int pagemap, uintptr_t start, uintptr_t end, long page) {
    unsigned long long released = 0;
    uint64_t words[512];
    uintptr_t run = 0; /* start of the current run of file pages, 0: none */
    for (uintptr_t at = start; at < end;) {
        size_t n = (size_t)((end - at) / (uintptr_t)page);
        if (n > 512) n = 512;
        ssize_t got = pread(pagemap, words, n * sizeof words[0], (off_t)(at / (uintptr_t)page * sizeof words[0]));
        if (got <= 0) break;
        n = (size_t)got / sizeof words[0];
        for (size_t i = 0; i < n; i++, at += (uintptr_t)page) {
            int file = (words[i] & (PM_PRESENT | PM_FILE)) == (PM_PRESENT | PM_FILE);
            if (file && run == 0) run = at;
            if (!file && run != 0) {
                if (madvise((void *)run, at - run, MADV_PAGEOUT) == 0) released += at - run;
                run = 0;
            }
        }
    }
    if (run != 0 && madvise((void *)run, end - run, MADV_PAGEOUT) == 0) released += end - run;
    return released;
}

unsigned long long vigil_release_file_pages(void) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) return 0;
    FILE *maps = fopen("/proc/self/maps", "re");
    if (maps == NULL) return 0;
    int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap < 0) { fclose(maps); return 0; }
    unsigned long long released = 0;
    char line[4096];
    while (fgets(line, sizeof line, maps) != NULL) {
        unsigned long long start, end;
        char perms[8];
        int path_at = 0;
        if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3) continue;
        /* Files only ("/..."), not [heap], [stack], [vdso] or anonymous memory; not shared
         * mappings (the pages are someone else's too). */
        if (path_at <= 0 || line[path_at] != '/' || perms[3] != 'p') continue;
        released += release_range(pagemap, (uintptr_t)start, (uintptr_t)end, page);
    }
    close(pagemap);
    fclose(maps);
    return released;
}
#else
unsigned long long vigil_release_file_pages(void) { return 0; }
#endif
