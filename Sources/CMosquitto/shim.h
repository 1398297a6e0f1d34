// Only includes libmosquitto's headers: everything storegate calls is non-variadic, so no wrappers are needed.
// mqtt_protocol.h holds the MQTT v5 property and reason-code constants. Reached through pkg-config
// (libmosquitto), installed by the Debian package libmosquitto-dev.
#include <mosquitto.h>
#include <mqtt_protocol.h>
