#include "vigil_signal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t vigil_fd = -1;
static volatile sig_atomic_t vigil_pending = 0;
static volatile sig_atomic_t vigil_winch = 0;
static int vigil_installed = 0;

static struct sigaction old_winch, old_hup, old_term, old_int, old_quit;

static void vigil_write_byte(char byte) {
    int fd = vigil_fd;
    if (fd >= 0) {
        ssize_t ignored = write(fd, &byte, 1); /* EAGAIN: a byte is already waiting, fine */
        (void)ignored;
    }
}

static void vigil_on_winch(int sig, siginfo_t *info, void *context) {
    int saved = errno;
    /* ncurses' handler first: it only sets its own flag, and KEY_RESIZE comes from wget_wch. */
    if (old_winch.sa_flags & SA_SIGINFO) {
        if (old_winch.sa_sigaction != NULL) { old_winch.sa_sigaction(sig, info, context); }
    } else if (old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN
               && old_winch.sa_handler != NULL) {
        old_winch.sa_handler(sig);
    }
    vigil_winch = 1;
    vigil_write_byte('W');
    errno = saved;
}

static void vigil_on_terminate(int sig) {
    int saved = errno;
    vigil_pending = sig;
    vigil_write_byte(sig == SIGHUP ? 'H' : (sig == SIGTERM || sig == SIGQUIT ? 'T' : 'I'));
    errno = saved;
}

static int vigil_catch(int sig, struct sigaction *old) {
    struct sigaction act;
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    act.sa_handler = vigil_on_terminate;
    return sigaction(sig, &act, old);
}

int vigil_signal_install(int write_fd) {
    vigil_fd = write_fd;
    if (vigil_installed) { return 0; }

    struct sigaction act;
    memset(&act, 0, sizeof act);
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART | SA_SIGINFO;
    act.sa_sigaction = vigil_on_winch;
    if (sigaction(SIGWINCH, &act, &old_winch) != 0) { return -1; }
    if (vigil_catch(SIGHUP, &old_hup) != 0 || vigil_catch(SIGTERM, &old_term) != 0
        || vigil_catch(SIGINT, &old_int) != 0 || vigil_catch(SIGQUIT, &old_quit) != 0) {
        return -1;
    }
    /* A parent may have started us with these signals blocked (test runners, some process
       supervisors); then resize, Ctrl-C, SIGTERM and SIGHUP would never arrive. Unblock them on
       the terminal thread, which is the thread that calls this. */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGWINCH);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGQUIT);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
    vigil_installed = 1;
    return 0;
}

void vigil_signal_set_fd(int write_fd) { vigil_fd = write_fd; }

void vigil_signal_uninstall(void) {
    vigil_fd = -1;
    if (!vigil_installed) { return; }
    sigaction(SIGWINCH, &old_winch, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    vigil_installed = 0;
}

int vigil_signal_take(void) {
    return __atomic_exchange_n(&vigil_pending, 0, __ATOMIC_SEQ_CST);
}

int vigil_signal_pending(void) {
    return (vigil_pending != 0 || vigil_winch != 0) ? 1 : 0;
}

int vigil_signal_take_winch(void) {
    return __atomic_exchange_n(&vigil_winch, 0, __ATOMIC_SEQ_CST);
}

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
unsigned long long vigil_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return (unsigned long long)info.uordblks + (unsigned long long)info.hblkhd;
}
void vigil_trim_heap(void) { malloc_trim(0); }
void vigil_tune_heap(void) {
    if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, 1);
    if (getenv("MALLOC_MMAP_THRESHOLD_") == NULL) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    if (getenv("MALLOC_TRIM_THRESHOLD_") == NULL) mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}
#else
unsigned long long vigil_heap_in_use(void) { return 0; }
void vigil_trim_heap(void) {}
void vigil_tune_heap(void) {}
#endif
