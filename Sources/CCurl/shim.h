#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call; these typed wrappers can be.
static inline CURLcode promshard_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode promshard_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode promshard_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode promshard_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
typedef size_t (*promshard_write_cb)(char *, size_t, size_t, void *);
static inline CURLcode promshard_curl_setopt_write(CURL *h, promshard_write_cb cb) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
static inline CURLcode promshard_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

// curl_global_init's flag macros are composite and not imported into Swift.
static inline CURLcode promshard_curl_global_init_default(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

// Progress (xferinfo) callback: a non-zero return aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
typedef int (*promshard_xferinfo_cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode promshard_curl_setopt_xferinfo(CURL *h, promshard_xferinfo_cb cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }
