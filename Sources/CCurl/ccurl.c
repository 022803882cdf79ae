#include "ccurl.h"
#include <pthread.h>

static pthread_once_t sb_global_once = PTHREAD_ONCE_INIT;
static CURLcode sb_global_result = CURLE_OK;
static void sb_global_init_once(void) { sb_global_result = curl_global_init(CURL_GLOBAL_DEFAULT); }
CURLcode sb_curl_global_init(void) {
    pthread_once(&sb_global_once, sb_global_init_once);
    return sb_global_result;
}

CURLcode sb_curl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_off_t(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode sb_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return curl_easy_setopt(h, opt, value); }

CURLcode sb_curl_setopt_write_callback(CURL *h, sb_curl_data_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, callback);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_WRITEDATA, userdata);
}

CURLcode sb_curl_setopt_header_callback(CURL *h, sb_curl_data_callback callback, void *userdata) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, callback);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_HEADERDATA, userdata);
}

CURLcode sb_curl_setopt_copy_post_fields(CURL *h, const void *data, curl_off_t size) {
    // The size must be set first: COPYPOSTFIELDS copies POSTFIELDSIZE bytes (strlen if unset).
    CURLcode rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, size > 0 ? data : "");
}

CURLcode sb_curl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode sb_curl_getinfo_string(CURL *h, CURLINFO info, const char **out) { return curl_easy_getinfo(h, info, out); }
CURLcode sb_curl_getinfo_off_t(CURL *h, CURLINFO info, curl_off_t *out) { return curl_easy_getinfo(h, info, out); }

CURLMcode sb_curl_multi_setopt_long(CURLM *m, CURLMoption opt, long value) { return curl_multi_setopt(m, opt, value); }

CURLSHcode sb_curl_share_setopt_int(CURLSH *s, CURLSHoption opt, int value) { return curl_share_setopt(s, opt, value); }

size_t sb_curl_error_size(void) { return CURL_ERROR_SIZE; }
