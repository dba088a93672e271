// The ICU calls behind CICU.h. Only this file sees ICU's headers (see CICU.h for why).
#include "CICU.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

_Static_assert(NMT_ICU_DECIMAL_DIGIT_NUMBER == U_DECIMAL_DIGIT_NUMBER, "ICU category");
_Static_assert(NMT_ICU_LETTER_NUMBER == U_LETTER_NUMBER, "ICU category");
_Static_assert(NMT_ICU_OTHER_NUMBER == U_OTHER_NUMBER, "ICU category");
_Static_assert(NMT_ICU_SPACE_SEPARATOR == U_SPACE_SEPARATOR, "ICU category");
_Static_assert(NMT_ICU_CURRENCY_SYMBOL == U_CURRENCY_SYMBOL, "ICU category");
_Static_assert(NMT_ICU_OTHER_SYMBOL == U_OTHER_SYMBOL, "ICU category");
_Static_assert(NMT_ICU_BLOCK_SEPARATOR == U_BLOCK_SEPARATOR, "ICU direction");
_Static_assert(NMT_ICU_SEGMENT_SEPARATOR == U_SEGMENT_SEPARATOR, "ICU direction");
_Static_assert(NMT_ICU_WHITE_SPACE_NEUTRAL == U_WHITE_SPACE_NEUTRAL, "ICU direction");

int32_t nmt_icu_char_type(uint32_t c) { return (int32_t)u_charType((UChar32)c); }
int32_t nmt_icu_char_direction(uint32_t c) { return (int32_t)u_charDirection((UChar32)c); }
int nmt_icu_is_alphabetic(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_ALPHABETIC); }
int nmt_icu_is_lowercase(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_LOWERCASE); }
int nmt_icu_is_uppercase(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_UPPERCASE); }
int nmt_icu_is_white_space(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_WHITE_SPACE); }
int nmt_icu_is_default_ignorable(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT); }
int nmt_icu_is_posix_alnum(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_POSIX_ALNUM); }
uint32_t nmt_icu_to_lower(uint32_t c) { return (uint32_t)u_tolower((UChar32)c); }
uint32_t nmt_icu_to_upper(uint32_t c) { return (uint32_t)u_toupper((UChar32)c); }
int32_t nmt_icu_nfc_quick_check(uint32_t c) {
    return (int32_t)u_getIntPropertyValue((UChar32)c, UCHAR_NFC_QUICK_CHECK);
}
void nmt_icu_unicode_version(uint8_t out[4]) { u_getUnicodeVersion(out); }

const void *nmt_icu_nfc(void) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFCInstance(&status);
    return U_FAILURE(status) ? 0 : (const void *)n;
}

int32_t nmt_icu_nfc_span(const void *normalizer, const uint16_t *src, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t span = unorm2_spanQuickCheckYes((const UNormalizer2 *)normalizer, (const UChar *)src, length, &status);
    return U_FAILURE(status) ? 0 : span;
}

int32_t nmt_icu_nfc_normalize(const void *normalizer, const uint16_t *src, int32_t length,
                              uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = unorm2_normalize((const UNormalizer2 *)normalizer, (const UChar *)src, length,
                                      (UChar *)dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    return U_FAILURE(status) ? -1 : needed;
}

int32_t nmt_icu_str_to_lower(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = u_strToLower((UChar *)dest, capacity, (const UChar *)src, length, "", &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    return U_FAILURE(status) ? -1 : needed;
}
