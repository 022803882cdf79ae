#ifndef SWITCHBOARD_CCURL_H
#define SWITCHBOARD_CCURL_H
#include <curl/curl.h>

// Typed wrappers over libcurl's variadic functions (curl_easy_setopt, curl_easy_getinfo,
// curl_multi_setopt), which Swift cannot call. One wrapper per argument type.

/// curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process (thread-safe).
CURLcode sb_curl_global_init(void);

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

#endif
