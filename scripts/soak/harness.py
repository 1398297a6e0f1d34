"""What the soak scripts share: free ports, waiting, the ledger's length, and children that never outlive a run."""
import json, socket, subprocess, sys, time

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
