// The functions are header-only; this file gives SwiftPM a C target to compile.
#include "CVectorMath.h"
