#include "vigil_signal.h"
int vigil_signal_placeholder(void) { return 0; }
