#include "config.h"
#include "tap.h"
int main(void) { tap_plan(1); ok(1, "x"); return tap_exit(); }
