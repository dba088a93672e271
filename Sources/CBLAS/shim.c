// The wrappers are header-only; this file gives SwiftPM a C target to compile.
#include "CBLAS.h"
