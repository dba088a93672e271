// Wrappers over ICU's C API (after swift-numerics' _NumericsShims), with a prefix of their own.
//
// ICU's C names are version-renaming macros (u_charType → u_charType_72) that Swift cannot
// import, so the calls live in shim.c, where the macros expand. This header names no ICU type
// on purpose: Foundation on Linux carries its own ICU (_FoundationICU), and a module that saw
// both sets of ICU headers would fail to build with "'UErrorCode' has different definitions".
#ifndef NMT_CICU_H
#define NMT_CICU_H

#include <stdint.h>

/// The general categories and bidirectional classes Swift code asks about, with ICU's values
/// (`UCharCategory`, `UCharDirection`; shim.c checks them against ICU's headers).
enum {
    NMT_ICU_DECIMAL_DIGIT_NUMBER = 9,
    NMT_ICU_LETTER_NUMBER = 10,
    NMT_ICU_OTHER_NUMBER = 11,
    NMT_ICU_SPACE_SEPARATOR = 12,
    NMT_ICU_CURRENCY_SYMBOL = 25,
    NMT_ICU_OTHER_SYMBOL = 27,
};
enum {
    NMT_ICU_BLOCK_SEPARATOR = 7,
    NMT_ICU_SEGMENT_SEPARATOR = 8,
    NMT_ICU_WHITE_SPACE_NEUTRAL = 9,
};

/// General category of a scalar (`UCharCategory`).
int32_t nmt_icu_char_type(uint32_t c);
/// Bidirectional class of a scalar (`UCharDirection`).
int32_t nmt_icu_char_direction(uint32_t c);
/// Unicode's Alphabetic property.
int nmt_icu_is_alphabetic(uint32_t c);
/// Unicode's Lowercase property.
int nmt_icu_is_lowercase(uint32_t c);
/// Unicode's Uppercase property.
int nmt_icu_is_uppercase(uint32_t c);
/// Unicode's White_Space property.
int nmt_icu_is_white_space(uint32_t c);
/// Unicode's Default_Ignorable_Code_Point property (zero-width characters and the like).
int nmt_icu_is_default_ignorable(uint32_t c);
/// POSIX alnum: Alphabetic or Decimal_Number.
int nmt_icu_is_posix_alnum(uint32_t c);
/// Simple (one-to-one) lowercase mapping.
uint32_t nmt_icu_to_lower(uint32_t c);
/// Simple (one-to-one) uppercase mapping.
uint32_t nmt_icu_to_upper(uint32_t c);
/// The Unicode version of ICU's data (major, minor, milli, micro).
void nmt_icu_unicode_version(uint8_t out[4]);

/// NFC_Quick_Check of a scalar: 0 no, 1 yes, 2 maybe (`UNormalizationCheckResult`).
int32_t nmt_icu_nfc_quick_check(uint32_t c);

/// The shared NFC normalizer (an ICU `UNormalizer2 *`), or NULL on failure. Owned by ICU.
const void *nmt_icu_nfc(void);
/// Length of the prefix of `src` (UTF-16) that is certainly NFC already (quick check "yes").
int32_t nmt_icu_nfc_span(const void *normalizer, const uint16_t *src, int32_t length);
/// NFC of `src` (UTF-16) into `dest`; returns the length needed (may exceed `capacity`), or -1.
int32_t nmt_icu_nfc_normalize(const void *normalizer, const uint16_t *src, int32_t length,
                              uint16_t *dest, int32_t capacity);
/// Full lowercase mapping (root locale) of `src` (UTF-16) into `dest`; returns the length needed, or -1.
int32_t nmt_icu_str_to_lower(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity);

#endif
