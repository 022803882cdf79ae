#ifndef SWITCHBOARD_CCURL_H
#define SWITCHBOARD_CCURL_H
#include <curl/curl.h>
// Typed wrappers over the variadic curl_easy_setopt/getinfo, which Swift cannot call.
CURLcode sb_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode sb_curl_setopt_string(CURL *h, CURLoption opt, const char *value);
#endif
