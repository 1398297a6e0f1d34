#!/usr/bin/python3
"""Soak: the ledger's own small file system (an ext4 image, loop-mounted) fills up while tills redeem, CYCLES
times. Each cycle: a filler file takes every free block; the tills go on redeeming (the gateway gives back its disk
reserve and commits from it, then refuses with `not_recorded` once that is used up too); HQ publishes a signed
revocation into the full disk; the gateway is SIGKILLed and started again on the full disk; the filler is removed
and the gateway must take its reserve back and redeem again without a restart.

Afterwards four witnesses must agree:
- the tills' answers: every redemption answered `accepted` is in the journal at the seq it was answered with, and
  nothing answered `not_recorded` is;
- the ledger: `storegate ledger check` and SQLite's `PRAGMA integrity_check` pass, no code is redeemed twice;
- the downlink: every revocation published into a full disk was applied exactly once (its journal event, the
  code's state) and reported;
- an independent subscriber (paho-mqtt, QoS 1): every journal event arrived, unaltered.

Needs root (mount). Prints its figures as one JSON line; exits 1 on the first broken promise.
usage: disk_full.py STOREGATE_BINARY [--cycles N] [--megabytes M]
"""
import argparse, errno, http.client, json, os, signal, sqlite3, subprocess, sys, tempfile, threading, time


from harness import CHILDREN, Witness, can_connect, free_port, journal_length, new_ledger, run, start_broker, wait_for

GTIN = "09506000134352"


