// Prefixed inline wrappers over ICU's C API (after swift-numerics' _NumericsShims).
// ICU's C names are version-renaming macros (u_charType → u_charType_72) that Swift
// cannot import; these functions are plain C, so the macros expand here.
#ifndef NMT_CICU_H
#define NMT_CICU_H

#include <stdint.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

/// General category of a scalar (U_UPPERCASE_LETTER …), as `UCharCategory`.
static inline int32_t nmt_icu_char_type(uint32_t c) { return (int32_t)u_charType((UChar32)c); }
/// Unicode's Alphabetic property.
static inline int nmt_icu_is_alphabetic(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_ALPHABETIC); }
/// Unicode's Lowercase property.
static inline int nmt_icu_is_lowercase(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_LOWERCASE); }
/// Unicode's Uppercase property.
static inline int nmt_icu_is_uppercase(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_UPPERCASE); }
/// Unicode's White_Space property.
static inline int nmt_icu_is_white_space(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_WHITE_SPACE); }
/// Unicode's Default_Ignorable_Code_Point property (zero-width characters and the like).
static inline int nmt_icu_is_default_ignorable(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT); }
/// POSIX alnum in Unicode's sense (UTS #18): Alphabetic or Decimal_Number.
static inline int nmt_icu_is_posix_alnum(uint32_t c) { return u_hasBinaryProperty((UChar32)c, UCHAR_POSIX_ALNUM); }
/// Bidirectional class of a scalar (U_WHITE_SPACE_NEUTRAL …), as `UCharDirection`.
static inline int32_t nmt_icu_char_direction(uint32_t c) { return (int32_t)u_charDirection((UChar32)c); }
/// Any binary property by its `UProperty` number.
static inline int nmt_icu_has_binary_property(uint32_t c, int32_t property) { return u_hasBinaryProperty((UChar32)c, (UProperty)property); }
/// Simple (one-to-one) lowercase mapping.
static inline uint32_t nmt_icu_to_lower(uint32_t c) { return (uint32_t)u_tolower((UChar32)c); }
/// Simple (one-to-one) uppercase mapping.
static inline uint32_t nmt_icu_to_upper(uint32_t c) { return (uint32_t)u_toupper((UChar32)c); }
/// The Unicode version ICU's data implements, as "15.0" (major, minor).
static inline void nmt_icu_unicode_version(uint8_t out[4]) { u_getUnicodeVersion(out); }

/// The shared NFC normalizer instance, or NULL on failure. Owned by ICU; never freed.
static inline const UNormalizer2 *nmt_icu_nfc(void) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = unorm2_getNFCInstance(&status);
    return U_FAILURE(status) ? 0 : n;
}

/// Length of the prefix of `src` (UTF-16) that is already NFC (quick check "yes").
static inline int32_t nmt_icu_nfc_span(const UNormalizer2 *n, const uint16_t *src, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t span = unorm2_spanQuickCheckYes(n, (const UChar *)src, length, &status);
    return U_FAILURE(status) ? 0 : span;
}

/// NFC of `src` (UTF-16) into `dest`; returns the needed length (may exceed `capacity`), or -1 on error.
static inline int32_t nmt_icu_nfc_normalize(const UNormalizer2 *n, const uint16_t *src, int32_t length,
                                            uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = unorm2_normalize(n, (const UChar *)src, length, (UChar *)dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    return U_FAILURE(status) ? -1 : needed;
}

/// Full lowercase mapping (root locale) of `src` (UTF-16) into `dest`; returns the needed length, or -1.
static inline int32_t nmt_icu_str_to_lower(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = u_strToLower((UChar *)dest, capacity, (const UChar *)src, length, "", &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    return U_FAILURE(status) ? -1 : needed;
}

#endif
