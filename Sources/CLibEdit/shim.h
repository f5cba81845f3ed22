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
static inline pthread_t *ddm_reader_thread(void) { static pthread_t slot; return &slot; }
/// The process has many threads (Swift concurrency, NIO); the kernel may deliver SIGINT to any
/// of them. Forward it to the thread blocked in el_gets so that read is interrupted with EINTR.
static void ddm_on_sigint(int sig) {
    if (!pthread_equal(pthread_self(), *ddm_reader_thread())) { pthread_kill(*ddm_reader_thread(), sig); return; }
    ddm_interrupted = 1;
}
/// SIGINT without SA_RESTART, so el_gets returns with EINTR on Ctrl-C.
static inline void ddm_install_sigint(void) {
    *ddm_reader_thread() = pthread_self();
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = ddm_on_sigint; sigemptyset(&sa.sa_mask); sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
}
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
