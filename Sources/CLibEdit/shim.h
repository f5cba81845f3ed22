// Non-variadic wrappers: Swift cannot call el_set/el_get/history directly.
#ifndef DDMSH_CLIBEDIT_SHIM_H
#define DDMSH_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <histedit.h>
#include <fcntl.h>
#include <unistd.h>

static inline EditLine *ddm_el_init(const char *prog) { return el_init(prog, stdin, stdout, stderr); }
static inline int ddm_el_set_prompt(EditLine *el, char *(*f)(EditLine *)) { return el_set(el, EL_PROMPT, f); }
static inline int ddm_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int ddm_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int ddm_el_addfn(EditLine *el, const char *name, const char *help, unsigned char (*f)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int ddm_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
static inline int ddm_el_set_clientdata(EditLine *el, void *d) { return el_set(el, EL_CLIENTDATA, d); }
static inline void *ddm_el_get_clientdata(EditLine *el) { void *d = NULL; el_get(el, EL_CLIENTDATA, &d); return d; }
static inline int ddm_el_source_editrc(EditLine *el) { return el_source(el, NULL); }

static inline History *ddm_history_init(void) { return history_init(); }
static inline int ddm_history_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int ddm_history_setunique(History *h, int u) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, u); }
static inline int ddm_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int ddm_history_load(History *h, const char *file) { HistEvent ev; return history(h, &ev, H_LOAD, file); }
static inline int ddm_history_save(History *h, const char *file) { HistEvent ev; return history(h, &ev, H_SAVE, file); }
/// Fills `out` with up to `max` entries, oldest first; returns how many.
static inline int ddm_history_list(History *h, const char **out, int max) {
    HistEvent ev; int n = 0;
    if (history(h, &ev, H_LAST) < 0) return 0;
    do { if (n < max) out[n++] = ev.str; } while (history(h, &ev, H_PREV) >= 0);
    return n;
}

static volatile sig_atomic_t ddm_interrupted = 0;
/// True only while the reading thread sits in el_gets: the one time a Ctrl-C belongs to libedit.
static volatile sig_atomic_t ddm_reading = 0;
/// Written by the handler, read by LineEditor's watcher thread: a signal outside el_gets
/// becomes one byte (its number), so Swift code learns of it without running in the handler.
static int ddm_signal_pipe[2] = {-1, -1};
static inline pthread_t *ddm_reader_thread(void) { static pthread_t slot; return &slot; }
/// The process has many threads (Swift concurrency, NIO); the kernel may deliver a signal to any
/// of them. While el_gets reads, forward SIGINT to the reading thread so the read returns EINTR;
/// at any other time hand the signal to the watcher through the pipe.
static void ddm_on_signal(int sig) {
    int saved = errno;
    if (sig == SIGINT && ddm_reading) {
        if (!pthread_equal(pthread_self(), *ddm_reader_thread())) pthread_kill(*ddm_reader_thread(), sig);
        else ddm_interrupted = 1;
    } else if (ddm_signal_pipe[1] >= 0) {
        unsigned char c = (unsigned char)sig;
        ssize_t w = write(ddm_signal_pipe[1], &c, 1); (void)w;
    }
    errno = saved;
}
/// Installs the handler for SIGINT and SIGTERM once, without SA_RESTART (so el_gets returns with
/// EINTR on Ctrl-C); returns the pipe's reading end.
static inline int ddm_install_signals(void) {
    if (ddm_signal_pipe[0] < 0) {
        if (pipe(ddm_signal_pipe) != 0) return -1;
        fcntl(ddm_signal_pipe[0], F_SETFD, FD_CLOEXEC);
        fcntl(ddm_signal_pipe[1], F_SETFD, FD_CLOEXEC);
        fcntl(ddm_signal_pipe[1], F_SETFL, O_NONBLOCK);
    }
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = ddm_on_signal; sigemptyset(&sa.sa_mask); sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return ddm_signal_pipe[0];
}
/// A signal raised by the program itself (a closed stdout), delivered like a real one.
static inline void ddm_post_signal(int sig) {
    if (ddm_signal_pipe[1] >= 0) { unsigned char c = (unsigned char)sig; ssize_t w = write(ddm_signal_pipe[1], &c, 1); (void)w; }
}
static inline int ddm_read_signal(int fd) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n == 1) return c;
        if (n < 0 && errno == EINTR) continue;
        return -1;
    }
}
/// Marks the calling thread as the one in el_gets (SIGINT unblocked there while it reads).
static inline void ddm_begin_reading(void) { *ddm_reader_thread() = pthread_self(); ddm_reading = 1; }
static inline void ddm_end_reading(void) { ddm_reading = 0; }
/// Dispatch worker threads block SIGINT; the reading thread must accept it while in el_gets.
/// Returns whether it was blocked, for ddm_sigint_restore.
static inline int ddm_sigint_unblock(void) {
    sigset_t set, old; sigemptyset(&set); sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, &old);
    return sigismember(&old, SIGINT);
}
static inline void ddm_sigint_restore(int wasBlocked) {
    if (!wasBlocked) return;
    sigset_t set; sigemptyset(&set); sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}
static inline int ddm_take_interrupt(void) { int v = ddm_interrupted; ddm_interrupted = 0; return v; }
static inline int ddm_errno(void) { return errno; }
/// libedit drops non-ASCII input unless LC_CTYPE is set, and the Swift runtime does not set it.
static inline void ddm_setup_locale(void) {
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    if (cs == NULL || strcmp(cs, "UTF-8") != 0) setlocale(LC_CTYPE, "C.UTF-8");
}
#endif