class Till(threading.Thread):
    """Redeems fresh codes one after another (every tenth one a second time, which must be refused) until stopped;
    keeps every answer: (code, HTTP status, result or error, seq, when)."""

    def __init__(self, port, token, codes):
        super().__init__(daemon=True)
        self.port, self.token, self.codes = port, token, codes
        self.answers = []
        self.stopped = threading.Event()

    def redeem(self, code):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port(), timeout=10)
            connection.request("POST", "/v1/redeem", body=json.dumps({"scan": code}),
                               headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            reply = connection.getresponse()
            body = json.loads(reply.read() or b"{}")
            connection.close()
        except (OSError, http.client.HTTPException, ValueError):
            return None  # the gateway was killed or is starting: this request's outcome is unknown, and that is allowed
        outcome = body.get("result") if reply.status == 200 else body.get("error", {}).get("code")
        self.answers.append((code, reply.status, outcome, body.get("seq"), time.monotonic()))
        return reply.status

    def run(self):
        while not self.stopped.is_set():
            if not self.codes:
                return
            code = self.codes.pop()
            status = self.redeem(code)
            if status == 200 and len(self.answers) % 10 == 0:
                self.redeem(code)
            if status != 200:
                self.codes.append(code)  # not recorded (or unknown): try the code again later
            # About 100 a second: a busy store, and the journal (never pruned) must fit the small disk for every cycle.
            time.sleep(0.01)


def fill(directory):
    """Takes every free block of the file system with one file; returns its path."""
    path = os.path.join(directory, "filler")
    with open(path, "wb", buffering=0) as filler:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9):
            block = b"\0" * chunk
            while True:
                try:
                    filler.write(block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
        os.fsync(filler.fileno())
    return path


def reserve_held(status_file, newer_than_ms=0):
    """What the gateway's last status says of its disk reserve (the file is written whole, by rename); None for a
    status older than `newer_than_ms`."""
    try:
        with open(status_file) as file:
            status = json.load(file)
    except (OSError, ValueError):
        return None
    return status["disk"]["reserve_held"] if status["time_ms"] > newer_than_ms else None


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("storegate")
    arguments.add_argument("--cycles", type=int, default=20)
    arguments.add_argument("--megabytes", type=int, default=96)
    options = arguments.parse_args()
    binary = options.storegate
    started = time.monotonic()

    work = tempfile.mkdtemp(prefix="storegate-disk-full-")
    disk = f"{work}/disk"
    os.mkdir(disk)
    subprocess.run(["truncate", "-s", f"{options.megabytes}M", f"{work}/disk.img"], check=True)
    # 4 KiB blocks, as ext4 has on any disk a store box boots from. mke2fs gives a file system this small 1 KiB
    # blocks, and there SQLite's WAL index can kill the process with SIGBUS when the disk is full: SQLite grows the
    # mapped -shm file by writing the last byte of each 4 KiB page, which allocates only that page's last 1 KiB block;
    # the first write into the other three through the mapping, with no block left, is a SIGBUS (seen once in CI).
    subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-b", "4096", f"{work}/disk.img"], check=True)
    subprocess.run(["mount", "-o", "loop", f"{work}/disk.img", disk], check=True)
    try:
        soak(binary, options, work, disk, started)
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()
                child.wait()
        # A process just killed may hold the file system a moment longer.
        for _ in range(20):
            if subprocess.run(["umount", disk], stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.25)
        else:
            subprocess.run(["umount", "--lazy", disk])
    subprocess.run(["rm", "-rf", work])


def soak(binary, options, work, disk, started):
    broker_port, broker = start_broker(work)
    db = f"{disk}/ledger.sqlite"
    status_file = f"{work}/status.json"  # beside the full disk, so the soak can always read it
    codes = [f"01/{GTIN}/21/FULL{i}" for i in range(options.cycles * 3000 + 100)]
    new_ledger(binary, db, codes, work)
    token = subprocess.run([binary, "api", "token", "add", "--db", db, "--till", "T1", "--scopes", "redeem"],
                           check=True, capture_output=True, text=True).stdout.strip()
    key = f"{work}/hq.key"
    public_key = subprocess.run([binary, "hq", "keygen", "--key-id", "hq-1", "--out", key],
                                check=True, capture_output=True, text=True).stdout.strip().split()[-1]
    subprocess.run([binary, "hq", "trust", "--db", db, "--key-id", "hq-1", "--public-key", public_key], check=True, stdout=subprocess.DEVNULL)

    api_port = [free_port()]
    config = f"{work}/storegate.toml"
    with open(config, "w") as conf:
        conf.write(f'[gateway]\ndb = "{db}"\nstatus_file = "{status_file}"\n'
                   f'[mqtt]\nurl = "mqtt://127.0.0.1:{broker_port}"\n'
                   f'[disk]\nreserve_mib = 2\nlow_space_mib = 4\n')
    witness = Witness(broker_port, client_id="disk-full-witness")
    witness.subscribed.wait(10)
    log = open(f"{work}/gateway.log", "ab")

    def start_gateway():
        api_port[0] = free_port()
        gateway = subprocess.Popen([binary, "run", "--config", config, "--api", f"127.0.0.1:{api_port[0]}",
                                    "--log-level", "warning"], stdout=log, stderr=log)
        CHILDREN.append(gateway)
        wait_for("the API", lambda: can_connect(api_port[0]) or gateway.poll() is not None, 30)
        if gateway.poll() is not None:
            sys.exit(f"FAIL: the gateway exited with {gateway.returncode} (log: {work}/gateway.log)")
        return gateway

    gateway = start_gateway()
    wait_for("the reserve taken", lambda: reserve_held(status_file) is True, 30)
    revoked, publishers, till_answers = [], [], []
    figures = {"cycles_reserve_used_up": 0, "accepted_while_full": 0, "not_recorded_while_full": 0, "restarts_on_full_disk": 0, "reserve_taken_back": 0}
    pool = list(reversed(codes[100:]))
    for cycle in range(options.cycles):
        till = Till(lambda: api_port[0], token, pool)
        till.start()
        time.sleep(0.5)
        filler = fill(disk)
        full_since = time.monotonic()
        # The reserve absorbs redemptions until it is used up too (then the answer is `not_recorded`), or for as long
        # as the database's free pages and the WAL's reused frames last: up to 15 s here, whichever comes first.
        deadline = full_since + 15
        while time.monotonic() < deadline and not any(
                answer[2] == "not_recorded" and answer[4] >= full_since for answer in list(till.answers)):
            time.sleep(0.05)
        used_up = time.monotonic()
        figures["cycles_reserve_used_up"] += used_up < deadline
        # HQ revokes a code while the store's disk is full: the message must be applied once space is back (it is
        # not acknowledged until then) and reported, whatever happens to the gateway meanwhile.
        code = codes[cycle]
        revoked.append(code)
        body = json.dumps({"revocations": [{"code": code, "reason": f"disk-full soak cycle {cycle}"}]})
        publishers.append(subprocess.Popen(
            [binary, "hq", "publish", "--key-id", "hq-1", "--key", key, "--kind", "revocations", "--store", "S1",
             "--seq", str(cycle + 1), "--body", body, "--broker", f"mqtt://127.0.0.1:{broker_port}",
             "--await-report", "--resend-after", "2", "--timeout", "120"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        time.sleep(1)
        # Power lost while the disk is full; the gateway must start again on it and answer.
        gateway.send_signal(signal.SIGKILL)
        gateway.wait()
        gateway = start_gateway()
        figures["restarts_on_full_disk"] += 1
        time.sleep(1)
        os.remove(filler)
        freed, freed_ms = time.monotonic(), time.time() * 1000
        wait_for(f"cycle {cycle}: the reserve taken back",
                 lambda: reserve_held(status_file, newer_than_ms=freed_ms) is True, 30)
        figures["reserve_taken_back"] += 1
        wait_for(f"cycle {cycle}: a redemption accepted after the space came back",
                 lambda: any(answer[2] == "accepted" and answer[4] >= freed for answer in list(till.answers)), 30)
        till.stopped.set()
        till.join()
        first_accepted = min(answer[4] for answer in till.answers if answer[2] == "accepted" and answer[4] >= freed)
        for answer in till.answers:
            if full_since <= answer[4] < freed:
                if answer[2] == "accepted":
                    figures["accepted_while_full"] += 1
                elif answer[2] == "not_recorded":
                    figures["not_recorded_while_full"] += 1
        till_answers += till.answers
        print(f"cycle {cycle}: {len(till.answers)} answers; the disk full for {used_up - full_since:.1f} s before the revocation"
              f" ({'reserve used up' if used_up < deadline else 'reserve still lasting'}); {first_accepted - freed:.2f} s from "
              f"freeing space to the next accepted redemption", file=sys.stderr)

    for cycle, publisher in enumerate(publishers):
        output = publisher.communicate(timeout=150)[0].decode()
        if publisher.returncode != 0:
            sys.exit(f"FAIL: the revocation of cycle {cycle} was not applied (exit {publisher.returncode}): {output}")
    wait_for("the last events at the witness", lambda: witness.count() >= journal_length(binary, db), 120)
    gateway.send_signal(signal.SIGTERM)
    if gateway.wait(30) != 0:
        sys.exit(f"FAIL: the gateway exited with {gateway.returncode}")

    check = subprocess.run([binary, "ledger", "check", "--db", db], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"FAIL: ledger check: {check.stdout} {check.stderr}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as ledger:
        integrity = ledger.execute("PRAGMA integrity_check").fetchone()[0]
        pending = {row[0] for row in ledger.execute("SELECT seq FROM outbox WHERE delivered_ms IS NULL")}
    if integrity != "ok":
        sys.exit(f"FAIL: PRAGMA integrity_check: {integrity}")
    journal = [json.loads(line) for line in subprocess.run(
        [binary, "ledger", "journal", "--db", db, "--json", "--limit", "10000000"], capture_output=True, text=True, check=True).stdout.splitlines()]
    by_seq = {event["seq"]: event for event in journal}
    if sorted(by_seq) != list(range(1, len(journal) + 1)):
        sys.exit("FAIL: the journal's seqs are not 1…N")
    accepted = [answer for answer in till_answers if answer[2] == "accepted"]
    for code, _, _, seq, _ in accepted:
        event = by_seq.get(seq)
        if event is None or (event["op"], event["code"], event["result"]) != ("redeem", code, "accepted"):
            sys.exit(f"FAIL: {code} was answered accepted at seq {seq}, the journal has {event}")
    redeemed = [event["code"] for event in journal if event["op"] == "redeem" and event["result"] == "accepted"]
    if len(redeemed) != len(set(redeemed)):
        sys.exit("FAIL: a code was redeemed twice")
    refused_codes = {answer[0] for answer in till_answers if answer[2] == "not_recorded"}
    lost = [code for code in refused_codes if code not in redeemed and code not in pool]
    if lost:
        sys.exit(f"FAIL: codes answered not_recorded and never redeemed: {lost[:5]}")
    for cycle, code in enumerate(revoked):
        applied = [event for event in journal
                   if event["op"] == "downlink" and event["reason"].startswith(f"HQ revocations:S1 #{cycle + 1} applied")]
        if len(applied) != 1:
            sys.exit(f"FAIL: the revocation of {code} is in the journal {len(applied)} times")
        state = json.loads(subprocess.run([binary, "ledger", "show", "--db", db, code, "--json"],
                                          capture_output=True, text=True, check=True).stdout)
        if state.get("state") != "revoked":
            sys.exit(f"FAIL: {code} is {state.get('state')} after its revocation was reported applied")
    if witness.altered:
        sys.exit(f"FAIL: seqs {witness.altered[:5]} arrived twice with different bytes")
    missing = [seq for seq in by_seq if seq not in witness.events and seq not in pending]
    if missing:
        sys.exit(f"FAIL: {len(missing)} journal events never reached the subscriber (first: {missing[:5]})")
    if figures["accepted_while_full"] == 0:
        sys.exit("FAIL: no redemption was accepted while the disk was full (the reserve did not work)")
    witness.client.loop_stop()
    broker.terminate()
    print(json.dumps({
        "cycles": options.cycles, "filesystem_mib": options.megabytes, **figures,
        "redemptions_accepted": len(accepted), "journal_events": len(journal), "revocations_applied": len(revoked),
        "delivered_to_witness": witness.count(), "pending_after_shutdown": len(pending),
        "seconds": round(time.monotonic() - started, 1), "lost": 0, "double_redemptions": 0, "integrity_check": integrity,
    }))


if __name__ == "__main__":
    run(main)
