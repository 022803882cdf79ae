#define _GNU_SOURCE  // pthread_setname_np
#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// Every libcurl function used, resolved into a pointer of the exact type the header declares.
#define SB_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_strerror) \
    X(curl_easy_setopt) X(curl_easy_getinfo) \
    X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_add_handle) X(curl_multi_remove_handle) \
    X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_wakeup) X(curl_multi_info_read) \
    X(curl_multi_strerror) X(curl_multi_setopt) \
    X(curl_share_init) X(curl_share_cleanup) X(curl_share_setopt) \
    X(curl_slist_append) X(curl_slist_free_all)

#define SB_DECLARE(name) static __typeof__(name) *loaded_##name;
SB_CURL_FUNCTIONS(SB_DECLARE)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_failure = NULL;
static char load_message[512];

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_message, sizeof load_message, "could not load libcurl (%s)", dlerror());
        load_failure = load_message;
        return;
    }
#define SB_RESOLVE(name) \
    if (!(loaded_##name = (__typeof__(name) *)dlsym(library, #name))) { \
        snprintf(load_message, sizeof load_message, "libcurl.so.4 has no %s: libcurl is too old", #name); \
        load_failure = load_message; \
        return; \
    }
    SB_CURL_FUNCTIONS(SB_RESOLVE)
    CURLcode rc = loaded_curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(load_message, sizeof load_message, "could not initialise libcurl (%s)", loaded_curl_easy_strerror(rc));
        load_failure = load_message;
    }
}

const char *sb_curl_load(void) {
    pthread_once(&load_once, load);
    return load_failure;
}

// Everything below is reached only after sb_curl_load() succeeded (CurlMultiLoop checks).

CURL *sb_curl_easy_init(void) { return loaded_curl_easy_init(); }
void sb_curl_easy_cleanup(CURL *h) { loaded_curl_easy_cleanup(h); }
void sb_curl_easy_reset(CURL *h) { loaded_curl_easy_reset(h); }
const char *sb_curl_easy_strerror(CURLcode code) { return loaded_curl_easy_strerror(code); }
CURLM *sb_curl_multi_init(void) { return loaded_curl_multi_init(); }
CURLMcode sb_curl_multi_cleanup(CURLM *m) { return loaded_curl_multi_cleanup(m); }
CURLMcode sb_curl_multi_add_handle(CURLM *m, CURL *h) { return loaded_curl_multi_add_handle(m, h); }
CURLMcode sb_curl_multi_remove_handle(CURLM *m, CURL *h) { return loaded_curl_multi_remove_handle(m, h); }
CURLMcode sb_curl_multi_perform(CURLM *m, int *running) { return loaded_curl_multi_perform(m, running); }
CURLMcode sb_curl_multi_poll(CURLM *m, struct curl_waitfd extra_fds[], unsigned int extra_nfds, int timeout_ms, int *numfds) {
    return loaded_curl_multi_poll(m, extra_fds, extra_nfds, timeout_ms, numfds);
}
CURLMcode sb_curl_multi_wakeup(CURLM *m) { return loaded_curl_multi_wakeup(m); }
CURLMsg *sb_curl_multi_info_read(CURLM *m, int *msgs_in_queue) { return loaded_curl_multi_info_read(m, msgs_in_queue); }
const char *sb_curl_multi_strerror(CURLMcode code) { return loaded_curl_multi_strerror(code); }
CURLSH *sb_curl_share_init(void) { return loaded_curl_share_init(); }
CURLSHcode sb_curl_share_cleanup(CURLSH *s) { return loaded_curl_share_cleanup(s); }
struct curl_slist *sb_curl_slist_append(struct curl_slist *list, const char *string) { return loaded_curl_slist_append(list, string); }
void sb_curl_slist_free_all(struct curl_slist *list) { loaded_curl_slist_free_all(list); }

CURLcode sb_curl_setopt_long(CURL *h, CURLoption opt, long value) { return loaded_curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_string(CURL *h, CURLoption opt, const char *value) { return loaded_curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return loaded_curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value) { return loaded_curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return loaded_curl_easy_setopt(h, opt, value); }

CURLcode sb_curl_setopt_write_callback(CURL *h, sb_curl_data_callback callback, void *userdata) {
    CURLcode rc = loaded_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, callback);
    return rc != CURLE_OK ? rc : loaded_curl_easy_setopt(h, CURLOPT_WRITEDATA, userdata);
}

CURLcode sb_curl_setopt_header_callback(CURL *h, sb_curl_data_callback callback, void *userdata) {
    CURLcode rc = loaded_curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, callback);
    return rc != CURLE_OK ? rc : loaded_curl_easy_setopt(h, CURLOPT_HEADERDATA, userdata);
}

CURLcode sb_curl_setopt_copy_post_fields(CURL *h, const void *data, curl_off_t size) {
    // The size must be set first: COPYPOSTFIELDS copies POSTFIELDSIZE bytes (strlen if unset).
    CURLcode rc = loaded_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
    return rc != CURLE_OK ? rc : loaded_curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, size > 0 ? data : "");
}

CURLcode sb_curl_getinfo_long(CURL *h, CURLINFO info, long *out) { return loaded_curl_easy_getinfo(h, info, out); }
CURLcode sb_curl_getinfo_string(CURL *h, CURLINFO info, const char **out) { return loaded_curl_easy_getinfo(h, info, out); }
CURLcode sb_curl_getinfo_off_t(CURL *h, CURLINFO info, curl_off_t *out) { return loaded_curl_easy_getinfo(h, info, out); }

CURLMcode sb_curl_multi_setopt_long(CURLM *m, CURLMoption opt, long value) { return loaded_curl_multi_setopt(m, opt, value); }

CURLSHcode sb_curl_share_setopt_int(CURLSH *s, CURLSHoption opt, int value) { return loaded_curl_share_setopt(s, opt, value); }

size_t sb_curl_error_size(void) { return CURL_ERROR_SIZE; }

void sb_name_this_thread(const char *name) { pthread_setname_np(pthread_self(), name); }
