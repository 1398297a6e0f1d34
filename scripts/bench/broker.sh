# Sourced by the MQTT benchmarks: starts a private mosquitto on a free loopback port and stops it on exit.
# Queue limits are lifted explicitly (mosquitto's default max_queued_messages drops QoS 1 for slow subscribers);
# $SYS is refreshed every second so a benchmark can read the broker's own message counts.
# Usage: start_bench_broker DIR   → sets PORT and BROKER_PID.
start_bench_broker() {
    local dir=$1
    mkdir -p "$dir"; chmod 0777 "$dir"   # mosquitto drops to its own user when started as root
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_queued_bytes 0\nsys_interval 1\n' "$PORT" >"$dir/mosquitto.conf"
    mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 & BROKER_PID=$!
    trap 'kill $BROKER_PID 2>/dev/null || true' EXIT
    for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
}
