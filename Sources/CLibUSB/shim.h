// libusb-1.0 for Swift. Nothing here but the include: libusb's API has no variadic functions Swift cannot call
// (libusb_set_option is variadic, and storegate does not use it). Delete this shim if SwiftPM learns to take a
// system header directly.
#include <libusb-1.0/libusb.h>
