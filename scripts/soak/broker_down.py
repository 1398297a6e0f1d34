#!/usr/bin/python3
"""Soak: the broker goes down for SECONDS under a steady scan load and comes back. While it is away the tills keep
getting answers (the ledger decides, the outbox keeps the events); afterwards every event reaches an independent
subscriber (paho-mqtt, QoS 1, a persistent session the broker keeps across its restart), the gateway's resident
memory stays flat while the backlog grows, and the journal's own order is kept within the backlog.

Prints its figures as one JSON line; exits 1 on the first broken promise.
usage: broker_down.py STOREGATE_BINARY [--down SECONDS] [--rate REQUESTS_PER_SECOND]
"""
import argparse, http.client, json, os, signal, subprocess, sys, tempfile, threading, time

import paho.mqtt.client as mqtt

from harness import CHILDREN, can_connect, free_port, journal_length, run, wait_for


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("storegate")
    arguments.add_argument("--down", type=float, default=600)
    arguments.add_argument("--rate", type=float, default=20)
    options = arguments.parse_args()
    binary = options.storegate
    work = tempfile.mkdtemp(prefix="storegate-broker-down-")
    # mosquitto started as root drops to its own user, which must write its persistence file here.
    os.chmod(work, 0o777)

    broker_port = free_port()
    with open(f"{work}/mosquitto.conf", "w") as conf:
        # Persistence: the subscriber's session and what is queued for it survive the restart.
        conf.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
                   f"persistence true\npersistence_location {work}/\n")
    start_broker = lambda: subprocess.Popen(["mosquitto", "-c", f"{work}/mosquitto.conf"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    broker = start_broker()
    CHILDREN.append(broker)
    wait_for("the broker", lambda: can_connect(broker_port), 10)

    db = f"{work}/ledger.sqlite"
    subprocess.run([binary, "ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"], check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([binary, "api", "token", "add", "--db", db, "--till", "T1", "--scopes", "verify"],
                           check=True, capture_output=True, text=True).stdout.strip()

    arrivals, lock = [], threading.Lock()
    witness = mqtt.Client(client_id="soak-witness", clean_session=False)
    witness.on_connect = lambda c, u, f, rc: c.subscribe("storegate/v1/+/+/events", qos=1)
    def received(client, userdata, message):
        with lock:
            arrivals.append(json.loads(message.payload)["seq"])
    witness.on_message = received
    witness.reconnect_delay_set(min_delay=1, max_delay=2)
    witness.connect("127.0.0.1", broker_port)
    witness.loop_start()

    api_port = free_port()
    log = open(f"{work}/gateway.log", "ab")
    gateway = subprocess.Popen([binary, "run", "--db", db, "--broker", f"mqtt://127.0.0.1:{broker_port}",
                                "--api", f"127.0.0.1:{api_port}", "--log-level", "warning"], stdout=log, stderr=log)
    CHILDREN.append(gateway)
    wait_for("the API", lambda: can_connect(api_port), 30)

    # A steady till: one verify every 1/rate s (verifies of unknown codes: journaled, never shed below the limit).
    answered, stop = [0], threading.Event()
    def till():
        number = 0
        while not stop.is_set():
            number += 1
            connection = http.client.HTTPConnection("127.0.0.1", api_port, timeout=10)
            connection.request("POST", "/v1/verify", body=json.dumps({"scan": f"01/09506000134352/21/DOWN{number}"}),
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                sys.exit(f"FAIL: the till got {reply.status} while the broker was away")
            answered[0] += 1
            time.sleep(1 / options.rate)
    thread = threading.Thread(target=till, daemon=True)
    thread.start()

    time.sleep(5)
    rss_before = rss_kib(gateway.pid)
    broker.send_signal(signal.SIGTERM)
    broker.wait()
    went_down = time.monotonic()
    rss_during = []
    while time.monotonic() - went_down < options.down:
        time.sleep(min(5, options.down / 10))
        rss_during.append(rss_kib(gateway.pid))
    answered_while_down = answered[0]
    broker = start_broker()
    CHILDREN.append(broker)
    wait_for("the broker back", lambda: can_connect(broker_port), 10)
    came_back = time.monotonic()
    time.sleep(5)
    stop.set()
    thread.join()

    total = journal_length(binary, db)
    deadline = time.monotonic() + 300
    while len(set(arrivals)) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    if len(set(arrivals)) < total:
        with lock:
            seen = set(arrivals)
        missing = sorted(set(range(1, total + 1)) - seen)
        sys.exit(f"FAIL: {len(missing)} of {total} events never reached the subscriber: seqs {missing[0]}–{missing[-1]} "
                 f"(gateway log: {work}/gateway.log)")
    drained = time.monotonic()
    gateway.send_signal(signal.SIGTERM)
    if gateway.wait(30) != 0:
        sys.exit(f"FAIL: the gateway exited with {gateway.returncode}")
    witness.loop_stop()
    broker.terminate()

    total = journal_length(binary, db)
    with lock:
        seen = set(arrivals)
    missing = set(range(1, total + 1)) - seen
    # What waited in the outbox goes out oldest first: the first arrivals after the restart climb.
    backlog_order = [seq for seq in dict.fromkeys(arrivals) if seq <= answered_while_down]
    climbs = all(a < b for a, b in zip(backlog_order, backlog_order[1:]))
    growth = max(rss_during) - rss_before
    result = {
        "down_seconds": options.down, "rate": options.rate, "events": total, "answered_while_down": answered_while_down,
        "missing": len(missing), "duplicates": len(arrivals) - len(seen), "backlog_in_order": climbs,
        "drain_seconds_after_restart": round(drained - came_back, 1),
        "rss_kib_before": rss_before, "rss_kib_max_while_down": max(rss_during), "rss_growth_kib": growth,
    }
    print(json.dumps(result))
    if missing:
        sys.exit(f"FAIL: {len(missing)} events never reached the subscriber")
    if growth > 4096:
        sys.exit(f"FAIL: resident memory grew by {growth} KiB while the backlog built up")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    run(main)
