#!/usr/bin/python3
"""Soak: `storegate run` SIGKILLed at random moments while tills redeem and sell over the POS API and the outbox
drains to a real mosquitto, ROUNDS times. Then one last run drains everything, and three independent witnesses
must agree:

- the tills' answers: every operation answered `accepted` is in the journal, at the seq it was answered with;
- an independent subscriber (paho-mqtt, QoS 1, connected throughout): every journal event arrived, none altered;
- the ledger: `storegate ledger check` passes, and no code is redeemed (or sold) twice.

Prints its figures as one JSON line; exits 1 on the first broken promise.
usage: kill9.py STOREGATE_BINARY [--rounds N] [--seed S] [--codes C]
"""
import argparse, http.client, json, random, signal, sqlite3, subprocess, sys, tempfile, threading, time


from harness import CHILDREN, Witness, can_connect, free_port, journal_length, new_ledger, run, start_broker, wait_for


class Till(threading.Thread):
    """Redeems and sells random codes (some twice on purpose) until stopped; keeps every answer it got."""

    def __init__(self, port, token, codes, rng):
        super().__init__(daemon=True)
        self.port, self.token, self.codes, self.rng = port, token, codes, rng
        self.answers = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            operation = self.rng.choice(["redeem", "redeem", "sell"])
            code = self.rng.choice(self.codes)
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("POST", f"/v1/{operation}", body=json.dumps({"scan": code}),
                                   headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
                reply = connection.getresponse()
                body = reply.read()
                connection.close()
            except (OSError, http.client.HTTPException):
                return  # the gateway was killed: this request's outcome is unknown, and that is allowed
            if reply.status == 200:
                answer = json.loads(body)
                self.answers.append((operation, code, answer["result"], answer.get("seq")))


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("storegate")
    arguments.add_argument("--rounds", type=int, default=1000)
    arguments.add_argument("--seed", type=int, default=int(time.time()))
    arguments.add_argument("--codes", type=int, default=5000)
    options = arguments.parse_args()
    rng = random.Random(options.seed)
    binary = options.storegate
    started = time.monotonic()

    work = tempfile.mkdtemp(prefix="storegate-soak-")
    broker_port, broker = start_broker(work)
    db = f"{work}/ledger.sqlite"
    codes = [f"01/09506000134352/21/SOAK{i}" for i in range(options.codes)]
    new_ledger(binary, db, codes, work)
    token = subprocess.run([binary, "api", "token", "add", "--db", db, "--till", "T1", "--scopes", "redeem,sell"],
                           check=True, capture_output=True, text=True).stdout.strip()
    witness = Witness(broker_port)
    witness.subscribed.wait(10)

    answers, kills = [], 0
    log = open(f"{work}/gateway.log", "ab")
    for index in range(options.rounds + 1):
        final = index == options.rounds
        api_port = free_port()
        gateway = subprocess.Popen([binary, "run", "--db", db, "--broker", f"mqtt://127.0.0.1:{broker_port}",
                                    "--api", f"127.0.0.1:{api_port}", "--log-level", "warning"], stdout=log, stderr=log)
        CHILDREN.append(gateway)
        wait_for(f"round {index}: the API", lambda: can_connect(api_port) or gateway.poll() is not None, 30)
        if gateway.poll() is not None:
            sys.exit(f"FAIL: round {index}: the gateway exited with {gateway.returncode} (log: {work}/gateway.log)")
        if final:
            # Let it drain everything, then stop it cleanly.
            wait_for("the last events at the witness", lambda: witness.count() >= journal_length(binary, db), 120)
            gateway.send_signal(signal.SIGTERM)
            if gateway.wait(30) != 0:
                sys.exit(f"FAIL: the final gateway exited with {gateway.returncode}")
            break
        tills = [Till(api_port, token, codes, random.Random(rng.random())) for _ in range(2)]
        for till in tills:
            till.start()
        time.sleep(rng.uniform(0.05, 0.6))
        gateway.send_signal(signal.SIGKILL)
        gateway.wait()
        kills += 1
        for till in tills:
            till.stopped.set()
            till.join()
            answers += till.answers

    check = subprocess.run([binary, "ledger", "check", "--db", db], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"FAIL: ledger check: {check.stdout} {check.stderr}")
    journal = [json.loads(line) for line in subprocess.run(
        [binary, "ledger", "journal", "--db", db, "--json", "--limit", "10000000"], capture_output=True, text=True, check=True).stdout.splitlines()]
    by_seq = {event["seq"]: event for event in journal}
    if sorted(by_seq) != list(range(1, len(journal) + 1)):
        sys.exit("FAIL: the journal's seqs are not 1…N")

    accepted = [answer for answer in answers if answer[2] == "accepted"]
    for operation, code, result, seq in accepted:
        event = by_seq.get(seq)
        if event is None or (event["op"], event["code"], event["result"]) != (operation, code, "accepted"):
            sys.exit(f"FAIL: {operation} {code} was answered accepted at seq {seq}, the journal has {event}")
    for operation in ("redeem", "sell"):
        done = [e["code"] for e in journal if e["op"] == operation and e["result"] == "accepted"]
        if len(done) != len(set(done)):
            sys.exit(f"FAIL: a code was {operation} accepted twice")
    if witness.altered:
        sys.exit(f"FAIL: seqs {witness.altered[:5]} arrived twice with different bytes")
    # What the clean shutdown journaled last (its sales summary) may still wait in the outbox for the next start:
    # pending, not lost. Everything else must have reached the subscriber.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as ledger:
        pending = {row[0] for row in ledger.execute("SELECT seq FROM outbox WHERE delivered_ms IS NULL")}
    missing = [seq for seq in by_seq if seq not in witness.events and seq not in pending]
    if missing:
        sys.exit(f"FAIL: {len(missing)} journal events never reached the subscriber (first: {missing[:5]})")
    for seq, payload in witness.events.items():
        if json.loads(payload)["event_id"] != by_seq[seq]["event_id"]:
            sys.exit(f"FAIL: the event the subscriber got at seq {seq} is not the journal's")

    witness.client.loop_stop()
    broker.terminate()
    print(json.dumps({
        "rounds": options.rounds, "kills": kills, "seed": options.seed, "answers": len(answers),
        "accepted": len(accepted), "journal_events": len(journal), "delivered_to_witness": witness.count(),
        "duplicates_at_witness": witness.duplicates, "pending_after_shutdown": len(pending),
        "accepted_redemptions": sum(1 for e in journal if e["op"] == "redeem" and e["result"] == "accepted"),
        "seconds": round(time.monotonic() - started, 1), "lost": 0, "double_redemptions": 0,
    }))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    run(main)
