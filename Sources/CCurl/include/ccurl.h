#ifndef SWITCHBOARD_CCURL_H
#define SWITCHBOARD_CCURL_H
#include <curl/curl.h>

// libcurl is loaded with dlopen on first use, not linked: linking it makes the dynamic
// loader map and relocate libcurl's thirty dependent libraries (TLS, Kerberos, LDAP, ...)
// at the start of every command, about 6 ms, while most commands never make a request.
// <curl/curl.h> is used for types and constants only; call libcurl through the sb_
// functions below (the plain curl_ names are not linked and fail at link time).
//
// The sb_curl_setopt_* and sb_curl_getinfo_* functions are also typed wrappers over
// libcurl's variadic functions, which Swift cannot call: one wrapper per argument type.

/// Loads libcurl.so.4, resolves every function used, and runs
/// curl_global_init(CURL_GLOBAL_DEFAULT), exactly once per process (thread-safe).
/// Returns NULL on success, else a sentence saying what failed (static storage).
const char *sb_curl_load(void);

CURL *sb_curl_easy_init(void);
void sb_curl_easy_cleanup(CURL *h);
void sb_curl_easy_reset(CURL *h);
const char *sb_curl_easy_strerror(CURLcode code);
CURLM *sb_curl_multi_init(void);
CURLMcode sb_curl_multi_cleanup(CURLM *m);
CURLMcode sb_curl_multi_add_handle(CURLM *m, CURL *h);
CURLMcode sb_curl_multi_remove_handle(CURLM *m, CURL *h);
CURLMcode sb_curl_multi_perform(CURLM *m, int *running);
CURLMcode sb_curl_multi_poll(CURLM *m, struct curl_waitfd extra_fds[], unsigned int extra_nfds, int timeout_ms, int *numfds);
CURLMcode sb_curl_multi_wakeup(CURLM *m);
CURLMsg *sb_curl_multi_info_read(CURLM *m, int *msgs_in_queue);
const char *sb_curl_multi_strerror(CURLMcode code);
CURLSH *sb_curl_share_init(void);
CURLSHcode sb_curl_share_cleanup(CURLSH *s);
struct curl_slist *sb_curl_slist_append(struct curl_slist *list, const char *string);
void sb_curl_slist_free_all(struct curl_slist *list);

/// The signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*sb_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);

CURLcode sb_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode sb_curl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode sb_curl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode sb_curl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value);
CURLcode sb_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);

/// Sets CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA together.
CURLcode sb_curl_setopt_write_callback(CURL *h, sb_curl_data_callback callback, void *userdata);
/// Sets CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA together.
CURLcode sb_curl_setopt_header_callback(CURL *h, sb_curl_data_callback callback, void *userdata);
/// Sets CURLOPT_POSTFIELDSIZE_LARGE then CURLOPT_COPYPOSTFIELDS, so libcurl owns a copy of
/// exactly `size` bytes (binary-safe; the caller's buffer may be freed right after).
CURLcode sb_curl_setopt_copy_post_fields(CURL *h, const void *data, curl_off_t size);

CURLcode sb_curl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode sb_curl_getinfo_string(CURL *h, CURLINFO info, const char **out);
CURLcode sb_curl_getinfo_off_t(CURL *h, CURLINFO info, curl_off_t *out);

CURLMcode sb_curl_multi_setopt_long(CURLM *m, CURLMoption opt, long value);
/// curl_share_setopt for the options that take an int (CURLSHOPT_SHARE, CURLSHOPT_UNSHARE).
CURLSHcode sb_curl_share_setopt_int(CURLSH *s, CURLSHoption opt, int value);

/// CURL_ERROR_SIZE, which does not import into Swift as a usable constant everywhere.
size_t sb_curl_error_size(void);

/// Names the calling thread for the kernel (ps, top, perf; at most 15 bytes), which
/// Foundation's Thread.name does not reach on Linux.
void sb_name_this_thread(const char *name);

#endif
