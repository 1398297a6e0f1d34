#!/usr/bin/env python3
"""qmp-agent.py SOCKET - the host side of the lab's QEMU-level hot-plug scenario.

Reads the guest's serial console on stdin and copies it to stdout. A console line
    LABQMP type TEXT     types TEXT into the emulated usb-kbd ({GS} = Ctrl+], {ENTER} = Enter)
    LABQMP unplug ID     device_del ID (the usb-kbd is gone from the guest's xHCI bus)
    LABQMP plug ID       device_add usb-kbd,id=ID on the xHCI bus again
is carried out over QMP (SOCKET is qemu's -qmp unix socket), in order; the guest sees the effect (scans, status
lines of storegate), so nothing is sent back. Typing is paced at 25 characters per second: QEMU's usb-kbd hands
the guest one key event per 8 ms poll from a 16-event queue and drops the rest.
"""
import json
import socket
import sys
import time

KEYS_PER_SECOND = 25


def keys(text):
    """(modifiers, qcode) per character; {GS} is Ctrl+], {ENTER} is Enter (US layout)."""
    result, i = [], 0
    while i < len(text):
        if text.startswith("{GS}", i):
            result.append((["ctrl"], "bracket_right")); i += 4; continue
        if text.startswith("{ENTER}", i):
            result.append(([], "ret")); i += 7; continue
        ch = text[i]; i += 1
        if ch.isdigit() or ("a" <= ch <= "z"):
            result.append(([], ch))
        elif "A" <= ch <= "Z":
            result.append((["shift"], ch.lower()))
        elif ch == "]":
            result.append(([], "bracket_right"))
        elif ch == "-":
            result.append(([], "minus"))
        else:
            raise ValueError(f"no key for {ch!r}")
    return result


class QMP:
    def __init__(self, path):
        self.path, self.file = path, None

    def connect(self):
        for _ in range(600):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit(f"qmp-agent: cannot connect to {self.path}")
        self.file = s.makefile("rw")
        self.file.readline()  # greeting
        self.call("qmp_capabilities")

    def call(self, command, **arguments):
        if self.file is None and command != "qmp_capabilities":
            self.connect()
        self.file.write(json.dumps({"execute": command, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                print(f"LABQMP-ERROR {command}: {reply['error']}", flush=True)
            return reply

    def type(self, text):
        for modifiers, key in keys(text):
            mods = [{"type": "qcode", "data": m} for m in modifiers]
            key = {"type": "qcode", "data": key}
            events = [{"type": "key", "data": {"down": True, "key": m}} for m in mods]
            events += [{"type": "key", "data": {"down": True, "key": key}}, {"type": "key", "data": {"down": False, "key": key}}]
            events += [{"type": "key", "data": {"down": False, "key": m}} for m in reversed(mods)]
            self.call("input-send-event", events=events)
            time.sleep(1 / KEYS_PER_SECOND)


def main():
    qmp = QMP(sys.argv[1])
    for line in sys.stdin:
        sys.stdout.write(line)
        sys.stdout.flush()
        words = line.rstrip("\r\n").split(" ", 2)
        if words[0] != "LABQMP" or len(words) < 3:
            continue
        verb, argument = words[1], words[2]
        try:
            if verb == "type":
                qmp.type(argument)
            elif verb == "unplug":
                qmp.call("device_del", id=argument)
            elif verb == "plug":
                qmp.call("device_add", driver="usb-kbd", id=argument, bus="xhci.0")
            else:
                raise ValueError(f"unknown request {verb!r}")
            print(f"LABQMP-DONE {verb}", flush=True)
        except ValueError as error:
            # The guest's check then fails on what it did not see; the console keeps flowing.
            print(f"LABQMP-ERROR {error}", flush=True)


if __name__ == "__main__":
    main()
