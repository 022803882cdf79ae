#ifndef SWITCHBOARD_CQRENCODE_SHIM_H
#define SWITCHBOARD_CQRENCODE_SHIM_H
// libqrencode (Debian: libqrencode-dev). The only place Switchboard includes it.
#include <qrencode.h>
#endif
