"""What the soak scripts share: free ports, waiting, the ledger's length, the independent subscriber, and children
that never outlive a run."""
import json, socket, subprocess, sys, threading, time

import paho.mqtt.client as mqtt

CHILDREN = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_connect(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_for(what, predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    sys.exit(f"FAIL: timed out waiting for {what}")


def start_broker(work):
    """A private mosquitto on a free loopback port, its QoS 1 queue unlimited (mosquitto's default of 1,000 drops
    messages a long-offline subscriber should get); returns the port and the process."""
    port = free_port()
    with open(f"{work}/mosquitto.conf", "w") as conf:
        conf.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
    broker = subprocess.Popen(["mosquitto", "-c", f"{work}/mosquitto.conf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    CHILDREN.append(broker)
    wait_for("the broker", lambda: can_connect(port), 10)
    return port, broker


def new_ledger(binary, db, codes, work):
    """`storegate ledger init` as store S1 and `storegate import` of `codes` (canonical ids)."""
    subprocess.run([binary, "ledger", "init", "--db", db, "--store-id", "S1", "--region", "EU-DE"], check=True, stdout=subprocess.DEVNULL)
    with open(f"{work}/codes.csv", "w") as csv:
        csv.write("code\n" + "\n".join(codes) + "\n")
    subprocess.run([binary, "import", "--db", db, f"{work}/codes.csv"], check=True, stdout=subprocess.DEVNULL)


def journal_length(binary, db):
    stats = subprocess.run([binary, "ledger", "stats", "--db", db, "--json"], capture_output=True, text=True).stdout
    return int(json.loads(stats)["journal_length"])


def run(main):
    """Runs `main`; on every exit, failures included, no broker or gateway it started outlives the soak."""
    try:
        main()
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()


class Witness:
    """The independent subscriber (paho-mqtt, QoS 1, a persistent session): every event payload by seq, how many
    arrived more than once, and the seqs that arrived again with other bytes."""

    def __init__(self, port, client_id="soak-witness"):
        self.lock = threading.Lock()
        self.events = {}
        self.duplicates = 0
        self.altered = []
        self.subscribed = threading.Event()
        self.client = mqtt.Client(client_id=client_id, clean_session=False)
        self.client.on_connect = lambda c, u, f, rc: c.subscribe("storegate/v1/+/+/events", qos=1)
        self.client.on_subscribe = lambda *a: self.subscribed.set()
        self.client.on_message = self.received
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def received(self, client, userdata, message):
        event = json.loads(message.payload)
        with self.lock:
            if event["seq"] in self.events:
                self.duplicates += 1
                if self.events[event["seq"]] != message.payload:
                    self.altered.append(event["seq"])
            self.events[event["seq"]] = message.payload

    def count(self):
        with self.lock:
            return len(self.events)
